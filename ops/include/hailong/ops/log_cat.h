// `hailongctl log cat`: the events of a log as JSON lines.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "hailong/replication/event_log.h"
#include "hailong/schema/status.h"

namespace hailong::ops {

struct LogCatOptions {
  // Only this origin; "" = every origin (sorted), one after another.
  std::string origin;
  // First seq to print of each origin. Default 1 (everything).
  uint64_t from_seq = 1;
};

struct LogCatResult {
  uint64_t events = 0;  // lines written
};

// Writes one JSON object per event (schema::EventToJson) and '\n' to `out`,
// in log order: origin by origin, each in seq order. Corruption (naming the
// origin and seq) when a stored event fails the Verifier: the lines before
// it are written. NotFound when `options.origin` has no events. `log` and
// `out` are borrowed for the call.
Status CatLog(const replication::EventLog& log, const LogCatOptions& options, std::ostream& out,
              LogCatResult* result);

}  // namespace hailong::ops
