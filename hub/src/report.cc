// The report's query (ValidateReportQuery, ListOffices) and its tally path
// (RunReport): whole months from the month roll-ups, the days at the ends
// from the day tallies, through the ReportCache's decoded pieces. The
// filtered path is report_filtered.cc; the writers report_json*.cc.
#include "hailong/hub/report.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <unordered_map>

#include "codec.h"
#include "hailong/schema/time.h"
#include "report_decision766.h"
#include "report_filtered.h"
#include "report_names.h"
#include "report_pieces.h"
#include "report_rules.h"

namespace hailong::hub {

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
  const Dimension visit_dim = GroupInfoOf(query.group_by).dim;
  out->visits_known = visit_dim == Dimension::kOffice || visit_dim == Dimension::kCounter;
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
  const GroupInfo& info = GroupInfoOf(query.group_by);
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
  return decision766::ApplyClock(store, out->query, out, true, cache, owner, generation);
}

}  // namespace hailong::hub
