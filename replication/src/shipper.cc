// Shipper thread: push own events after the hub's cursor, pull the hub's
// events, back off with jitter on failure. See shipper.h and doc/protocol.md;
// shipper_impl.h lists where each part lives.
#include <cstdio>

#include "hailong/schema/version.h"
#include "shipper_impl.h"

namespace hailong::replication::shipper_internal {

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ShipperImpl::ShipperImpl(ShipperOptions options, EventLog* log, net::Url url)
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

ShipperStatus ShipperImpl::status() const {
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

void ShipperImpl::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  log_->RemoveListener(listener_);
}

void ShipperImpl::Kick() {
  {
    std::lock_guard<std::mutex> l(mu_);
    kicked_ = true;
  }
  cv_.notify_all();
}

void ShipperImpl::Run() {
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

bool ShipperImpl::Stopping() {
  std::lock_guard<std::mutex> l(mu_);
  return stopping_;
}

void ShipperImpl::Wait(int ms, bool kick_wakes) {
  std::unique_lock<std::mutex> l(mu_);
  cv_.wait_for(l, std::chrono::milliseconds(ms),
               [&] { return stopping_ || (kick_wakes && kicked_); });
  kicked_ = false;
}

Status ShipperImpl::Step(bool* more) {
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

}  // namespace hailong::replication::shipper_internal

namespace hailong::replication {

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
  *out = std::make_unique<shipper_internal::ShipperImpl>(options, log, std::move(url));
  return Status::OK();
}

}  // namespace hailong::replication
