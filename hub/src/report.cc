#include "hailong/hub/report.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <map>
#include <unordered_map>

#include "codec.h"
#include "hailong/schema/events_generated.h"
#include "hailong/schema/time.h"
#include "projection_state.h"
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

// Catalogue names: cat/<kind>/<id> -> {"name": ...}.
std::string CatalogueName(const replication::Store& store, const char* kind,
                          const std::string& id) {
  if (id.empty()) return "";
  std::string v;
  if (!store.Get(codec::CatalogueKey(kind, id), &v).ok()) return "";
  json j = json::parse(v, nullptr, false);
  return j.is_object() ? j.value("name", "") : "";
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

// Groups (office, key) → tally become the report's rows, named from the
// catalogue for the groupings that have names (officers it does not name:
// by the name they signed in with at a counter), and its totals.
void AppendRows(const replication::Store& store, GroupBy g,
                const std::map<std::pair<std::string, std::string>, Tally>& groups, Report* out) {
  const char* kind = CatalogueKindOf(g);
  for (const auto& [k, tally] : groups) {
    ReportRow row;
    row.office = k.first;
    row.key = k.second;
    row.tally = tally;
    if (kind != nullptr) row.name = CatalogueName(store, kind, row.key);
    if (row.name.empty() && g == GroupBy::kOfficer && !row.key.empty()) {
      std::string signed_in;
      if (store.Get(SignInNames::NameKey(row.office, row.key), &signed_in).ok()) {
        row.name = std::move(signed_in);
      }
    }
    out->totals.Add(tally);
    out->rows.push_back(std::move(row));
  }
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

std::string DayText(int year, int month, int day) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
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

std::shared_ptr<const ReportCache::Range> ReportCache::Find(uint64_t owner, uint64_t generation,
                                                            const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  if (owner != owner_ || generation != generation_) return nullptr;
  auto it = ranges_.find(key);
  return it == ranges_.end() ? nullptr : it->second;
}

void ReportCache::Put(uint64_t owner, uint64_t generation, const std::string& key,
                      std::shared_ptr<const Range> range) {
  std::lock_guard<std::mutex> lock(mu_);
  if (owner != owner_ || generation != generation_ || entries_ + range->size() > max_entries_) {
    ranges_.clear();
    entries_ = 0;
    owner_ = owner;
    generation_ = generation;
  }
  if (range->size() > max_entries_) return;
  entries_ += range->size();
  ranges_[key] = std::move(range);
}

namespace {

// The filtered report: every rating of the period from the rating index,
// every dossier record of the offices, filtered and grouped here.
Status RunFilteredReport(const replication::Store& store, const ReportQuery& query, Report* out) {
  std::vector<std::string> offices = query.offices;
  if (offices.empty()) {
    Status s = ListOffices(store, &offices);
    if (!s.ok()) return s;
  }
  std::sort(offices.begin(), offices.end());
  offices.erase(std::unique(offices.begin(), offices.end()), offices.end());
  const GroupBy g = query.group_by;
  out->dossiers_known = query.channel.empty() && g != GroupBy::kChannel;
  out->returned_known = out->dossiers_known && query.counter.empty() && query.officer.empty() &&
                        g != GroupBy::kCounter && g != GroupBy::kOfficer;
  // Excluded ratings live in the office tallies only: office, day, month.
  const bool count_excluded = g == GroupBy::kOffice || g == GroupBy::kDay || g == GroupBy::kMonth;
  int64_t from_ms = 0, to_ms = 0;
  Status s = ParseVietnamDay(query.from, &from_ms);
  if (s.ok()) s = ParseVietnamDay(query.to, &to_ms);
  if (!s.ok()) return s;
  to_ms += int64_t{24} * 3600 * 1000 - 1;  // the last millisecond of the last day

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
      if (!match(query.counter, d.counter) || !match(query.officer, d.officer) ||
          !match(query.field, d.field) || !match(query.procedure, d.procedure)) {
        return true;
      }
      if (d.day >= query.from && d.day <= query.to) {
        group(office, d.day, d.counter, d.officer, d.field, d.procedure, "").Add(d.Contribution());
      }
      if (out->returned_known && d.returned_ms > 0 && d.returned_ms >= from_ms &&
          d.returned_ms <= to_ms) {
        Tally t;
        t.returned = 1;
        t.returned_on_time = (d.due_ms == 0 || d.returned_ms <= d.due_ms) ? 1 : 0;
        group(office, VietnamDay(d.returned_ms), d.counter, d.officer, d.field, d.procedure, "")
            .Add(t);
      }
      return true;
    });
    if (!s.ok()) return s;
  }
  AppendRows(store, g, groups, out);
  return Status::OK();
}

}  // namespace

Status RunReport(const replication::Store& store, const ReportQuery& query, Report* out,
                 ReportCache* cache, uint64_t owner, uint64_t generation) {
  Status s = ValidateReportQuery(query);
  if (!s.ok()) return s;
  if (query.Filtered()) {
    out->query = query;
    out->rows.clear();
    out->totals = Tally();
    return RunFilteredReport(store, query, out);
  }
  out->query = query;
  out->rows.clear();
  out->totals = Tally();
  std::vector<std::string> offices = query.offices;
  std::sort(offices.begin(), offices.end());
  offices.erase(std::unique(offices.begin(), offices.end()), offices.end());
  const bool all_offices = offices.empty();
  const GroupInfo& info = Info(query.group_by);
  std::map<std::pair<std::string, std::string>, Tally> groups;
  // Only on a group's first key.
  auto group_of = [&](std::string_view office_part, std::string_view period,
                      std::string_view value) -> Tally* {
    const std::string office = codec::UnKeyPart(office_part);
    if (!all_offices && !std::binary_search(offices.begin(), offices.end(), office)) {
      return nullptr;
    }
    std::string group_office, group_key;
    switch (query.group_by) {
      case GroupBy::kOffice:
        group_office = office;
        group_key = office;
        break;
      case GroupBy::kDay:
        group_key = std::string(period);
        break;
      case GroupBy::kMonth:
        group_key = std::string(period.substr(0, 7));
        break;
      default:
        if (info.per_office) group_office = office;
        group_key = std::string(value);
        break;
    }
    return &groups[{group_office, group_key}];
  };
  // Each cell's group, found by its raw bytes (office key part, value and,
  // by day or month, the period) without decoding them again: a period's
  // scan visits the same few groups thousands of times. nullptr = an
  // office left out.
  std::unordered_map<std::string, Tally*> by_raw;
  std::string raw;
  auto add = [&](std::string_view office_part, std::string_view period, std::string_view value,
                 const Tally& tally) {
    raw.assign(office_part);
    raw.push_back('\0');
    const auto size = static_cast<uint32_t>(value.size());
    raw.append(reinterpret_cast<const char*>(&size), sizeof size);
    raw.append(value);
    if (query.group_by == GroupBy::kDay) {
      raw.push_back('\0');
      raw.append(period);
    } else if (query.group_by == GroupBy::kMonth) {
      raw.push_back('\0');
      raw.append(period.substr(0, 7));
    }
    auto found = by_raw.find(raw);
    if (found == by_raw.end()) {
      found = by_raw.emplace(raw, group_of(office_part, period, value)).first;
    }
    if (found->second == nullptr) return;
    found->second->Add(tally);
  };
  // Every cell of a page.
  Status bad;
  auto add_page = [&](std::string_view key, std::string_view office_part, std::string_view period,
                      std::string_view page) {
    if (!ForEachInTallyPage(page, [&](std::string_view value, const Tally& t) {
          add(office_part, period, value, t);
        })) {
      bad = Status::Corruption("bad tally page at " + std::string(key));
      return false;
    }
    return true;
  };

  // Scans [begin, end) of the store, or its cached copy.
  auto scan = [&](const std::string& begin, const std::string& end,
                  const std::function<bool(std::string_view, std::string_view)>& visit) {
    if (cache == nullptr) return store.Scan(begin, end, visit);
    const std::string key = begin + '\0' + end;
    std::shared_ptr<const ReportCache::Range> range = cache->Find(owner, generation, key);
    if (range == nullptr) {
      auto fresh = std::make_shared<ReportCache::Range>();
      Status st = store.Scan(begin, end, [&](std::string_view k, std::string_view v) {
        fresh->emplace_back(std::string(k), std::string(v));
        return true;
      });
      if (!st.ok()) return st;
      range = fresh;
      cache->Put(owner, generation, key, std::move(fresh));
    }
    for (const auto& [k, v] : *range) {
      if (!visit(k, v)) break;
    }
    return Status::OK();
  };
  const Plan plan = MakePlan(query.from, query.to, query.group_by != GroupBy::kDay);
  if (!plan.first_month.empty()) {
    // One scan over the month roll-ups: "<YYYY-MM>/<office>".
    const std::string prefix = codec::MonthTallyPrefix(info.dim);
    s = scan(prefix + plan.first_month, prefix + plan.last_month + "0",
             [&](std::string_view key, std::string_view value) {
               std::string_view rest = key.substr(prefix.size());
               if (rest.size() < 9 || rest[7] != '/') return true;
               return add_page(key, rest.substr(8), rest.substr(0, 7), value);
             });
    if (!s.ok()) return s;
    if (!bad.ok()) return bad;
  }
  // A few offices: their own day tallies. Many or all: one scan of the
  // day-first tallies per run of days.
  if (!plan.day_runs.empty() && (all_offices || offices.size() > kFewOffices)) {
    const std::string prefix = codec::DayMajorTallyPrefix(info.dim);
    for (const auto& [from, to] : plan.day_runs) {
      s = scan(prefix + from, prefix + to + "0", [&](std::string_view key, std::string_view value) {
        std::string_view rest = key.substr(prefix.size());  // day/office
        if (rest.size() < 12 || rest[10] != '/') return true;
        return add_page(key, rest.substr(11), rest.substr(0, 10), value);
      });
      if (!s.ok()) return s;
      if (!bad.ok()) return bad;
    }
  } else if (!plan.day_runs.empty()) {
    const std::vector<std::string>& scan_offices = offices;
    for (const std::string& office : scan_offices) {
      const std::string prefix = codec::TallyOfficePrefix(info.dim, office);
      const std::string office_part = codec::KeyPart(office);
      for (const auto& [from, to] : plan.day_runs) {
        s = scan(prefix + from, prefix + to + "0",  // '0' sorts right after '/'
                 [&](std::string_view key, std::string_view value) {
                   std::string_view rest = key.substr(prefix.size());  // "<day>"
                   if (rest.size() != 10) return true;
                   return add_page(key, office_part, rest, value);
                 });
        if (!s.ok()) return s;
        if (!bad.ok()) return bad;
      }
    }
  }
  AppendRows(store, query.group_by, groups, out);
  return Status::OK();
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
  const Interval ci = WilsonInterval(t.satisfied, t.ratings);
  j["ratings"] = t.ratings;
  j["satisfied"] = t.satisfied;
  j["neutral"] = t.neutral;
  j["unsatisfied"] = t.unsatisfied;
  j["satisfaction_rate"] = Rate(t.satisfied, t.ratings);
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
  if (!report.dossiers_known) j["unsatisfied_dossiers"] = j["decision766_rate"] = nullptr;
  if (!report.returned_known) {
    for (const char* k : {"returned", "returned_on_time", "on_time_rate"}) j[k] = nullptr;
  }
  if (!totals && g == GroupBy::kOffice) {
    const Targets& target = config.TargetsFor(row.office);
    j["target_satisfaction"] = target.satisfaction;
    j["target_participation"] = target.participation;
    j["below_satisfaction_target"] =
        t.ratings > 0 && Rate(t.satisfied, t.ratings) < target.satisfaction;
    j["below_participation_target"] =
        t.dossiers > 0 && Rate(t.rated_dossiers, t.dossiers) < target.participation;
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
  return out;
}

namespace {

// A JSON text writer for the report's flat rows: the same document as
// ReportToJson, without building a json object per row (the uncached
// report's cost was mostly there).
class RowWriter {
 public:
  explicit RowWriter(std::string* out) : out_(out) {}
  void Key(const char* key) {
    if (!first_) out_->push_back(',');
    first_ = false;
    out_->push_back('"');
    out_->append(key);
    out_->append("\":");
  }
  void Str(const char* key, std::string_view v) {
    Key(key);
    String(v);
  }
  void Int(const char* key, int64_t v, bool known = true) {
    Key(key);
    if (!known) {
      out_->append("null");
      return;
    }
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_->append(buf, r.ptr);
  }
  void Num(const char* key, double v, bool known = true) {
    Key(key);
    if (!known || !std::isfinite(v)) {
      out_->append("null");
      return;
    }
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    std::string_view text(buf, static_cast<size_t>(r.ptr - buf));
    out_->append(text);
    // JSON readers take "1" as an integer: keep rates visibly real.
    if (text.find_first_of(".eE") == std::string_view::npos) out_->append(".0");
  }
  void Bool(const char* key, bool v) {
    Key(key);
    out_->append(v ? "true" : "false");
  }
  void String(std::string_view v) { out_->append(codec::Dump(nlohmann::json(std::string(v)))); }

 private:
  std::string* out_;
  bool first_ = true;
};

void WriteRow(const Report& report, const ReportRow& row, const HubConfig& config, bool totals,
              std::string* out) {
  const Tally& t = row.tally;
  const GroupBy g = report.query.group_by;
  out->push_back('{');
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
  const Interval ci = WilsonInterval(t.satisfied, t.ratings);
  w.Int("ratings", t.ratings);
  w.Int("satisfied", t.satisfied);
  w.Int("neutral", t.neutral);
  w.Int("unsatisfied", t.unsatisfied);
  w.Num("satisfaction_rate", Rate(t.satisfied, t.ratings));
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
  if (!totals && g == GroupBy::kOffice) {
    const Targets& target = config.TargetsFor(row.office);
    w.Num("target_satisfaction", target.satisfaction);
    w.Num("target_participation", target.participation);
    w.Bool("below_satisfaction_target",
           t.ratings > 0 && Rate(t.satisfied, t.ratings) < target.satisfaction);
    w.Bool("below_participation_target",
           t.dossiers > 0 && Rate(t.rated_dossiers, t.dossiers) < target.participation);
  }
  out->push_back('}');
}

}  // namespace

std::string ReportToJsonText(const Report& report, const HubConfig& config) {
  std::string out;
  out.reserve(256 + report.rows.size() * 640);
  out.push_back('{');
  RowWriter top(&out);
  top.Str("from", report.query.from);
  top.Str("to", report.query.to);
  top.Key("office");
  if (report.query.offices.size() == 1) {
    top.String(report.query.offices[0]);
  } else {
    out.append("null");
  }
  top.Str("group_by", GroupByName(report.query.group_by));
  const auto filters = Filters(report.query);
  if (!filters.empty()) {
    // The filters applied, so a client knows the figures honour them.
    top.Key("filters");
    out.push_back('{');
    RowWriter f(&out);
    for (const auto& [key, value] : filters) f.Str(key, *value);
    out.push_back('}');
  }
  top.Key("rows");
  out.push_back('[');
  for (size_t i = 0; i < report.rows.size(); ++i) {
    if (i > 0) out.push_back(',');
    WriteRow(report, report.rows[i], config, false, &out);
  }
  out.push_back(']');
  top.Key("totals");
  ReportRow totals;
  totals.tally = report.totals;
  WriteRow(report, totals, config, true, &out);
  out.push_back('}');
  return out;
}

}  // namespace hailong::hub
