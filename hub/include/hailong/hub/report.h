// Reports over the read models: the rows of GET /api/v1/report (JSON), the
// same as CSV (report.csv) and as the periodic XLSX report (report.xlsx).
//
// Rates are fractions 0..1 (0 when there is nothing to divide by):
//   satisfaction_rate  = satisfied / ratings, with a Wilson 95% interval
//   participation_rate = rated_dossiers / dossiers
//   participation_intake_rate = intake_rated_dossiers / dossiers
//   participation_return_rate = return_rated_dossiers / returned
//   participation_visit_rate  = ratings / visits
//   (report_participation.md)
//   on_time_rate       = returned_on_time / returned
//   decision766_rate   = (dossiers - unsatisfied_dossiers) / dossiers
// Ratings flagged as suspected misuse and voided ratings are left out.
//
// Thread safety: free functions over a Store that may be written
// concurrently (each scan sees a consistent snapshot of one office).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "hailong/hub/config.h"
#include "hailong/hub/read_model.h"
#include "hailong/hub/report_table.h"
#include "hailong/replication/store.h"
#include "hailong/schema/status.h"

namespace hailong::hub {

// kCriterion: rows keyed "<template>|<criterion>|<option>" from the answer
// tallies, summed over the offices (report_criteria.h makes them the
// per-criterion report); no filters.
enum class GroupBy {
  kOffice,
  kCounter,
  kOfficer,
  kField,
  kProcedure,
  kDay,
  kMonth,
  kChannel,
  kCriterion
};
const char* GroupByName(GroupBy g);
bool GroupByFromName(std::string_view name, GroupBy* out);
// Vietnamese name of a grouping ("Quầy", "Cán bộ", ...).
const char* GroupByLabelVi(GroupBy g);

struct ReportQuery {
  std::string from;  // first day, YYYY-MM-DD (Asia/Ho_Chi_Minh), inclusive
  std::string to;    // last day, inclusive
  // Offices to include; empty = every office the hub has seen.
  std::vector<std::string> offices;
  GroupBy group_by = GroupBy::kOffice;
  // Optional filters ("" = none). With any of them, or group_by channel,
  // the report scans the per-rating index and the dossier records instead
  // of the tallies (see RunReport).
  std::string field, procedure, counter, officer, channel;
  // The clock for Decision 766 (ms since the epoch; 0 = the system clock).
  int64_t now_ms = 0;
  bool Filtered() const {
    return !field.empty() || !procedure.empty() || !counter.empty() || !officer.empty() ||
           !channel.empty() || group_by == GroupBy::kChannel;
  }
};

struct ReportRow {
  std::string office;  // office, counter and officer groupings
  std::string key;     // the group's value: counter, officer, field, procedure, day or month
  std::string name;    // catalogue name of the group ("" if unknown)
  Tally tally;
};

struct Report {
  ReportQuery query;
  std::vector<ReportRow> rows;  // sorted by office, then key
  Tally totals;
  // False when a filter or grouping makes a figure impossible to compute
  // correctly from the read models; it is then written as null:
  //  - dossiers_known: dossiers, rated_dossiers, unsatisfied_dossiers and
  //    their rates (dossiers have no channel);
  //  - returned_known: returned, returned_on_time, on_time_rate and the
  //    return stage's participation (returns have no channel);
  //  - visits_known: visits and participation by visits (visits are
  //    tallied by office and counter only, with no rating filters).
  bool dossiers_known = true;
  bool returned_known = true;
  bool visits_known = true;
  // Decision 766 on the clock (report_decision766.md): dossiers pending
  // past due at as_of_ms count as unsatisfied; the figures hold until
  // valid_until_ms (the next due time, in an open period) or the next
  // projection batch.
  int64_t as_of_ms = 0;
  int64_t valid_until_ms = INT64_MAX;
};

// Checks the dates (valid, from <= to, at most 1000 days) and the offices.
Status ValidateReportQuery(const ReportQuery& query);

// Every office the projection has seen, sorted.
Status ListOffices(const replication::Store& store, std::vector<std::string>* offices);

// A scanned tally range, decoded (report_pieces.h).
struct TallyPiece;
namespace decision766 {
// The not-yet-due pending dossiers a report subtracts (report_decision766.h).
struct PendingSlice;
}  // namespace decision766

// The tally ranges reports scanned, kept while the read models stay the
// same (one owner and generation, e.g. Projector::instance() and
// generation()): a different period over the same months and days reads
// memory instead of the store. RunReport keeps its ranges decoded
// (pieces: one per month, per day, or per run of days of a few offices),
// so a new period costs additions, not page decoding. Thread-safe.
// Bounded: at most max_piece_bytes of pieces (over the bound, everything
// goes).
class ReportCache {
 public:
  explicit ReportCache(size_t max_piece_bytes = size_t{128} << 20, size_t max_ids = size_t{1} << 20)
      : max_piece_bytes_(max_piece_bytes), max_ids_(max_ids) {}

  // The decoded piece cached under `key` at (owner, generation), or nullptr.
  std::shared_ptr<const TallyPiece> FindPiece(uint64_t owner, uint64_t generation,
                                              const std::string& key);
  void PutPiece(uint64_t owner, uint64_t generation, const std::string& key,
                std::shared_ptr<const TallyPiece> piece);
  // Gives each of the piece's keys its id: equal keys get equal ids in
  // pieces of the same id table (TallyPiece::table). The table outlives
  // generations (keys name offices and values, not figures); it starts
  // again (a new table) past max_ids keys.
  void Intern(TallyPiece* piece, const std::vector<std::string>& raw_keys);
  // Catalogue and sign-in names by store key at (owner, generation): each
  // key's name and found flag set when cached (vectors sized as keys).
  void FindNames(uint64_t owner, uint64_t generation, const std::vector<std::string>& keys,
                 std::vector<std::string>* names, std::vector<bool>* found);
  void PutNames(uint64_t owner, uint64_t generation,
                const std::vector<std::pair<std::string, std::string>>& names);
  // The pending slice cached under `key` at (owner, generation) that holds
  // at `as_of` (PendingSlice::as_of <= as_of < next_due), or nullptr.
  std::shared_ptr<const decision766::PendingSlice> FindPending(uint64_t owner, uint64_t generation,
                                                               const std::string& key,
                                                               int64_t as_of);
  void PutPending(uint64_t owner, uint64_t generation, const std::string& key,
                  std::shared_ptr<const decision766::PendingSlice> slice);

 private:
  void ResetLocked(uint64_t owner, uint64_t generation);
  std::mutex mu_;
  size_t max_piece_bytes_, max_ids_;
  uint64_t owner_ = 0, generation_ = 0;
  size_t piece_bytes_ = 0;
  std::unordered_map<std::string, std::shared_ptr<const TallyPiece>> pieces_;
  std::unordered_map<std::string, std::string> names_;
  std::unordered_map<std::string, std::shared_ptr<const decision766::PendingSlice>> pending_;
  uint64_t table_ = 1;
  std::unordered_map<std::string, uint32_t> ids_;
};

// `cache` (optional) with the owner and generation of the models read.
// query.Filtered(): scans the rating index (x/hub/p/ri/) and the dossier
// records (x/hub/p/d/) of the offices in the query (every office if none)
// for the period; ratings voided or suspected misuse are counted in
// `excluded` only, as the tallies do. Conflict when a rating indexed by an
// older version lacks the field or procedure a filter needs (rebuild).
Status RunReport(const replication::Store& store, const ReportQuery& query, Report* out,
                 ReportCache* cache = nullptr, uint64_t owner = 0, uint64_t generation = 0);

// {"from","to","office","group_by","rows":[...],"totals":{...}}; each row has
// the group keys, the interfaces.md §5 fields and the extras above. Office
// rows also carry the office's targets and whether it is below them.
nlohmann::json ReportToJson(const Report& report, const HubConfig& config);
// The same document as ReportToJson(...).dump(), written directly (fast).
std::string ReportToJsonText(const Report& report, const HubConfig& config);
nlohmann::json ReportRowToJson(const Report& report, const ReportRow& row, const HubConfig& config,
                               bool totals);

// UTF-8 with a byte-order mark (so Excel reads the Vietnamese text), CRLF
// lines, RFC 4180 quoting; text cells starting with = + - @ (or a tab or
// CR) are prefixed with ' so a spreadsheet never runs them as formulas.
// `vietnamese` chooses Vietnamese column headers instead of the JSON keys.
std::string ReportToCsv(const Report& report, const HubConfig& config, bool vietnamese);
// Makes one CSV cell safe and quoted as needed.
std::string CsvCell(std::string_view text);

// The periodic report workbook: one sheet per grouping in `reports` (each
// with the title, the period and the office, Vietnamese headers, a totals
// row), and the sheets of `tables` (those marked `first` before the
// groupings, the others after). Writes to `path`.
Status WriteReportXlsx(const std::vector<Report>& reports, const std::string& office_label,
                       const HubConfig& config, const std::string& path,
                       const std::vector<XlsxTable>& tables = {});

}  // namespace hailong::hub
