// What Projector::Rebuild keeps in memory while it replays the log: the
// tally cells (interned: small integers, not strings), the dossier states
// (typed, not encoded) and the rating index chunks. Everything here is
// written to the store at the end of the rebuild (or when it grows past its
// bounds), in key order and in large batches. An interrupted rebuild starts
// again (its marker key), so none of this has to be durable with the
// cursor of the batch that made it.
//
// Thread safety: none; the rebuilding thread owns it.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hailong/hub/read_model.h"
#include "hailong/replication/store.h"
#include "hailong/schema/status.h"
#include "projection_state.h"

namespace hailong::hub {

namespace rebuild {
// Equality without std::string_view::compare's out-of-line call. (An empty
// view may hold a null pointer, which memcmp must not be given.)
inline bool Same(std::string_view a, const std::string& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}
}  // namespace rebuild

// Numbers distinct strings 0, 1, 2... in the order they are first seen.
class Interner {
 public:
  uint32_t Intern(std::string_view s);
  std::string_view Name(uint32_t id) const { return names_[id]; }
  size_t size() const { return names_.size(); }

 private:
  std::deque<std::string> names_;                       // stable addresses
  std::unordered_map<std::string_view, uint32_t> ids_;  // views into names_
};

// The tally cells of a rebuild: one page per (dimension, office, day), each
// a small vector of (interned value, Tally). Written as the same TallyPage
// records (a/, t/ and the m/ month roll-ups) as Overlay::Flush writes.
class RebuildTallies {
 public:
  void Add(Dimension dim, std::string_view office, std::string_view day, std::string_view value,
           const Tally& delta);
  size_t cell_count() const { return cells_; }
  // Writes every page (day pages twice, a/ and t/, and the month pages), in
  // key order, in batches of at most `max_ops`, not synced. With `merge`,
  // each page is added to the page the store holds (after an earlier
  // WriteTo); without, the store is assumed to hold none. Then forgets the
  // cells.
  Status WriteTo(replication::Store* store, bool merge, size_t max_ops);

 private:
  struct Page {
    uint8_t dim = 0;
    uint32_t office = 0, day = 0;  // ids in offices_, days_
    std::vector<uint32_t> values;  // ids in values_[dim]
    std::vector<Tally> tallies;
    std::unordered_map<uint32_t, uint32_t> index;  // value -> position, once large
    Tally* Find(uint32_t value, size_t* cells);
  };
  struct Last {
    uint32_t office = UINT32_MAX, day = UINT32_MAX;
    Page* page = nullptr;
  };
  uint32_t OfficeId(std::string_view office);
  uint32_t DayId(std::string_view day);
  uint32_t ValueId(int dim, std::string_view value);

  Interner offices_, days_, values_[kDimensionCount];
  // The last value added to each dimension (the template, channel and
  // office values repeat from event to event).
  std::string last_value_[kDimensionCount];
  uint32_t last_value_id_[kDimensionCount];
  std::deque<Page> pages_;  // stable addresses
  // The page of (office, dim, day): grid_[office * kDimensionCount + dim],
  // then blocks of 64 days (day ids keep growing over many years; a row
  // holds only the blocks it uses).
  using DayBlock = std::array<Page*, 64>;
  std::vector<std::vector<std::unique_ptr<DayBlock>>> grid_;
  Last last_[kDimensionCount];
  std::string last_office_, last_day_;
  uint32_t last_office_id_ = UINT32_MAX, last_day_id_ = UINT32_MAX;
  size_t cells_ = 0;
};

// Hashes std::string and std::string_view alike (lookups without a copy).
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};
template <typename T>
using StringMap = std::unordered_map<std::string, T, StringHash, std::equal_to<>>;

class RebuildState {
 public:
  RebuildTallies tallies;
  // About the memory the two maps take.
  size_t bytes = 0;
  // False once records were written out: a key missing from the maps is
  // then read from the store.
  bool complete = true;
  // True once tallies were written out: later writes add to stored pages.
  bool tallies_written = false;

  // The state of dossier `receipt` of `office` (loaded from the store or
  // created empty); valid until WriteRecords.
  Status Dossier(replication::Store* store, std::string_view office, std::string_view receipt,
                 DossierState** out);
  // The rating chunk of (office, hour of time_ms, origin) (loaded from the
  // store or created empty); valid until WriteRecords.
  Status Chunk(replication::Store* store, std::string_view office, int64_t time_ms,
               std::string_view origin, std::string** out);
  // Writes the dossiers and chunks in key order, in batches of at most
  // `max_ops`, not synced, and forgets them.
  Status WriteRecords(replication::Store* store, size_t max_ops);
  Status WriteTallies(replication::Store* store, size_t max_ops);
  // Both, on two threads, then forgets the records.
  Status WriteAll(replication::Store* store, size_t max_ops);

 private:
  Status WriteDossiers(replication::Store* store, size_t max_ops) const;
  Status WriteChunks(replication::Store* store, size_t max_ops) const;
  void ForgetRecords();
  static Status Spill(replication::Store* store, replication::WriteBatch* batch, size_t max_ops,
                      bool last);

  // x/hub/p/d/ records not written to the store yet, by office, receipt.
  StringMap<StringMap<DossierState>> dossiers_;
  StringMap<DossierState>* last_office_ = nullptr;
  std::string last_office_name_;
  // x/hub/p/ri/ records not written yet, by (office, origin), hour start.
  struct ChunkGroup {
    std::string office, origin;
    std::unordered_map<int64_t, std::string> hours;
  };
  StringMap<ChunkGroup> chunks_;  // office '\0' origin
  ChunkGroup* last_group_ = nullptr;
  std::string scratch_;
};

}  // namespace hailong::hub
