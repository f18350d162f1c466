// BatchApplier (batch_applier.h): ratings, voids, complaints about ratings,
// rating chunks and the follow-ups the projector opens.
#include "api_comments.h"
#include "batch_applier.h"
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
using replication::StoredEvent;

namespace {

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

// A counted rating of a dossier, by the stage it was given at (`sign` -1
// takes one back); Unknown counts in neither stage.
void CountStage(fb::RatingStage stage, int sign, DossierState* d) {
  if (stage == fb::RatingStage::Intake) d->rated_intake += sign;
  if (stage == fb::RatingStage::Return) d->rated_return += sign;
}

Tally RatingTally(const fb::RatingSubmitted& r) {
  Tally t = Tally::OneRating(static_cast<uint8_t>(r.classification()), HasComment(r), HasPhone(r));
  t.very_satisfied = VerySatisfied(r) ? 1 : 0;
  return t;
}

// Everything the projection of one batch needs besides the overlay.

}  // namespace

void BatchApplier::PutFlags(const std::string& key, const RatingFlags& flags) {
  flagged_->insert(key);
  overlay_->Put(key, flags.Encode());
}

// The flags of rating (origin, seq); none without building the key when
// no rating has flags yet (a rebuild's first origins).
Status BatchApplier::GetRatingFlags(const std::string& origin, uint64_t seq, RatingFlags* flags) {
  if (flagged_->empty()) return Status::OK();
  return GetFlags(codec::RatingFlagsKey(origin, seq), flags);
}

Status BatchApplier::GetFlags(const std::string& key, RatingFlags* flags) {
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

void BatchApplier::AddRatingTallies(const std::string& office, const std::string& day,
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

Status BatchApplier::ApplyRating(const std::string& origin, uint64_t seq, const fb::Event& e,
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
      CountStage(r.stage(), 1, d);
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
Status BatchApplier::Chunk(const std::string& office, int64_t time_ms, const std::string& origin,
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

void BatchApplier::OpenFollowUp(const std::string& origin, uint64_t seq, const std::string& office,
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
Status BatchApplier::ReadRating(const std::string& origin, uint64_t seq, std::string* bytes,
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

Status BatchApplier::ApplyVoid(const fb::RatingVoided& v) {
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
      CountStage(r->stage(), -1, d);
    }));
  }
  applied_->offices.insert(office);
  return Status::OK();
}

Status BatchApplier::Complain(const std::string& origin, uint64_t seq, bool known_unsatisfied) {
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

}  // namespace hailong::hub
