// EventLog: the append-only, per-origin, hash-chained event log.
//
// Guarantees (see replication/doc/log_format.md for the on-disk format):
//  * Append returns OK only once the event is durable (WAL fsync'd when
//    options.sync is true, the default). Concurrent appenders share one
//    write and one fsync (group commit).
//  * Sequence numbers are gapless from 1 per origin; key order is log order.
//  * Appends with an idempotency id already in the log write nothing and
//    return the original sequence number (duplicate = true), also after a
//    crash and reopen.
//  * Every event carries the chain hash of its predecessor; Verify
//    recomputes the chain and names the first bad sequence number.
//  * Bytes read back are checked with the FlatBuffers Verifier before any
//    field is decoded.
//
// One EventLog holds the events of many origins: a node's own (appended
// here) and other nodes' (ingested by replication or import).
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hailong/replication/store.h"
#include "hailong/schema/event.h"
#include "hailong/schema/status.h"
#include "hailong/schema/time.h"

namespace hailong::replication {

struct EventLogOptions {
  // Origin id of events appended with Append(): this node's id. Required.
  std::string origin;
  // fsync the write-ahead log before Append returns. Default true; only
  // benchmarks that measure the ceiling without it turn it off.
  bool sync = true;
  // Further origins this node appends to with EventDraft::origin (the hub
  // keeps personal data in "hub-private", which edges do not pull).
  std::vector<std::string> extra_origins;
  // Most events one group commit writes. Default 4096.
  size_t max_group_events = 4096;
  // Appends are refused with Status::StorageFull when the file system
  // holding the log has fewer free bytes than this. 0 = no floor.
  uint64_t min_free_bytes = 0;
  // Clock for event times; nullptr = Clock::System(). Not owned; must
  // outlive the log.
  const Clock* clock = nullptr;
  StoreOptions store;
};

// What a client asks to append. The log fills in origin, seq, time (when
// time_ms is 0) and prev_hash.
struct EventDraft {
  std::string idempotency_id;  // "" = no idempotency check
  int64_t time_ms = 0;         // 0 = the log's clock at append
  fb::EventBodyUnion body;
  // "" = options.origin; otherwise one of options.extra_origins.
  std::string origin;
};

struct AppendResult {
  uint64_t seq = 0;
  bool duplicate = false;  // the idempotency id was already in the log
  // The FlatBuffers bytes of the fb::Event as written (durable once the
  // call returns OK), so a writer applies exactly what it appended; empty
  // for a duplicate (nothing was written).
  std::string bytes;
};

struct StoredEvent {
  uint64_t seq = 0;
  std::string bytes;  // verified FlatBuffers bytes of one fb::Event
};

struct ChainHead {
  uint64_t seq = 0;                       // 0 = no events yet
  schema::Hash hash = schema::kZeroHash;  // chain hash of event `seq`
};

struct VerifyResult {
  uint64_t events_checked = 0;
  uint64_t first_bad_seq = 0;  // 0 = the chain is intact
  std::string reason;          // why first_bad_seq is bad
  ChainHead head;              // head recomputed from the events
};

// Why Ingest refused a batch (kNone: stored, or nothing to store).
enum class IngestRefusal {
  kNone,
  kGap,            // an event beyond the head + 1 (Status::Conflict)
  kFork,           // an event at or below the head differs from the one held (Conflict)
  kCorrupt,        // fails the Verifier or does not link (Status::Corruption)
  kForeignOrigin,  // an event of another origin (Status::PermissionDenied)
  kStorageFull,    // under the disk floor (Status::StorageFull)
  kError,          // the store failed, or the origin id is invalid
};

struct IngestResult {
  uint64_t stored = 0;            // events newly written
  uint64_t skipped = 0;           // events already held, byte for byte
  ChainHead head;                 // the origin's head after the call (refused: unchanged)
  uint64_t first_stored_seq = 0;  // the first event newly written; 0 = none
  uint64_t last_seq = 0;          // the batch's last event's seq; 0 = empty or refused
  int64_t newest_time_ms = 0;     // the newest event time of the batch; 0 = empty or refused
  IngestRefusal refusal = IngestRefusal::kNone;
  uint64_t refused_seq = 0;  // refused: the event the batch was refused at
};

class EventLog {
 public:
  // Opens (creating if missing) the log in `dir`. Recovers after a crash:
  // the heads are read from the store, which RocksDB keeps consistent with
  // the events (they are written in the same batch).
  static Status Open(const EventLogOptions& options, const std::string& dir,
                     std::unique_ptr<EventLog>* out);
  virtual ~EventLog() = default;

  // Appends one event of this node's origin; blocks until durable.
  virtual Status Append(EventDraft draft, AppendResult* result) = 0;
  // Appends several in order as one group (all or nothing).
  virtual Status AppendBatch(std::vector<EventDraft> drafts,
                             std::vector<AppendResult>* results) = 0;

  // Stores events of any origin received from elsewhere (replication,
  // import). Each must verify, carry `origin`, and continue the chain:
  // seq = head+1 and prev_hash = head hash. An event at or below the head
  // whose bytes equal the stored ones is skipped; a different one is
  // Status::Conflict (a fork), as is a gap. A failed Verifier or a bad link
  // (prev_hash) is Status::Corruption; an event of another origin is
  // Status::PermissionDenied; the disk floor Status::StorageFull. Nothing of
  // a refused call is stored. *result (may be null) is filled either way:
  // a refusal names its kind and the refused seq, and head is the origin's
  // head as the call saw it. Calls for one origin are serialized here, so
  // callers need no lock of their own.
  virtual Status Ingest(std::string_view origin, const std::vector<std::string_view>& events,
                        IngestResult* result) = 0;

  // The seq assigned to idempotency id `id` of `origin`, NotFound if none.
  // Kept for this node's own origin (appended, or ingested when a
  // replacement node replays its predecessor's log), not for others'.
  virtual Status FindIdempotent(std::string_view origin, std::string_view id,
                                uint64_t* seq) const = 0;

  virtual ChainHead Head(std::string_view origin) const = 0;
  // Origins with at least one event, sorted.
  virtual std::vector<std::string> Origins() const = 0;
  const std::string& origin() const { return origin_; }

  // Reads events of `origin` with seq >= from_seq, in order, stopping at
  // max_events or once max_bytes is exceeded (at least one event if any).
  virtual Status Read(std::string_view origin, uint64_t from_seq, size_t max_events,
                      size_t max_bytes, std::vector<StoredEvent>* out) const = 0;
  // Visits verified events of `origin` from from_seq in order until `visit`
  // returns false. A stored event that fails the Verifier ends the scan
  // with Status::Corruption naming its seq.
  virtual Status Scan(std::string_view origin, uint64_t from_seq,
                      const std::function<bool(uint64_t seq, std::string_view bytes,
                                               const fb::Event& event)>& visit) const = 0;

  // Recomputes the chain of `origin` from seq 1. OK with
  // result->first_bad_seq == 0 when intact; Status::Corruption (and
  // first_bad_seq, reason) at the first missing, unverifiable, misnumbered
  // or mislinked event, or when the stored head disagrees.
  virtual Status Verify(std::string_view origin, VerifyResult* result) const = 0;

  // Called after each durable write with the origin and its new head seq,
  // on the writing thread, outside the log's locks. Keep it short (post
  // to an executor). Returns an id for RemoveListener.
  using Listener = std::function<void(std::string_view origin, uint64_t head_seq)>;
  virtual uint64_t AddListener(Listener listener) = 0;
  virtual void RemoveListener(uint64_t id) = 0;

  // Free bytes on the log's file system (statvfs), for status pages.
  virtual uint64_t FreeDiskBytes() const = 0;

  // The underlying store, shared with cursors and read models. Keys with
  // the prefixes of doc/log_format.md belong to the log: never write them.
  virtual Store* store() = 0;

 protected:
  explicit EventLog(std::string origin) : origin_(std::move(origin)) {}

 private:
  std::string origin_;
};

}  // namespace hailong::replication
