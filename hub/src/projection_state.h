// Private record types of the projection: per-dossier state and per-rating
// flags, and the Overlay that buffers one batch's reads and writes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "hailong/hub/read_model.h"
#include "hailong/replication/store.h"
#include "hailong/schema/status.h"

namespace hailong::hub {

// One dossier (receipt) of one office.
struct DossierState {
  bool entered = false;  // counted as a dossier (on `day`)
  std::string day;       // entry day, Asia/Ho_Chi_Minh
  std::string counter, officer, field, procedure;
  int64_t due_ms = 0;
  int64_t returned_ms = 0;  // 0 = not returned yet
  int64_t rated = 0;        // counted ratings about it
  int64_t bad = 0;          // counted ratings unsatisfied or complained about

  bool Overdue() const { return returned_ms > 0 && due_ms > 0 && returned_ms > due_ms; }
  // Its contribution to the entry-day tallies.
  Tally Contribution() const;
  std::string Encode() const;
  bool Decode(std::string_view bytes);
};

// Facts about a rating that may arrive before or after the rating itself.
struct RatingFlags {
  bool voided = false;
  bool complained = false;  // a follow-up was opened about it
  std::string Encode() const;
  bool Decode(std::string_view bytes);
};

// The rating index entry (x/hub/p/ri/...): enough to filter a list before
// reading the events themselves.
struct RatingIndexEntry {
  uint8_t classification = 0;  // fb::Classification
  bool misuse = false;
  bool voided = false;
  bool has_comment = false;
  bool has_phone = false;
  std::string counter, officer, channel;
  // Appended later: entries written before carry none (has_dims false;
  // such entries need a rebuild before filtering by field or procedure).
  bool has_dims = true;
  std::string field, procedure;
  std::string Encode() const;
  bool Decode(std::string_view bytes);
};

// Buffers the reads and writes of one projection batch over a Store.
class Overlay {
 public:
  explicit Overlay(replication::Store* store) : store_(store) {}
  // Reads through the batch's own writes. NotFound if absent or deleted.
  Status Get(const std::string& key, std::string* value) const;
  void Put(const std::string& key, std::string value);
  void Delete(const std::string& key);
  // Adds `delta` to the tally of (dim, office, day, value) in all three
  // layouts: office first (a/), day first (t/) and the month roll-up (m/).
  // The keys are built once per batch, at Flush.
  void AddCell(Dimension dim, std::string_view office, std::string_view day, std::string_view value,
               const Tally& delta);
  // Merges the tally deltas with the stored tallies and adds every write to
  // `batch`, in key order (sorted inserts are cheaper for the memtable).
  Status Flush(replication::WriteBatch* batch) const;
  // Rebuild: merges the buffered tally cells with the stored tallies and
  // writes them in batches of at most `max_ops` (not atomic: the rebuild's
  // marker makes an interrupted rebuild start again), then forgets them.
  Status FlushCells(size_t max_ops);
  bool empty() const { return records_.empty() && cells_.empty(); }
  // Rebuild: the store holds no tallies yet, so merging needs no reads
  // (until the first FlushCells).
  void AssumeNoStoredTallies() { no_stored_tallies_ = true; }
  size_t cell_count() const { return cells_.size(); }

 private:
  replication::Store* store_;
  std::unordered_map<std::string, std::optional<std::string>> records_;
  // dim byte, office, '\0', day, '\0', value -> delta
  std::unordered_map<std::string, Tally> cells_;
  std::string scratch_;
  bool no_stored_tallies_ = false;

  // The tally writes (key, merged value; nullopt = delete), sorted by key.
  Status MergedTallies(std::vector<std::pair<std::string, std::optional<std::string>>>* out) const;
};

}  // namespace hailong::hub
