// AuditLog: one store entry (x/hub/audit/<time>/<n>) for every access to
// personal data (phone numbers, comments) and every administrative change.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <nlohmann/json.hpp>
#include <string>

#include "hailong/replication/store.h"
#include "hailong/schema/status.h"
#include "hailong/schema/time.h"

namespace hailong::hub {

class AuditLog {
 public:
  AuditLog(replication::Store* store, const Clock* clock) : store_(store), clock_(clock) {}
  // Writes {"at","user","role","address","action","target","detail"} synced,
  // so that personal data is never shown without its audit entry. `with`
  // (may be null): other writes that become durable atomically with the
  // entry (a marker that makes the entry written once).
  Status Record(const std::string& user, const std::string& role, const std::string& address,
                const std::string& action, const std::string& target,
                const nlohmann::json& detail = nlohmann::json::object(),
                replication::WriteBatch* with = nullptr);
  // Entries with from_ms <= at < to_ms, oldest first, at most `limit`.
  Status List(int64_t from_ms, int64_t to_ms, size_t limit, nlohmann::json* out) const;

 private:
  replication::Store* store_;
  const Clock* clock_;
  std::atomic<uint64_t> counter_{0};
};

}  // namespace hailong::hub
