// The public results (issue 16 item 8): what a citizen reaches from the QR
// poster of an office, without signing in.
//
//   GET /public/v1/results              the district: every office and the
//                                       district's total, month by month
//   GET /public/v1/results?office=ID    one office, month by month
//   GET /ket-qua, /ket-qua/{office}     the page showing them (public.html)
//
// Only aggregates of offices leave here: ratings, the satisfaction scale,
// satisfaction, participation, on-time and Decision 766 rates, and the
// office's targets. No counter, officer, comment, phone number or rating is
// ever part of the answer (a public page must not rank officers: they are
// judged by their managers, not by the street). The answer is computed at
// most once a minute per office (and per projection generation), so a flood
// of requests costs memory lookups, not report scans.
#include <nlohmann/json.hpp>

#include "api.h"
#include "catalogue_entries.h"
#include "codec.h"
#include "hailong/schema/time.h"
#include "hailong/survey/limits.h"
#include "macros.h"

namespace hailong::hub {

using json = nlohmann::json;

namespace {

constexpr int kMonths = 12;           // the current month and the 11 before it
constexpr int64_t kFreshMs = 60'000;  // an answer is recomputed after a minute

// The figures of a report row that may be public (a whitelist: fields added
// to reports later stay private until listed here).
json PublicFigures(const json& row) {
  static const char* kKeys[] = {"ratings",          "very_satisfied",      "satisfied",
                                "neutral",          "unsatisfied",         "satisfaction_rate",
                                "dossiers",         "rated_dossiers",      "participation_rate",
                                "returned",         "returned_on_time",    "on_time_rate",
                                "decision766_rate", "target_satisfaction", "target_participation"};
  json out = json::object();
  for (const char* k : kKeys) {
    if (row.contains(k)) out[k] = row[k];
  }
  return out;
}

// "YYYY-MM-01" of the month `back` months before the month of `day`.
std::string MonthStart(const std::string& day, int back) {
  int year = std::stoi(day.substr(0, 4));
  int month = std::stoi(day.substr(5, 2)) - back;
  while (month < 1) {
    month += 12;
    --year;
  }
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-01", year, month);
  return buf;
}

// The day before "YYYY-MM-01".
std::string DayBefore(const std::string& first_of_month) {
  int64_t ms = 0;
  if (!ParseVietnamDay(first_of_month, &ms).ok()) return first_of_month;
  return VietnamDay(ms - 12 * 3600 * 1000);
}

}  // namespace

std::string Api::OfficeName(const std::string& office) const {
  const json j = FindCatalogueEntry(*ctx_->log->store(), "office", "", office);
  return j.is_object() ? j.value("name", "") : "";
}

Status Api::BuildPublicResults(const std::string& office, json* out) {
  const HubConfig& config = *ctx_->config;
  const std::string today = VietnamDay(ctx_->clock->NowMs());
  const std::string this_month = MonthStart(today, 0);

  // Month by month, the office or the whole district.
  ReportQuery months;
  months.from = MonthStart(today, kMonths - 1);
  months.to = today;
  months.group_by = GroupBy::kMonth;
  if (!office.empty()) months.offices = {office};
  Report by_month;
  const uint64_t owner = ctx_->projector->instance();
  const uint64_t generation = ctx_->projector->generation();
  HAILONG_RETURN_IF_ERROR(
      RunReport(*ctx_->log->store(), months, &by_month, &report_ranges_, owner, generation));
  json month_rows = json::array();
  for (const ReportRow& row : by_month.rows) {
    json figures = PublicFigures(ReportRowToJson(by_month, row, config, false));
    figures["month"] = row.key;
    month_rows.push_back(std::move(figures));
  }

  ReportRow totals;
  totals.tally = by_month.totals;
  json doc = {{"title", config.public_title},
              {"generated_at", FormatRfc3339(ctx_->clock->NowMs())},
              {"from", months.from},
              {"to", months.to},
              {"months", std::move(month_rows)},
              {"totals", PublicFigures(ReportRowToJson(by_month, totals, config, true))}};
  if (!office.empty()) {
    const Targets t = config.TargetsFor(office);
    doc["office"] = {{"id", office}, {"name", OfficeName(office)}};
    doc["targets"] = {{"satisfaction", t.satisfaction}, {"participation", t.participation}};
    *out = std::move(doc);
    return Status::OK();
  }

  // The district: each office this month and last month, side by side.
  doc["targets"] = {{"satisfaction", config.targets.satisfaction},
                    {"participation", config.targets.participation}};
  auto by_office = [&](const std::string& from, const std::string& to, Report* r) {
    ReportQuery q;
    q.from = from;
    q.to = to;
    q.group_by = GroupBy::kOffice;
    return RunReport(*ctx_->log->store(), q, r, &report_ranges_, owner, generation);
  };
  Report current, previous;
  HAILONG_RETURN_IF_ERROR(by_office(this_month, today, &current));
  HAILONG_RETURN_IF_ERROR(by_office(MonthStart(today, 1), DayBefore(this_month), &previous));
  std::map<std::string, json> offices;
  for (const ReportRow& row : current.rows) {
    offices[row.office]["current"] = PublicFigures(ReportRowToJson(current, row, config, false));
  }
  for (const ReportRow& row : previous.rows) {
    offices[row.office]["previous"] = PublicFigures(ReportRowToJson(previous, row, config, false));
  }
  json list = json::array();
  for (auto& [id, figures] : offices) {
    figures["id"] = id;
    figures["name"] = OfficeName(id);
    list.push_back(std::move(figures));
  }
  doc["current_month"] = this_month.substr(0, 7);
  doc["previous_month"] = MonthStart(today, 1).substr(0, 7);
  doc["offices"] = std::move(list);
  *out = std::move(doc);
  return Status::OK();
}

HttpReply Api::PublicResults(Call& call) {
  if (!ctx_->config->public_results) {
    return Error(call, 404, "trang công khai kết quả không được bật",
                 "the public results are not enabled");
  }
  const std::string office = call.Query("office");
  if (!office.empty()) {
    std::vector<std::string> known;
    Status s = KnownOffices(&known);
    if (!s.ok()) return Error(call, 500, "lỗi đọc danh sách đơn vị", s.ToString());
    if (!survey::IsValidNodeId(office) ||
        std::find(known.begin(), known.end(), office) == known.end()) {
      return Error(call, 404, "không tìm thấy đơn vị này", "no such office");
    }
  }
  const int64_t now = ctx_->clock->NowMs();
  const uint64_t generation = ctx_->projector->generation();
  {
    std::lock_guard<std::mutex> lock(public_mu_);
    auto it = public_cache_.find(office);
    if (it != public_cache_.end() && it->second.generation == generation &&
        now - it->second.made_ms < kFreshMs && now >= it->second.made_ms) {
      return it->second.reply;
    }
  }
  json doc;
  Status s = BuildPublicResults(office, &doc);
  if (!s.ok()) return Error(call, 500, "lỗi lập kết quả công khai", s.ToString());
  HttpReply reply = Json(200, doc);
  // Shared caches (a proxy in front of the hub) may keep it for a minute.
  reply.response.set(boost::beast::http::field::cache_control, "public, max-age=60");
  reply.response.set(boost::beast::http::field::access_control_allow_origin, "*");
  std::lock_guard<std::mutex> lock(public_mu_);
  // Keys are "" and known office ids only: bounded by the offices.
  public_cache_[office] = CachedPublic{generation, now, reply};
  return reply;
}

}  // namespace hailong::hub
