// Decision 766 on the clock (report_decision766.md): a dossier still pending
// past its due time counts as overdue from the moment it passes due, seen at
// the report's "as of" time; and the complaints recorded at the hub
// (ComplaintRecorded), which make their dossier unsatisfied.
//
// The tallies count, per entry day, the dossiers pending with a due time and
// not otherwise unsatisfied (Tally::pending_with_due); the pending index
// x/hub/p/pd/<entry day>/<office>/<receipt> lists the same dossiers with
// their due time, so a report subtracts those not yet due at "as of" (only
// dossiers entered within the longest due lead before "as of" can be).
//
// Thread safety: free functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hailong/hub/report.h"
#include "hailong/replication/store.h"
#include "hailong/schema/status.h"
#include "projection_state.h"

namespace hailong::hub::decision766 {

// x/hub/p/pd/<day>/<office>/<receipt>: a dossier counted in pending_with_due.
std::string PendingKey(std::string_view day, std::string_view office, std::string_view receipt);
// Its value: the due time and the intake counter, officer, field, procedure.
std::string PendingValue(const DossierState& d);
// x/hub/p/pdl: the longest due lead (due - start of the entry day, ms) of
// any dossier with a due time (never lowered).
inline constexpr std::string_view kLeadKey = "x/hub/p/pdl";
// The lead of `d` (0 when due is before its entry day).
int64_t Lead(const DossierState& d);

// x/hub/p/cp/<office>/<receipt>/<complaint id>: a recorded complaint (JSON
// {"id","office","dossier","channel","received_ms","recorded_ms","by",
// "note"(sealed JSON)?,"origin","seq"}).
std::string ComplaintKey(std::string_view office, std::string_view receipt,
                         std::string_view complaint_id);
std::string ComplaintPrefix(std::string_view office, std::string_view receipt);

// The report's "as of" time: `now_ms` within the period, else the last
// millisecond of its last day (a closed period is seen as it ended).
int64_t AsOf(const ReportQuery& query, int64_t now_ms);

// What the tally path subtracts for one report: the dossiers of the
// pending index, in the days read, that are not yet due at `as_of`, by row
// key. It holds for any "as of" from `as_of` up to (not including)
// `next_due`, the earliest due time among them (ReportCache keeps it).
struct PendingSlice {
  int64_t as_of = 0;
  int64_t next_due = INT64_MAX;
  std::vector<std::pair<std::pair<std::string, std::string>, int64_t>> rows;  // sorted
  int64_t total = 0;  // over every row (also those the report has not)
  size_t Bytes() const;
};

// After the rows are summed (tallies or the filtered scan): subtracts the
// dossiers not yet due at out->as_of_ms from pending_with_due (tally path
// only; the filtered scan checks each dossier itself), then adds the rest,
// pending past due, to unsatisfied_dossiers of each row and the totals.
// Sets out->valid_until_ms to the next due time after "as of" when the
// period is open (the figures change then). `cache` (optional, with the
// owner and generation of the models read) keeps the slice it read.
// Errors: the store's, or Corruption naming a pending entry that does not
// decode.
Status ApplyClock(const replication::Store& store, const ReportQuery& query, Report* out,
                  bool rows_from_tallies, ReportCache* cache = nullptr, uint64_t owner = 0,
                  uint64_t generation = 0);

}  // namespace hailong::hub::decision766
