// `hailongctl log verify --data-dir`: EventLog::Verify for every origin.
#pragma once

#include <string>
#include <vector>

#include "hailong/ops/progress.h"
#include "hailong/replication/event_log.h"
#include "hailong/schema/status.h"

namespace hailong::ops {

struct OriginVerifyReport {
  std::string origin;
  replication::VerifyResult result;  // first_bad_seq 0 = intact
};

struct LogVerifyResult {
  std::vector<OriginVerifyReport> origins;  // sorted by origin
  uint64_t events_checked = 0;
  // Index into `origins` of the first damaged origin, -1 if none.
  int first_damaged = -1;
};

// Verifies the chain of `origin` ("" = every origin). OK when all are
// intact; Corruption when one is damaged (result names origin, seq and
// reason for each); other errors from the log. `progress` counts origins.
Status VerifyLog(const replication::EventLog& log, const std::string& origin,
                 const ProgressFn& progress, LogVerifyResult* result);

}  // namespace hailong::ops
