// Real data directories for hailongctl's log tests: event logs written by
// the real EventLog, with ratings (Vietnamese text), dossiers and officer
// shifts spread over three reporting days.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hailong/replication/event_log.h"
#include "hailong/schema/status.h"
#include "hailong/schema/time.h"

namespace hailong::ops::testing {

class FakeClock : public Clock {
 public:
  explicit FakeClock(int64_t ms) : ms_(ms) {}
  int64_t NowMs() const override { return ms_.load(); }
  void Set(int64_t ms) { ms_.store(ms); }

 private:
  std::atomic<int64_t> ms_;
};

// Vietnamese texts the events carry; `log cat` must print them intact.
extern const char* const kComments[];
extern const size_t kCommentCount;
extern const char* const kOfficerNames[];

// The reporting days the fixture writes events on, and per day the seqs of
// one origin.
inline constexpr const char* kDays[] = {"2026-03-01", "2026-03-02", "2026-03-03"};

struct WrittenEvent {
  std::string origin;
  uint64_t seq = 0;
  std::string day;      // VietnamDay of its time
  std::string comment;  // "" when the event has none
  std::string bytes;    // as stored
};

// Writes events of `origin` into the log at `dir` with the real EventLog
// (appended: the log's own origin). `per_day` events on each of kDays,
// including one at 23:59:59.999 and one at 00:00:00.000 Vietnam time. On a
// log that already holds events of `origin` the new ones follow them.
Status WriteEdgeLog(const std::string& dir, const std::string& origin, int per_day,
                    std::vector<WrittenEvent>* written);

// Copies the events of `from_dir`'s log into `to_dir`'s log with Ingest
// (as replication would), so that one store holds several origins.
Status IngestAll(const std::string& from_dir, const std::string& to_dir);

// Every event of every origin in `dir`, origin by origin, in seq order.
Status ReadAll(const std::string& dir, std::vector<WrittenEvent>* out);

}  // namespace hailong::ops::testing
