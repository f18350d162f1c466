// GET /api/v1/report (JSON), report.csv, report.xlsx and /api/v1/targets.
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "api.h"
#include "catalogue_entries.h"
#include "codec.h"
#include "hailong/hub/report_criteria.h"
#include "hailong/schema/event_json.h"
#include "hailong/survey/template_codec.h"
#include "report_district.h"

namespace hailong::hub {

namespace http = boost::beast::http;
using json = nlohmann::json;

bool Api::ParseReportQuery(Call& call, ReportQuery* query, HttpReply* error) {
  query->from = call.Query("from");
  query->to = call.Query("to");
  std::string group = call.Query("group_by", "office");
  // A province hub folds the office report by district (report_district.h).
  if (group == "district" && ctx_->config->HasDistricts()) group = "office";
  if (!GroupByFromName(group, &query->group_by)) {
    *error = Error(call, 400,
                   "group_by phải là office, counter, officer, field, procedure, day, month, "
                   "channel hoặc criterion",
                   "group_by must be office, counter, officer, field, procedure, day, month, "
                   "channel or criterion");
    return false;
  }
  // Optional filters; "" = none.
  query->field = call.Query("field");
  query->procedure = call.Query("procedure");
  query->counter = call.Query("counter");
  query->officer = call.Query("officer");
  query->channel = call.Query("channel");
  for (const std::string* v :
       {&query->field, &query->procedure, &query->counter, &query->officer, &query->channel}) {
    if (v->size() > 200) {
      *error = Error(call, 400, "giá trị bộ lọc quá dài (tối đa 200 ký tự)",
                     "a filter value is too long (at most 200 characters)");
      return false;
    }
  }
  if (query->group_by == GroupBy::kCriterion && query->Filtered()) {
    // The answer tallies hold one dimension: answers by office and day.
    *error = Error(call, 400,
                   "báo cáo theo tiêu chí chỉ lọc được theo đơn vị (office), không theo lĩnh vực, "
                   "thủ tục, quầy, cán bộ hay kênh",
                   "a report by criterion can be narrowed by office only, not by field, "
                   "procedure, counter, officer or channel");
    return false;
  }
  fb::Channel channel;
  if (!query->channel.empty() &&
      (!schema::ChannelFromName(query->channel, &channel) || query->channel == "unknown")) {
    *error = Error(call, 400, "channel phải là button_box, touchscreen, phone hoặc web",
                   "channel must be button_box, touchscreen, phone or web");
    return false;
  }
  query->now_ms = ctx_->clock->NowMs();  // Decision 766's "as of" (report_decision766.md)
  Status s = ValidateReportQuery(*query);
  if (!s.ok()) {
    *error = Error(call, 400, "tham số không hợp lệ: " + s.message(), s.message());
    return false;
  }
  if (!ScopeOffices(call, &query->offices, error)) return false;
  if (const std::string district = call.Query("district"); !district.empty()) {
    s = NarrowToDistrict(*ctx_->config, district, &query->offices);
    if (s.code() == Status::Code::kPermissionDenied) {
      *error = Error(call, 403, "không có đơn vị nào của huyện " + district + " trong quyền xem",
                     s.message());
      return false;
    }
    if (!s.ok()) {
      *error = Error(call, 400, "không có hub huyện nào phục vụ huyện " + district, s.message());
      return false;
    }
  }
  return true;
}

std::string Api::OfficeLabel(const ReportQuery& query) const {
  if (query.offices.size() != 1) return "Tất cả đơn vị";
  const std::string& id = query.offices[0];
  const json j = FindCatalogueEntry(*ctx_->log->store(), "office", "", id);
  if (j.is_object() && !j.value("name", "").empty()) {
    return j["name"].get<std::string>() + " (" + id + ")";
  }
  return id;
}

HttpReply Api::ReportRoute(Call& call, const std::string& format) {
  auto ReportError = [this](const Call& c, const Status& s) {
    return Error(c, 500, "lỗi lập báo cáo", s.ToString());
  };
  ReportQuery query;
  HttpReply error;
  if (!ParseReportQuery(call, &query, &error)) return error;
  const bool by_district = ctx_->config->HasDistricts() && call.Query("group_by") == "district";
  if (format == "json") {
    // Every part length-prefixed: values may hold any separator ("a|b" as
    // a field must not meet field "a" with procedure "b").
    std::string key;
    auto part = [&key](std::string_view v) {
      key += std::to_string(v.size());
      key += ':';
      key += v;
    };
    part(query.from);
    part(query.to);
    part(by_district ? "district" : GroupByName(query.group_by));
    key += std::to_string(query.offices.size()) + '#';
    for (const auto& o : query.offices) part(o);
    for (const std::string* v :
         {&query.field, &query.procedure, &query.counter, &query.officer, &query.channel}) {
      part(*v);
    }
    const uint64_t generation = ctx_->projector->generation();
    const bool fresh = call.req[boost::beast::http::field::cache_control].find("no-cache") !=
                       std::string_view::npos;
    if (!fresh) {
      std::lock_guard<std::mutex> lock(report_cache_mu_);
      auto it = report_cache_.find(key);
      if (it != report_cache_.end() && it->second.generation == generation &&
          ctx_->clock->NowMs() < it->second.valid_until_ms) {
        return it->second.reply;
      }
    }
    // A new period over known months and days reads report_ranges_.
    Report report;
    Status s = RunReport(*ctx_->log->store(), query, &report, &report_ranges_,
                         ctx_->projector->instance(), generation);
    if (!s.ok()) return ReportError(call, s);
    HttpReply reply =
        JsonReply(200, query.group_by == GroupBy::kCriterion ? CriterionJson(report).dump()
                       : ctx_->config->HasDistricts()
                           ? ProvinceReportJson(report, *ctx_->config, by_district).dump()
                           : ReportToJsonText(report, *ctx_->config));
    std::lock_guard<std::mutex> lock(report_cache_mu_);
    if (report_cache_.size() >= 512) report_cache_.clear();
    // An open period's figures change when a pending dossier passes due.
    report_cache_[key] = CachedReport{generation, reply, report.valid_until_ms};
    return reply;
  }
  const replication::Store& store = *ctx_->log->store();
  const std::string filename = "bao-cao-" + query.from + "-" + query.to +
                               (query.offices.size() == 1 ? "-" + query.offices[0] : "");
  if (format == "xlsx") {
    std::vector<Report> reports;
    // One sheet per grouping; the requested one first.
    std::vector<GroupBy> groups = {GroupBy::kOffice, GroupBy::kCounter,   GroupBy::kOfficer,
                                   GroupBy::kField,  GroupBy::kProcedure, GroupBy::kMonth,
                                   GroupBy::kDay};
    if (query.group_by == GroupBy::kChannel) groups.push_back(GroupBy::kChannel);
    std::vector<XlsxTable> tables;
    {  // the per-criterion sheet, first when asked for
      ReportQuery q = query;
      q.group_by = GroupBy::kCriterion;
      Report r;
      Status s = RunReport(store, q, &r);
      if (!s.ok()) return ReportError(call, s);
      CriterionReport c;
      BuildCriterionReport(r, *TemplateStructs(), &c);
      tables.push_back(CriterionReportTable(c, OfficeLabel(query)));
      tables.back().first = query.group_by == GroupBy::kCriterion;
    }
    if (call.who.MaySeePersonalData()) {  // comments: managers and admins only
      json ids = json::array();
      Status s = CommentSheets(query, OfficeLabel(query), &tables, &ids);
      if (!s.ok()) return ReportError(call, s);
      if (!ids.empty()) {
        Audit(call, "report.comments", call.Query("office", "*"),
              json{{"from", query.from}, {"to", query.to}, {"ratings", ids}});
        ctx_->metrics->Add("hailong_hub_personal_data_access_total");
      }
    }
    if (call.query.count("group_by")) {
      std::stable_partition(groups.begin(), groups.end(),
                            [&](GroupBy g) { return g == query.group_by; });
    }
    for (GroupBy g : groups) {
      ReportQuery q = query;
      q.group_by = g;
      Report r;
      Status s = RunReport(store, q, &r);
      if (!s.ok()) return ReportError(call, s);
      reports.push_back(std::move(r));
    }
    static std::atomic<uint64_t> counter{0};
    const std::string path = ctx_->tmp_dir + "/report-" + std::to_string(::getpid()) + "-" +
                             std::to_string(counter.fetch_add(1)) + ".xlsx";
    // A province hub's workbook also has the sheet by district (report_district.h).
    Status s = ctx_->config->HasDistricts()
                   ? WriteProvinceReportXlsx(reports, OfficeLabel(query), *ctx_->config, path,
                                             tables, by_district)
                   : WriteReportXlsx(reports, OfficeLabel(query), *ctx_->config, path, tables);
    std::string bytes;
    if (s.ok()) {
      std::ifstream in(path, std::ios::binary);
      std::ostringstream data;
      data << in.rdbuf();
      bytes = data.str();
    }
    std::error_code ec;
    std::filesystem::remove(path, ec);
    if (!s.ok()) return Error(call, 500, "không tạo được tệp Excel", s.ToString());
    HttpReply r = TextReply(200, std::move(bytes),
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    r.response.set(http::field::content_disposition,
                   "attachment; filename=\"" + filename + ".xlsx\"");
    return r;
  }
  Report report;
  Status s = RunReport(store, query, &report);
  if (!s.ok()) return ReportError(call, s);
  if (format == "csv") {
    const bool vi = call.Query("lang") == "vi";
    if (query.group_by == GroupBy::kCriterion) {
      CriterionReport c;
      BuildCriterionReport(report, *TemplateStructs(), &c);
      HttpReply r = TextReply(200, CriterionReportToCsv(c, vi), "text/csv; charset=utf-8");
      r.response.set(http::field::content_disposition,
                     "attachment; filename=\"" + filename + "-tieu-chi.csv\"");
      return r;
    }
    HttpReply r = TextReply(200,
                            by_district ? DistrictReportToCsv(report, *ctx_->config, vi)
                                        : ReportToCsv(report, *ctx_->config, vi),
                            "text/csv; charset=utf-8");
    r.response.set(
        http::field::content_disposition,
        "attachment; filename=\"" + filename + (by_district ? "-theo-huyen" : "") + ".csv\"");
    return r;
  }
  if (query.group_by == GroupBy::kCriterion) return Json(200, CriterionJson(report));
  return Json(200, ReportToJson(report, *ctx_->config));
}

std::shared_ptr<const Api::TemplateMap> Api::TemplateStructs() const {
  const uint64_t generation = ctx_->projector->generation();
  {
    std::lock_guard<std::mutex> lock(template_structs_mu_);
    if (template_structs_ && template_structs_generation_ == generation) return template_structs_;
  }
  auto out = std::make_shared<TemplateMap>();
  for (const auto& [id, j] : Templates()) {
    survey::SurveyTemplate t;
    if (survey::TemplateFromJson(j, &t).ok()) out->emplace(id, std::move(t));
  }
  std::lock_guard<std::mutex> lock(template_structs_mu_);
  template_structs_ = out;
  template_structs_generation_ = generation;
  return out;
}

nlohmann::json Api::CriterionJson(const Report& answers) const {
  CriterionReport c;
  BuildCriterionReport(answers, *TemplateStructs(), &c);
  return CriterionReportToJson(c);
}

HttpReply Api::TargetsRoute(Call& call) {
  ReportQuery query;
  HttpReply error;
  call.query["group_by"] = "office";
  if (!ParseReportQuery(call, &query, &error)) return error;
  Report report;
  Status s = RunReport(*ctx_->log->store(), query, &report);
  if (!s.ok()) return Error(call, 500, "lỗi lập báo cáo", s.ToString());
  json offices = json::array();
  json below = json::array();
  for (const ReportRow& row : report.rows) {
    json j = ReportRowToJson(report, row, *ctx_->config, false);
    if (j["below_satisfaction_target"].get<bool>() || j["below_participation_target"].get<bool>() ||
        j["below_decision766_target"].get<bool>()) {
      below.push_back(row.office);
    }
    offices.push_back(std::move(j));
  }
  return Json(200, json{{"from", query.from},
                        {"to", query.to},
                        {"default",
                         {{"satisfaction", ctx_->config->targets.satisfaction},
                          {"participation", ctx_->config->targets.participation},
                          {"decision766", ctx_->config->targets.decision766}}},
                        {"offices", offices},
                        {"below_target", below}});
}

}  // namespace hailong::hub
