// ClientMisuse: misuse detection (devices::MisuseDetector's rule) for
// clients without a device of their own, the phone and web survey, keyed by
// client address and judged at the edge's time: 40 ratings in a second from
// one phone are flagged SuspectedMisuse like a hammered button box.
//
// Addresses are not a device list: a LAN (and IPv6 above all) can show an
// unbounded number of them over time. At most kMaxClients addresses are
// remembered; past that, the memory starts again empty (a burst spanning
// that moment may go unflagged once; the per-address limit still holds).
// Nothing of it is stored, so it also starts empty after a restart.
//
// Thread safety: internally synchronized.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>

#include "hailong/devices/misuse.h"

namespace hailong::edge {

class ClientMisuse {
 public:
  static constexpr size_t kMaxClients = 65536;

  explicit ClientMisuse(int64_t min_interval_ms);

  // Judges rating `rating_id` from `address` arriving at `now_ms`.
  devices::MisuseVerdict Judge(const std::string& address, const std::string& rating_id,
                               int64_t now_ms);

 private:
  const devices::MisuseOptions options_;
  std::mutex mu_;
  std::unique_ptr<devices::MisuseDetector> detector_;
  std::unordered_set<std::string> clients_;
};

}  // namespace hailong::edge
