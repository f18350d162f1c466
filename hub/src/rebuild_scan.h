// ScanAhead: reads and verifies one origin's events on a thread of its own
// and hands them over in blocks through a bounded queue, so a rebuild
// verifies the log on one core while it projects on another.
//
// The events are copied (at 8-byte aligned addresses) out of the log's
// scan, which verified them; Next() gives them in seq order as the log
// holds them (gaps are the consumer's to detect).
//
// Thread safety: one consumer thread calls Next(); the destructor stops
// and joins the scanning thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "hailong/replication/event_log.h"
#include "hailong/schema/status.h"

namespace hailong::hub {

class ScanAhead {
 public:
  // Starts scanning `origin` of `log` from `from_seq`. `log` must outlive
  // this object.
  ScanAhead(const replication::EventLog* log, std::string origin, uint64_t from_seq);
  ~ScanAhead();
  ScanAhead(const ScanAhead&) = delete;
  ScanAhead& operator=(const ScanAhead&) = delete;

  // The next event (valid until the next call); false at the end of the
  // scan, after which status() says whether it ended well.
  bool Next(uint64_t* seq, const fb::Event** event);
  Status status() const;
  const std::string& origin() const { return origin_; }
  // The seq after the last event Next() gave (from_seq before any).
  uint64_t next_seq() const { return next_seq_; }
  // True once Next() returned false.
  bool finished() const { return finished_; }

 private:
  struct Block {
    std::vector<uint64_t> buffer;                     // 8-byte words: aligned storage
    size_t used = 0;                                  // bytes of buffer in use
    std::vector<std::pair<uint64_t, size_t>> events;  // seq, byte offset
  };
  static constexpr size_t kBlockEvents = 2048;
  static constexpr size_t kMaxQueued = 8;

  void Run(uint64_t from_seq);
  // Hands `block` to the consumer; false when asked to stop.
  bool Publish(std::unique_ptr<Block>* block);

  const replication::EventLog* log_;
  const std::string origin_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<Block>> full_;   // guarded by mu_
  std::vector<std::unique_ptr<Block>> free_;  // guarded by mu_
  bool done_ = false;                         // guarded by mu_: the scan ended
  bool stop_ = false;                         // guarded by mu_
  Status status_;                             // guarded by mu_
  // The consumer's side.
  std::unique_ptr<Block> current_;
  size_t position_ = 0;
  uint64_t next_seq_ = 0;
  bool finished_ = false;
  std::thread thread_;
};

}  // namespace hailong::hub
