// Shipper thread: push own events after the hub's cursor, pull the hub's
// events, back off with jitter on failure. See shipper.h and doc/protocol.md.
#include "hailong/replication/shipper.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "hailong/net/http_client.h"
#include "hailong/net/url.h"
#include "hailong/schema/version.h"

namespace hailong::replication {
namespace {

namespace http = boost::beast::http;
using json = nlohmann::json;

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class ShipperImpl final : public Shipper {
 public:
  ShipperImpl(ShipperOptions options, EventLog* log, net::Url url)
      : options_(std::move(options)),
        log_(log),
        client_(std::move(url), options_.ca_file,
                std::chrono::milliseconds(options_.request_timeout_ms),
                std::string("hailong-shipper/") + kVersion),
        rng_(std::random_device{}()) {
    current_ = log_->origin();
    listener_ = log_->AddListener([this](std::string_view origin, uint64_t) {
      if (Ships(origin)) Kick();
    });
    thread_ = std::thread([this] { Run(); });
  }

  ~ShipperImpl() override { Stop(); }

  ShipperStatus status() const override {
    const std::vector<std::string> origins = ShippedOrigins();
    std::lock_guard<std::mutex> l(mu_);
    ShipperStatus s = status_;
    int64_t oldest = 0;
    for (const std::string& o : origins) {
      const uint64_t head = log_->Head(o).seq;
      auto it = states_.find(o);
      const uint64_t acked = it == states_.end() ? 0 : it->second.acked;
      if (it != states_.end()) s.acked_by_origin[o] = acked;
      if (head <= acked) continue;
      s.lag_events += head - acked;
      if (it != states_.end() && it->second.oldest_unacked_ms > 0 &&
          (oldest == 0 || it->second.oldest_unacked_ms < oldest)) {
        oldest = it->second.oldest_unacked_ms;
      }
    }
    auto own = states_.find(log_->origin());
    s.replicated_seq = own == states_.end() ? 0 : own->second.acked;
    s.pulled_seq = log_->Head(kHubOrigin).seq;
    if (s.lag_events > 0 && oldest > 0) {
      s.lag_seconds = std::max<double>(0, (WallMs() - oldest) / 1000.0);
    }
    return s;
  }

  void Stop() override {
    {
      std::lock_guard<std::mutex> l(mu_);
      if (stopping_) return;
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    log_->RemoveListener(listener_);
  }

  void Kick() override {
    {
      std::lock_guard<std::mutex> l(mu_);
      kicked_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::vector<std::pair<std::string, std::string>> AuthHeaders() const {
    return {{"Authorization", "Bearer " + options_.token}, {"X-Hailong-Origin", options_.node_id}};
  }

  bool Ships(std::string_view origin) const {
    return options_.ship_origin ? options_.ship_origin(origin) : origin == log_->origin();
  }

  // The origins pushed, sorted (an edge: its own, even before its first event).
  std::vector<std::string> ShippedOrigins() const {
    if (!options_.ship_origin) return {log_->origin()};
    std::vector<std::string> out;
    for (std::string& o : log_->Origins()) {
      if (options_.ship_origin(o)) out.push_back(std::move(o));
    }
    return out;
  }

  // Between pushes (nothing in flight): stays on the current origin while
  // its turn lasts and it has work, else moves to the next origin that has
  // work (no cursor yet, or events after it), round-robin.
  void PickOrigin() {
    if (!options_.ship_origin) return;  // an edge: always its own origin
    const std::vector<std::string> origins = ShippedOrigins();
    if (origins.empty()) return;
    auto has_work = [&](const std::string& o) {
      std::lock_guard<std::mutex> l(mu_);
      auto it = states_.find(o);
      return it == states_.end() || !it->second.have_cursor || it->second.acked < log_->Head(o).seq;
    };
    if (turn_pushes_ < kPushesPerTurn && has_work(current_) &&
        std::find(origins.begin(), origins.end(), current_) != origins.end()) {
      return;
    }
    const size_t n = origins.size();
    const size_t start = static_cast<size_t>(
        std::upper_bound(origins.begin(), origins.end(), current_) - origins.begin());
    for (size_t i = 0; i < n; ++i) {
      const std::string& o = origins[(start + i) % n];
      if (has_work(o)) {
        turn_pushes_ = 0;
        current_ = o;
        return;
      }
    }
    turn_pushes_ = 0;
  }

  // True if some pushed origin has work left.
  bool AnyWork() {
    for (const std::string& o : ShippedOrigins()) {
      std::lock_guard<std::mutex> l(mu_);
      auto it = states_.find(o);
      if (it == states_.end() || it->second.acked < log_->Head(o).seq) return true;
    }
    return false;
  }

  bool HaveCursor() {
    std::lock_guard<std::mutex> l(mu_);
    auto it = states_.find(current_);
    return it != states_.end() && it->second.have_cursor;
  }

  void Run() {
    int backoff_ms = 0;
    while (!Stopping()) {
      bool more = false;
      Status s = Step(&more);
      {
        std::lock_guard<std::mutex> l(mu_);
        status_.hub_reachable = s.ok() || s.code() != Status::Code::kUnavailable;
        if (s.ok()) {
          status_.last_error.clear();
          status_.last_contact_ms = WallMs();
        } else {
          if (status_.last_error != s.ToString()) {
            std::fprintf(stderr, "hailong shipper: %s\n", s.ToString().c_str());
          }
          status_.last_error = s.ToString();
        }
      }
      if (!s.ok()) {
        // Many origins: the next round tries the next one, so one refused
        // origin never holds back the others.
        if (options_.ship_origin) turn_pushes_ = kPushesPerTurn;
        backoff_ms = backoff_ms == 0 ? options_.backoff_min_ms
                                     : std::min(backoff_ms * 2, options_.backoff_max_ms);
        std::uniform_int_distribution<int> jitter(backoff_ms / 2, backoff_ms + backoff_ms / 2);
        Wait(jitter(rng_), /*kick_wakes=*/false);
        continue;
      }
      backoff_ms = 0;
      if (!more) Wait(options_.pull_interval_ms, /*kick_wakes=*/true);
    }
  }

  bool Stopping() {
    std::lock_guard<std::mutex> l(mu_);
    return stopping_;
  }

  void Wait(int ms, bool kick_wakes) {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait_for(l, std::chrono::milliseconds(ms),
                 [&] { return stopping_ || (kick_wakes && kicked_); });
    kicked_ = false;
  }

  // One round: learn the cursor if needed, push one batch, pull one batch.
  // *more = there is still work to do right away.
  Status Step(bool* more) {
    if (in_flight_.empty()) PickOrigin();
    if (!HaveCursor()) {
      Status s = FetchCursor();
      if (!s.ok()) return s;
    }
    Status s = PushOnce(more);
    if (!s.ok()) return s;
    // Another origin may still have work when this one has none.
    if (!*more && options_.ship_origin && in_flight_.empty()) *more = AnyWork();
    // Answers come in request order: a pull waits until no push is in
    // flight (PushOnce stops refilling after kPushesPerPull pushes).
    if (options_.pull && client_.in_flight() == 0) {
      bool pulled_more = false;
      s = PullOnce(&pulled_more);
      if (!s.ok()) return s;
      *more = *more || pulled_more;
    }
    if (!options_.side_fetches.empty() && client_.in_flight() == 0) SideFetches();
    return Status::OK();
  }

  // The side fetches, at most once per pull interval; never fails the round.
  void SideFetches() {
    const auto now = std::chrono::steady_clock::now();
    if (side_fetched_ &&
        now - last_side_fetch_ < std::chrono::milliseconds(options_.pull_interval_ms)) {
      return;
    }
    side_fetched_ = true;
    last_side_fetch_ = now;
    for (size_t i = 0; i < options_.side_fetches.size(); ++i) {
      const auto& f = options_.side_fetches[i];
      const std::string target = f.target ? f.target() : std::string();
      if (target.empty()) continue;
      int code = 0;
      std::string body;
      Status s = client_.Exchange(http::verb::get, target, AuthHeaders(), "", &code, &body);
      if (s.ok()) s = f.on_answer(code, body);
      std::string& last = side_errors_.emplace(i, std::string()).first->second;
      const std::string now_error = s.ok() ? std::string() : s.ToString();
      if (!s.ok() && now_error != last) {
        std::fprintf(stderr, "hailong shipper: GET %s: %s\n", target.substr(0, 80).c_str(),
                     now_error.c_str());
      }
      last = now_error;
    }
  }

  Status ParseJson(const std::string& body, json* out) {
    *out = json::parse(body, nullptr, false);
    if (out->is_discarded() || !out->is_object()) {
      return Status::Corruption("hub answered with malformed JSON");
    }
    return Status::OK();
  }

  Status FetchCursor() {
    int code = 0;
    std::string body;
    Status s = client_.Exchange(http::verb::get, "/api/v1/replication/cursor?origin=" + current_,
                                AuthHeaders(), "", &code, &body);
    if (!s.ok()) return s;
    if (code != 200) return Refused("cursor", code, body);
    json j;
    s = ParseJson(body, &j);
    if (!s.ok()) return s;
    if (!j.contains("acked_seq") || !j["acked_seq"].is_number_unsigned()) {
      return Status::Corruption("hub cursor answer has no acked_seq");
    }
    SetAcked(j["acked_seq"].get<uint64_t>());
    std::lock_guard<std::mutex> l(mu_);
    states_[current_].have_cursor = true;
    return Status::OK();
  }

  Status Refused(const char* what, int code, const std::string& body) {
    std::string reason = body;
    json j = json::parse(body, nullptr, false);
    if (j.is_object() && j.contains("error") && j["error"].is_string()) {
      reason = j["error"].get<std::string>();
    }
    if (reason.size() > 300) reason.resize(300);
    {
      std::lock_guard<std::mutex> l(mu_);
      ++status_.refusals;
    }
    const std::string msg =
        std::string("hub refused ") + what + " (HTTP " + std::to_string(code) + "): " + reason;
    if (code == 401) return Status::Unauthenticated(msg);
    if (code == 403) return Status::PermissionDenied(msg);
    if (code == 409) return Status::Conflict(msg);
    if (code >= 500) return Status::Unavailable(msg);
    return Status::InvalidArgument(msg);
  }

  // The current origin's cursor at the hub.
  void SetAcked(uint64_t acked) {
    std::vector<StoredEvent> next;
    int64_t oldest = 0;
    if (acked < log_->Head(current_).seq && log_->Read(current_, acked + 1, 1, 1, &next).ok() &&
        !next.empty()) {
      const fb::Event* e = nullptr;
      if (schema::VerifyEvent(next[0].bytes, &e).ok()) oldest = e->time_ms();
    }
    std::lock_guard<std::mutex> l(mu_);
    OriginState& st = states_[current_];
    st.acked = acked;
    st.oldest_unacked_ms = oldest;
  }

  uint64_t Acked() {
    std::lock_guard<std::mutex> l(mu_);
    auto it = states_.find(current_);
    return it == states_.end() ? 0 : it->second.acked;
  }

  // Reads the events from `from` up to max_batch_bytes (at least one)
  // straight into a push body. *last = the last seq read, 0 if none.
  Status ReadBatch(uint64_t from, std::string* body, uint64_t* last) {
    body->clear();
    body->reserve(options_.max_batch_bytes + (64u << 10));
    *last = 0;
    return log_->Scan(current_, from, [&](uint64_t seq, std::string_view bytes, const fb::Event&) {
      AppendFrame(body, bytes);
      *last = seq;
      return body->size() < options_.max_batch_bytes;
    });
  }

  // Drops the connection and every unanswered push; the next round sends
  // again from the hub's acknowledged cursor (the hub skips what it holds).
  void AbandonPipeline() {
    client_.Close();
    in_flight_.clear();
  }

  // One round of pushing: fills the pipeline (up to max_in_flight pushes
  // unanswered, each continuing the previous one), then reads the oldest
  // answer. The hub answers in order, so a refusal also stops the pushes
  // sent behind it: they are dropped with the connection and resent.
  Status PushOnce(bool* more) {
    *more = false;
    const uint64_t head = log_->Head(current_).seq;
    if (in_flight_.empty()) next_send_ = Acked() + 1;
    // After a refusal, one push at a time until one is stored: the hub then
    // sees (and lists for the node) the refusal's reason again, not the gap
    // of a push that was behind it.
    const size_t depth =
        after_refusal_ ? 1 : static_cast<size_t>(std::max(1, options_.max_in_flight));
    while (in_flight_.size() < depth && next_send_ <= head &&
           (!options_.pull || pushes_since_pull_ < kPushesPerPull) &&
           (!options_.ship_origin || turn_pushes_ < kPushesPerTurn)) {
      std::string body;
      uint64_t last = 0;
      Status s = ReadBatch(next_send_, &body, &last);
      if (!s.ok()) {  // a damaged local event: never skipped
        AbandonPipeline();
        return s;
      }
      if (last == 0) break;
      std::vector<std::pair<std::string, std::string>> headers = {
          {"Authorization", "Bearer " + options_.token}, {"X-Hailong-Origin", current_}};
      if (options_.push_headers) {
        for (auto& h : options_.push_headers(current_)) headers.push_back(std::move(h));
      }
      headers.emplace_back("Content-Type", "application/octet-stream");
      // For the hub's node list: this node's clock (skew) and head (lag).
      headers.emplace_back("X-Hailong-Clock", std::to_string(WallMs()));
      // (Not with many origins: the hub's node list has one head per node.)
      if (!options_.ship_origin) headers.emplace_back("X-Hailong-Head-Seq", std::to_string(head));
      // A connection idle since the last round may have been closed by the
      // hub: its first push gets one fresh attempt (see below).
      const bool idle_reuse = in_flight_.empty() && client_.connected();
      s = client_.Send(http::verb::post, "/api/v1/replication/push", headers, std::move(body));
      if (!s.ok()) {
        AbandonPipeline();
        if (idle_reuse) {
          *more = true;
          return Status::OK();
        }
        return s;
      }
      in_flight_.push_back(InFlight{last, idle_reuse});
      next_send_ = last + 1;
      ++pushes_since_pull_;
      if (options_.ship_origin) ++turn_pushes_;
    }
    if (in_flight_.empty()) {
      *more = next_send_ <= head;  // paused for a pull
      return Status::OK();
    }

    const InFlight sent = in_flight_.front();
    int code = 0;
    std::string answer;
    Status s = client_.Receive(&code, &answer);
    if (!s.ok()) {
      AbandonPipeline();
      if (sent.idle_reuse) {
        *more = true;
        return Status::OK();
      }
      return s;
    }
    in_flight_.pop_front();
    after_refusal_ = code != 200;
    if (code == 409) {
      // The hub's cursor differs from ours: take the hub's and go on.
      AbandonPipeline();
      json j = json::parse(answer, nullptr, false);
      if (j.is_object() && j.contains("acked_seq") && j["acked_seq"].is_number_unsigned()) {
        SetAcked(j["acked_seq"].get<uint64_t>());
        *more = true;
        return Status::OK();
      }
      {
        std::lock_guard<std::mutex> l(mu_);
        states_[current_].have_cursor = false;
      }
      return Refused("push", code, answer);
    }
    if (code != 200) {
      AbandonPipeline();
      return Refused("push", code, answer);
    }
    json j;
    s = ParseJson(answer, &j);
    if (!s.ok() || !j.contains("acked_seq") || !j["acked_seq"].is_number_unsigned()) {
      AbandonPipeline();
      return s.ok() ? Status::Corruption("hub push answer has no acked_seq") : s;
    }
    const uint64_t acked = j["acked_seq"].get<uint64_t>();
    SetAcked(acked);
    // The pushes behind this one continue from sent.last: if the hub
    // stands elsewhere they would be refused, so resend from its cursor.
    if (acked != sent.last) AbandonPipeline();
    {
      std::lock_guard<std::mutex> l(mu_);
      ++status_.pushes;
    }
    *more = !in_flight_.empty() || Acked() < log_->Head(current_).seq;
    return Status::OK();
  }

  Status PullOnce(bool* more) {
    *more = false;
    pushes_since_pull_ = 0;
    const uint64_t from = log_->Head(kHubOrigin).seq + 1;
    int code = 0;
    std::string body;
    Status s = client_.Exchange(http::verb::get,
                                "/api/v1/replication/pull?origin=" + std::string(kHubOrigin) +
                                    "&from=" + std::to_string(from) +
                                    "&max_bytes=" + std::to_string(options_.max_batch_bytes),
                                AuthHeaders(), "", &code, &body);
    if (!s.ok()) return s;
    if (code != 200) return Refused("pull", code, body);
    std::vector<std::string_view> frames;
    s = SplitFrames(body, &frames);
    if (!s.ok()) return s;
    if (frames.empty()) return Status::OK();
    IngestResult r;
    s = log_->Ingest(kHubOrigin, frames, &r);
    if (!s.ok()) return s;
    *more = r.stored > 0;
    return Status::OK();
  }

  const ShipperOptions options_;
  EventLog* log_;
  net::HttpClient client_;
  std::mt19937 rng_;
  uint64_t listener_ = 0;
  // The origin being pushed (the shipper's thread only): the log's own for
  // an edge; with ship_origin, the one whose turn it is.
  std::string current_;
  int turn_pushes_ = 0;  // pushes sent in the current origin's turn

  // Pushes sent and not yet answered, oldest first.
  struct InFlight {
    uint64_t last = 0;        // last seq of the push
    bool idle_reuse = false;  // first push on a connection left idle
  };
  static constexpr int kPushesPerPull = 16;
  static constexpr int kPushesPerTurn = 8;
  std::deque<InFlight> in_flight_;
  uint64_t next_send_ = 0;  // first seq of the next push
  int pushes_since_pull_ = 0;
  bool after_refusal_ = false;  // the last push answered was refused
  bool side_fetched_ = false;
  std::chrono::steady_clock::time_point last_side_fetch_;
  std::map<size_t, std::string> side_errors_;  // last error of each side fetch

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool kicked_ = false;
  ShipperStatus status_;
  // Per pushed origin: the hub's cursor and the age of the oldest event after it.
  struct OriginState {
    uint64_t acked = 0;
    bool have_cursor = false;
    int64_t oldest_unacked_ms = 0;
  };
  std::map<std::string, OriginState> states_;
  std::thread thread_;
};

}  // namespace

Status Shipper::Start(const ShipperOptions& options, EventLog* log, std::unique_ptr<Shipper>* out) {
  if (options.node_id.empty()) return Status::InvalidArgument("hub.node_id is required");
  if (!options.ship_origin && options.node_id != log->origin()) {
    return Status::InvalidArgument("hub.node_id " + options.node_id +
                                   " differs from the log's origin " + log->origin());
  }
  if (options.token.empty()) return Status::InvalidArgument("hub token is empty");
  net::Url url;
  Status s = net::ParseUrl(options.hub_url, &url);
  if (!s.ok()) return s;
  *out = std::make_unique<ShipperImpl>(options, log, std::move(url));
  return Status::OK();
}

}  // namespace hailong::replication
