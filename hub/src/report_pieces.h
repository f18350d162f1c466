// The decoded tally ranges of the tally path (report.cc): TallyPiece, the
// parsers of tally page keys, and BuildPieces, which scans and decodes them
// (report_pieces.cc). ReportCache (report.h, report_cache.cc) keeps pieces
// between reports. Private to the report files.
//
// Thread safety: a built piece is immutable once handed to the cache and
// may be shared between threads. Errors: BuildPieces returns the store's
// error, or Corruption naming the key of a page that does not decode.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hailong/hub/read_model.h"
#include "hailong/hub/report.h"
#include "hailong/replication/store.h"
#include "hailong/schema/status.h"

namespace hailong::hub {

// One scanned range of tally pages, decoded: its distinct (office, value)
// keys, its periods (day or month of each page), every cell and, when a
// key has several cells, the sum of each key over the range (what
// groupings without a period read; else the cells are the sums).
struct TallyPiece {
  struct Key {
    std::string office;  // decoded
    std::string value;
    uint32_t id = 0;  // in table
  };
  struct Cell {
    uint32_t key = 0, period = 0;
    Tally tally;
  };
  uint64_t table = 0;  // the ReportCache id table of Key::id (0 = none)
  std::vector<Key> keys;
  std::vector<std::string> periods;
  std::vector<Cell> cells;
  std::vector<Tally> sums;  // per key; empty: one cell per key, cells[i].key == i
  size_t Bytes() const {
    size_t n = sizeof(*this) + cells.size() * sizeof(Cell) + sums.size() * sizeof(Tally);
    for (const Key& k : keys) n += sizeof(Key) + k.office.size() + k.value.size();
    for (const std::string& p : periods) n += sizeof(std::string) + p.size();
    return n;
  }
};

// Where a tally page's key names its office and period: (office key part,
// day or month); false for a key that is not a page.
using PageKeyParser = bool (*)(std::string_view rest, std::string_view fixed_office,
                               std::string_view* office_part, std::string_view* period);

// Month roll-ups: "<YYYY-MM>/<office>".
bool MonthMajorKey(std::string_view rest, std::string_view, std::string_view* office_part,
                   std::string_view* period);
// Day-first tallies: "<YYYY-MM-DD>/<office>".
bool DayMajorKey(std::string_view rest, std::string_view, std::string_view* office_part,
                 std::string_view* period);
// One office's day tallies: "<YYYY-MM-DD>" after the office's prefix.
bool OfficeDayKey(std::string_view rest, std::string_view fixed_office,
                  std::string_view* office_part, std::string_view* period);

// One scan from prefix + periods.front() to the end of periods.back()
// (sorted): a piece per period, of the pages whose key names that period
// (pages of periods in between that are not asked for are skipped).
// `single`: one piece of every page in the range instead.
// The pieces' keys are numbered by `cache`'s id table (ReportCache::Intern).
Status BuildPieces(const replication::Store& store, const std::string& prefix,
                   const std::vector<std::string>& periods, PageKeyParser parse,
                   std::string_view fixed_office, bool single, ReportCache* cache,
                   std::vector<std::shared_ptr<TallyPiece>>* out);

}  // namespace hailong::hub
