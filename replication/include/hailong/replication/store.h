// Store: the project's small interface over an ordered, durable key-value
// store (RocksDB). The event log, replication cursors and the hub's read
// models all live in one Store, so that a read model and the cursor it has
// applied are written in one atomic batch.
//
// Thread safety: all methods may be called concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hailong/schema/status.h"

namespace hailong::replication {

struct StoreOptions {
  // Create the store if the directory holds none. Default: true.
  bool create_if_missing = true;
  // Compress data blocks (LZ4 where available). Default: true.
  bool compression = true;
  // Block cache size in bytes. Default 32 MiB (edge boxes are small).
  size_t block_cache_bytes = 32u << 20;
};

// A set of writes applied atomically.
class WriteBatch {
 public:
  void Put(std::string_view key, std::string_view value);
  void Delete(std::string_view key);
  // Deletes every key in [begin, end) that exists when the batch is written
  // (one range tombstone, however many keys).
  void DeleteRange(std::string_view begin, std::string_view end);
  size_t Count() const { return ops_.size(); }
  size_t ApproximateBytes() const { return bytes_; }
  void Clear() {
    ops_.clear();
    bytes_ = 0;
  }

  struct Op {
    bool is_delete;
    std::string key;
    std::string value;  // the end of the range for a range delete
    bool is_range = false;
  };
  const std::vector<Op>& ops() const { return ops_; }

 private:
  std::vector<Op> ops_;
  size_t bytes_ = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Opens (or creates) the store in `dir`.
  static Status Open(const StoreOptions& options, const std::string& dir,
                     std::unique_ptr<Store>* out);

  // Not found is Status::NotFound, anything else an error.
  virtual Status Get(std::string_view key, std::string* value) const = 0;
  // sync=true returns only after the write-ahead log is fsync'd.
  virtual Status Write(const WriteBatch& batch, bool sync) = 0;
  // Writes without the write-ahead log, for bulk writes that can be redone
  // (a read-model rebuild): cheaper, but a crash loses it unless Flush()
  // returned OK after it. Never for anything acknowledged or a cursor that
  // must survive on its own.
  virtual Status WriteUnlogged(const WriteBatch& batch) = 0;
  // Flushes the memtables to table files and waits: every write before it,
  // unlogged ones included, is then on disk.
  virtual Status Flush() = 0;

  // Visits keys in [begin, end) in order (end "" = no bound) until the
  // visitor returns false. The views are valid only during the call.
  virtual Status Scan(
      std::string_view begin, std::string_view end,
      const std::function<bool(std::string_view key, std::string_view value)>& visit) const = 0;
  // The last key (and value) in [begin, end), NotFound if none.
  virtual Status Last(std::string_view begin, std::string_view end, std::string* key,
                      std::string* value) const = 0;

  // Writes a consistent copy (RocksDB checkpoint) of the store into `dir`,
  // which must not exist.
  virtual Status Checkpoint(const std::string& dir) = 0;
  // Bytes the store's files take on disk.
  virtual uint64_t DiskBytes() const = 0;
  // Compacts everything (benchmarks measure settled sizes).
  virtual Status CompactAll() = 0;
};

}  // namespace hailong::replication
