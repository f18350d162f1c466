// Projector: applies every origin's events to the hub's read models.
//
// Exactly once across crashes: each batch of events of one origin is
// applied in ONE WriteBatch together with that origin's applied cursor
// (x/hub/p/cur/<origin>), so after a crash the projector resumes from the
// cursor and never applies an event twice or skips one.
//
// The models are order-independent across origins (a void or a complaint
// that arrives before its rating is remembered and applied with it), so
// replaying origin after origin (Rebuild) gives the same models as applying
// events as they arrive (tests/hub compares them).
//
// Every event is first checked against the table of who may make which
// event (src/event_authorization.h, hub/README.md): a refused event is
// recorded (x/hub/p/rn/, x/hub/p/rx/) and reaches no other model. Being a
// projection, the record is the same after a rebuild.
//
// Side effect: an unsatisfied rating that left a phone number or a comment
// opens a follow-up, appended to the hub's own log (idempotency id
// "fu:<origin>:<seq>", so a rebuild or a crash never opens it twice). The
// append happens before the batch that saw the rating is written.
//
// Thread safety: Start/Stop/Rebuild from one thread; the query methods
// from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_set>
#include <utility>
#include <vector>

#include "hailong/replication/event_log.h"
#include "hailong/schema/status.h"

namespace hailong::hub {

class Overlay;
struct RebuildState;
class ScanAhead;

struct ProjectorOptions {
  // The hub's log (origin "hub"). Not owned; must outlive the projector.
  replication::EventLog* log = nullptr;
  // Most events applied in one write batch. Default 4096.
  size_t batch_events = 4096;
  // The same for Rebuild(), which runs offline: larger batches need fewer
  // store lookups. Default 262144.
  size_t rebuild_batch_events = 262144;
  // Rebuild: tally cells kept in memory before they are written (added to
  // the stored pages after the first time). A year of 100 offices is about
  // 2.9M cells. Default 4M.
  size_t rebuild_max_cells = size_t{1} << 22;
  // Rebuild: bytes of dossier states and rating chunks kept in memory before
  // they are written. Default 2 GiB.
  size_t rebuild_max_bytes = size_t{2} << 30;
  // The configured nodes: origin -> the node's office (used when an event
  // names no office). Events of any other origin than these and the hub's
  // own are refused, as are events a node may not make
  // (src/event_authorization.h).
  std::map<std::string, std::string> origin_office;
  // A province hub's origins learnt from its district hubs' pushes
  // (src/province_origins.h): true for an origin it knows, with *office the
  // office of an edge's origin, or "" for a district hub's own origin
  // ("<node>:hub"). nullptr = none. Thread-safe.
  std::function<bool(const std::string& origin, std::string* office)> learnt_origin;
  // A province hub's district hubs: their own origin ("<node>:hub") -> the
  // node id and the district's offices. Their events are judged against
  // these offices (src/event_authorization.h), before learnt_origin.
  std::map<std::string, std::pair<std::string, std::vector<std::string>>> district_hubs;
  // Open follow-ups for unsatisfied ratings with a phone or comment. Default true.
  bool open_follow_ups = true;
  // fsync each projection batch. Default false: the cursor and the models
  // are written atomically, and the log can always be replayed.
  bool sync = false;
};

// What one applied batch touched, for live updates.
struct AppliedBatch {
  std::string origin;
  uint64_t first_seq = 0;
  uint64_t last_seq = 0;
  std::set<std::string> offices;
  uint64_t ratings = 0;
  uint64_t dossiers = 0;
  uint64_t follow_ups = 0;  // follow-up events applied
  uint64_t refused = 0;     // events refused by src/event_authorization.h
};

struct ProjectorStats {
  uint64_t events_applied = 0;
  uint64_t batches = 0;
  uint64_t follow_ups_opened = 0;
  std::string last_error;
};

class Projector {
 public:
  static Status Open(const ProjectorOptions& options, std::unique_ptr<Projector>* out);
  ~Projector();

  // Starts the projector thread: catches up, then applies new events as
  // the log's listener reports them. `on_applied` is called on that thread
  // after each batch is durable (keep it short).
  void Start(std::function<void(const AppliedBatch&)> on_applied);
  void Stop();

  // Applies everything up to the current heads on the calling thread (not
  // while Start()ed).
  Status CatchUp();
  // Drops every read model (the x/hub/p/ prefix) and replays every origin
  // from seq 1 (not while Start()ed).
  Status Rebuild();

  // The applied cursor of `origin` (0 = nothing yet).
  uint64_t Applied(const std::string& origin) const;
  // Events in the log not applied yet, over all origins.
  uint64_t Backlog() const;
  // Waits until every origin's cursor reaches its head as of the call.
  bool WaitCaughtUp(std::chrono::milliseconds timeout) const;
  ProjectorStats stats() const;
  // Changes whenever a batch is applied (or the models are rebuilt): cached
  // answers computed at an older generation are stale.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  // Distinct for every Projector of the process (a cache key with generation()).
  uint64_t instance() const { return instance_; }

 private:
  explicit Projector(ProjectorOptions options);
  Status LoadCursors();
  // Applies one batch of `origin`; *more = the origin has events left.
  Status ApplyBatch(const std::string& origin, size_t max_events, bool* more,
                    AppliedBatch* applied);
  Status CatchUpWith(size_t max_events);
  void Run();

  ProjectorOptions options_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::map<std::string, uint64_t> cursors_;  // guarded by mu_
  ProjectorStats stats_;                     // guarded by mu_
  bool dirty_ = true;                        // guarded by mu_
  bool stop_ = false;                        // guarded by mu_
  // Keys of x/hub/p/rf/ that exist; only the projector thread uses it.
  std::unordered_set<std::string> flagged_;
  std::atomic<uint64_t> generation_{0};
  uint64_t instance_ = 0;
  uint64_t listener_id_ = 0;
  std::thread thread_;
  std::function<void(const AppliedBatch&)> on_applied_;
  // During Rebuild(): the tally cells, dossier states and rating chunks of
  // every batch so far, written at the end (a marker key makes an
  // interrupted rebuild start again at Open).
  std::unique_ptr<RebuildState> rebuild_;
  // During Rebuild(): the origin being read ahead on another thread.
  std::unique_ptr<ScanAhead> scan_ahead_;
};

}  // namespace hailong::hub
