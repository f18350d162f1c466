// BatchApplier: applies the events of one projection batch to the read
// models (Projector::ApplyBatch, projector.cc). One idea per file:
//   batch_applier.cc           dispatch, refusals, offices, days, duty
//   batch_applier_ratings.cc   ratings, voids, complaints about ratings,
//                              rating chunks, automatic follow-ups
//   batch_applier_dossiers.cc  dossiers, recorded complaints, the pending
//                              index of Decision 766
//   batch_applier_records.cc   follow-ups, catalogue entries, templates
// Private to the projector.
//
// Thread safety: one BatchApplier per batch, on the projector's thread.
// Ownership: every pointer and reference given to the constructor is not
// owned and must outlive the applier. Errors: Apply returns the store's
// error or Corruption for a stored model that does not decode; the batch
// is then not written (the projector retries it).
#pragma once

#include <climits>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "event_authorization.h"
#include "hailong/hub/projector.h"
#include "hailong/replication/event_log.h"
#include "hailong/schema/events_generated.h"
#include "macros.h"
#include "projection_state.h"
#include "rebuild_state.h"

namespace hailong::hub {

// Reason of the follow-ups the projector opens: "unsatisfied_with_comment"
// or "unsatisfied_with_phone".
inline constexpr char kAutoReasonPrefix[] = "unsatisfied_";

class BatchApplier {
 public:
  using json = nlohmann::json;

  // `rebuild`: during a rebuild, where tally cells, dossier states and
  // rating chunks go instead of `overlay` (they outlive the batch).
  BatchApplier(const ProjectorOptions& options, Overlay* overlay, RebuildState* rebuild,
               const std::map<std::string, uint64_t>& cursors,
               std::unordered_set<std::string>* flagged, AppliedBatch* applied)
      : options_(options),
        overlay_(overlay),
        rebuild_(rebuild),
        cursors_(cursors),
        flagged_(flagged),
        applied_(applied) {
    InitLookups();
  }

  std::vector<replication::EventDraft>& follow_up_drafts() { return drafts_; }

  Status Apply(const std::string& origin, uint64_t seq, const fb::Event& e);

  // Hands the batch's rating chunks to the overlay.
  void FlushChunks();

 private:
  // batch_applier.cc
  const OriginIdentity& Identity(const std::string& origin);
  // A refused event: x/hub/p/rx/<origin>/<n> (the origin's n-th refused
  // event) and the origin's count x/hub/p/rn/<origin>, in the batch.
  Status RecordRefusal(const std::string& origin, uint64_t seq, const fb::Event& e,
                       const EventVerdict& verdict);
  std::string OfficeOf(const flatbuffers::String* office, const std::string& origin) const;
  // True if event (origin, seq) has been applied, counting this batch.
  bool IsApplied(const std::string& origin, uint64_t seq) const;
  void NoteOffice(const std::string& office);
  // "YYYY-MM-DD" in Asia/Ho_Chi_Minh; events of a batch mostly share a day.
  const std::string& Day(int64_t ms);
  // Adds `t` to the day's tallies (office first and day first) and to its
  // month's roll-up.
  void AddTally(Dimension dim, std::string_view office, std::string_view day,
                std::string_view value, const Tally& t);
  Status LoadJson(const std::string& key, json* out);
  // Fills lookups_ (a rating's origin, a follow-up's office) for the
  // authorization table at a province (event_authorization.h).
  void InitLookups();

  // batch_applier_ratings.cc
  void PutFlags(const std::string& key, const RatingFlags& flags);
  // The flags of rating (origin, seq); none without building the key when
  // no rating has flags yet (a rebuild's first origins).
  Status GetRatingFlags(const std::string& origin, uint64_t seq, RatingFlags* flags);
  Status GetFlags(const std::string& key, RatingFlags* flags);
  void AddRatingTallies(const std::string& office, const std::string& day,
                        const fb::RatingSubmitted& r, const Tally& t);
  Status ApplyRating(const std::string& origin, uint64_t seq, const fb::Event& e,
                     const fb::RatingSubmitted& r, bool /*unused*/);
  // The rating chunk of (office, hour of time_ms, origin), loaded once per
  // batch and kept here until FlushChunks.
  Status Chunk(const std::string& office, int64_t time_ms, const std::string& origin,
               std::string** chunk);
  void OpenFollowUp(const std::string& origin, uint64_t seq, const std::string& office,
                    bool has_comment);
  // Reads a rating that was applied earlier (for a void or a complaint).
  Status ReadRating(const std::string& origin, uint64_t seq, std::string* bytes,
                    const fb::RatingSubmitted** rating, const fb::Event** event);
  Status ApplyVoid(const fb::RatingVoided& v);
  Status Complain(const std::string& origin, uint64_t seq, bool known_unsatisfied);

  // batch_applier_dossiers.cc
  void AddDossierTallies(const std::string& office, const DossierState& d, const Tally& t);
  // The return-day cells: a returned dossier counts on its return day at
  // the counter and officer that returned it (DossierState::ReturnContribution).
  void AddReturnTallies(const std::string& office, const DossierState& d, const Tally& t);
  // The five cells (office, counter, officer, field, procedure) of a
  // dossier's figures on `day`.
  void AddDossierCells(const std::string& office, const std::string& day,
                       const std::string& counter, const std::string& officer,
                       const DossierState& d, const Tally& t);
  // The pending index of Decision 766 on the clock (report_decision766.h),
  // incrementally; a rebuild writes it with the dossier states.
  Status UpdatePendingIndex(const std::string& office, std::string_view receipt,
                            const DossierState& before, const DossierState& after);
  Status ApplyDossier(const std::string& origin, const fb::Event& e, const fb::DossierRecorded& d);
  // A complaint recorded at the hub (ComplaintRecorded): kept under its
  // dossier (x/hub/p/cp/), and the dossier counts as complained about in
  // Decision 766 (DossierState::complaints), before or after the dossier
  // itself arrives. Recorded twice (same id): the first wins.
  Status ApplyComplaint(uint64_t seq, const fb::Event& e, const fb::ComplaintRecorded& c);
  // A visit (queue number, citizen served) counts on its day at its office
  // and counter: the base of participation by visits.
  void ApplyVisit(const std::string& origin, const fb::Event& e, const fb::VisitRecorded& v);
  // Loads a dossier, lets `change` modify it, and moves its contributions
  // (entry day and return day).
  template <typename Fn>
  Status UpdateDossier(const std::string& office, std::string_view receipt, Fn change);

  // batch_applier_records.cc
  Status ApplyFollowUpOpened(const fb::Event& e, const fb::FollowUpOpened& f);
  Status ApplyFollowUpNoted(const fb::Event& e, const fb::FollowUpNoted& n);
  Status ApplyFollowUpClosed(const fb::Event& e, const fb::FollowUpClosed& c);
  Status ApplyCatalogue(const fb::Event& e, const fb::CatalogueChanged& c);
  Status ApplyTemplate(const fb::Event& e, const fb::TemplatePublished& t);

  const ProjectorOptions& options_;
  Overlay* overlay_;
  RebuildState* rebuild_;
  std::string key_;  // scratch
  std::string last_noted_office_;
  std::string answer_;  // scratch
  const std::map<std::string, uint64_t>& cursors_;
  std::unordered_set<std::string>* flagged_;  // rf/ keys that exist
  AppliedBatch* applied_;
  int64_t cached_day_number_ = INT64_MIN;
  std::string cached_day_;
  std::string current_origin_;
  uint64_t current_seq_ = 0;
  std::vector<replication::EventDraft> drafts_;
  EventLookups lookups_;  // what the table needs for a district hub's references
  OriginIdentity identity_;
  std::string identity_origin_;
  bool identity_known_ = false;
  std::string refused_origin_;  // the origin whose count refused_count_ is
  uint64_t refused_count_ = 0;
  std::unordered_map<std::string, std::string> chunks_;
  std::string* last_chunk_ = nullptr;
  int64_t last_chunk_start_ = 0;
  std::string last_chunk_office_, last_chunk_origin_;
};

template <typename Fn>
Status BatchApplier::UpdateDossier(const std::string& office, std::string_view receipt, Fn change) {
  DossierState stored;
  DossierState* d = &stored;
  if (rebuild_ != nullptr) {
    // The state itself, changed in place.
    HAILONG_RETURN_IF_ERROR(rebuild_->Dossier(options_.log->store(), office, receipt, &d));
  } else {
    codec::DossierKey(office, receipt, &key_);
    std::string v;
    Status s = overlay_->Get(key_, &v);
    if (s.ok()) {
      if (!d->Decode(v)) return Status::Corruption("bad dossier state at " + key_);
    } else if (!s.IsNotFound()) {
      return s;
    }
  }
  const DossierState before = *d;
  change(d);
  Tally delta = d->Contribution();
  delta.Add(before.Contribution(), -1);
  if (before.entered && before.day == d->day && before.counter == d->counter &&
      before.officer == d->officer && before.field == d->field &&
      before.procedure == d->procedure) {
    AddDossierTallies(office, *d, delta);
  } else {
    AddDossierTallies(office, before, before.Contribution().Negated());
    AddDossierTallies(office, *d, d->Contribution());
  }
  if (before.SameReturnCells(*d)) {
    Tally returned = d->ReturnContribution();
    returned.Add(before.ReturnContribution(), -1);
    AddReturnTallies(office, *d, returned);
  } else {
    AddReturnTallies(office, before, before.ReturnContribution().Negated());
    AddReturnTallies(office, *d, d->ReturnContribution());
  }
  if (rebuild_ == nullptr) {
    overlay_->Put(key_, d->Encode());
    HAILONG_RETURN_IF_ERROR(UpdatePendingIndex(office, receipt, before, *d));
  }
  return Status::OK();
}

}  // namespace hailong::hub
