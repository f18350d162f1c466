#include "erasure.h"

#include <sodium.h>

#include <iostream>
#include <set>

#include "codec.h"
#include "hailong/hub/hub.h"
#include "hailong/hub/report.h"
#include "projection_state.h"

namespace hailong::hub {

using json = nlohmann::json;

namespace {

constexpr int64_t kDayMs = 24 * 3600 * 1000;

std::string NewErasureId() {
  unsigned char b[8];
  randombytes_buf(b, sizeof b);
  return "er-" + schema::HexEncode(std::string_view(reinterpret_cast<const char*>(b), sizeof b));
}

// The verified rating (origin, seq) in *bytes; NotFound / InvalidArgument.
Status ReadRating(replication::EventLog& log, const std::string& origin, uint64_t seq,
                  std::string* bytes, const fb::RatingSubmitted** rating) {
  std::vector<replication::StoredEvent> events;
  Status s = log.Read(origin, seq, 1, 1 << 20, &events);
  if (!s.ok()) return s;
  if (events.empty() || events[0].seq != seq) return Status::NotFound("no such rating");
  *bytes = std::move(events[0].bytes);
  const fb::Event* e = nullptr;
  s = schema::VerifyEvent(*bytes, &e);
  if (!s.ok()) return s;
  if (e->body_type() != fb::EventBody::RatingSubmitted) {
    return Status::NotFound("the event is not a rating");
  }
  *rating = e->body_as_RatingSubmitted();
  return Status::OK();
}

void AddRef(std::vector<std::string>* refs, std::string ref) {
  if (!ref.empty()) refs->push_back(std::move(ref));
}

// Key refs of a follow-up's texts in its read-model JSON.
void FollowUpRefs(const json& f, std::vector<std::string>* refs) {
  AddRef(refs, PersonalKeys::KeyRefOfJson(f.value("reason_sealed", json())));
  AddRef(refs, PersonalKeys::KeyRefOfJson(f.value("resolution", json())));
  if (f.contains("notes") && f["notes"].is_array()) {
    for (const auto& n : f["notes"])
      AddRef(refs, PersonalKeys::KeyRefOfJson(n.value("note", json())));
  }
}

template <class Visit>
Status ForEachFollowUp(const replication::Store& store, Visit visit) {
  std::string end(codec::kFollowUpPrefix);
  end.back() = static_cast<char>('/' + 1);
  return store.Scan(codec::kFollowUpPrefix, end, [&](std::string_view, std::string_view v) {
    json f = json::parse(v, nullptr, false);
    if (!f.is_discarded()) visit(f);
    return true;
  });
}

}  // namespace

std::string PhoneDigits(std::string_view phone) {
  std::string digits;
  for (char c : phone) {
    if (c >= '0' && c <= '9') digits += c;
  }
  if (digits.rfind("84", 0) == 0 && digits.size() >= 11) digits = "0" + digits.substr(2);
  return digits;
}

Status Eraser::Collect(const std::string& origin, uint64_t seq, std::vector<std::string>* refs,
                       std::vector<std::pair<std::string, uint64_t>>* legacy) {
  std::string bytes;
  const fb::RatingSubmitted* r = nullptr;
  Status s = ReadRating(*log_, origin, seq, &bytes, &r);
  if (!s.ok()) return s;
  AddRef(refs, PersonalKeys::KeyRef(origin, r->sealed_comment()));
  AddRef(refs, PersonalKeys::KeyRef(origin, r->sealed_phone()));
  if ((r->comment() && r->comment()->size() > 0) || (r->phone() && r->phone()->size() > 0)) {
    legacy->emplace_back(origin, seq);
  }
  return ForEachFollowUp(*log_->store(), [&](const json& f) {
    if (f.value("rating_origin", "") != origin || f.value("rating_seq", uint64_t{0}) != seq) return;
    FollowUpRefs(f, refs);
    legacy->emplace_back(PersonalKeys::kFollowUpMarker + f.value("id", ""), 0);
  });
}

Status Eraser::HeldByOpenFollowUps(std::vector<std::string>* refs) {
  std::vector<std::pair<std::string, uint64_t>> ratings;
  Status s = ForEachFollowUp(*log_->store(), [&](const json& f) {
    if (f.value("status", "") != "open") return;
    FollowUpRefs(f, refs);
    ratings.emplace_back(f.value("rating_origin", ""), f.value("rating_seq", uint64_t{0}));
  });
  if (!s.ok()) return s;
  for (const auto& [origin, seq] : ratings) {
    std::string bytes;
    const fb::RatingSubmitted* r = nullptr;
    if (origin.empty() || !ReadRating(*log_, origin, seq, &bytes, &r).ok()) continue;
    AddRef(refs, PersonalKeys::KeyRef(origin, r->sealed_comment()));
    AddRef(refs, PersonalKeys::KeyRef(origin, r->sealed_phone()));
  }
  return Status::OK();
}

Status Eraser::Finish(const std::string& scope, const std::string& by, const std::string& reason,
                      const std::vector<std::pair<std::string, uint64_t>>& ratings,
                      std::vector<std::string> refs,
                      const std::vector<std::pair<std::string, uint64_t>>& legacy, size_t pending,
                      ErasureResult* out) {
  std::sort(refs.begin(), refs.end());
  refs.erase(std::unique(refs.begin(), refs.end()), refs.end());
  size_t destroyed = 0;
  Status s = keys_->Erase(refs, legacy, &destroyed);
  if (!s.ok()) return s;
  const int64_t now = clock_->NowMs();
  fb::PersonalDataErasedT e;
  e.erasure_id = NewErasureId();
  e.by = by;
  e.scope = scope;
  e.reason = reason;
  e.keys = destroyed;
  json listed = json::array();
  for (const auto& [origin, seq] : ratings) {
    auto ref = std::make_unique<fb::EventRefT>();
    ref->origin = origin;
    ref->seq = seq;
    e.events.push_back(std::move(ref));
    listed.push_back(origin + "/" + std::to_string(seq));
  }
  out->summary = json{{"id", e.erasure_id}, {"at", FormatRfc3339(now)},
                      {"at_ms", now},       {"by", by},
                      {"scope", scope},     {"reason", reason},
                      {"ratings", listed},  {"texts", refs.size() + legacy.size()},
                      {"keys", destroyed},  {"pending", pending}};
  replication::EventDraft draft;
  draft.origin = kHubPrivateOrigin;
  draft.time_ms = now;
  draft.idempotency_id = "erasure:" + e.erasure_id;
  draft.body.Set(std::move(e));
  replication::AppendResult result;
  s = log_->Append(std::move(draft), &result);
  if (!s.ok()) return s;
  out->summary["seq"] = result.seq;
  return keys_->RecordErasure(out->summary);
}

Status Eraser::ByRating(const std::string& origin, uint64_t seq, const std::string& by,
                        const std::string& reason, ErasureResult* out) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> refs;
  std::vector<std::pair<std::string, uint64_t>> legacy;
  Status s = Collect(origin, seq, &refs, &legacy);
  if (!s.ok()) return s;
  return Finish("rating", by, reason, {{origin, seq}}, std::move(refs), legacy, 0, out);
}

Status Eraser::ByPhone(const std::string& phone, const std::string& by, const std::string& reason,
                       ErasureResult* out) {
  const std::string wanted = PhoneDigits(phone);
  if (wanted.size() < 8 || wanted.size() > 16) {
    return Status::InvalidArgument("phone: 8-16 digits");
  }
  std::lock_guard<std::mutex> lock(mu_);
  const replication::Store& store = *log_->store();
  std::vector<std::string> offices;
  Status s = ListOffices(store, &offices);
  if (!s.ok()) return s;
  std::vector<std::pair<std::string, uint64_t>> candidates;
  for (const std::string& office : offices) {
    const std::string prefix = codec::RatingIndexPrefix(office);
    std::string begin, end;
    codec::RatingChunkRange(office, 0, INT64_MAX / 2, &begin, &end);
    s = store.Scan(begin, end, [&](std::string_view key, std::string_view value) {
      if (key.size() < prefix.size() + 21) return true;
      const std::string origin = codec::UnKeyPart(key.substr(prefix.size() + 21));
      rating_chunk::ForEach(value, [&](uint64_t seq, int64_t, const RatingIndexEntry& entry) {
        if (entry.has_phone) candidates.emplace_back(origin, seq);
        return true;
      });
      return true;
    });
    if (!s.ok()) return s;
  }
  std::vector<std::pair<std::string, uint64_t>> ratings;
  size_t pending = 0;
  for (const auto& [origin, seq] : candidates) {
    std::string bytes;
    const fb::RatingSubmitted* r = nullptr;
    if (!ReadRating(*log_, origin, seq, &bytes, &r).ok()) continue;
    std::string number;
    const TextState state =
        keys_->Reveal(origin, seq, r->phone(), r->sealed_phone(), "phone", &number);
    if (state == TextState::kPending) ++pending;
    if (state == TextState::kShown && PhoneDigits(number) == wanted) {
      ratings.emplace_back(origin, seq);
    }
    sodium_memzero(number.data(), number.size());
  }
  std::vector<std::string> refs;
  std::vector<std::pair<std::string, uint64_t>> legacy;
  for (const auto& [origin, seq] : ratings) {
    s = Collect(origin, seq, &refs, &legacy);
    if (!s.ok()) return s;
  }
  return Finish("phone", by, reason, ratings, std::move(refs), legacy, pending, out);
}

Status Eraser::Retention(int64_t days, ErasureResult* out) {
  std::lock_guard<std::mutex> lock(mu_);
  out->summary = nullptr;
  std::vector<std::string> held;
  Status s = HeldByOpenFollowUps(&held);
  if (!s.ok()) return s;
  const std::set<std::string> keep(held.begin(), held.end());
  const int64_t cutoff = clock_->NowMs() - days * kDayMs;
  std::vector<std::string> old, refs;
  s = keys_->KeysBefore(cutoff, 1000000, &old);
  if (!s.ok()) return s;
  for (auto& ref : old) {
    if (!keep.count(ref)) refs.push_back(std::move(ref));
  }
  if (refs.empty()) return Status::OK();
  return Finish("retention", "retention",
                "personal_data_days = " + std::to_string(days) + " (" + FormatRfc3339(cutoff) + ")",
                {}, std::move(refs), {}, 0, out);
}

void Eraser::StartRetention(int64_t days, int64_t interval_s) {
  sweeper_ = std::thread([this, days, interval_s] {
    std::unique_lock<std::mutex> lock(stop_mu_);
    while (!stopping_) {
      lock.unlock();
      ErasureResult result;
      Status s = Retention(days, &result);
      if (!s.ok()) {
        std::cerr << "hailong-hub: personal data retention: " << s.ToString() << "\n";
      } else if (!result.summary.is_null()) {
        std::cerr << "hailong-hub: personal data retention erased "
                  << result.summary.value("keys", 0) << " key(s) older than " << days
                  << " day(s)\n";
      }
      lock.lock();
      stop_cv_.wait_for(lock, std::chrono::seconds(interval_s),
                        [this] { return stopping_ || wake_; });
      wake_ = false;
    }
  });
}

void Eraser::Wake() {
  {
    std::lock_guard<std::mutex> lock(stop_mu_);
    wake_ = true;
  }
  stop_cv_.notify_all();
}

void Eraser::Stop() {
  {
    std::lock_guard<std::mutex> lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (sweeper_.joinable()) sweeper_.join();
}

}  // namespace hailong::hub
