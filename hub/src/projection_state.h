// Private record types of the projection: per-dossier state and per-rating
// flags, and the Overlay that buffers one batch's reads and writes.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "codec.h"
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
  int64_t complaints = 0;   // complaints recorded at the hub (ComplaintRecorded)
  // Every rating naming the receipt (counted or not), sorted by (origin,
  // seq): (varint length, origin, varint seq) each; the dossier's review at the
  // hub (GET /api/v1/ratings?receipt=, the timeline) reads them.
  std::string rating_refs;
  int64_t entered_ms = 0;  // when it entered (received, or returned first)
  // Counted ratings by stage (RatingSubmitted.stage; Unknown in neither).
  int64_t rated_intake = 0;
  int64_t rated_return = 0;
  // Where its return is counted: the day (Asia/Ho_Chi_Minh), counter and
  // officer of its first return ("" day = not returned).
  std::string return_day, return_counter, return_officer;
  void AddRatingRef(std::string_view origin, uint64_t seq);
  // Calls visit(origin, seq) for each; false if malformed.
  bool ForEachRatingRef(const std::function<void(std::string_view, uint64_t)>& visit) const;

  bool Overdue() const { return returned_ms > 0 && due_ms > 0 && returned_ms > due_ms; }
  // Entered, not returned, with a due time: overdue once the clock passes
  // due_ms (report_decision766.md); the tallies cannot know when, so the
  // pending index (x/hub/p/pd/) lists these for the reports.
  bool PendingWithDue() const { return entered && returned_ms == 0 && due_ms > 0; }
  // Counted unsatisfied for Decision 766 by the tallies (without the clock).
  bool Unsatisfied766() const { return bad > 0 || complaints > 0 || Overdue(); }
  // Counted in Tally::pending_with_due and listed in the pending index.
  bool PendingCounted() const { return PendingWithDue() && !Unsatisfied766(); }
  // Its contribution to the entry-day tallies.
  Tally Contribution() const;
  // Its contribution to the return-day tallies (zero until returned).
  Tally ReturnContribution() const;
  // The same cells as `other` for the return-day tallies.
  bool SameReturnCells(const DossierState& other) const {
    return return_day == other.return_day && return_counter == other.return_counter &&
           return_officer == other.return_officer && field == other.field &&
           procedure == other.procedure;
  }
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

// One rating of the rating index: enough to filter a list or a report
// before reading the events themselves.
struct RatingIndexEntry {
  uint8_t classification = 0;  // fb::Classification
  bool misuse = false;
  bool voided = false;
  bool has_comment = false;
  bool has_phone = false;
  bool very_satisfied = false;  // Tally::very_satisfied
  std::string_view counter, officer, channel, field, procedure;
};

// A RatingChunk (x/hub/p/ri/...): the ratings of one origin at one office
// in one hour, in seq order. Each entry: varint seq, varint time_ms, the
// classification byte, a flags byte (misuse 1, voided 2, comment 4, phone 8,
// very satisfied 16),
// then counter, officer, channel, field, procedure as (varint length, bytes).
// The flags byte has a fixed place, so voiding rewrites one byte.
namespace rating_chunk {
void Append(std::string* chunk, uint64_t seq, int64_t time_ms, const RatingIndexEntry& e);
// Calls visit(seq, time_ms, entry) for each entry (views into `chunk`);
// stops early when visit returns false. False if the chunk is malformed.
template <typename Visit>
bool ForEach(std::string_view chunk, Visit visit);
// Marks entry `seq` voided; false if the chunk has no such entry.
bool SetVoided(std::string* chunk, uint64_t seq);
// Decodes one entry at the front of *in (advancing it).
bool Next(std::string_view* in, uint64_t* seq, int64_t* time_ms, RatingIndexEntry* e,
          size_t* flags_offset_from_end);
}  // namespace rating_chunk

template <typename Visit>
bool rating_chunk::ForEach(std::string_view chunk, Visit visit) {
  uint64_t seq = 0;
  int64_t time = 0;
  RatingIndexEntry e;
  size_t unused = 0;
  while (!chunk.empty()) {
    if (!Next(&chunk, &seq, &time, &e, &unused)) return false;
    if (!visit(seq, time, e)) return true;
  }
  return true;
}

// A TallyPage (x/hub/p/a|t|m/...): the Tally of each value of one dimension
// at one office on one day (or month), values in byte order, no zero tally.
// Encoding: varint count, then per value (varint length, bytes, varint
// length, Tally::Encode()).
using TallyPage = std::map<std::string, Tally, std::less<>>;
// The non-zero tallies of `page`; "" when there are none (no page).
std::string EncodeTallyPage(const TallyPage& page);
// The same from (value, tally) entries already in byte order of value (the
// rebuild's interned pages); EncodeTallyPage(TallyPage) calls it.
std::string EncodeTallyPage(const std::vector<std::pair<std::string_view, const Tally*>>& sorted);
bool DecodeTallyPage(std::string_view bytes, TallyPage* page);
// Calls visit(value, tally) for each value without building a map; false if
// malformed.
template <typename Visit>
bool ForEachInTallyPage(std::string_view bytes, Visit visit);
bool NextInTallyPage(std::string_view* in, std::string_view* value, Tally* tally);

template <typename Visit>
bool ForEachInTallyPage(std::string_view bytes, Visit visit) {
  uint64_t n = 0;
  std::string_view in = bytes;
  if (!codec::GetVarint(&in, &n)) return false;
  std::string_view value;
  Tally t;
  for (uint64_t i = 0; i < n; ++i) {
    if (!NextInTallyPage(&in, &value, &t)) return false;
    visit(value, t);
  }
  return in.empty();
}

// Buffers the reads and writes of one projection batch over a Store.
class Overlay {
 public:
  explicit Overlay(replication::Store* store) : store_(store) {}
  // Reads through the batch's own writes, then the store. NotFound if
  // absent or deleted.
  Status Get(const std::string& key, std::string* value) const;
  void Put(const std::string& key, std::string value);
  void Delete(const std::string& key);
  // Adds `delta` to the tally of (dim, office, day, value) in all three
  // layouts: office first (a/), day first (t/) and the month roll-up (m/).
  void AddCell(Dimension dim, std::string_view office, std::string_view day, std::string_view value,
               const Tally& delta);
  // Merges the tally deltas with the stored pages and adds every write to
  // `batch`, in key order (sorted inserts are cheaper for the memtable).
  Status Flush(replication::WriteBatch* batch);
  bool empty() const { return records_.empty() && pages_.empty(); }
  size_t cell_count() const { return cell_count_; }

 private:
  replication::Store* store_;
  std::unordered_map<std::string, std::optional<std::string>> records_;
  // dim byte, office, '\0', day -> the page's deltas
  std::unordered_map<std::string, TallyPage> pages_;
  // The page of the last AddCell of each dimension (most cells of a batch
  // fall on the same office-day).
  struct LastPage {
    std::string office, day;
    TallyPage* page = nullptr;
  };
  LastPage last_[kDimensionCount];
  size_t cell_count_ = 0;
  std::string scratch_;

  // The page writes (key, merged value; nullopt = delete), sorted by key.
  Status MergedPages(std::vector<std::pair<std::string, std::optional<std::string>>>* out) const;
};

}  // namespace hailong::hub
