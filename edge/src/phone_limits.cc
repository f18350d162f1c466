// PhoneLimits: see phone_limits.h.
#include "phone_limits.h"

namespace hailong::edge {

void PhoneLimits::Sweep(Table& table, int64_t now_ms) {
  for (auto it = table.begin(); it != table.end();) {
    if (it->second.empty() || it->second.back() <= now_ms - window_ms_) {
      it = table.erase(it);
    } else {
      ++it;
    }
  }
}

bool PhoneLimits::HasRoom(Table& table, const std::string& key, int limit, int64_t now_ms) {
  if (limit <= 0) return true;
  auto it = table.find(key);
  if (it == table.end()) {
    if (table.size() >= kMaxKeys) Sweep(table, now_ms);
    return table.size() < kMaxKeys;
  }
  std::deque<int64_t>& times = it->second;
  while (!times.empty() && times.front() <= now_ms - window_ms_) times.pop_front();
  return times.size() < static_cast<size_t>(limit);
}

PhoneLimits::Verdict PhoneLimits::Admit(const std::string& address, const std::string& counter,
                                        int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!HasRoom(addresses_, address, per_address_, now_ms)) return Verdict::kAddressLimited;
  if (!HasRoom(counters_, counter, per_counter_, now_ms)) return Verdict::kCounterLimited;
  if (per_address_ > 0) addresses_[address].push_back(now_ms);
  if (per_counter_ > 0) counters_[counter].push_back(now_ms);
  return Verdict::kAdmitted;
}

}  // namespace hailong::edge
