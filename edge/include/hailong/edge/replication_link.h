// ReplicationLink: what the edge needs to know about the shipping of its
// log to the hub (and the pulling of the hub's configuration events into
// it). The replication library's Shipper implements it (StartShipperLink in
// edge_node.h); an edge without a `hub` section has none and reports
// replicated_seq 0 and hub_reachable false.
//
// Thread safety: implementations must allow state() from any thread.
// Lifetime: EdgeNode stops and destroys the link before it closes the event
// log, so a link may keep the EventLog pointer it was created with.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "hailong/edge/config.h"
#include "hailong/replication/event_log.h"
#include "hailong/replication/shipper.h"
#include "hailong/schema/status.h"

namespace hailong::edge {

struct ReplicationState {
  uint64_t replicated_seq = 0;  // last seq of this edge's origin the hub acknowledged
  bool hub_reachable = false;   // the last exchange with the hub succeeded
  std::string last_error;
  uint64_t lag_events = 0;  // own events not yet acknowledged
  double lag_seconds = 0;   // age of the oldest unacknowledged event
  uint64_t pulled_seq = 0;  // hub-origin events ingested so far
  int64_t last_contact_ms = 0;
};

class ReplicationLink {
 public:
  virtual ~ReplicationLink() = default;
  virtual ReplicationState state() const = 0;
  // Stops the link's thread(s). Idempotent.
  virtual void Stop() = 0;
};

// What the link fetches from the hub besides the log (the office's officer
// PIN hashes), on the shipper's connection and credentials.
using HubSideFetches = std::vector<replication::ShipperOptions::SideFetch>;

// Creates and starts the link for config.hub (always set when called) over
// `log` (not owned; outlives the link). An error stops the edge at start-up.
using ReplicationLinkFactory = std::function<Status(
    const EdgeConfig& config, replication::EventLog* log, const HubSideFetches& side_fetches,
    std::unique_ptr<ReplicationLink>* out)>;

}  // namespace hailong::edge
