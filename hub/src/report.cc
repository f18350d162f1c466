#include "hailong/hub/report.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <unordered_map>

#include "catalogue_entries.h"
#include "codec.h"
#include "hailong/schema/events_generated.h"
#include "hailong/schema/time.h"
#include "projection_state.h"
#include "report_decision766.h"
#include "sign_in_names.h"

namespace hailong::hub {

using json = nlohmann::json;
namespace fb = hailong::fb;

namespace {

struct GroupInfo {
  GroupBy group;
  const char* name;
  const char* label_vi;
  Dimension dim;
  bool per_office;  // rows keyed by (office, value)
};

constexpr GroupInfo kGroups[] = {
    {GroupBy::kOffice, "office", "Đơn vị", Dimension::kOffice, true},
    {GroupBy::kCounter, "counter", "Quầy", Dimension::kCounter, true},
    {GroupBy::kOfficer, "officer", "Cán bộ", Dimension::kOfficer, true},
    {GroupBy::kField, "field", "Lĩnh vực", Dimension::kField, false},
    {GroupBy::kProcedure, "procedure", "Thủ tục", Dimension::kProcedure, false},
    {GroupBy::kDay, "day", "Ngày", Dimension::kOffice, false},
    {GroupBy::kMonth, "month", "Tháng", Dimension::kOffice, false},
    {GroupBy::kChannel, "channel", "Kênh", Dimension::kChannel, false},
    {GroupBy::kCriterion, "criterion", "Tiêu chí", Dimension::kAnswer, false},
};

const GroupInfo& Info(GroupBy g) {
  for (const auto& i : kGroups) {
    if (i.group == g) return i;
  }
  return kGroups[0];
}

double Rate(int64_t part, int64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

// satisfaction_rate's numerator and denominator under the district's
// policy on neutral answers (config satisfaction_neutral).
struct Share {
  int64_t satisfied = 0, ratings = 0;
};
Share SatisfactionShare(const Tally& t, NeutralPolicy policy) {
  switch (policy) {
    case NeutralPolicy::kExcluded:
      return {t.satisfied, t.ratings - t.neutral};
    case NeutralPolicy::kSatisfied:
      return {t.satisfied + t.neutral, t.ratings};
    case NeutralPolicy::kNotSatisfied:
      break;
  }
  return {t.satisfied, t.ratings};
}
// Below target: satisfaction must be strictly above it ("trên 80%": exactly
// 80 % is below); participation and Decision 766 at least at it.
bool BelowSatisfaction(const Share& s, const Targets& target) {
  return s.ratings > 0 && !(Rate(s.satisfied, s.ratings) > target.satisfaction);
}
bool BelowDecision766(const Tally& t, const Targets& target) {
  return target.decision766 > 0 && t.dossiers > 0 &&
         Rate(t.dossiers - t.unsatisfied_dossiers, t.dossiers) < target.decision766;
}
// Participation by stage and by visits, each against its own target (0 =
// none), at least at it; a figure the report cannot know is never below.
struct StageTargets {
  bool intake = false, ret = false, visits = false;
};
StageTargets BelowStageTargets(const Report& report, const Tally& t, const Targets& target) {
  auto below = [](double goal, int64_t part, int64_t base) {
    return goal > 0 && base > 0 && Rate(part, base) < goal;
  };
  StageTargets b;
  b.intake = report.dossiers_known &&
             below(target.participation_intake, t.intake_rated_dossiers, t.dossiers);
  b.ret = report.returned_known &&
          below(target.participation_return, t.return_rated_dossiers, t.returned);
  b.visits = report.visits_known && below(target.participation_visits, t.ratings, t.visits);
  return b;
}

const char* CatalogueKindOf(GroupBy g) {
  switch (g) {
    case GroupBy::kOffice:
      return "office";
    case GroupBy::kCounter:
      return "counter";
    case GroupBy::kOfficer:
      return "officer";
    case GroupBy::kField:
      return "field";
    case GroupBy::kProcedure:
      return "procedure";
    default:
      return nullptr;
  }
}

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
  void Fill(GroupBy g, std::vector<ReportRow>* rows) {
    const char* kind = CatalogueKindOf(g);
    if (kind == nullptr) return;
    // Cached under "<kind>\0<office>\0<id>", read from the catalogue on a miss.
    std::vector<std::string> keys;
    keys.reserve(rows->size());
    for (const ReportRow& row : *rows) {
      keys.push_back(row.key.empty() ? std::string()
                                     : kind + ('\0' + OfficeOf(row)) + '\0' + row.key);
    }
    std::vector<std::string> names;
    Lookup(keys, &names, [&](size_t i, std::string* name) {
      const ReportRow& row = (*rows)[i];
      const json j = FindCatalogueEntry(store_, kind, OfficeOf(row), row.key);
      if (j.is_object()) *name = j.value("name", "");
    });
    for (size_t i = 0; i < rows->size(); ++i) (*rows)[i].name = std::move(names[i]);
    if (g != GroupBy::kOfficer) return;
    std::vector<size_t> unnamed;
    keys.clear();
    for (size_t i = 0; i < rows->size(); ++i) {
      const ReportRow& row = (*rows)[i];
      if (row.name.empty() && !row.key.empty()) {
        unnamed.push_back(i);
        keys.push_back('\0' + row.office + '\0' + row.key);
      }
    }
    Lookup(keys, &names, [&](size_t i, std::string* name) {
      const ReportRow& row = (*rows)[unnamed[i]];
      if (!store_.Get(SignInNames::NameKey(row.office, row.key), name).ok()) name->clear();
    });
    for (size_t i = 0; i < unnamed.size(); ++i) (*rows)[unnamed[i]].name = std::move(names[i]);
  }

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
// Names), and its totals.
void AppendRows(Names& names, GroupBy g,
                const std::map<std::pair<std::string, std::string>, Tally>& groups, Report* out) {
  out->rows.reserve(out->rows.size() + groups.size());
  for (const auto& [k, tally] : groups) {
    ReportRow row;
    row.office = k.first;
    row.key = k.second;
    row.tally = tally;
    out->totals.Add(tally);
    out->rows.push_back(std::move(row));
  }
  names.Fill(g, &out->rows);
}

}  // namespace

const char* GroupByName(GroupBy g) { return Info(g).name; }
const char* GroupByLabelVi(GroupBy g) { return Info(g).label_vi; }

bool GroupByFromName(std::string_view name, GroupBy* out) {
  for (const auto& i : kGroups) {
    if (name == i.name) {
      *out = i.group;
      return true;
    }
  }
  return false;
}

Status ValidateReportQuery(const ReportQuery& q) {
  int64_t from = 0, to = 0;
  if (q.from.size() != 10 || !ParseVietnamDay(q.from, &from).ok()) {
    return Status::InvalidArgument("from: expected a date YYYY-MM-DD");
  }
  if (q.to.size() != 10 || !ParseVietnamDay(q.to, &to).ok()) {
    return Status::InvalidArgument("to: expected a date YYYY-MM-DD");
  }
  if (to < from) return Status::InvalidArgument("to: must not be before from");
  if (to - from > int64_t{1000} * 24 * 3600 * 1000) {
    return Status::InvalidArgument("to: a report covers at most 1000 days");
  }
  return Status::OK();
}

Status ListOffices(const replication::Store& store, std::vector<std::string>* offices) {
  offices->clear();
  std::string end(codec::kOfficePrefix);
  end.back() = static_cast<char>('/' + 1);
  return store.Scan(codec::kOfficePrefix, end, [&](std::string_view key, std::string_view) {
    offices->push_back(codec::UnKeyPart(key.substr(codec::kOfficePrefix.size())));
    return true;
  });
}

namespace {

int DaysInMonth(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// "YYYY-MM-DD" (years 0..9999).
std::string DayText(int year, int month, int day) {
  std::string out = "0000-00-00";
  for (int i = 3; i >= 0; --i, year /= 10)
    out[static_cast<size_t>(i)] = static_cast<char>('0' + year % 10);
  out[5] = static_cast<char>('0' + month / 10);
  out[6] = static_cast<char>('0' + month % 10);
  out[8] = static_cast<char>('0' + day / 10);
  out[9] = static_cast<char>('0' + day % 10);
  return out;
}

// Up to this many offices, a report reads each office's own day tallies.
constexpr size_t kFewOffices = 4;

// The period as whole months (read from the month roll-ups) and runs of
// days at its ends (read from the day tallies).
struct Plan {
  std::string first_month, last_month;  // "" = no whole month
  std::vector<std::pair<std::string, std::string>> day_runs;
};

Plan MakePlan(const std::string& from, const std::string& to, bool whole_months) {
  Plan plan;
  int y = std::stoi(from.substr(0, 4)), m = std::stoi(from.substr(5, 2)),
      d = std::stoi(from.substr(8, 2));
  for (;;) {
    const std::string start = DayText(y, m, d);
    if (start > to) break;
    const std::string month_end = DayText(y, m, DaysInMonth(y, m));
    if (whole_months && d == 1 && month_end <= to) {
      const std::string month = start.substr(0, 7);
      if (plan.first_month.empty()) plan.first_month = month;
      plan.last_month = month;
    } else {
      plan.day_runs.emplace_back(start, std::min(month_end, to));
    }
    d = 1;
    if (++m > 12) {
      m = 1;
      ++y;
    }
  }
  return plan;
}

}  // namespace

// ---- the cache -------------------------------------------------------------

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

void ReportCache::ResetLocked(uint64_t owner, uint64_t generation) {
  pieces_.clear();
  names_.clear();
  piece_bytes_ = 0;
  owner_ = owner;
  generation_ = generation;
}

std::shared_ptr<const TallyPiece> ReportCache::FindPiece(uint64_t owner, uint64_t generation,
                                                         const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  if (owner != owner_ || generation != generation_) return nullptr;
  auto it = pieces_.find(key);
  return it == pieces_.end() ? nullptr : it->second;
}

void ReportCache::PutPiece(uint64_t owner, uint64_t generation, const std::string& key,
                           std::shared_ptr<const TallyPiece> piece) {
  const size_t bytes = piece->Bytes() + key.size();
  std::lock_guard<std::mutex> lock(mu_);
  if (owner == owner_ && generation < generation_) return;  // an older answer
  if (owner != owner_ || generation != generation_ || piece_bytes_ + bytes > max_piece_bytes_) {
    ResetLocked(owner, generation);
  }
  if (bytes > max_piece_bytes_) return;
  if (pieces_.emplace(key, std::move(piece)).second) piece_bytes_ += bytes;
}

void ReportCache::Intern(TallyPiece* piece, const std::vector<std::string>& raw_keys) {
  std::lock_guard<std::mutex> lock(mu_);
  if (ids_.size() + raw_keys.size() > max_ids_) {
    ids_.clear();
    ++table_;
  }
  piece->table = table_;
  for (size_t i = 0; i < raw_keys.size() && i < piece->keys.size(); ++i) {
    auto it = ids_.find(raw_keys[i]);  // (emplace would allocate a node first)
    if (it == ids_.end()) it = ids_.emplace(raw_keys[i], static_cast<uint32_t>(ids_.size())).first;
    piece->keys[i].id = it->second;
  }
}

void ReportCache::FindNames(uint64_t owner, uint64_t generation,
                            const std::vector<std::string>& keys, std::vector<std::string>* names,
                            std::vector<bool>* found) {
  std::lock_guard<std::mutex> lock(mu_);
  if (owner != owner_ || generation != generation_) return;
  for (size_t i = 0; i < keys.size(); ++i) {
    auto it = names_.find(keys[i]);
    if (it == names_.end()) continue;
    (*names)[i] = it->second;
    (*found)[i] = true;
  }
}

void ReportCache::PutNames(uint64_t owner, uint64_t generation,
                           const std::vector<std::pair<std::string, std::string>>& names) {
  std::lock_guard<std::mutex> lock(mu_);
  if (owner == owner_ && generation < generation_) return;  // an older answer
  if (owner != owner_ || generation != generation_) ResetLocked(owner, generation);
  for (const auto& [key, name] : names) {
    if (names_.size() >= 100000) break;
    names_[key] = name;
  }
}

namespace {

// The filtered report: every rating of the period from the rating index,
// every dossier record of the offices, filtered and grouped here.
Status RunFilteredReport(const replication::Store& store, const ReportQuery& query, Report* out,
                         Names& names) {
  std::vector<std::string> offices = query.offices;
  if (offices.empty()) {
    Status s = ListOffices(store, &offices);
    if (!s.ok()) return s;
  }
  std::sort(offices.begin(), offices.end());
  offices.erase(std::unique(offices.begin(), offices.end()), offices.end());
  const GroupBy g = query.group_by;
  out->dossiers_known = query.channel.empty() && g != GroupBy::kChannel;
  out->returned_known = out->dossiers_known;  // at the return's own counter and officer
  out->visits_known = false;                  // visits are in the tallies only
  // Excluded ratings live in the office tallies only: office, day, month.
  const bool count_excluded = g == GroupBy::kOffice || g == GroupBy::kDay || g == GroupBy::kMonth;
  int64_t from_ms = 0, to_ms = 0;
  Status s = ParseVietnamDay(query.from, &from_ms);
  if (s.ok()) s = ParseVietnamDay(query.to, &to_ms);
  if (!s.ok()) return s;
  to_ms += int64_t{24} * 3600 * 1000 - 1;  // the last millisecond of the last day
  const int64_t as_of = decision766::AsOf(query, query.now_ms);

  std::map<std::pair<std::string, std::string>, Tally> groups;
  auto group = [&](std::string_view office, std::string_view day, std::string_view counter,
                   std::string_view officer, std::string_view field, std::string_view procedure,
                   std::string_view channel) -> Tally& {
    auto at = [&](std::string_view a, std::string_view b) -> Tally& {
      return groups[{std::string(a), std::string(b)}];
    };
    switch (g) {
      case GroupBy::kOffice:
        return at(office, office);
      case GroupBy::kCounter:
        return at(office, counter);
      case GroupBy::kOfficer:
        return at(office, officer);
      case GroupBy::kField:
        return at("", field);
      case GroupBy::kProcedure:
        return at("", procedure);
      case GroupBy::kDay:
        return at("", day);
      case GroupBy::kMonth:
        return at("", day.substr(0, 7));
      case GroupBy::kChannel:
      case GroupBy::kCriterion:  // refused with a filter (api_reports.cc)
        break;
    }
    return at("", channel);
  };
  auto match = [&](const std::string& want, std::string_view value) {
    return want.empty() || want == value;
  };

  for (const std::string& office : offices) {
    // Ratings: an hour chunk at a time, newest first.
    const std::string prefix = codec::RatingIndexPrefix(office);
    std::string begin, end;
    codec::RatingChunkRange(office, from_ms, to_ms, &begin, &end);
    Status bad;
    s = store.Scan(begin, end, [&](std::string_view key, std::string_view value) {
      int64_t start = 0;
      if (!codec::RatingChunkTime(key, prefix, &start)) return true;
      // Asia/Ho_Chi_Minh is a whole number of hours from UTC: one day per chunk.
      const std::string day = VietnamDay(start);
      const bool whole = start >= from_ms && start + codec::kRatingChunkMs - 1 <= to_ms;
      const bool ok =
          rating_chunk::ForEach(value, [&](uint64_t, int64_t time, const RatingIndexEntry& e) {
            if (!whole && (time < from_ms || time > to_ms)) return true;
            if (!match(query.counter, e.counter) || !match(query.officer, e.officer) ||
                !match(query.channel, e.channel) || !match(query.field, e.field) ||
                !match(query.procedure, e.procedure)) {
              return true;
            }
            Tally t;
            if (e.misuse || e.voided) {
              if (!count_excluded) return true;
              t.excluded = 1;
            } else {
              t = Tally::OneRating(e.classification, e.has_comment, e.has_phone);
              t.very_satisfied = e.very_satisfied ? 1 : 0;
            }
            group(office, day, e.counter, e.officer, e.field, e.procedure, e.channel).Add(t);
            return true;
          });
      if (!ok) {
        bad = Status::Corruption("bad rating chunk at " + std::string(key));
        return false;
      }
      return true;
    });
    if (!s.ok()) return s;
    if (!bad.ok()) return bad;
    if (!out->dossiers_known) continue;
    // Dossiers: counted on their entry day, returns on their return day.
    std::string dprefix = codec::DossierKey(office, "");
    std::string dend = dprefix;
    dend.back() = static_cast<char>('/' + 1);
    s = store.Scan(dprefix, dend, [&](std::string_view, std::string_view value) {
      DossierState d;
      if (!d.Decode(value) || !d.entered) return true;
      auto cells = [&](std::string_view counter, std::string_view officer) {
        return match(query.counter, counter) && match(query.officer, officer) &&
               match(query.field, d.field) && match(query.procedure, d.procedure);
      };
      if (d.day >= query.from && d.day <= query.to && cells(d.counter, d.officer)) {
        Tally c = d.Contribution();
        if (c.pending_with_due > 0 && d.due_ms > as_of) {  // not yet due at "as of"
          c.pending_with_due = 0;
          out->valid_until_ms = std::min(out->valid_until_ms, d.due_ms);
        }
        group(office, d.day, d.counter, d.officer, d.field, d.procedure, "").Add(c);
      }
      // Returns count where and when they happened (DossierState::ReturnContribution).
      if (out->returned_known && d.returned_ms > 0 && d.returned_ms >= from_ms &&
          d.returned_ms <= to_ms && cells(d.return_counter, d.return_officer)) {
        group(office, VietnamDay(d.returned_ms), d.return_counter, d.return_officer, d.field,
              d.procedure, "")
            .Add(d.ReturnContribution());
      }
      return true;
    });
    if (!s.ok()) return s;
  }
  AppendRows(names, g, groups, out);
  return decision766::ApplyClock(store, query, out, false);
}

}  // namespace

namespace {

// Where a tally page's key names its office and period: (office key part,
// day or month); false for a key that is not a page.
using PageKeyParser = bool (*)(std::string_view rest, std::string_view fixed_office,
                               std::string_view* office_part, std::string_view* period);

// Month roll-ups: "<YYYY-MM>/<office>".
bool MonthMajorKey(std::string_view rest, std::string_view, std::string_view* office_part,
                   std::string_view* period) {
  if (rest.size() < 9 || rest[7] != '/') return false;
  *office_part = rest.substr(8);
  *period = rest.substr(0, 7);
  return true;
}

// Day-first tallies: "<YYYY-MM-DD>/<office>".
bool DayMajorKey(std::string_view rest, std::string_view, std::string_view* office_part,
                 std::string_view* period) {
  if (rest.size() < 12 || rest[10] != '/') return false;
  *office_part = rest.substr(11);
  *period = rest.substr(0, 10);
  return true;
}

// One office's day tallies: "<YYYY-MM-DD>" after the office's prefix.
bool OfficeDayKey(std::string_view rest, std::string_view fixed_office,
                  std::string_view* office_part, std::string_view* period) {
  if (rest.size() != 10) return false;
  *office_part = fixed_office;
  *period = rest;
  return true;
}

// Decodes pages into one piece.
class PieceBuilder {
 public:
  // `unique_keys`: every (office, value) comes once (one period, one page
  // per office), so keys need no index.
  explicit PieceBuilder(bool unique_keys = false)
      : piece_(std::make_shared<TallyPiece>()), unique_keys_(unique_keys) {}
  bool AddPage(std::string_view office_part, std::string_view period, std::string_view page) {
    TallyPiece& p = *piece_;
    if (p.periods.empty() || p.periods.back() != period) p.periods.emplace_back(period);
    const auto period_index = static_cast<uint32_t>(p.periods.size() - 1);
    if (office_part != last_office_part_ || decoded_office_.empty()) {
      last_office_part_.assign(office_part);
      decoded_office_ = codec::UnKeyPart(office_part);
    }
    return ForEachInTallyPage(page, [&](std::string_view v, const Tally& t) {
      raw_.assign(office_part);
      raw_.push_back('\0');
      raw_.append(v);
      auto index = static_cast<uint32_t>(p.keys.size());
      bool added = true;
      if (!unique_keys_) {
        auto it = key_index_.emplace(raw_, index);
        added = it.second;
        index = it.first->second;
      }
      if (added) {
        p.keys.push_back(TallyPiece::Key{decoded_office_, std::string(v), 0});
        if (!unique_keys_) p.sums.emplace_back();
        raw_keys_.push_back(raw_);
      }
      p.cells.push_back(TallyPiece::Cell{index, period_index, t});
      if (!unique_keys_) p.sums[index].Add(t);
    });
  }
  // The piece, its keys numbered by the cache's id table.
  std::shared_ptr<TallyPiece> Finish(ReportCache* cache) {
    cache->Intern(piece_.get(), raw_keys_);
    return std::move(piece_);
  }

 private:
  std::shared_ptr<TallyPiece> piece_;
  bool unique_keys_;
  std::unordered_map<std::string, uint32_t> key_index_;
  std::vector<std::string> raw_keys_;
  std::string raw_, last_office_part_, decoded_office_;
};

// One scan from prefix + periods.front() to the end of periods.back()
// (sorted): a piece per period, of the pages whose key names that period
// (pages of periods in between that are not asked for are skipped).
// `single`: one piece of every page in the range instead.
Status BuildPieces(const replication::Store& store, const std::string& prefix,
                   const std::vector<std::string>& periods, PageKeyParser parse,
                   std::string_view fixed_office, bool single, ReportCache* cache,
                   std::vector<std::shared_ptr<TallyPiece>>* out) {
  std::vector<PieceBuilder> builders;
  for (size_t i = 0; i < (single ? 1 : periods.size()); ++i) builders.emplace_back(!single);
  size_t at = 0;
  Status bad;
  Status s = store.Scan(
      prefix + periods.front(), prefix + periods.back() + "0",  // '0' sorts right after '/'
      [&](std::string_view key, std::string_view value) {
        std::string_view office_part, period;
        if (!parse(key.substr(prefix.size()), fixed_office, &office_part, &period)) return true;
        if (!single) {
          while (at < periods.size() && periods[at] < period) ++at;
          if (at == periods.size()) return false;
          if (periods[at] != period) return true;
        }
        if (!builders[single ? 0 : at].AddPage(office_part, period, value)) {
          bad = Status::Corruption("bad tally page at " + std::string(key));
          return false;
        }
        return true;
      });
  if (!s.ok()) return s;
  if (!bad.ok()) return bad;
  out->clear();
  for (PieceBuilder& b : builders) out->push_back(b.Finish(cache));
  return Status::OK();
}

}  // namespace

Status RunReport(const replication::Store& store, const ReportQuery& query, Report* out,
                 ReportCache* cache, uint64_t owner, uint64_t generation) {
  Status s = ValidateReportQuery(query);
  if (!s.ok()) return s;
  out->query = query;
  if (out->query.now_ms <= 0) {
    out->query.now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  }
  out->rows.clear();
  out->totals = Tally();
  out->valid_until_ms = INT64_MAX;
  out->dossiers_known = out->returned_known = true;
  // Visits are tallied by office (and day) and by counter only.
  const Dimension dim = Info(query.group_by).dim;
  out->visits_known = dim == Dimension::kOffice || dim == Dimension::kCounter;
  Names names(store, cache, owner, generation,
              query.offices.size() == 1 ? query.offices[0] : std::string());
  if (query.Filtered()) return RunFilteredReport(store, out->query, out, names);
  // Without a cache, one for this report only (its pieces and ids).
  std::unique_ptr<ReportCache> local;
  if (cache == nullptr) {
    local = std::make_unique<ReportCache>(std::numeric_limits<size_t>::max());
    cache = local.get();
  }
  std::vector<std::string> offices = query.offices;
  std::sort(offices.begin(), offices.end());
  offices.erase(std::unique(offices.begin(), offices.end()), offices.end());
  const bool all_offices = offices.empty();
  const GroupInfo& info = Info(query.group_by);
  const bool by_period = query.group_by == GroupBy::kDay || query.group_by == GroupBy::kMonth;

  // The pieces of the period: whole months from the month roll-ups, one
  // piece per month; the days at its ends from the day-first tallies, one
  // piece per day (a new period over known days and months reads memory),
  // or for a few offices from their own day tallies, one piece per office
  // and run of days.
  std::vector<std::shared_ptr<const TallyPiece>> pieces;
  // The pieces of `periods` (sorted) under `prefix`, from the cache or,
  // for those it lacks, from one scan. `single`: periods = {from, to}, one
  // piece of every page from `from` to `to`.
  auto fetch = [&](const std::string& prefix, const std::vector<std::string>& periods,
                   PageKeyParser parse, std::string_view fixed_office, bool single) {
    const size_t n = single ? 1 : periods.size();
    auto key_of = [&](size_t i, std::string* key) {
      key->assign(prefix);
      key->push_back('\0');
      key->append(periods[i]);
      if (single) {
        key->push_back('\0');
        key->append(periods.back());
      }
    };
    std::string key;
    std::vector<std::shared_ptr<const TallyPiece>> found(n);
    std::vector<std::string> missing;
    std::vector<size_t> missing_at;
    for (size_t i = 0; i < n; ++i) {
      key_of(i, &key);
      found[i] = cache->FindPiece(owner, generation, key);
      if (found[i] == nullptr && !single) {
        missing.push_back(periods[i]);
        missing_at.push_back(i);
      }
    }
    if (single && found[0] == nullptr) {
      missing = periods;
      missing_at = {0};
    }
    if (!missing.empty()) {
      std::vector<std::shared_ptr<TallyPiece>> fresh;
      Status st = BuildPieces(store, prefix, missing, parse, fixed_office, single, cache, &fresh);
      if (!st.ok()) return st;
      for (size_t j = 0; j < fresh.size(); ++j) {
        found[missing_at[j]] = fresh[j];
        key_of(missing_at[j], &key);
        cache->PutPiece(owner, generation, key, std::move(fresh[j]));
      }
    }
    for (auto& f : found) pieces.push_back(std::move(f));
    return Status::OK();
  };
  const Plan plan = MakePlan(query.from, query.to, query.group_by != GroupBy::kDay);
  if (!plan.first_month.empty()) {
    std::vector<std::string> months;
    int y = std::stoi(plan.first_month.substr(0, 4)), m = std::stoi(plan.first_month.substr(5, 2));
    for (std::string month = plan.first_month; month <= plan.last_month;) {
      months.push_back(month);
      if (++m > 12) {
        m = 1;
        ++y;
      }
      month = DayText(y, m, 1).substr(0, 7);
    }
    s = fetch(codec::MonthTallyPrefix(info.dim), months, MonthMajorKey, "", false);
    if (!s.ok()) return s;
  }
  if (!plan.day_runs.empty() && (all_offices || offices.size() > kFewOffices)) {
    std::vector<std::string> days;
    for (const auto& [from, to] : plan.day_runs) {
      const int y = std::stoi(from.substr(0, 4)), m = std::stoi(from.substr(5, 2));
      for (int d = std::stoi(from.substr(8, 2)), last = std::stoi(to.substr(8, 2)); d <= last;
           ++d) {
        days.push_back(DayText(y, m, d));
      }
    }
    s = fetch(codec::DayMajorTallyPrefix(info.dim), days, DayMajorKey, "", false);
    if (!s.ok()) return s;
  } else if (!plan.day_runs.empty()) {
    for (const std::string& office : offices) {
      const std::string prefix = codec::TallyOfficePrefix(info.dim, office);
      const std::string office_part = codec::KeyPart(office);
      for (const auto& [from, to] : plan.day_runs) {
        s = fetch(prefix, {from, to}, OfficeDayKey, office_part, true);
        if (!s.ok()) return s;
      }
    }
  }

  // Sums. A key's group (or its exclusion) is found once per report: by
  // its id while the pieces share one id table, by its text otherwise.
  std::map<std::pair<std::string, std::string>, Tally> groups;
  Tally included;  // by period: the marker of an office that is included
  auto group_of = [&](const TallyPiece::Key& k) -> Tally* {
    if (!all_offices && !std::binary_search(offices.begin(), offices.end(), k.office)) {
      return nullptr;
    }
    switch (query.group_by) {
      case GroupBy::kOffice:
        return &groups[{k.office, k.office}];
      case GroupBy::kDay:
      case GroupBy::kMonth:
        return &included;
      default:
        return &groups[{info.per_office ? k.office : std::string(), k.value}];
    }
  };
  const uint64_t table = pieces.empty() ? 0 : pieces.front()->table;
  std::vector<Tally*> by_id;
  std::vector<uint8_t> known;
  std::unordered_map<std::string, Tally*> by_text;
  std::vector<Tally*> slots;
  for (const auto& p : pieces) {
    slots.assign(p->keys.size(), nullptr);
    for (size_t i = 0; i < p->keys.size(); ++i) {
      const TallyPiece::Key& k = p->keys[i];
      if (p->table == table) {
        if (k.id >= by_id.size()) {
          by_id.resize(k.id + 1, nullptr);
          known.resize(k.id + 1, 0);
        }
        if (!known[k.id]) {
          by_id[k.id] = group_of(k);
          known[k.id] = 1;
        }
        slots[i] = by_id[k.id];
      } else {
        std::string text = k.office + '\0' + k.value;
        auto it = by_text.find(text);
        if (it == by_text.end()) it = by_text.emplace(std::move(text), group_of(k)).first;
        slots[i] = it->second;
      }
    }
    if (!by_period) {
      const bool summed = !p->sums.empty();
      for (size_t i = 0; i < slots.size(); ++i) {
        if (slots[i] != nullptr) slots[i]->Add(summed ? p->sums[i] : p->cells[i].tally);
      }
      continue;
    }
    std::vector<Tally*> period_slots(p->periods.size(), nullptr);
    for (const TallyPiece::Cell& c : p->cells) {
      if (slots[c.key] == nullptr) continue;
      Tally*& slot = period_slots[c.period];
      if (slot == nullptr) {
        const std::string& period = p->periods[c.period];
        slot = &groups[{std::string(),
                        query.group_by == GroupBy::kDay ? period : period.substr(0, 7)}];
      }
      slot->Add(c.tally);
    }
  }
  AppendRows(names, query.group_by, groups, out);
  return decision766::ApplyClock(store, out->query, out, true);
}

namespace {

// The filters set in `q`, by name.
std::vector<std::pair<const char*, const std::string*>> Filters(const ReportQuery& q) {
  std::vector<std::pair<const char*, const std::string*>> out;
  for (const auto& f : {std::pair<const char*, const std::string*>{"field", &q.field},
                        {"procedure", &q.procedure},
                        {"counter", &q.counter},
                        {"officer", &q.officer},
                        {"channel", &q.channel}}) {
    if (!f.second->empty()) out.push_back(f);
  }
  return out;
}

}  // namespace

json ReportRowToJson(const Report& report, const ReportRow& row, const HubConfig& config,
                     bool totals) {
  const Tally& t = row.tally;
  json j = json::object();
  const GroupBy g = report.query.group_by;
  if (!totals) {
    switch (g) {
      case GroupBy::kOffice:
        j["office"] = row.office;
        break;
      case GroupBy::kCounter:
      case GroupBy::kOfficer:
        j["office"] = row.office;
        j[GroupByName(g)] = row.key;
        break;
      default:
        j[GroupByName(g)] = row.key;
        break;
    }
    if (CatalogueKindOf(g) != nullptr) j["name"] = row.name;
  }
  const Share share = SatisfactionShare(t, config.satisfaction_neutral);
  const Interval ci = WilsonInterval(share.satisfied, share.ratings);
  j["ratings"] = t.ratings;
  j["satisfied"] = t.satisfied;
  j["neutral"] = t.neutral;
  j["unsatisfied"] = t.unsatisfied;
  j["very_satisfied"] = t.very_satisfied;
  j["satisfied_only"] = t.satisfied - t.very_satisfied;
  j["satisfaction_rate"] = Rate(share.satisfied, share.ratings);
  j["satisfaction_ci_low"] = ci.low;
  j["satisfaction_ci_high"] = ci.high;
  j["dossiers"] = t.dossiers;
  j["rated_dossiers"] = t.rated_dossiers;
  j["participation_rate"] = Rate(t.rated_dossiers, t.dossiers);
  if (!report.dossiers_known) {
    for (const char* k : {"dossiers", "rated_dossiers", "participation_rate"}) j[k] = nullptr;
  }
  j["unclassified"] = t.unclassified;
  j["excluded"] = t.excluded;
  j["with_comment"] = t.with_comment;
  j["with_phone"] = t.with_phone;
  j["returned"] = t.returned;
  j["returned_on_time"] = t.returned_on_time;
  j["on_time_rate"] = Rate(t.returned_on_time, t.returned);
  j["unsatisfied_dossiers"] = t.unsatisfied_dossiers;
  j["decision766_rate"] = Rate(t.dossiers - t.unsatisfied_dossiers, t.dossiers);
  j["overdue_pending_dossiers"] = t.pending_with_due;
  if (!report.dossiers_known) {
    j["unsatisfied_dossiers"] = j["decision766_rate"] = j["overdue_pending_dossiers"] = nullptr;
  }
  j["intake_rated_dossiers"] = t.intake_rated_dossiers;
  j["participation_intake_rate"] = Rate(t.intake_rated_dossiers, t.dossiers);
  if (!report.dossiers_known) {
    j["intake_rated_dossiers"] = j["participation_intake_rate"] = nullptr;
  }
  j["return_rated_dossiers"] = t.return_rated_dossiers;
  j["participation_return_rate"] = Rate(t.return_rated_dossiers, t.returned);
  if (!report.returned_known) {
    for (const char* k : {"returned", "returned_on_time", "on_time_rate", "return_rated_dossiers",
                          "participation_return_rate"}) {
      j[k] = nullptr;
    }
  }
  j["visits"] = t.visits;
  j["participation_visit_rate"] = Rate(t.ratings, t.visits);
  if (!report.visits_known) j["visits"] = j["participation_visit_rate"] = nullptr;
  if (!totals && g == GroupBy::kOffice) {
    const Targets& target = config.TargetsFor(row.office);
    j["target_satisfaction"] = target.satisfaction;
    j["target_participation"] = target.participation;
    j["target_decision766"] = target.decision766;
    j["below_satisfaction_target"] = BelowSatisfaction(share, target);
    j["below_participation_target"] =
        t.dossiers > 0 && Rate(t.rated_dossiers, t.dossiers) < target.participation;
    j["below_decision766_target"] = report.dossiers_known && BelowDecision766(t, target);
    const StageTargets stage = BelowStageTargets(report, t, target);
    j["target_participation_intake"] = target.participation_intake;
    j["target_participation_return"] = target.participation_return;
    j["target_participation_visits"] = target.participation_visits;
    j["below_participation_intake_target"] = stage.intake;
    j["below_participation_return_target"] = stage.ret;
    j["below_participation_visits_target"] = stage.visits;
  }
  return j;
}

json ReportToJson(const Report& report, const HubConfig& config) {
  json rows = json::array();
  for (const ReportRow& row : report.rows)
    rows.push_back(ReportRowToJson(report, row, config, false));
  ReportRow totals;
  totals.tally = report.totals;
  json office = report.query.offices.size() == 1 ? json(report.query.offices[0]) : json(nullptr);
  json out{{"from", report.query.from},
           {"to", report.query.to},
           {"office", office},
           {"group_by", GroupByName(report.query.group_by)},
           {"rows", rows},
           {"totals", ReportRowToJson(report, totals, config, true)}};
  json filters = json::object();
  for (const auto& [key, value] : Filters(report.query)) filters[key] = *value;
  if (!filters.empty()) out["filters"] = filters;
  out["as_of"] = FormatRfc3339(report.as_of_ms);
  out["satisfaction_neutral"] = NeutralPolicyName(config.satisfaction_neutral);
  return out;
}

namespace {

// The JSON text being written: a buffer that grows by doubling, with
// inline appends (std::string's push_back and append, out of line, were a
// third of an uncached report's cost).
class JsonSink {
 public:
  explicit JsonSink(size_t reserve) { buf_.resize(reserve); }
  void Put(char c) {
    *Room(1) = c;
    ++n_;
  }
  [[gnu::always_inline]] void Put(std::string_view v) {
    if (v.empty()) return;  // its data() may be null, which memcpy must not get
    std::memcpy(Room(v.size()), v.data(), v.size());
    n_ += v.size();
  }
  // Shortest round-trip text of a finite `v`, with ".0" when it would read
  // as an integer ("1" -> "1.0": rates stay visibly real).
  void PutDouble(double v) {
    char* at = Room(40);
    auto r = std::to_chars(at, at + 32, v);
    if (std::string_view(at, static_cast<size_t>(r.ptr - at)).find_first_of(".eE") ==
        std::string_view::npos) {
      *r.ptr++ = '.';
      *r.ptr++ = '0';
    }
    Advance(static_cast<size_t>(r.ptr - at));
  }
  // At least `k` writable bytes at the end; Advance(k) after writing.
  [[gnu::always_inline]] char* Room(size_t k) {
    if (buf_.size() - n_ < k) Grow(k);
    return buf_.data() + n_;
  }
  void Grow(size_t k) { buf_.resize(std::max(buf_.size() * 2, n_ + k)); }
  void Advance(size_t k) { n_ += k; }
  size_t size() const { return n_; }
  std::string Since(size_t from) const { return buf_.substr(from, n_ - from); }
  // The last targets written by WriteRow and their text (",\"target_...").
  const Targets* targets = nullptr;
  std::string targets_text;
  std::string Take() {
    buf_.resize(n_);
    return std::move(buf_);
  }

 private:
  std::string buf_;
  size_t n_ = 0;
};

// A JSON text writer for the report's flat rows: the same document as
// ReportToJson, without building a json object per row (the uncached
// report's cost was mostly there).
class RowWriter {
 public:
  explicit RowWriter(JsonSink* out) : out_(out) {}
  [[gnu::always_inline]] void Key(std::string_view key) {
    char* at = out_->Room(key.size() + 4);
    char* p = at;
    if (!first_) *p++ = ',';
    first_ = false;
    *p++ = '"';
    std::memcpy(p, key.data(), key.size());
    p += key.size();
    *p++ = '"';
    *p++ = ':';
    out_->Advance(static_cast<size_t>(p - at));
  }
  [[gnu::always_inline]] void Str(std::string_view key, std::string_view v) {
    Key(key);
    String(v);
  }
  [[gnu::always_inline]] void Int(std::string_view key, int64_t v, bool known = true) {
    Key(key);
    if (!known) return out_->Put("null");
    char* at = out_->Room(24);
    auto r = std::to_chars(at, at + 24, v);
    out_->Advance(static_cast<size_t>(r.ptr - at));
  }
  [[gnu::always_inline]] void Num(std::string_view key, double v, bool known = true) {
    Key(key);
    if (!known || !std::isfinite(v)) return out_->Put("null");
    out_->PutDouble(v);
  }
  [[gnu::always_inline]] void Bool(std::string_view key, bool v) {
    Key(key);
    out_->Put(v ? std::string_view("true") : std::string_view("false"));
  }
  // Printable ASCII without quote or backslash is written as is; anything
  // else goes through nlohmann's escaping (invalid UTF-8 replaced).
  void String(std::string_view v) {
    for (char c : v) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u >= 0x7f || c == '"' || c == '\\') {
        out_->Put(codec::Dump(nlohmann::json(std::string(v))));
        return;
      }
    }
    char* at = out_->Room(v.size() + 2);
    at[0] = '"';
    if (!v.empty()) std::memcpy(at + 1, v.data(), v.size());  // data() may be null when empty
    at[v.size() + 1] = '"';
    out_->Advance(v.size() + 2);
  }

 private:
  JsonSink* out_;
  bool first_ = true;
};

void WriteRow(const Report& report, const ReportRow& row, const HubConfig& config, bool totals,
              JsonSink* out) {
  const Tally& t = row.tally;
  const GroupBy g = report.query.group_by;
  out->Put('{');
  RowWriter w(out);
  if (!totals) {
    switch (g) {
      case GroupBy::kOffice:
        w.Str("office", row.office);
        break;
      case GroupBy::kCounter:
      case GroupBy::kOfficer:
        w.Str("office", row.office);
        w.Str(GroupByName(g), row.key);
        break;
      default:
        w.Str(GroupByName(g), row.key);
        break;
    }
    if (CatalogueKindOf(g) != nullptr) w.Str("name", row.name);
  }
  const Share share = SatisfactionShare(t, config.satisfaction_neutral);
  const Interval ci = WilsonInterval(share.satisfied, share.ratings);
  w.Int("ratings", t.ratings);
  w.Int("satisfied", t.satisfied);
  w.Int("neutral", t.neutral);
  w.Int("unsatisfied", t.unsatisfied);
  w.Int("very_satisfied", t.very_satisfied);
  w.Int("satisfied_only", t.satisfied - t.very_satisfied);
  w.Num("satisfaction_rate", Rate(share.satisfied, share.ratings));
  w.Num("satisfaction_ci_low", ci.low);
  w.Num("satisfaction_ci_high", ci.high);
  const bool dk = report.dossiers_known, rk = report.returned_known;
  w.Int("dossiers", t.dossiers, dk);
  w.Int("rated_dossiers", t.rated_dossiers, dk);
  w.Num("participation_rate", Rate(t.rated_dossiers, t.dossiers), dk);
  w.Int("unclassified", t.unclassified);
  w.Int("excluded", t.excluded);
  w.Int("with_comment", t.with_comment);
  w.Int("with_phone", t.with_phone);
  w.Int("returned", t.returned, rk);
  w.Int("returned_on_time", t.returned_on_time, rk);
  w.Num("on_time_rate", Rate(t.returned_on_time, t.returned), rk);
  w.Int("unsatisfied_dossiers", t.unsatisfied_dossiers, dk);
  w.Num("decision766_rate", Rate(t.dossiers - t.unsatisfied_dossiers, t.dossiers), dk);
  w.Int("overdue_pending_dossiers", t.pending_with_due, dk);
  w.Int("intake_rated_dossiers", t.intake_rated_dossiers, dk);
  w.Num("participation_intake_rate", Rate(t.intake_rated_dossiers, t.dossiers), dk);
  w.Int("return_rated_dossiers", t.return_rated_dossiers, rk);
  w.Num("participation_return_rate", Rate(t.return_rated_dossiers, t.returned), rk);
  const bool vk = report.visits_known;
  w.Int("visits", t.visits, vk);
  w.Num("participation_visit_rate", Rate(t.ratings, t.visits), vk);
  if (!totals && g == GroupBy::kOffice) {
    const Targets& target = config.TargetsFor(row.office);
    // Most offices share the default targets: their text is written once.
    if (out->targets == &target) {
      out->Put(out->targets_text);
    } else {
      const size_t from = out->size();
      w.Num("target_satisfaction", target.satisfaction);
      w.Num("target_participation", target.participation);
      w.Num("target_decision766", target.decision766);
      w.Num("target_participation_intake", target.participation_intake);
      w.Num("target_participation_return", target.participation_return);
      w.Num("target_participation_visits", target.participation_visits);
      out->targets = &target;
      out->targets_text = out->Since(from);
    }
    w.Bool("below_satisfaction_target", BelowSatisfaction(share, target));
    w.Bool("below_participation_target",
           t.dossiers > 0 && Rate(t.rated_dossiers, t.dossiers) < target.participation);
    w.Bool("below_decision766_target", dk && BelowDecision766(t, target));
    const StageTargets stage = BelowStageTargets(report, t, target);
    w.Bool("below_participation_intake_target", stage.intake);
    w.Bool("below_participation_return_target", stage.ret);
    w.Bool("below_participation_visits_target", stage.visits);
  }
  out->Put('}');
}

}  // namespace

std::string ReportToJsonText(const Report& report, const HubConfig& config) {
  JsonSink out(256 + report.rows.size() * 720);
  out.Put('{');
  RowWriter top(&out);
  top.Str("from", report.query.from);
  top.Str("to", report.query.to);
  top.Key("office");
  if (report.query.offices.size() == 1) {
    top.String(report.query.offices[0]);
  } else {
    out.Put("null");
  }
  top.Str("group_by", GroupByName(report.query.group_by));
  const auto filters = Filters(report.query);
  if (!filters.empty()) {
    // The filters applied, so a client knows the figures honour them.
    top.Key("filters");
    out.Put('{');
    RowWriter f(&out);
    for (const auto& [key, value] : filters) f.Str(key, *value);
    out.Put('}');
  }
  top.Str("as_of", FormatRfc3339(report.as_of_ms));
  top.Str("satisfaction_neutral", NeutralPolicyName(config.satisfaction_neutral));
  top.Key("rows");
  out.Put('[');
  for (size_t i = 0; i < report.rows.size(); ++i) {
    if (i > 0) out.Put(',');
    WriteRow(report, report.rows[i], config, false, &out);
  }
  out.Put(']');
  top.Key("totals");
  ReportRow totals;
  totals.tally = report.totals;
  WriteRow(report, totals, config, true, &out);
  out.Put('}');
  return out.Take();
}

}  // namespace hailong::hub
