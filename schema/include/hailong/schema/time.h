// Time: the clock interface and RFC 3339 / reporting-day conversions.
//
// All stored times are milliseconds since the Unix epoch, UTC. Reporting
// days are in Asia/Ho_Chi_Minh, a fixed UTC+07:00 (no daylight saving since
// 1975), so no time-zone database is needed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "hailong/schema/status.h"

namespace hailong {

inline constexpr int64_t kVietnamOffsetMs = 7LL * 3600 * 1000;

// Source of wall-clock time; tests substitute a fake.
// Thread safety: implementations must be safe to call from any thread.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowMs() const = 0;
  // The process-wide system clock (never null, never destroyed).
  static const Clock* System();
};

// "2026-11-24T11:27:53.123Z" (always UTC, always milliseconds).
std::string FormatRfc3339(int64_t ms);
// Accepts RFC 3339 with 'Z' or a numeric offset and optional fraction
// (truncated to milliseconds). Rejects impossible dates and times.
Status ParseRfc3339(std::string_view text, int64_t* ms);

// "YYYY-MM-DD" of the instant in Asia/Ho_Chi_Minh.
std::string VietnamDay(int64_t ms);
// Milliseconds at 00:00 Asia/Ho_Chi_Minh of day "YYYY-MM-DD".
Status ParseVietnamDay(std::string_view day, int64_t* ms);

}  // namespace hailong
