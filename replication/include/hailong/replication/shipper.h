// Shipper: the edge's side of log shipping (doc/protocol.md), also a
// district hub's towards its province hub (replication/README.md).
//
// On its own thread it pushes this node's events (EventLog::origin()) to the
// hub after the hub's acknowledged cursor, in batches sized by bytes, and
// pulls the hub's own events (origin "hub": catalogue, templates, officers)
// into the same log with EventLog::Ingest. Nothing is ever skipped: a batch
// the hub refuses is retried after a backoff with jitter, and the reason is
// kept in status().last_error and logged. The hub is authoritative for its
// cursor, so a restart on either side resumes where the hub stands.
//
// With options.ship_origin it pushes every origin of the log the predicate
// accepts instead (a district hub: its edges' origins and its own "hub"),
// each after its own cursor at the upstream hub, one origin's pipeline at a
// time, taking turns so that a long backlog of one origin does not hold
// back the others.
//
// Thread safety: status() and Stop() may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hailong/replication/event_log.h"
#include "hailong/schema/status.h"

namespace hailong::replication {

// Origin id of the hub's own log.
inline constexpr char kHubOrigin[] = "hub";

struct ShipperOptions {
  // "http://host:port" (loopback) or "https://host:port" (Beast SSL stream,
  // OpenSSL, peer verified). Required.
  std::string hub_url;
  // This node's id at the hub; must equal the log's origin unless
  // ship_origin is set. Required.
  std::string node_id;
  // Bearer token of the node. Required.
  std::string token;
  // CA bundle for https; "" = the system's default paths.
  std::string ca_file;
  // Most bytes of events in one push (the hub accepts up to 8 MiB).
  size_t max_batch_bytes = 2u << 20;
  // Pushes sent and not yet answered (HTTP/1.1 pipelining on the one
  // connection): the next batch is read and sent while the hub stores the
  // previous one. 1 = strictly push, answer, next push.
  int max_in_flight = 2;
  // How often the hub's events are pulled when nothing else happens.
  int pull_interval_ms = 2000;
  // Backoff after a failure: doubles from min to max, with +-50% jitter.
  int backoff_min_ms = 200;
  int backoff_max_ms = 30000;
  // Deadline of one HTTP exchange.
  int request_timeout_ms = 30000;
  // Pull hub events into the log (edges). Off for tools that only push.
  bool pull = true;

  // Other GETs made on the same connection, with the same credentials, at
  // most once per pull_interval_ms after a successful round (the edge
  // fetches its office's officer PIN hashes this way). A failure here never
  // holds back shipping: it is logged (once per distinct message) and the
  // fetch is tried again in the next interval.
  struct SideFetch {
    // The request target ("/api/v1/..."), or "" to skip this round.
    std::function<std::string()> target;
    // Called on the shipper's thread with the answer (any HTTP status).
    std::function<Status(int http_status, const std::string& body)> on_answer;
  };
  std::vector<SideFetch> side_fetches;

  // The origins to push (a district hub ships many); called with each
  // origin of the log, from the shipper's and status()'s threads, so it
  // must be thread-safe. nullptr = only the log's own origin (an edge).
  // Each push carries X-Hailong-Origin = the origin pushed.
  std::function<bool(std::string_view origin)> ship_origin;
  // Extra headers of the pushes of one origin (a district hub names the
  // office of an edge's origin with X-Hailong-Office). nullptr = none.
  std::function<std::vector<std::pair<std::string, std::string>>(std::string_view origin)>
      push_headers;
};

struct ShipperStatus {
  uint64_t replicated_seq = 0;  // last own seq the hub acknowledged
  // Every pushed origin's acknowledged seq (learnt from the hub).
  std::map<std::string, uint64_t> acked_by_origin;
  bool hub_reachable = false;   // the last exchange succeeded
  std::string last_error;       // "" after a success
  uint64_t lag_events = 0;      // own head - replicated_seq (summed over the pushed origins)
  double lag_seconds = 0;       // age of the oldest unacknowledged event (of any pushed origin)
  uint64_t pulled_seq = 0;      // head of the hub's events held locally
  int64_t last_contact_ms = 0;  // wall clock of the last success, 0 = never
  uint64_t pushes = 0;          // successful pushes
  uint64_t refusals = 0;        // pushes the hub refused (4xx)
};

class Shipper {
 public:
  static Status Start(const ShipperOptions& options, EventLog* log, std::unique_ptr<Shipper>* out);
  virtual ~Shipper() = default;  // stops
  virtual ShipperStatus status() const = 0;
  // Stops the thread (interrupting a wait); idempotent.
  virtual void Stop() = 0;
  // Wakes the thread to push now (the log's listener also does).
  virtual void Kick() = 0;
};

// Frames of the push and pull bodies: [u32 little-endian length][bytes]...
void AppendFrame(std::string* body, std::string_view event);
// Splits a body into frames; Corruption naming the offset if truncated.
Status SplitFrames(std::string_view body, std::vector<std::string_view>* frames);

}  // namespace hailong::replication
