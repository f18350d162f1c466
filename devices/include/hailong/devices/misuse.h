// MisuseDetector: flags a device's presses that come too close together, and
// ratings that were delivered late, without mistaking the second for the
// first.
//
// The rule (per device, deterministic in the order Judge is called):
//  1. Resent: a rating whose device time is older than its edge time by more
//     than `resend_after_ms` was buffered on the device (broker or edge
//     unreachable) and is flagged fb::RatingFlags::Resent. It is informational
//     only and never makes a rating misuse by itself.
//  2. SuspectedMisuse: a rating is flagged when another rating of the same
//     device that the detector remembers has a device time less than
//     `min_interval_ms` away from its own (|d - d'| < min_interval_ms, equal
//     times included). Only device times are compared, never arrival times:
//     a burst of presses buffered during an outage arrives within
//     milliseconds but keeps its original spacing, so it is judged exactly as
//     it would have been live (not misuse if the presses were far enough
//     apart; still misuse if they were hammered). In live order (each press
//     later than the previous) this is "closer than the interval to the
//     previous press": the first press of a hammering sequence counts, the
//     rest are flagged. If a rating arrives out of device-time order, it is
//     compared with both neighbours, and the one arriving later is the one
//     flagged (stored events are never re-flagged).
//  3. Repeats: judging an id already judged for that device returns the first
//     verdict and changes nothing (device retries are idempotent).
// The detector remembers, per device, the `memory_per_device` ratings with
// the latest device times; older ones are forgotten, so a rating older than
// all of them is only compared with what is remembered. Flagged ratings are
// remembered too (a kept-down button keeps being flagged). After an edge
// restart, Remember() the device's recent ratings from the log (in log order)
// before judging new ones.
//
// Device clocks: a device whose clock is behind by more than
// `resend_after_ms` gets every rating flagged Resent; misuse detection is
// unaffected since it uses only differences of one device's own times.
//
// Thread safety: internally synchronized; any thread may call any method.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "hailong/schema/events_generated.h"

namespace hailong::devices {

struct MisuseOptions {
  // Presses of one device closer than this (device time) are suspected
  // misuse. Milliseconds; default 2 s. 0 disables misuse flags.
  int64_t min_interval_ms = 2000;
  // A rating whose device time is older than its edge time by more than this
  // is flagged Resent. Milliseconds; default 60 s.
  int64_t resend_after_ms = 60000;
  // Ratings remembered per device (by latest device time). Default 256.
  size_t memory_per_device = 256;
};

struct MisuseVerdict {
  bool suspected_misuse = false;
  bool resent = false;
  // The flags for RatingSubmitted.flags.
  fb::RatingFlags flags() const;
};

class MisuseDetector {
 public:
  explicit MisuseDetector(MisuseOptions options = {});
  MisuseDetector(const MisuseDetector&) = delete;
  MisuseDetector& operator=(const MisuseDetector&) = delete;

  // Judges rating `rating_id` of `device` pressed at `device_time_ms` and
  // received at `edge_time_ms`, and remembers it.
  MisuseVerdict Judge(std::string_view device, std::string_view rating_id, int64_t device_time_ms,
                      int64_t edge_time_ms);

  // Remembers an already stored rating (with its stored verdict) without
  // judging it, e.g. when replaying the log after a restart.
  void Remember(std::string_view device, std::string_view rating_id, int64_t device_time_ms,
                MisuseVerdict verdict = {});

  // Forgets everything about `device`.
  void Forget(std::string_view device);

  const MisuseOptions& options() const { return options_; }

 private:
  struct Press {
    std::string id;
    MisuseVerdict verdict;
  };
  // Hash for string keys looked up by string_view (no temporary string).
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  template <typename V>
  using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;
  struct DeviceMemory {
    // device time -> presses at that time (several ids may share a time).
    std::multimap<int64_t, Press> by_time;
    StringMap<int64_t> time_of_id;
  };
  void RememberLocked(DeviceMemory* m, std::string_view rating_id, int64_t device_time_ms,
                      const MisuseVerdict& verdict);

  const MisuseOptions options_;
  std::mutex mu_;
  StringMap<DeviceMemory> devices_;
};

}  // namespace hailong::devices
