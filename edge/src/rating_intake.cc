#include "rating_intake.h"

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string_view>
#include <unordered_map>

#include "hailong/schema/event_json.h"

namespace hailong::edge {

std::string RatingIdempotencyId(std::string_view device, fb::Channel channel,
                                std::string_view rating_id) {
  std::string key(device.empty() ? std::string_view(schema::ChannelName(channel)) : device);
  key += ':';
  key += rating_id;
  return key;
}

struct RatingIntake::Pending {
  size_t index = 0;  // into the batch
  std::string key;
  std::string dossier;
  std::string
      claimed_template;  // a RatedReceipts claim (slot) on `dossier` to give back on failure
  bool misuse = false;
  std::string sealed_key;  // the data key of its personal text, sealed to the hub
  replication::EventDraft draft;
};

RatingIntake::RatingIntake(RatingIntakeOptions options, RatingIntakeDeps deps)
    : options_(std::move(options)), deps_(std::move(deps)) {}

RatingIntake::~RatingIntake() { Stop(); }

void RatingIntake::Start() {
  const int n = options_.threads < 1 ? 1 : options_.threads;
  for (int i = 0; i < n; ++i) workers_.emplace_back([this] { Work(); });
}

void RatingIntake::Submit(RatingSubmission submission) {
  {
    std::unique_lock<std::mutex> lock(mu_);
    not_full_.wait(lock, [this] { return stopping_ || queue_.size() < options_.queue_capacity; });
    if (!stopping_) {
      queue_.push_back(std::move(submission));
      not_empty_.notify_one();
      return;
    }
  }
  RatingOutcome out;
  out.kind = RatingOutcome::Kind::kError;
  out.error = "edge is stopping";
  if (submission.done) submission.done(out);
}

bool RatingIntake::TrySubmit(RatingSubmission& submission) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_ || queue_.size() >= options_.queue_capacity) return false;
  queue_.push_back(std::move(submission));
  not_empty_.notify_one();
  return true;
}

size_t RatingIntake::depth() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

void RatingIntake::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }
  for (auto& w : workers_) {
    if (w.joinable()) w.join();
  }
  workers_.clear();
}

void RatingIntake::Work() {
  std::vector<RatingSubmission> batch;
  while (true) {
    batch.clear();
    {
      std::unique_lock<std::mutex> lock(mu_);
      not_empty_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      while (!queue_.empty() && batch.size() < options_.batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      not_full_.notify_all();
    }
    Process(batch);
  }
}

namespace {

RatingOutcome Rejected(std::optional<std::string> id, survey::Rejection rejection) {
  RatingOutcome out;
  out.kind = RatingOutcome::Kind::kRejected;
  out.id = std::move(id);
  out.reason = rejection.reason;
  out.error = std::move(rejection.detail);
  return out;
}

// The payload names another device than the topic: a device may only rate
// as itself (the broker's ACL already keeps it to its own topic).
bool DeviceMismatch(const std::string& payload, const std::string& device) {
  if (payload.find("\"device\"") == std::string::npos) return false;
  nlohmann::json j = nlohmann::json::parse(payload, nullptr, false);
  if (!j.is_object()) return false;
  auto it = j.find("device");
  if (it == j.end()) return false;
  return !it->is_string() || it->get<std::string>() != device;
}

}  // namespace

bool RatingIntake::Prepare(RatingSubmission& sub, int64_t now_ms, Pending* out,
                           RatingOutcome* early) {
  survey::CheckedRating r;
  survey::Rejection refused = survey::ParseRating(sub.payload, deps_.office->catalogue.templates(),
                                                  now_ms, options_.parse, &r);
  std::optional<std::string> id;
  if (!r.id.empty()) id = r.id;
  if (!refused.ok()) {
    *early = Rejected(id, std::move(refused));
    return false;
  }
  if (sub.from_mqtt && DeviceMismatch(sub.payload, sub.device)) {
    *early = Rejected(id, survey::Reject(survey::RejectReason::kDeviceMismatch));
    return false;
  }
  out->key = RatingIdempotencyId(sub.device, sub.channel, r.id);
  // A repeat is answered from the log before anything else is judged: the
  // catalogue may have changed since the first try.
  uint64_t seq = 0;
  Status found = deps_.log->FindIdempotent(deps_.log->origin(), out->key, &seq);
  if (found.ok()) {
    early->kind = RatingOutcome::Kind::kStored;
    early->id = id;
    early->seq = seq;
    early->duplicate = true;
    return false;
  }
  Status counter_ok = deps_.office->catalogue.CheckCounter(r.counter);
  if (!counter_ok.ok()) {
    *early =
        Rejected(id, survey::Reject(counter_ok.IsNotFound() ? survey::RejectReason::kUnknownCounter
                                                            : survey::RejectReason::kBadCounter,
                                    counter_ok.message()));
    return false;
  }

  // Devices of the office are judged and attributed by their own clock (a
  // burst resent after an outage keeps its spacing); an anonymous client's
  // "at" is its own to choose, so the edge's clock decides (ClientMisuse).
  const int64_t attributed_ms = sub.anonymous ? now_ms : r.device_time_ms;
  // The dossier as this office knows it, looked up once: the phone's claim
  // slot and the rating's stage come from the same answer.
  std::optional<DossierStatus> dossier;
  if (!r.dossier.empty()) dossier = deps_.office->dossiers.Find(r.dossier);
  auto stage = [&] {
    return survey::RatingStageOf(dossier.has_value(), dossier ? dossier->returned_at_ms : 0,
                                 attributed_ms);
  };
  if (sub.anonymous && !r.dossier.empty()) {
    // Once per survey and stage (survey::ReceiptSlot).
    const std::string slot = survey::ReceiptSlot(r.template_id, stage());
    if (!deps_.office->rated.Claim(r.dossier, slot, out->key)) {
      *early = Rejected(id, survey::Reject(survey::RejectReason::kAlreadyRated));
      return false;
    }
    out->claimed_template = slot;
  }
  devices::MisuseVerdict verdict;
  if (sub.anonymous) {
    if (!sub.client.empty()) verdict = deps_.client_misuse->Judge(sub.client, r.id, now_ms);
  } else if (!sub.device.empty()) {
    verdict = deps_.office->misuse.Judge(sub.device, r.id, r.device_time_ms, now_ms);
  }
  if (r.dossier.empty() && sub.from_mqtt) {
    // A button box cannot scan: it gets the dossier the one-stop software
    // posted for its counter shortly before the press.
    auto d = deps_.office->sessions.Dossier(r.counter, now_ms);
    if (d && d->at_ms <= r.device_time_ms + 5000 &&
        r.device_time_ms - d->at_ms <= options_.dossier_attach_ms) {
      r.dossier = d->receipt;
      dossier = deps_.office->dossiers.Find(r.dossier);
    }
  }

  survey::RatingContext where;
  where.office = options_.office_id;
  where.officer = deps_.office->sessions.OfficerAt(r.counter, attributed_ms);
  where.device = sub.device;
  where.channel = sub.channel;
  where.stage = stage();
  if (dossier) {
    where.procedure = dossier->procedure;
    where.field = dossier->field;
    // Nobody signed in at the counter at that time: the officer the
    // one-stop software names for the dossier (as the hub's phone survey).
    if (where.officer.empty()) where.officer = dossier->officer;
  }
  where.edge_time_ms = now_ms;
  where.flags = verdict.flags();
  auto rating = std::make_unique<fb::RatingSubmittedT>();
  survey::BuildRatingSubmitted(r, where, rating.get());
  // Personal text leaves this function only encrypted (personal_data.md).
  Status sealed = deps_.sealer != nullptr ? deps_.sealer->SealRating(rating.get(), &out->sealed_key)
                  : rating->comment.empty() && rating->phone.empty()
                      ? Status::OK()
                      : Status::Unavailable("no personal data key from the hub yet");
  if (!sealed.ok()) {
    if (!out->claimed_template.empty()) {
      deps_.office->rated.Release(r.dossier, out->claimed_template, out->key);  // not stored
    }
    early->kind = RatingOutcome::Kind::kError;
    early->id = id;
    early->error = sealed.message();
    return false;
  }

  out->dossier = r.dossier;
  out->misuse = verdict.suspected_misuse;
  out->draft.idempotency_id = out->key;
  out->draft.time_ms = now_ms;
  out->draft.body.Set(std::move(*rating));
  early->id = id;
  return true;
}

void RatingIntake::Process(std::vector<RatingSubmission>& batch) {
  const int64_t now_ms = deps_.clock->NowMs();
  std::vector<RatingOutcome> outcomes(batch.size());
  std::vector<Pending> pending;
  pending.reserve(batch.size());
  // Submissions repeating an id of an earlier one in this batch: (index, leader).
  std::vector<std::pair<size_t, size_t>> followers;
  // Keys viewed in `pending` (reserved: its elements never move).
  std::unordered_map<std::string_view, size_t> leaders;
  leaders.reserve(batch.size());

  for (size_t i = 0; i < batch.size(); ++i) {
    Pending p;
    p.index = i;
    RatingOutcome early;
    // A repeat of an id earlier in this batch waits for that one's answer
    // (the misuse detector answers a repeated id with its first verdict).
    if (!Prepare(batch[i], now_ms, &p, &early)) {
      outcomes[i] = std::move(early);
      continue;
    }
    if (auto it = leaders.find(p.key); it != leaders.end()) {
      followers.emplace_back(i, it->second);
      continue;
    }
    outcomes[i] = std::move(early);
    pending.push_back(std::move(p));
    leaders.emplace(pending.back().key, pending.size() - 1);
  }

  if (!pending.empty()) {
    std::vector<replication::EventDraft> drafts;
    drafts.reserve(pending.size());
    std::vector<std::string> sealed_keys;
    for (auto& p : pending) {
      drafts.push_back(std::move(p.draft));
      if (!p.sealed_key.empty()) sealed_keys.push_back(std::move(p.sealed_key));
    }
    std::vector<replication::AppendResult> results;
    const auto t0 = std::chrono::steady_clock::now();
    // The data keys are durable before the events that need them.
    Status s = sealed_keys.empty() ? Status::OK() : deps_.sealer->Keep(sealed_keys);
    if (s.ok()) s = deps_.log->AppendBatch(std::move(drafts), &results);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    deps_.metrics->ObserveAppend(seconds, pending.size());
    for (size_t k = 0; k < pending.size(); ++k) {
      const Pending& p = pending[k];
      RatingOutcome& out = outcomes[p.index];
      if (!(s.ok() && k < results.size()) && !p.claimed_template.empty()) {
        deps_.office->rated.Release(p.dossier, p.claimed_template, p.key);  // not stored
      }
      if (s.ok() && k < results.size()) {
        out.kind = RatingOutcome::Kind::kStored;
        out.seq = results[k].seq;
        out.duplicate = results[k].duplicate;
        const OfficeChange change = deps_.office->Apply(results[k]);
        if (!change.counter.empty() && deps_.on_dossier_used) deps_.on_dossier_used(change.counter);
      } else if (s.IsStorageFull()) {
        out.kind = RatingOutcome::Kind::kStorageFull;
        out.reason = survey::RejectReason::kStorageFull;
        out.error = "storage full";
      } else {
        out.kind = RatingOutcome::Kind::kError;
        out.reason = survey::RejectReason::kInternalError;
        out.error = s.ok() ? "log returned too few results" : s.ToString();
      }
    }
    if (!s.ok() && !s.IsStorageFull()) {
      std::cerr << "hailong-edge: appending " << pending.size()
                << " ratings failed: " << s.ToString() << "\n";
    }
  }
  for (const auto& [i, leader] : followers) {
    outcomes[i] = outcomes[pending[leader].index];
    if (outcomes[i].kind == RatingOutcome::Kind::kStored) outcomes[i].duplicate = true;
  }

  EdgeMetrics* m = deps_.metrics;
  for (size_t i = 0; i < batch.size(); ++i) {
    const RatingOutcome& out = outcomes[i];
    const char* channel = batch[i].from_mqtt ? "mqtt" : "http";
    switch (out.kind) {
      case RatingOutcome::Kind::kStored:
        if (out.duplicate) {
          ++m->ratings_duplicate;
        } else {
          ++m->ratings_stored;
        }
        break;
      case RatingOutcome::Kind::kRejected:
      case RatingOutcome::Kind::kStorageFull:
        m->CountRejected(channel, out.reason);
        break;
      case RatingOutcome::Kind::kError:
        m->CountRejected(channel, survey::RejectReason::kInternalError);
        break;
    }
  }
  for (const Pending& p : pending) {
    if (p.misuse && outcomes[p.index].kind == RatingOutcome::Kind::kStored &&
        !outcomes[p.index].duplicate) {
      ++m->ratings_misuse;
    }
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    if (batch[i].done) batch[i].done(outcomes[i]);
  }
}

}  // namespace hailong::edge
