// PhoneLimits: how many unauthenticated ratings (the QR survey's channels
// "phone" and "web") the edge takes per client address and per counter
// within a sliding window (config phone_limit_per_address,
// phone_limit_per_counter, phone_limit_window_s). A refused attempt uses
// up nothing, so a phone's outbox that retries after a 429 gets through
// once the window has moved on.
//
// Memory is bounded: at most kMaxKeys addresses and counters are tracked;
// keys with nothing left in the window are dropped first, and while the
// table is full of live keys a new address is refused.
//
// Thread safety: internally synchronized.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace hailong::edge {

class PhoneLimits {
 public:
  static constexpr size_t kMaxKeys = 65536;

  // A limit of 0 = no limit of that kind.
  PhoneLimits(int per_address, int per_counter, int64_t window_ms)
      : per_address_(per_address), per_counter_(per_counter), window_ms_(window_ms) {}

  enum class Verdict { kAdmitted, kAddressLimited, kCounterLimited };

  // Admits one rating from `address` for `counter` at `now_ms` if both
  // limits allow it, and counts it against both.
  Verdict Admit(const std::string& address, const std::string& counter, int64_t now_ms);

 private:
  using Table = std::unordered_map<std::string, std::deque<int64_t>>;
  // True if `key` has room under `limit`; drops its expired times.
  bool HasRoom(Table& table, const std::string& key, int limit, int64_t now_ms);
  void Sweep(Table& table, int64_t now_ms);

  const int per_address_;
  const int per_counter_;
  const int64_t window_ms_;
  std::mutex mu_;
  Table addresses_;
  Table counters_;
};

}  // namespace hailong::edge
