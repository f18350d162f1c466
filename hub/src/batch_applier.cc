// BatchApplier (batch_applier.h): the dispatch of an event, refusals, the
// offices and days of a batch, officers on duty.
#include "batch_applier.h"

#include "api_comments.h"
#include "catalogue_entries.h"
#include "codec.h"
#include "hailong/hub/hub.h"
#include "hailong/schema/event_json.h"
#include "names.h"
#include "personal_keys.h"
#include "province_origins.h"
#include "report_decision766.h"
#include "sign_in_names.h"

namespace hailong::hub {

namespace fb = hailong::fb;
using json = nlohmann::json;

void BatchApplier::InitLookups() {
  lookups_.identify = [this](const std::string& o) { return IdentifyProjected(options_, o); };
  lookups_.follow_up_office = [this](const std::string& id, std::string* office) {
    json j;
    if (!LoadJson(codec::FollowUpKey(id), &j).ok()) return false;
    *office = j.value("office", "");
    return true;
  };
}

Status BatchApplier::Apply(const std::string& origin, uint64_t seq, const fb::Event& e) {
  current_origin_ = origin;
  current_seq_ = seq;
  // Who may make which event (event_authorization.h): a refused event is
  // kept as evidence and reaches no figure.
  const EventVerdict verdict = AuthorizeEvent(Identity(origin), e, &lookups_);
  if (verdict.refused()) return RecordRefusal(origin, seq, e, verdict);
  if (!verdict.applies()) return Status::OK();
  switch (e.body_type()) {
    case fb::EventBody::RatingSubmitted:
      return ApplyRating(origin, seq, e, *e.body_as_RatingSubmitted(), false);
    case fb::EventBody::DossierRecorded:
      return ApplyDossier(origin, e, *e.body_as_DossierRecorded());
    case fb::EventBody::RatingVoided:
      return ApplyVoid(*e.body_as_RatingVoided());
    case fb::EventBody::FollowUpOpened:
      return ApplyFollowUpOpened(e, *e.body_as_FollowUpOpened());
    case fb::EventBody::FollowUpNoted:
      return ApplyFollowUpNoted(e, *e.body_as_FollowUpNoted());
    case fb::EventBody::FollowUpClosed:
      return ApplyFollowUpClosed(e, *e.body_as_FollowUpClosed());
    case fb::EventBody::ComplaintRecorded:
      return ApplyComplaint(seq, e, *e.body_as_ComplaintRecorded());
    case fb::EventBody::VisitRecorded:
      ApplyVisit(origin, e, *e.body_as_VisitRecorded());
      return Status::OK();
    case fb::EventBody::CatalogueChanged:
      return ApplyCatalogue(e, *e.body_as_CatalogueChanged());
    case fb::EventBody::TemplatePublished:
      return ApplyTemplate(e, *e.body_as_TemplatePublished());
    case fb::EventBody::OfficerSignedIn: {
      const fb::OfficerSignedIn& in = *e.body_as_OfficerSignedIn();
      const std::string office = OfficeOf(in.office(), origin);
      if (in.officer() && in.officer()->size() > 0 && in.officer_name() &&
          in.officer_name()->size() > 0 && !office.empty()) {
        overlay_->Put(SignInNames::NameKey(office, View(in.officer())), in.officer_name()->str());
      }
      overlay_->Put(codec::DutyKey(office, Str(in.counter())),
                    codec::Dump(json{{"officer", Str(in.officer())},
                                     {"officer_name", Str(in.officer_name())},
                                     {"template", Str(in.template_id())},
                                     {"since_ms", e.time_ms()}}));
      return Status::OK();
    }
    case fb::EventBody::OfficerSignedOut: {
      const fb::OfficerSignedOut& out = *e.body_as_OfficerSignedOut();
      const std::string key = codec::DutyKey(OfficeOf(out.office(), origin), Str(out.counter()));
      json duty;
      if (LoadJson(key, &duty).ok() && duty.value("officer", "") == Str(out.officer())) {
        overlay_->Delete(key);
      }
      return Status::OK();
    }
    default:
      return Status::OK();
  }
}

// Hands the batch's rating chunks to the overlay.
void BatchApplier::FlushChunks() {
  for (auto& [key, chunk] : chunks_) overlay_->Put(key, std::move(chunk));
  chunks_.clear();
  last_chunk_ = nullptr;
}

const OriginIdentity& BatchApplier::Identity(const std::string& origin) {
  if (!identity_known_ || origin != identity_origin_) {
    identity_ = IdentifyProjected(options_, origin);
    identity_origin_ = origin;
    identity_known_ = true;
  }
  return identity_;
}

// A refused event: x/hub/p/rx/<origin>/<n> (the origin's n-th refused
// event) and the origin's count x/hub/p/rn/<origin>, in the batch.
Status BatchApplier::RecordRefusal(const std::string& origin, uint64_t seq, const fb::Event& e,
                                   const EventVerdict& verdict) {
  if (refused_origin_ != origin) {
    std::string v;
    Status s = overlay_->Get(codec::RefusedCountKey(origin), &v);
    if (!s.ok() && !s.IsNotFound()) return s;
    refused_count_ = s.ok() ? std::strtoull(v.c_str(), nullptr, 10) : 0;
    refused_origin_ = origin;
  }
  ++refused_count_;
  json j{{"seq", seq},
         {"type", EventTypeName(e.body_type())},
         {"reason", RefusalName(verdict.refusal)},
         {"time_ms", e.time_ms()}};
  if (!verdict.claimed_office.empty()) j["office"] = verdict.claimed_office;
  overlay_->Put(codec::RefusedEventKey(origin, refused_count_), codec::Dump(j));
  overlay_->Put(codec::RefusedCountKey(origin), std::to_string(refused_count_));
  applied_->refused++;
  return Status::OK();
}

std::string BatchApplier::OfficeOf(const flatbuffers::String* office,
                                   const std::string& origin) const {
  if (office && office->size() > 0) return office->str();
  return IdentifyProjected(options_, origin).office;
}

// True if event (origin, seq) has been applied, counting this batch.
bool BatchApplier::IsApplied(const std::string& origin, uint64_t seq) const {
  if (origin == current_origin_) return seq < current_seq_;
  auto it = cursors_.find(origin);
  return it != cursors_.end() && seq <= it->second;
}

void BatchApplier::NoteOffice(const std::string& office) {
  if (office == last_noted_office_ && !applied_->offices.empty()) return;
  last_noted_office_ = office;
  if (applied_->offices.insert(office).second) {
    overlay_->Put(codec::OfficeKey(office), "");
  }
}

// "YYYY-MM-DD" in Asia/Ho_Chi_Minh; events of a batch mostly share a day.
const std::string& BatchApplier::Day(int64_t ms) {
  const int64_t local = ms + kVietnamOffsetMs;
  const int64_t number = local >= 0 ? local / 86400000 : (local - 86399999) / 86400000;
  if (number != cached_day_number_) {
    cached_day_number_ = number;
    cached_day_ = VietnamDay(ms);
  }
  return cached_day_;
}

// Adds `t` to the day's tallies (office first and day first) and to its
// month's roll-up.
void BatchApplier::AddTally(Dimension dim, std::string_view office, std::string_view day,
                            std::string_view value, const Tally& t) {
  if (rebuild_ != nullptr) {
    rebuild_->tallies.Add(dim, office, day, value, t);
  } else {
    overlay_->AddCell(dim, office, day, value, t);
  }
}

Status BatchApplier::LoadJson(const std::string& key, json* out) {
  std::string v;
  Status s = overlay_->Get(key, &v);
  if (s.IsNotFound()) return s;
  if (!s.ok()) return s;
  *out = json::parse(v, nullptr, false);
  if (out->is_discarded()) return Status::Corruption("bad JSON at " + key);
  return Status::OK();
}

}  // namespace hailong::hub
