// ShipperImpl: the Shipper (hailong/replication/shipper.h) behind its
// interface, split by idea over
//   shipper.cc          the thread: start, stop, the round (Step) and the
//                       retry loop with backoff and jitter (Run)
//   shipper_origins.cc  which origins are pushed and whose turn it is
//   shipper_cursor.cc   the hub's cursor per origin, and its refusals
//   shipper_push.cc     batches read into frames and the push pipeline
//   shipper_pull.cc     pulling the hub's events, and the side fetches
// Private to the replication library.
//
// Thread safety: as Shipper. Members below mu_ are guarded by it; the others
// belong to the shipper's thread (Run and what it calls).
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "hailong/net/http_client.h"
#include "hailong/net/url.h"
#include "hailong/replication/shipper.h"

namespace hailong::replication::shipper_internal {

namespace http = boost::beast::http;
using json = nlohmann::json;

// Wall-clock milliseconds since the epoch (the X-Hailong-Clock header, lag).
int64_t WallMs();

class ShipperImpl final : public Shipper {
 public:
  ShipperImpl(ShipperOptions options, EventLog* log, net::Url url);

  ~ShipperImpl() override { Stop(); }

  ShipperStatus status() const override;

  void Stop() override;

  void Kick() override;

 private:
  // The node's token and id, for cursor reads, pulls and side fetches.
  std::vector<std::pair<std::string, std::string>> AuthHeaders() const;

  // True if events of `origin` are pushed (ShipperOptions::ship_origin).
  bool Ships(std::string_view origin) const;

  // The origins pushed, sorted (an edge: its own, even before its first event).
  std::vector<std::string> ShippedOrigins() const;

  // Between pushes (nothing in flight): stays on the current origin while
  // its turn lasts and it has work, else moves to the next origin that has
  // work (no cursor yet, or events after it), round-robin.
  void PickOrigin();

  // True if some pushed origin has work left.
  bool AnyWork();

  // True once the hub's cursor for the current origin is known.
  bool HaveCursor();

  // The thread: Step after Step; after a failure, waits a backoff doubling
  // from backoff_min_ms to backoff_max_ms, with jitter (a kick does not
  // end it); when idle, waits pull_interval_ms or a kick.
  void Run();

  // True once Stop() was called.
  bool Stopping();

  // Sleeps `ms` or until Stop() (or a Kick(), with `kick_wakes`).
  void Wait(int ms, bool kick_wakes);

  // One round: learn the cursor if needed, push one batch, pull one batch.
  // *more = there is still work to do right away.
  Status Step(bool* more);

  // The side fetches, at most once per pull interval; never fails the round.
  void SideFetches();

  // A JSON object from `body`, else Corruption.
  Status ParseJson(const std::string& body, json* out);

  // Asks the hub for the current origin's cursor (GET
  // /api/v1/replication/cursor) and keeps it.
  Status FetchCursor();

  // The hub's refusal (HTTP `code`, its "error" text) as a Status: 401
  // Unauthenticated, 403 PermissionDenied, 409 Conflict, 5xx Unavailable,
  // else InvalidArgument. Counts it in status().refusals.
  Status Refused(const char* what, int code, const std::string& body);

  // The current origin's cursor at the hub.
  void SetAcked(uint64_t acked);

  // The current origin's cursor at the hub (0 before it is known).
  uint64_t Acked();

  // Reads the events from `from` up to max_batch_bytes (at least one)
  // straight into a push body. *last = the last seq read, 0 if none.
  Status ReadBatch(uint64_t from, std::string* body, uint64_t* last);

  // Drops the connection and every unanswered push; the next round sends
  // again from the hub's acknowledged cursor (the hub skips what it holds).
  void AbandonPipeline();

  // One round of pushing: fills the pipeline (up to max_in_flight pushes
  // unanswered, each continuing the previous one), then reads the oldest
  // answer. The hub answers in order, so a refusal also stops the pushes
  // sent behind it: they are dropped with the connection and resent.
  Status PushOnce(bool* more);

  // Pulls one batch of the hub's own events (origin "hub") after the log's
  // head and ingests it; *more = some were stored.
  Status PullOnce(bool* more);

  const ShipperOptions options_;
  EventLog* log_;
  net::HttpClient client_;
  std::mt19937 rng_;
  uint64_t listener_ = 0;
  // The origin being pushed (the shipper's thread only): the log's own for
  // an edge; with ship_origin, the one whose turn it is.
  std::string current_;
  int turn_pushes_ = 0;  // pushes sent in the current origin's turn

  // Pushes sent and not yet answered, oldest first.
  struct InFlight {
    uint64_t last = 0;        // last seq of the push
    bool idle_reuse = false;  // first push on a connection left idle
  };
  static constexpr int kPushesPerPull = 16;
  static constexpr int kPushesPerTurn = 8;
  std::deque<InFlight> in_flight_;
  uint64_t next_send_ = 0;  // first seq of the next push
  int pushes_since_pull_ = 0;
  bool after_refusal_ = false;  // the last push answered was refused
  bool side_fetched_ = false;
  std::chrono::steady_clock::time_point last_side_fetch_;
  std::map<size_t, std::string> side_errors_;  // last error of each side fetch

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool kicked_ = false;
  ShipperStatus status_;
  // Per pushed origin: the hub's cursor and the age of the oldest event after it.
  struct OriginState {
    uint64_t acked = 0;
    bool have_cursor = false;
    int64_t oldest_unacked_ms = 0;
  };
  std::map<std::string, OriginState> states_;
  std::thread thread_;
};

}  // namespace hailong::replication::shipper_internal
