// Reading a daemon's event log after the test stopped it: every event of
// one origin, with the chain verified first.
//
// Thread safety: free functions; the log must not be open elsewhere (the
// daemon stopped), RocksDB allows one opener.
#pragma once

#include <string>
#include <vector>

#include "hailong/replication/event_log.h"
#include "hailong/schema/status.h"

namespace hailong::testing {

// Every event of `origin` in the log at `dir`, in order, after verifying
// the origin's chain (Corruption names the first bad seq). An origin with
// no events gives an empty list; a missing log is NotFound.
Status ReadOrigin(const std::string& dir, const std::string& origin,
                  std::vector<replication::StoredEvent>* events);

}  // namespace hailong::testing
