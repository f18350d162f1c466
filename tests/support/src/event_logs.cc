#include "hailong/testing/event_logs.h"

#include <cstdint>
#include <filesystem>
#include <memory>

namespace hailong::testing {

Status ReadOrigin(const std::string& dir, const std::string& origin,
                  std::vector<replication::StoredEvent>* events) {
  events->clear();
  if (!std::filesystem::exists(dir)) return Status::NotFound("no event log at " + dir);
  replication::EventLogOptions options;
  options.origin = "test-reader";  // never appends
  options.store.create_if_missing = false;
  std::unique_ptr<replication::EventLog> log;
  Status s = replication::EventLog::Open(options, dir, &log);
  if (!s.ok()) return s;
  s = log->Read(origin, 1, SIZE_MAX, SIZE_MAX, events);
  if (s.IsNotFound()) return Status::OK();
  if (!s.ok() || events->empty()) return s;
  replication::VerifyResult verified;
  return log->Verify(origin, &verified);
}

}  // namespace hailong::testing
