#include "hailong/ops/log_verify.h"

namespace hailong::ops {

Status VerifyLog(const replication::EventLog& log, const std::string& origin,
                 const ProgressFn& progress, LogVerifyResult* result) {
  *result = LogVerifyResult();
  std::vector<std::string> origins;
  if (origin.empty()) {
    origins = log.Origins();
  } else {
    if (log.Head(origin).seq == 0) {
      return Status::NotFound("the log holds no events of origin " + origin);
    }
    origins.push_back(origin);
  }
  uint64_t done = 0;
  for (const std::string& o : origins) {
    OriginVerifyReport report;
    report.origin = o;
    Status s = log.Verify(o, &report.result);
    if (!s.ok() && !s.IsCorruption()) return s;
    if (s.IsCorruption() && report.result.first_bad_seq == 0) {
      // The log found damage it could not pin on one event.
      report.result.first_bad_seq = report.result.events_checked + 1;
      if (report.result.reason.empty()) report.result.reason = s.message();
    }
    result->events_checked += report.result.events_checked;
    if (report.result.first_bad_seq != 0 && result->first_damaged < 0) {
      result->first_damaged = static_cast<int>(result->origins.size());
    }
    result->origins.push_back(std::move(report));
    if (progress) progress(++done, origins.size());
  }
  if (result->first_damaged >= 0) {
    const OriginVerifyReport& bad = result->origins[result->first_damaged];
    return Status::Corruption("the log of " + bad.origin + " is damaged at seq " +
                              std::to_string(bad.result.first_bad_seq) + ": " + bad.result.reason);
  }
  return Status::OK();
}

}  // namespace hailong::ops
