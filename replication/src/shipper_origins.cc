// The origins a shipper pushes and whose turn it is (shipper_impl.h).
#include "shipper_impl.h"

namespace hailong::replication::shipper_internal {

std::vector<std::pair<std::string, std::string>> ShipperImpl::AuthHeaders() const {
  return {{"Authorization", "Bearer " + options_.token}, {"X-Hailong-Origin", options_.node_id}};
}

bool ShipperImpl::Ships(std::string_view origin) const {
  return options_.ship_origin ? options_.ship_origin(origin) : origin == log_->origin();
}

std::vector<std::string> ShipperImpl::ShippedOrigins() const {
  if (!options_.ship_origin) return {log_->origin()};
  std::vector<std::string> out;
  for (std::string& o : log_->Origins()) {
    if (options_.ship_origin(o)) out.push_back(std::move(o));
  }
  return out;
}

void ShipperImpl::PickOrigin() {
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

bool ShipperImpl::AnyWork() {
  for (const std::string& o : ShippedOrigins()) {
    std::lock_guard<std::mutex> l(mu_);
    auto it = states_.find(o);
    if (it == states_.end() || it->second.acked < log_->Head(o).seq) return true;
  }
  return false;
}

bool ShipperImpl::HaveCursor() {
  std::lock_guard<std::mutex> l(mu_);
  auto it = states_.find(current_);
  return it != states_.end() && it->second.have_cursor;
}

}  // namespace hailong::replication::shipper_internal
