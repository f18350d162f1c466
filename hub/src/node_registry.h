// NodeRegistry: what the hub knows about each configured node: when it was
// last seen, what it pushed, how far behind it is and whether its clock
// agrees with the hub's. Kept in memory and written to x/hub/node/<id>
// (not a projection: it survives a rebuild).
//
// Clock check: a push may carry X-Hailong-Clock (the node's clock, ms since
// the epoch, when it sent the batch); the node is flagged when it differs
// from the hub's receive time by more than clock_skew_limit_s. Without the
// header, a batch whose newest event lies further in the future than the
// limit flags it.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "hailong/hub/config.h"
#include "hailong/replication/event_log.h"

namespace hailong::hub {

struct NodeState {
  int64_t last_seen_ms = 0;     // any authenticated request
  int64_t last_push_ms = 0;     // last accepted push
  int64_t newest_event_ms = 0;  // time of the newest event received
  int64_t clock_offset_ms = 0;  // node clock - hub clock (when reported)
  bool clock_reported = false;
  bool clock_skew = false;
  uint64_t reported_head = 0;  // the node's own head (X-Hailong-Head-Seq), 0 = unknown
  uint64_t batches = 0;
  uint64_t events_stored = 0;
  uint64_t events_skipped = 0;
  uint64_t refused = 0;
  std::string last_error;
  int64_t last_error_ms = 0;
};

class NodeRegistry {
 public:
  NodeRegistry(const HubConfig* config, replication::EventLog* log, const Clock* clock);
  void Seen(const std::string& id);
  // An accepted push. `node_clock_ms` 0 = not reported; `reported_head` 0 = not reported.
  void Pushed(const std::string& id, uint64_t first_seq, uint64_t last_seq, uint64_t stored,
              uint64_t skipped, int64_t newest_event_ms, int64_t node_clock_ms,
              uint64_t reported_head);
  void Refused(const std::string& id, const std::string& error);
  // The node list for GET /api/v1/nodes (nodes whose office `may_see` allows).
  nlohmann::json List(const std::function<bool(const std::string& office)>& may_see) const;
  // Prometheus lines: lag and skew per node.
  std::string Gauges() const;

 private:
  void Persist(const std::string& id, const NodeState& s) const;
  nlohmann::json Describe(const NodeConfig& node, const NodeState& s, int64_t now) const;

  const HubConfig* config_;
  replication::EventLog* log_;
  const Clock* clock_;
  mutable std::mutex mu_;
  std::map<std::string, NodeState> nodes_;
};

}  // namespace hailong::hub
