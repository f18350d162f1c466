#include "hailong/hub/projector.h"

#include <climits>
#include <iostream>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "api_comments.h"
#include "catalogue_entries.h"
#include "codec.h"
#include "event_authorization.h"
#include "hailong/hub/hub.h"
#include "hailong/schema/event_json.h"
#include "macros.h"
#include "names.h"
#include "personal_keys.h"
#include "projection_state.h"
#include "province_origins.h"
#include "rebuild_scan.h"
#include "rebuild_state.h"
#include "report_decision766.h"
#include "sign_in_names.h"

namespace hailong::hub {

namespace fb = hailong::fb;
using json = nlohmann::json;
using replication::StoredEvent;
using replication::WriteBatch;

namespace {

// Reason of the follow-ups the projector opens: "unsatisfied_with_comment"
// or "unsatisfied_with_phone".
constexpr char kAutoReasonPrefix[] = "unsatisfied_";

std::string Str(const flatbuffers::String* s) { return s ? s->str() : std::string(); }
std::string_view View(const flatbuffers::String* s) {
  return s ? std::string_view(s->c_str(), s->size()) : std::string_view();
}

// Rebuild: the key that says a rebuild is under way (outside the projection
// prefix, so dropping the models keeps it). Found at Open, the rebuild
// starts again: its tallies are written only at the end.
constexpr char kRebuildMarkerKey[] = "x/hub/rebuilding";
// Rebuild: most writes in one WriteBatch of the final (unsynced) writes.
constexpr size_t kRebuildWriteOps = 100000;

int64_t RatingTime(const fb::RatingSubmitted& r, const fb::Event& e) {
  if (r.device_time_ms() > 0) return r.device_time_ms();
  if (r.edge_time_ms() > 0) return r.edge_time_ms();
  return e.time_ms();
}

bool IsMisuse(const fb::RatingSubmitted& r) {
  return (static_cast<uint32_t>(r.flags()) &
          static_cast<uint32_t>(fb::RatingFlags::SuspectedMisuse)) != 0;
}

// "Rất hài lòng": classified satisfied with every answer the option
// `very_satisfied` (the top of the smiley-4 and gia-lam-phone scales; a
// template without that option has no very satisfied ratings).
bool VerySatisfied(const fb::RatingSubmitted& r) {
  if (r.classification() != fb::Classification::Satisfied || !r.answers() ||
      r.answers()->size() == 0) {
    return false;
  }
  for (const fb::Answer* a : *r.answers()) {
    if (a == nullptr || a->option() == nullptr || a->option()->string_view() != "very_satisfied") {
      return false;
    }
  }
  return true;
}

Tally RatingTally(const fb::RatingSubmitted& r) {
  Tally t = Tally::OneRating(static_cast<uint8_t>(r.classification()), HasComment(r), HasPhone(r));
  t.very_satisfied = VerySatisfied(r) ? 1 : 0;
  return t;
}

// Everything the projection of one batch needs besides the overlay.
class BatchApplier {
 public:
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
    // What the table needs for a district hub's references (at a province).
    lookups_.identify = [this](const std::string& o) { return IdentifyProjected(options_, o); };
    lookups_.follow_up_office = [this](const std::string& id, std::string* office) {
      json j;
      if (!LoadJson(codec::FollowUpKey(id), &j).ok()) return false;
      *office = j.value("office", "");
      return true;
    };
  }

  std::vector<replication::EventDraft>& follow_up_drafts() { return drafts_; }

  Status Apply(const std::string& origin, uint64_t seq, const fb::Event& e) {
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

 private:
  const OriginIdentity& Identity(const std::string& origin) {
    if (!identity_known_ || origin != identity_origin_) {
      identity_ = IdentifyProjected(options_, origin);
      identity_origin_ = origin;
      identity_known_ = true;
    }
    return identity_;
  }

  // A refused event: x/hub/p/rx/<origin>/<n> (the origin's n-th refused
  // event) and the origin's count x/hub/p/rn/<origin>, in the batch.
  Status RecordRefusal(const std::string& origin, uint64_t seq, const fb::Event& e,
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

  std::string OfficeOf(const flatbuffers::String* office, const std::string& origin) const {
    if (office && office->size() > 0) return office->str();
    return IdentifyProjected(options_, origin).office;
  }

  // True if event (origin, seq) has been applied, counting this batch.
  bool IsApplied(const std::string& origin, uint64_t seq) const {
    if (origin == current_origin_) return seq < current_seq_;
    auto it = cursors_.find(origin);
    return it != cursors_.end() && seq <= it->second;
  }

  void NoteOffice(const std::string& office) {
    if (office == last_noted_office_ && !applied_->offices.empty()) return;
    last_noted_office_ = office;
    if (applied_->offices.insert(office).second) {
      overlay_->Put(codec::OfficeKey(office), "");
    }
  }

  // "YYYY-MM-DD" in Asia/Ho_Chi_Minh; events of a batch mostly share a day.
  const std::string& Day(int64_t ms) {
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
  void AddTally(Dimension dim, std::string_view office, std::string_view day,
                std::string_view value, const Tally& t) {
    if (rebuild_ != nullptr) {
      rebuild_->tallies.Add(dim, office, day, value, t);
    } else {
      overlay_->AddCell(dim, office, day, value, t);
    }
  }

  void PutFlags(const std::string& key, const RatingFlags& flags) {
    flagged_->insert(key);
    overlay_->Put(key, flags.Encode());
  }

  // The flags of rating (origin, seq); none without building the key when
  // no rating has flags yet (a rebuild's first origins).
  Status GetRatingFlags(const std::string& origin, uint64_t seq, RatingFlags* flags) {
    if (flagged_->empty()) return Status::OK();
    return GetFlags(codec::RatingFlagsKey(origin, seq), flags);
  }

  Status GetFlags(const std::string& key, RatingFlags* flags) {
    // Flags are rare (voids, complaints): the set of existing keys saves a
    // store lookup per rating.
    if (flagged_->count(key) == 0) return Status::OK();
    std::string v;
    Status s = overlay_->Get(key, &v);
    if (s.IsNotFound()) return Status::OK();
    if (!s.ok()) return s;
    if (!flags->Decode(v)) return Status::Corruption("bad rating flags at " + key);
    return Status::OK();
  }

  void AddRatingTallies(const std::string& office, const std::string& day,
                        const fb::RatingSubmitted& r, const Tally& t) {
    AddTally(Dimension::kOffice, office, day, "", t);
    AddTally(Dimension::kCounter, office, day, View(r.counter()), t);
    AddTally(Dimension::kOfficer, office, day, View(r.officer()), t);
    AddTally(Dimension::kField, office, day, View(r.field()), t);
    AddTally(Dimension::kProcedure, office, day, View(r.procedure()), t);
    const std::string_view tpl = View(r.template_id());
    AddTally(Dimension::kTemplate, office, day, tpl, t);
    AddTally(Dimension::kChannel, office, day, ChannelName(r.channel()), t);
    if (r.answers()) {
      for (const fb::Answer* a : *r.answers()) {
        answer_.assign(tpl);
        answer_.push_back('|');
        answer_.append(View(a->criterion()));
        answer_.push_back('|');
        answer_.append(View(a->option()));
        AddTally(Dimension::kAnswer, office, day, answer_, t);
      }
    }
  }

  void AddDossierTallies(const std::string& office, const DossierState& d, const Tally& t) {
    if (t.IsZero()) return;
    AddTally(Dimension::kOffice, office, d.day, "", t);
    AddTally(Dimension::kCounter, office, d.day, d.counter, t);
    AddTally(Dimension::kOfficer, office, d.day, d.officer, t);
    AddTally(Dimension::kField, office, d.day, d.field, t);
    AddTally(Dimension::kProcedure, office, d.day, d.procedure, t);
  }

  // Loads a dossier, lets `change` modify it, and moves its contribution.
  template <typename Fn>
  Status UpdateDossier(const std::string& office, std::string_view receipt, Fn change) {
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
    if (rebuild_ == nullptr) {
      overlay_->Put(key_, d->Encode());
      HAILONG_RETURN_IF_ERROR(UpdatePendingIndex(office, receipt, before, *d));
    }
    return Status::OK();
  }

  // The pending index of Decision 766 on the clock (report_decision766.h),
  // incrementally; a rebuild writes it with the dossier states.
  Status UpdatePendingIndex(const std::string& office, std::string_view receipt,
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

  Status ApplyRating(const std::string& origin, uint64_t seq, const fb::Event& e,
                     const fb::RatingSubmitted& r, bool /*unused*/) {
    applied_->ratings++;
    const std::string office = OfficeOf(r.office(), origin);
    const int64_t time = RatingTime(r, e);
    const std::string& day = Day(time);
    NoteOffice(office);
    RatingFlags flags;
    HAILONG_RETURN_IF_ERROR(GetRatingFlags(origin, seq, &flags));
    const bool misuse = IsMisuse(r);
    const bool counted = !misuse && !flags.voided;

    RatingIndexEntry index;
    index.classification = static_cast<uint8_t>(r.classification());
    index.misuse = misuse;
    index.voided = flags.voided;
    index.has_comment = HasComment(r);
    index.has_phone = HasPhone(r);
    index.very_satisfied = VerySatisfied(r);
    index.counter = View(r.counter());
    index.officer = View(r.officer());
    index.channel = ChannelName(r.channel());
    index.field = View(r.field());
    index.procedure = View(r.procedure());
    std::string* chunk = nullptr;
    HAILONG_RETURN_IF_ERROR(Chunk(office, time, origin, &chunk));
    const size_t chunk_size = chunk->size();
    rating_chunk::Append(chunk, seq, time, index);
    if (rebuild_ != nullptr) rebuild_->bytes += chunk->size() - chunk_size;

    if (!counted) {
      Tally t;
      t.excluded = 1;
      AddTally(Dimension::kOffice, office, day, "", t);
      if (r.dossier() && r.dossier()->size() > 0) {  // still in the dossier's review
        HAILONG_RETURN_IF_ERROR(UpdateDossier(
            office, View(r.dossier()), [&](DossierState* d) { d->AddRatingRef(origin, seq); }));
        if (rebuild_ != nullptr) rebuild_->bytes += origin.size() + 6;
      }
      return Status::OK();
    }
    AddRatingTallies(office, day, r, RatingTally(r));
    const bool unsatisfied = r.classification() == fb::Classification::Unsatisfied;
    if (r.dossier() && r.dossier()->size() > 0) {
      const bool bad = unsatisfied || flags.complained;
      HAILONG_RETURN_IF_ERROR(UpdateDossier(office, View(r.dossier()), [&](DossierState* d) {
        d->rated++;
        if (bad) d->bad++;
        d->AddRatingRef(origin, seq);
      }));
      if (rebuild_ != nullptr) rebuild_->bytes += origin.size() + 6;
    }
    if (options_.open_follow_ups && unsatisfied && (index.has_comment || index.has_phone)) {
      OpenFollowUp(origin, seq, office, index.has_comment);
    }
    return Status::OK();
  }

  // The rating chunk of (office, hour of time_ms, origin), loaded once per
  // batch and kept here until FlushChunks.
  Status Chunk(const std::string& office, int64_t time_ms, const std::string& origin,
               std::string** chunk) {
    const int64_t start = codec::RatingChunkStart(time_ms);
    if (last_chunk_ != nullptr && start == last_chunk_start_ && office == last_chunk_office_ &&
        origin == last_chunk_origin_) {
      *chunk = last_chunk_;
      return Status::OK();
    }
    if (rebuild_ != nullptr) {
      HAILONG_RETURN_IF_ERROR(
          rebuild_->Chunk(options_.log->store(), office, time_ms, origin, &last_chunk_));
    } else {
      const std::string key = codec::RatingChunkKey(office, time_ms, origin);
      auto it = chunks_.find(key);
      if (it == chunks_.end()) {
        std::string stored;
        Status s = overlay_->Get(key, &stored);
        if (!s.ok() && !s.IsNotFound()) return s;
        it = chunks_.emplace(key, std::move(stored)).first;
      }
      last_chunk_ = &it->second;
    }
    last_chunk_start_ = start;
    last_chunk_office_ = office;
    last_chunk_origin_ = origin;
    *chunk = last_chunk_;
    return Status::OK();
  }

 public:
  // Hands the batch's rating chunks to the overlay.
  void FlushChunks() {
    for (auto& [key, chunk] : chunks_) overlay_->Put(key, std::move(chunk));
    chunks_.clear();
    last_chunk_ = nullptr;
  }

 private:
  void OpenFollowUp(const std::string& origin, uint64_t seq, const std::string& office,
                    bool has_comment) {
    auto body = std::make_unique<fb::FollowUpOpenedT>();
    body->follow_up_id = "fu-" + origin + "-" + std::to_string(seq);
    body->office = office;
    body->rating_origin = origin;
    body->rating_seq = seq;
    body->reason = std::string(kAutoReasonPrefix) + (has_comment ? "with_comment" : "with_phone");
    replication::EventDraft draft;
    draft.idempotency_id = "fu:" + origin + ":" + std::to_string(seq);
    draft.origin = kHubPrivateOrigin;  // follow-ups stay at the hub
    draft.body.Set(std::move(*body));
    drafts_.push_back(std::move(draft));
  }

  // Reads a rating that was applied earlier (for a void or a complaint).
  Status ReadRating(const std::string& origin, uint64_t seq, std::string* bytes,
                    const fb::RatingSubmitted** rating, const fb::Event** event) {
    *rating = nullptr;
    std::vector<StoredEvent> events;
    Status s = options_.log->Read(origin, seq, 1, 1 << 20, &events);
    if (!s.ok()) return s;
    if (events.empty() || events[0].seq != seq) return Status::OK();
    *bytes = std::move(events[0].bytes);
    const fb::Event* e = nullptr;
    s = schema::VerifyEvent(*bytes, &e);
    if (!s.ok()) return s;
    if (e->body_type() != fb::EventBody::RatingSubmitted) return Status::OK();
    // A refused rating never counted: there is nothing to take back.
    if (!AuthorizeEvent(IdentifyProjected(options_, origin), *e).applies()) {
      return Status::OK();
    }
    *event = e;
    *rating = e->body_as_RatingSubmitted();
    return Status::OK();
  }

  Status ApplyVoid(const fb::RatingVoided& v) {
    const std::string origin = Str(v.rating_origin());
    const uint64_t seq = v.rating_seq();
    const std::string key = codec::RatingFlagsKey(origin, seq);
    RatingFlags flags;
    HAILONG_RETURN_IF_ERROR(GetFlags(key, &flags));
    if (flags.voided) return Status::OK();
    const RatingFlags before = flags;
    flags.voided = true;
    PutFlags(key, flags);
    if (!IsApplied(origin, seq)) return Status::OK();
    std::string bytes;
    const fb::RatingSubmitted* r = nullptr;
    const fb::Event* e = nullptr;
    HAILONG_RETURN_IF_ERROR(ReadRating(origin, seq, &bytes, &r, &e));
    if (r == nullptr || IsMisuse(*r)) return Status::OK();
    const std::string office = OfficeOf(r->office(), origin);
    const int64_t time = RatingTime(*r, *e);
    const std::string day = VietnamDay(time);
    AddRatingTallies(office, day, *r, RatingTally(*r).Negated());
    Tally excluded;
    excluded.excluded = 1;
    AddTally(Dimension::kOffice, office, day, "", excluded);
    std::string* chunk = nullptr;
    HAILONG_RETURN_IF_ERROR(Chunk(office, time, origin, &chunk));
    rating_chunk::SetVoided(chunk, seq);
    if (r->dossier() && r->dossier()->size() > 0) {
      const bool was_bad =
          r->classification() == fb::Classification::Unsatisfied || before.complained;
      HAILONG_RETURN_IF_ERROR(UpdateDossier(office, View(r->dossier()), [&](DossierState* d) {
        d->rated--;
        if (was_bad) d->bad--;
      }));
    }
    applied_->offices.insert(office);
    return Status::OK();
  }

  Status Complain(const std::string& origin, uint64_t seq, bool known_unsatisfied) {
    const std::string key = codec::RatingFlagsKey(origin, seq);
    RatingFlags flags;
    HAILONG_RETURN_IF_ERROR(GetFlags(key, &flags));
    if (flags.complained) return Status::OK();
    flags.complained = true;
    PutFlags(key, flags);
    if (!IsApplied(origin, seq) || flags.voided || known_unsatisfied) return Status::OK();
    std::string bytes;
    const fb::RatingSubmitted* r = nullptr;
    const fb::Event* e = nullptr;
    HAILONG_RETURN_IF_ERROR(ReadRating(origin, seq, &bytes, &r, &e));
    if (r == nullptr || IsMisuse(*r) || !r->dossier() || r->dossier()->size() == 0) {
      return Status::OK();
    }
    if (r->classification() == fb::Classification::Unsatisfied) return Status::OK();
    const std::string office = OfficeOf(r->office(), origin);
    return UpdateDossier(office, View(r->dossier()), [](DossierState* d) { d->bad++; });
  }

  Status ApplyDossier(const std::string& origin, const fb::Event& e, const fb::DossierRecorded& d) {
    applied_->dossiers++;
    const std::string office = OfficeOf(d.office(), origin);
    NoteOffice(office);
    const int64_t at = d.at_ms() > 0 ? d.at_ms() : e.time_ms();
    const std::string receipt = Str(d.receipt());
    if (d.stage() == fb::DossierStage::Received) {
      return UpdateDossier(office, receipt, [&](DossierState* s) {
        if (s->entered) {
          if (s->due_ms == 0) s->due_ms = d.due_ms();
          return;
        }
        s->entered = true;
        s->entered_ms = at;
        s->day = Day(at);
        s->counter = Str(d.counter());
        s->officer = Str(d.officer());
        s->field = Str(d.field());
        s->procedure = Str(d.procedure());
        s->due_ms = d.due_ms();
      });
    }
    // Returned.
    DossierState after;
    bool first_return = false;
    HAILONG_RETURN_IF_ERROR(UpdateDossier(office, receipt, [&](DossierState* s) {
      if (!s->entered) {
        s->entered = true;
        s->entered_ms = at;
        s->day = Day(at);
        s->counter = Str(d.counter());
        s->officer = Str(d.officer());
        s->field = Str(d.field());
        s->procedure = Str(d.procedure());
      }
      if (s->due_ms == 0) s->due_ms = d.due_ms();
      if (s->returned_ms == 0) {
        s->returned_ms = at;
        first_return = true;
      }
      after = *s;
    }));
    if (!first_return) return Status::OK();
    Tally t;
    t.returned = 1;
    t.returned_on_time = (after.due_ms == 0 || at <= after.due_ms) ? 1 : 0;
    const std::string day = Day(at);
    const std::string counter =
        d.counter() && d.counter()->size() ? d.counter()->str() : after.counter;
    const std::string officer =
        d.officer() && d.officer()->size() ? d.officer()->str() : after.officer;
    AddTally(Dimension::kOffice, office, day, "", t);
    AddTally(Dimension::kCounter, office, day, counter, t);
    AddTally(Dimension::kOfficer, office, day, officer, t);
    AddTally(Dimension::kField, office, day, after.field, t);
    AddTally(Dimension::kProcedure, office, day, after.procedure, t);
    return Status::OK();
  }

  Status LoadJson(const std::string& key, json* out) {
    std::string v;
    Status s = overlay_->Get(key, &v);
    if (s.IsNotFound()) return s;
    if (!s.ok()) return s;
    *out = json::parse(v, nullptr, false);
    if (out->is_discarded()) return Status::Corruption("bad JSON at " + key);
    return Status::OK();
  }

  Status ApplyFollowUpOpened(const fb::Event& e, const fb::FollowUpOpened& f) {
    applied_->follow_ups++;
    const std::string id = Str(f.follow_up_id());
    const std::string key = codec::FollowUpKey(id);
    json j;
    Status s = LoadJson(key, &j);
    if (s.ok()) return Status::OK();  // opened twice: the first wins
    if (!s.IsNotFound()) return s;
    j = json{{"id", id},
             {"office", Str(f.office())},
             {"rating_origin", Str(f.rating_origin())},
             {"rating_seq", f.rating_seq()},
             {"reason", Str(f.reason())},
             {"assignee", Str(f.assignee())},
             {"status", "open"},
             {"opened_ms", e.time_ms()},
             {"updated_ms", e.time_ms()},
             {"notes", json::array()}};
    // Read models keep personal text only encrypted (personal_data.md).
    if (f.sealed_reason() != nullptr) {
      j["reason_sealed"] = PersonalKeys::SealedJson(current_origin_, nullptr, f.sealed_reason());
    }
    overlay_->Put(key, codec::Dump(j));
    applied_->offices.insert(Str(f.office()));
    if (f.rating_origin() && f.rating_origin()->size() > 0 && f.rating_seq() > 0) {
      // The projector opens follow-ups only for unsatisfied ratings, about
      // which a complaint changes no figure: no need to read the rating.
      // A suggestion a manager follows up (api_comments.cc) is no complaint.
      if (Str(f.reason()) == kSuggestionReason) return Status::OK();
      const bool opened_by_projector = Str(f.reason()).rfind(kAutoReasonPrefix, 0) == 0;
      return Complain(f.rating_origin()->str(), f.rating_seq(), opened_by_projector);
    }
    return Status::OK();
  }

  // A complaint recorded at the hub (ComplaintRecorded): kept under its
  // dossier (x/hub/p/cp/), and the dossier counts as complained about in
  // Decision 766 (DossierState::complaints), before or after the dossier
  // itself arrives. Recorded twice (same id): the first wins.
  Status ApplyComplaint(uint64_t seq, const fb::Event& e, const fb::ComplaintRecorded& c) {
    applied_->dossiers++;
    const std::string office = Str(c.office());
    const std::string receipt = Str(c.dossier());
    if (office.empty() || receipt.empty()) return Status::OK();  // the API never records one
    const std::string key = decision766::ComplaintKey(office, receipt, Str(c.complaint_id()));
    json j;
    Status s = LoadJson(key, &j);
    if (s.ok()) return Status::OK();
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

  Status ApplyFollowUpNoted(const fb::Event& e, const fb::FollowUpNoted& n) {
    applied_->follow_ups++;
    const std::string key = codec::FollowUpKey(Str(n.follow_up_id()));
    json j;
    Status s = LoadJson(key, &j);
    if (s.IsNotFound()) return Status::OK();  // the API never notes an unknown follow-up
    if (!s.ok()) return s;
    j["notes"].push_back(
        json{{"at_ms", e.time_ms()},
             {"author", Str(n.author())},
             {"action", FollowUpActionName(n.action())},
             {"note", PersonalKeys::SealedJson(current_origin_, n.note(), n.sealed_note())},
             {"assignee", Str(n.assignee())}});
    if (n.assignee() && n.assignee()->size() > 0) j["assignee"] = n.assignee()->str();
    j["updated_ms"] = e.time_ms();
    overlay_->Put(key, codec::Dump(j));
    applied_->offices.insert(j.value("office", ""));
    return Status::OK();
  }

  Status ApplyFollowUpClosed(const fb::Event& e, const fb::FollowUpClosed& c) {
    applied_->follow_ups++;
    const std::string key = codec::FollowUpKey(Str(c.follow_up_id()));
    json j;
    Status s = LoadJson(key, &j);
    if (s.IsNotFound()) return Status::OK();
    if (!s.ok()) return s;
    if (j.value("status", "") == "closed") return Status::OK();
    j["status"] = "closed";
    j["closed_ms"] = e.time_ms();
    j["closed_by"] = Str(c.author());
    j["resolution"] =
        PersonalKeys::SealedJson(current_origin_, c.resolution(), c.sealed_resolution());
    j["updated_ms"] = e.time_ms();
    overlay_->Put(key, codec::Dump(j));
    applied_->offices.insert(j.value("office", ""));
    return Status::OK();
  }

  Status ApplyCatalogue(const fb::Event& e, const fb::CatalogueChanged& c) {
    json attributes = json::object();
    if (c.attributes()) {
      for (const fb::Attribute* a : *c.attributes()) attributes[Str(a->key())] = Str(a->value());
    }
    const char* kind = CatalogueKindName(c.kind());
    json j{{"kind", kind},
           {"id", Str(c.id())},
           {"name", Str(c.name())},
           {"office", Str(c.office())},
           {"retired", c.retired()},
           {"attributes", attributes},
           {"updated_ms", e.time_ms()}};
    overlay_->Put(codec::CatalogueKey(kind, CatalogueOwner(kind, View(c.office())), View(c.id())),
                  codec::Dump(j));
    return Status::OK();
  }

  Status ApplyTemplate(const fb::Event& e, const fb::TemplatePublished& t) {
    const fb::SurveyTemplate* tpl = t.template_();
    if (tpl == nullptr) return Status::OK();
    const std::string key = codec::TemplateKey(Str(tpl->id()));
    json old;
    Status s = LoadJson(key, &old);
    if (s.ok() && old.value("version", 0u) > tpl->version()) return Status::OK();
    if (!s.ok() && !s.IsNotFound()) return s;
    overlay_->Put(key, codec::Dump(TemplateToJson(*tpl)));
    return Status::OK();
  }

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
  EventLookups lookups_;
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

}  // namespace

Status Projector::Open(const ProjectorOptions& options, std::unique_ptr<Projector>* out) {
  if (options.log == nullptr) return Status::InvalidArgument("projector needs a log");
  std::unique_ptr<Projector> p(new Projector(options));
  Status s = p->LoadCursors();
  if (!s.ok()) return s;
  std::string marker, format;
  s = options.log->store()->Get(kRebuildMarkerKey, &marker);
  if (s.ok()) {
    std::cerr << "hailong-hub: an interrupted rebuild of the read models starts again\n";
    s = p->Rebuild();
  } else if (s.IsNotFound()) {
    s = options.log->store()->Get(codec::kModelFormatKey, &format);
    if (s.ok() && format == codec::kModelFormat) {
      // Up to date.
    } else if ((s.ok() || s.IsNotFound()) && p->cursors_.empty()) {
      // Nothing projected yet (every batch writes its cursor): no models of
      // any layout to replace.
      WriteBatch batch;
      batch.Put(codec::kModelFormatKey, codec::kModelFormat);
      s = options.log->store()->Write(batch, true);
    } else if (s.ok() || s.IsNotFound()) {
      std::cerr << "hailong-hub: the read models have another layout ("
                << (format.empty() ? "1" : format) << "): rebuilding them from the log\n";
      // Layout 1 kept sign-in names outside the models.
      WriteBatch old;
      old.DeleteRange("x/hub/names/", "x/hub/names0");
      s = options.log->store()->Write(old, false);
      if (s.ok()) s = p->Rebuild();
    }
  }
  if (!s.ok()) return s;
  *out = std::move(p);
  return Status::OK();
}

Projector::Projector(ProjectorOptions options) : options_(std::move(options)) {
  static std::atomic<uint64_t> instances{0};
  instance_ = ++instances;
}

Projector::~Projector() { Stop(); }

Status Projector::LoadCursors() {
  std::map<std::string, uint64_t> cursors;
  std::string end(codec::kCursorPrefix);
  end.back() = static_cast<char>('/' + 1);
  Status s = options_.log->store()->Scan(
      codec::kCursorPrefix, end, [&](std::string_view key, std::string_view value) {
        const std::string origin = codec::UnKeyPart(key.substr(codec::kCursorPrefix.size()));
        cursors[origin] = std::strtoull(std::string(value).c_str(), nullptr, 10);
        return true;
      });
  if (!s.ok()) return s;
  const std::string rf = "x/hub/p/rf/";
  std::string rf_end = rf;
  rf_end.back() = static_cast<char>('/' + 1);
  s = options_.log->store()->Scan(rf, rf_end, [&](std::string_view key, std::string_view) {
    flagged_.emplace(key);
    return true;
  });
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> lock(mu_);
  cursors_ = std::move(cursors);
  return Status::OK();
}

uint64_t Projector::Applied(const std::string& origin) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = cursors_.find(origin);
  return it == cursors_.end() ? 0 : it->second;
}

uint64_t Projector::Backlog() const {
  uint64_t backlog = 0;
  for (const std::string& origin : options_.log->Origins()) {
    const uint64_t head = options_.log->Head(origin).seq;
    const uint64_t applied = Applied(origin);
    if (head > applied) backlog += head - applied;
  }
  return backlog;
}

bool Projector::WaitCaughtUp(std::chrono::milliseconds timeout) const {
  std::map<std::string, uint64_t> heads;
  for (const std::string& origin : options_.log->Origins()) {
    heads[origin] = options_.log->Head(origin).seq;
  }
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] {
    for (const auto& [origin, head] : heads) {
      auto it = cursors_.find(origin);
      if ((it == cursors_.end() ? 0 : it->second) < head) return false;
    }
    return true;
  });
}

ProjectorStats Projector::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

Status Projector::ApplyBatch(const std::string& origin, size_t max_events, bool* more,
                             AppliedBatch* applied) {
  *more = false;
  std::map<std::string, uint64_t> cursors;
  {
    std::lock_guard<std::mutex> lock(mu_);
    cursors = cursors_;
  }
  const uint64_t from = cursors[origin] + 1;
  if (options_.log->Head(origin).seq < from) return Status::OK();
  Overlay overlay(options_.log->store());
  applied->origin = origin;
  applied->first_seq = from;
  BatchApplier applier(options_, &overlay, rebuild_.get(), cursors, &flagged_, applied);
  uint64_t last = from - 1;
  size_t count = 0;
  // The log's scan verifies each event and hands it over in place: no copy,
  // no second Verifier pass. A rebuild scans ahead on another thread.
  Status failed;
  auto visit = [&](uint64_t seq, const fb::Event& e) {
    if (seq != last + 1) {
      failed = Status::Corruption(
          last + 1 == from ? "origin " + origin + " continues at seq " + std::to_string(seq) +
                                 ", expected " + std::to_string(from)
                           : "origin " + origin + " skips from " + std::to_string(last));
      return false;
    }
    failed = applier.Apply(origin, seq, e);
    if (!failed.ok()) return false;
    last = seq;
    return ++count < max_events;
  };
  Status s;
  if (rebuild_ != nullptr) {
    if (scan_ahead_ == nullptr || scan_ahead_->origin() != origin ||
        scan_ahead_->next_seq() != from || scan_ahead_->finished()) {
      scan_ahead_.reset();
      scan_ahead_ = std::make_unique<ScanAhead>(options_.log, origin, from);
    }
    uint64_t seq = 0;
    const fb::Event* e = nullptr;
    while (scan_ahead_->Next(&seq, &e) && visit(seq, *e)) {
    }
    if (scan_ahead_->finished()) s = scan_ahead_->status();
  } else {
    s = options_.log->Scan(origin, from, [&](uint64_t seq, std::string_view, const fb::Event& e) {
      return visit(seq, e);
    });
  }
  if (!failed.ok()) {
    scan_ahead_.reset();
    return failed;
  }
  if (!s.ok()) return Status::Corruption("origin " + origin + ": " + s.message());
  if (count == 0) return Status::OK();
  applied->last_seq = last;
  applier.FlushChunks();
  // Follow-ups first: if we crash after this append but before the batch,
  // the replay appends them again as duplicates (no new event).
  auto& drafts = applier.follow_up_drafts();
  const size_t opened = drafts.size();
  if (!drafts.empty()) {
    std::vector<replication::AppendResult> results;
    s = options_.log->AppendBatch(std::move(drafts), &results);
    if (!s.ok()) return s;
  }
  WriteBatch batch;
  s = overlay.Flush(&batch);
  if (!s.ok()) return s;
  batch.Put(codec::CursorKey(origin), std::to_string(last));
  // A rebuild's batches skip the write-ahead log: until Rebuild() flushes
  // the memtables and removes the marker, a crash only means rebuilding
  // again.
  s = rebuild_ ? options_.log->store()->WriteUnlogged(batch)
               : options_.log->store()->Write(batch, options_.sync);
  if (!s.ok()) return s;
  if (rebuild_ && rebuild_->tallies.cell_count() > options_.rebuild_max_cells) {
    s = rebuild_->WriteTallies(options_.log->store(), kRebuildWriteOps);
    if (!s.ok()) return s;
  }
  if (rebuild_ && rebuild_->bytes > options_.rebuild_max_bytes) {
    s = rebuild_->WriteRecords(options_.log->store(), kRebuildWriteOps);
    if (!s.ok()) return s;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    cursors_[origin] = last;
    generation_.fetch_add(1, std::memory_order_release);
    stats_.events_applied += last - from + 1;
    stats_.batches++;
    stats_.follow_ups_opened += opened;
  }
  cv_.notify_all();
  *more = options_.log->Head(origin).seq > last;
  return Status::OK();
}

Status Projector::CatchUp() { return CatchUpWith(options_.batch_events); }

Status Projector::CatchUpWith(size_t max_events) {
  for (;;) {
    bool any = false;
    for (const std::string& origin : options_.log->Origins()) {
      bool more = true;
      while (more) {
        AppliedBatch applied;
        Status s = ApplyBatch(origin, max_events, &more, &applied);
        if (!s.ok()) {
          std::lock_guard<std::mutex> lock(mu_);
          stats_.last_error = s.ToString();
          return s;
        }
        if (applied.last_seq >= applied.first_seq && applied.first_seq > 0) {
          any = true;
          if (on_applied_) on_applied_(applied);
        }
        if (more) {
          std::lock_guard<std::mutex> lock(mu_);
          if (stop_) return Status::OK();
        }
      }
    }
    if (!any) return Status::OK();
  }
}

Status Projector::Rebuild() {
  replication::Store* store = options_.log->store();
  {
    WriteBatch marker;
    marker.Put(kRebuildMarkerKey, "1");
    Status s = store->Write(marker, true);
    if (!s.ok()) return s;
  }
  {
    // One range tombstone drops every model.
    std::string end(kProjectionPrefix);
    end.back() = static_cast<char>('/' + 1);
    WriteBatch drop;
    drop.DeleteRange(kProjectionPrefix, end);
    Status s = store->Write(drop, false);
    if (!s.ok()) return s;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    cursors_.clear();
  }
  flagged_.clear();
  generation_.fetch_add(1, std::memory_order_release);
  // Offline: larger batches, each one WriteBatch with its cursor; the
  // tallies stay in memory (up to rebuild_max_cells) and are written at the
  // end, then the marker goes.
  rebuild_ = std::make_unique<RebuildState>();
  Status s = CatchUpWith(options_.rebuild_batch_events);
  scan_ahead_.reset();
  if (s.ok()) s = rebuild_->WriteAll(store, kRebuildWriteOps);
  rebuild_.reset();
  generation_.fetch_add(1, std::memory_order_release);
  if (!s.ok()) return s;
  // The rebuild's writes skipped the write-ahead log: on disk before the
  // marker goes.
  s = store->Flush();
  if (!s.ok()) return s;
  WriteBatch done;
  done.Delete(kRebuildMarkerKey);
  done.Put(codec::kModelFormatKey, codec::kModelFormat);
  return store->Write(done, true);
}

void Projector::Start(std::function<void(const AppliedBatch&)> on_applied) {
  on_applied_ = std::move(on_applied);
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = false;
    dirty_ = true;
  }
  listener_id_ = options_.log->AddListener([this](std::string_view, uint64_t) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      dirty_ = true;
    }
    cv_.notify_all();
  });
  thread_ = std::thread([this] { Run(); });
}

void Projector::Run() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return dirty_ || stop_; });
      if (stop_) return;
      dirty_ = false;
    }
    Status s = CatchUp();
    if (!s.ok()) {
      std::cerr << "hailong-hub: projection stopped: " << s.ToString() << " (retrying)\n";
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; });
      dirty_ = true;
    }
  }
}

void Projector::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (listener_id_ != 0) {
    options_.log->RemoveListener(listener_id_);
    listener_id_ = 0;
  }
}

}  // namespace hailong::hub
