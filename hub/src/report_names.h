// Names of report rows, and the rows made from summed groups. Private to
// the report files (report_names.cc).
//
// Thread safety: a Names serves one report on one thread; the ReportCache it
// reads and fills is thread-safe. Ownership: `store` and `cache` must
// outlive the Names. Errors: a name that cannot be read is left empty (a
// report is never refused for a missing name).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "hailong/hub/report.h"
#include "hailong/replication/store.h"

namespace hailong::hub {

// Names of rows: catalogue entries (catalogue_entries.h: the row's office's
// own entry, else the district-wide one; rows without an office, fields and
// procedures, are named as the report's one office sees them, else by the
// district-wide entry) and, for officers the catalogue does not name, the
// name they signed in with at a counter; through the cache's names when
// there is one (one lock per report, not per row).
class Names {
 public:
  // `office`: the report's only office ("" when it covers several).
  Names(const replication::Store& store, ReportCache* cache, uint64_t owner, uint64_t generation,
        std::string office)
      : store_(store),
        cache_(cache),
        owner_(owner),
        generation_(generation),
        office_(std::move(office)) {}

  // Sets the name of every row of grouping `g`.
  void Fill(GroupBy g, std::vector<ReportRow>* rows);

 private:
  // The name under each cache key ("" for an empty key or none); `read`
  // reads the name of key i from the store.
  template <typename Read>
  void Lookup(const std::vector<std::string>& keys, std::vector<std::string>* names, Read read) {
    names->assign(keys.size(), std::string());
    std::vector<bool> found(keys.size(), false);
    if (cache_ != nullptr) cache_->FindNames(owner_, generation_, keys, names, &found);
    std::vector<std::pair<std::string, std::string>> fresh;
    for (size_t i = 0; i < keys.size(); ++i) {
      if (found[i] || keys[i].empty()) continue;
      read(i, &(*names)[i]);
      fresh.emplace_back(keys[i], (*names)[i]);
    }
    if (cache_ != nullptr && !fresh.empty()) cache_->PutNames(owner_, generation_, fresh);
  }
  const std::string& OfficeOf(const ReportRow& row) const {
    return row.office.empty() ? office_ : row.office;
  }

  const replication::Store& store_;
  ReportCache* cache_;
  uint64_t owner_, generation_;
  std::string office_;
};

// Groups (office, key) → tally become the report's rows, named (see

// Groups (office, key) -> tally become the report's rows, named (see
// Names), and its totals.
void AppendRows(Names& names, GroupBy g,
                const std::map<std::pair<std::string, std::string>, Tally>& groups, Report* out);

}  // namespace hailong::hub
