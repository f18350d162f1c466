// BatchApplier (batch_applier.h): dossiers, complaints recorded at the hub
// and the pending index of Decision 766 (report_decision766.h).
#include "api_comments.h"
#include "batch_applier.h"
#include "catalogue_entries.h"
#include "codec.h"
#include "hailong/hub/hub.h"
#include "hailong/schema/event_json.h"
#include "names.h"
#include "personal_keys.h"
#include "report_decision766.h"
#include "sign_in_names.h"

namespace hailong::hub {

namespace fb = hailong::fb;
using json = nlohmann::json;

void BatchApplier::AddDossierTallies(const std::string& office, const DossierState& d,
                                     const Tally& t) {
  AddDossierCells(office, d.day, d.counter, d.officer, d, t);
}

void BatchApplier::AddReturnTallies(const std::string& office, const DossierState& d,
                                    const Tally& t) {
  AddDossierCells(office, d.return_day, d.return_counter, d.return_officer, d, t);
}

void BatchApplier::AddDossierCells(const std::string& office, const std::string& day,
                                   const std::string& counter, const std::string& officer,
                                   const DossierState& d, const Tally& t) {
  if (t.IsZero()) return;
  AddTally(Dimension::kOffice, office, day, "", t);
  AddTally(Dimension::kCounter, office, day, counter, t);
  AddTally(Dimension::kOfficer, office, day, officer, t);
  AddTally(Dimension::kField, office, day, d.field, t);
  AddTally(Dimension::kProcedure, office, day, d.procedure, t);
}

void BatchApplier::ApplyVisit(const std::string& origin, const fb::Event& e,
                              const fb::VisitRecorded& v) {
  const std::string office = OfficeOf(v.office(), origin);
  NoteOffice(office);
  const std::string& day = Day(v.at_ms() > 0 ? v.at_ms() : e.time_ms());
  Tally t;
  t.visits = 1;
  AddTally(Dimension::kOffice, office, day, "", t);
  AddTally(Dimension::kCounter, office, day, View(v.counter()), t);
  applied_->offices.insert(office);
}

// The pending index of Decision 766 on the clock (report_decision766.h),
// incrementally; a rebuild writes it with the dossier states.
Status BatchApplier::UpdatePendingIndex(const std::string& office, std::string_view receipt,
                                        const DossierState& before, const DossierState& after) {
  if (before.PendingCounted() && (!after.PendingCounted() || before.day != after.day)) {
    overlay_->Delete(decision766::PendingKey(before.day, office, receipt));
  }
  if (after.PendingCounted()) {
    overlay_->Put(decision766::PendingKey(after.day, office, receipt),
                  decision766::PendingValue(after));
  }
  // The longest lead of any dossier with a due time (a rebuild computes
  // the same from the final states: day and due never change once set).
  if (!after.entered || after.due_ms <= 0) return Status::OK();
  const int64_t lead = decision766::Lead(after);
  if (lead <= 0) return Status::OK();
  std::string v;
  Status s = overlay_->Get(std::string(decision766::kLeadKey), &v);
  if (!s.ok() && !s.IsNotFound()) return s;
  if (!s.ok() || std::strtoll(v.c_str(), nullptr, 10) < lead) {
    overlay_->Put(std::string(decision766::kLeadKey), std::to_string(lead));
  }
  return Status::OK();
}

Status BatchApplier::ApplyDossier(const std::string& origin, const fb::Event& e,
                                  const fb::DossierRecorded& d) {
  applied_->dossiers++;
  const std::string office = OfficeOf(d.office(), origin);
  NoteOffice(office);
  const int64_t at = d.at_ms() > 0 ? d.at_ms() : e.time_ms();
  const std::string receipt = Str(d.receipt());
  // The dossier enters on its first event: its day and intake.
  auto enter = [&](DossierState* s) {
    s->entered = true;
    s->entered_ms = at;
    s->day = Day(at);
    s->counter = Str(d.counter());
    s->officer = Str(d.officer());
    s->field = Str(d.field());
    s->procedure = Str(d.procedure());
  };
  if (d.stage() == fb::DossierStage::Received) {
    return UpdateDossier(office, receipt, [&](DossierState* s) {
      if (s->entered) {
        if (s->due_ms == 0) s->due_ms = d.due_ms();
        return;
      }
      enter(s);
      s->due_ms = d.due_ms();
    });
  }
  // Returned: the first return counts (DossierState::ReturnContribution).
  return UpdateDossier(office, receipt, [&](DossierState* s) {
    if (!s->entered) enter(s);
    if (s->due_ms == 0) s->due_ms = d.due_ms();
    if (s->returned_ms == 0) {
      s->returned_ms = at;
      s->return_day = Day(at);
      s->return_counter = d.counter() && d.counter()->size() ? d.counter()->str() : s->counter;
      s->return_officer = d.officer() && d.officer()->size() ? d.officer()->str() : s->officer;
    }
  });
}

// A complaint recorded at the hub (ComplaintRecorded): kept under its
// dossier (x/hub/p/cp/), and the dossier counts as complained about in
// Decision 766 (DossierState::complaints), before or after the dossier
// itself arrives. Recorded twice (same id): the first wins.
Status BatchApplier::ApplyComplaint(uint64_t seq, const fb::Event& e,
                                    const fb::ComplaintRecorded& c) {
  applied_->dossiers++;
  const std::string office = Str(c.office());
  const std::string receipt = Str(c.dossier());
  if (office.empty() || receipt.empty()) return Status::OK();  // the API never records one
  const std::string key = decision766::ComplaintKey(office, receipt, Str(c.complaint_id()));
  json j;
  Status s = LoadJson(key, &j);
  if (s.ok()) {
    // Recorded already: from the copy in `hub` (no note) or the one in
    // `hub-private` (api_dossiers.cc). The note comes from whichever has it.
    if (!j.contains("note") && c.sealed_note() != nullptr) {
      j["note"] = PersonalKeys::SealedJson(current_origin_, nullptr, c.sealed_note());
      overlay_->Put(key, codec::Dump(j));
    }
    return Status::OK();
  }
  if (!s.IsNotFound()) return s;
  j = json{{"id", Str(c.complaint_id())},
           {"office", office},
           {"dossier", receipt},
           {"channel", schema::ComplaintChannelName(c.channel())},
           {"received_ms", c.received_ms()},
           {"recorded_ms", e.time_ms()},
           {"by", Str(c.by())},
           {"origin", current_origin_},
           {"seq", seq}};
  if (c.sealed_note() != nullptr) {
    j["note"] = PersonalKeys::SealedJson(current_origin_, nullptr, c.sealed_note());
  }
  overlay_->Put(key, codec::Dump(j));
  NoteOffice(office);
  applied_->offices.insert(office);
  return UpdateDossier(office, receipt, [](DossierState* d) { d->complaints++; });
}

}  // namespace hailong::hub
