// Private to hailong_replication: EventLogImpl, the EventLog over a Store.
// Its methods live by concern: event_log.cc (open, heads, listeners, the
// disk floor), event_log_append.cc (group commit), event_log_ingest.cc
// (other origins' events), event_log_read.cc (read, scan, verify). Key
// layout in keys.h.
//
// Concurrency: appenders queue as Writers; the writer at the front of the
// queue becomes the leader, takes the following writers' drafts (up to
// max_group_events) and writes them in one batch with one fsync, as in
// LevelDB's DBImpl::Write. write_mu_ serializes the leader with Ingest of
// this node's own origins, so their heads only change under write_mu_.
// Appends never write other origins: Ingest of another origin takes only
// that origin's lock, so pushes of many edges are stored at once and their
// fsyncs shared by RocksDB's write group. heads_mu_ lets readers see heads.
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hailong/replication/event_log.h"

namespace hailong::replication::internal {

// 1-128 bytes, no '/', no control characters or spaces.
bool ValidOrigin(std::string_view origin);

std::string SeqText(uint64_t seq);

class EventLogImpl final : public EventLog {
 public:
  EventLogImpl(const EventLogOptions& options, std::string dir, std::unique_ptr<Store> store)
      : EventLog(options.origin),
        options_(options),
        dir_(std::move(dir)),
        clock_(options.clock ? options.clock : Clock::System()),
        store_(std::move(store)) {}

  // Checks the format record (writes it in a new store) and loads every
  // origin's head. Corruption for an unknown format or a damaged head.
  Status LoadHeads();

  Status Append(EventDraft draft, AppendResult* result) override;
  Status AppendBatch(std::vector<EventDraft> drafts, std::vector<AppendResult>* results) override;
  Status Ingest(std::string_view origin_id, const std::vector<std::string_view>& events,
                IngestResult* result) override;
  Status FindIdempotent(std::string_view origin_id, std::string_view id,
                        uint64_t* seq) const override;
  ChainHead Head(std::string_view origin_id) const override;
  std::vector<std::string> Origins() const override;
  Status Read(std::string_view origin_id, uint64_t from_seq, size_t max_events, size_t max_bytes,
              std::vector<StoredEvent>* out) const override;
  Status Scan(std::string_view origin_id, uint64_t from_seq,
              const std::function<bool(uint64_t, std::string_view, const fb::Event&)>& visit)
      const override;
  Status Verify(std::string_view origin_id, VerifyResult* result) const override;
  uint64_t AddListener(Listener listener) override;
  void RemoveListener(uint64_t id) override;
  uint64_t FreeDiskBytes() const override;
  Store* store() override { return store_.get(); }

 private:
  struct Writer {
    std::vector<EventDraft>* drafts = nullptr;
    std::vector<AppendResult>* results = nullptr;
    Status status;
    bool done = false;
    std::condition_variable cv;
  };

  bool OwnOrigin(std::string_view o) const;
  // StorageFull when the disk has less free space than min_free_bytes.
  Status CheckFloor() const;
  // Writes the drafts of `group` as one batch. Sets every writer's status
  // and results; fills *heads with the new head of every origin written.
  void WriteGroup(const std::vector<Writer*>& group, std::map<std::string, ChainHead>* heads_out);
  void SetHead(std::string_view origin_id, const ChainHead& head);
  // Calls every listener, outside the locks.
  void Notify(std::string_view origin_id, uint64_t seq);

  const EventLogOptions options_;
  const std::string dir_;
  const Clock* clock_;
  std::unique_ptr<Store> store_;

  std::mutex queue_mu_;
  std::deque<Writer*> writers_;
  std::mutex write_mu_;
  // Ingest of other origins: one lock per origin.
  std::mutex ingest_locks_mu_;
  std::unordered_map<std::string, std::shared_ptr<std::mutex>> ingest_locks_;

  mutable std::shared_mutex heads_mu_;
  std::map<std::string, ChainHead, std::less<>> heads_;

  std::mutex listeners_mu_;
  uint64_t next_listener_ = 0;
  std::map<uint64_t, std::shared_ptr<Listener>> listeners_;
};

}  // namespace hailong::replication::internal
