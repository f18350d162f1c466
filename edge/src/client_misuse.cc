// ClientMisuse: see client_misuse.h.
#include "client_misuse.h"

namespace hailong::edge {

namespace {
devices::MisuseOptions ClientOptions(int64_t min_interval_ms) {
  devices::MisuseOptions o;
  o.min_interval_ms = min_interval_ms;
  o.memory_per_device = 16;  // a phone's burst, not a device's history
  return o;
}
}  // namespace

ClientMisuse::ClientMisuse(int64_t min_interval_ms)
    : options_(ClientOptions(min_interval_ms)),
      detector_(std::make_unique<devices::MisuseDetector>(options_)) {}

devices::MisuseVerdict ClientMisuse::Judge(const std::string& address, const std::string& rating_id,
                                           int64_t now_ms) {
  // Judged under the lock: a reset must not free the detector meanwhile.
  std::lock_guard<std::mutex> lock(mu_);
  if (clients_.insert(address).second && clients_.size() > kMaxClients) {
    detector_ = std::make_unique<devices::MisuseDetector>(options_);
    clients_.clear();
    clients_.insert(address);
  }
  return detector_->Judge(address, rating_id, now_ms, now_ms);
}

}  // namespace hailong::edge
