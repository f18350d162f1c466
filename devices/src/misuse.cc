// MisuseDetector: see misuse.h for the rule.
#include "hailong/devices/misuse.h"

#include <iterator>

namespace hailong::devices {

fb::RatingFlags MisuseVerdict::flags() const {
  auto bits = static_cast<uint32_t>(fb::RatingFlags::NONE);
  if (suspected_misuse) bits |= static_cast<uint32_t>(fb::RatingFlags::SuspectedMisuse);
  if (resent) bits |= static_cast<uint32_t>(fb::RatingFlags::Resent);
  return static_cast<fb::RatingFlags>(bits);
}

MisuseDetector::MisuseDetector(MisuseOptions options) : options_(options) {}

MisuseVerdict MisuseDetector::Judge(std::string_view device, std::string_view rating_id,
                                    int64_t device_time_ms, int64_t edge_time_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  auto dev = devices_.find(device);
  if (dev == devices_.end()) dev = devices_.emplace(std::string(device), DeviceMemory()).first;
  DeviceMemory& m = dev->second;

  // A repeat of an id already judged keeps its first verdict.
  if (auto seen = m.time_of_id.find(rating_id); seen != m.time_of_id.end()) {
    auto range = m.by_time.equal_range(seen->second);
    for (auto it = range.first; it != range.second; ++it) {
      if (it->second.id == rating_id) return it->second.verdict;
    }
  }

  MisuseVerdict verdict;
  verdict.resent = edge_time_ms - device_time_ms > options_.resend_after_ms;
  if (options_.min_interval_ms > 0 && !m.by_time.empty()) {
    // The nearest remembered presses at or after, and before, this one.
    auto next = m.by_time.lower_bound(device_time_ms);
    if (next != m.by_time.end() && next->first - device_time_ms < options_.min_interval_ms) {
      verdict.suspected_misuse = true;
    }
    if (next != m.by_time.begin() &&
        device_time_ms - std::prev(next)->first < options_.min_interval_ms) {
      verdict.suspected_misuse = true;
    }
  }
  RememberLocked(&m, rating_id, device_time_ms, verdict);
  return verdict;
}

void MisuseDetector::Remember(std::string_view device, std::string_view rating_id,
                              int64_t device_time_ms, MisuseVerdict verdict) {
  std::lock_guard<std::mutex> lock(mu_);
  auto dev = devices_.find(device);
  if (dev == devices_.end()) dev = devices_.emplace(std::string(device), DeviceMemory()).first;
  if (dev->second.time_of_id.count(rating_id) != 0) return;
  RememberLocked(&dev->second, rating_id, device_time_ms, verdict);
}

void MisuseDetector::Forget(std::string_view device) {
  std::lock_guard<std::mutex> lock(mu_);
  auto dev = devices_.find(device);
  if (dev != devices_.end()) devices_.erase(dev);
}

void MisuseDetector::RememberLocked(DeviceMemory* m, std::string_view rating_id,
                                    int64_t device_time_ms, const MisuseVerdict& verdict) {
  m->by_time.emplace(device_time_ms, Press{std::string(rating_id), verdict});
  m->time_of_id.emplace(std::string(rating_id), device_time_ms);
  const size_t limit = options_.memory_per_device == 0 ? 1 : options_.memory_per_device;
  while (m->by_time.size() > limit) {
    // Forget the press with the earliest device time (the first of equals).
    auto oldest = m->by_time.begin();
    m->time_of_id.erase(oldest->second.id);
    m->by_time.erase(oldest);
  }
}

}  // namespace hailong::devices
