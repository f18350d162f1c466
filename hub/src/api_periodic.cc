// GET /api/v1/report/periodic (the document as JSON, for the printable page
// hub/web/periodic.html) and /api/v1/report/periodic.pdf (the same document
// drawn by the hub): the periodic report with the previous period beside
// each figure. The report engine runs twice per grouping (this period and
// the one before) through its public entry points; nothing here computes a
// figure (periodic_document.h).
#include <nlohmann/json.hpp>

#include "api.h"
#include "hailong/hub/report_criteria.h"
#include "hailong/schema/time.h"
#include "periodic_document.h"
#include "periodic_pdf.h"

namespace hailong::hub {

namespace http = boost::beast::http;
using json = nlohmann::json;

namespace {

// Query parameters that override periodic_report's keys (and number, date).
const char* const kTextParams[] = {"number", "place",        "recipient",        "parent_body",
                                   "issuer", "signer_title", "signer_authority", "signer_name"};

bool HasControl(const std::string& s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

}  // namespace

HttpReply Api::PeriodicReportRoute(Call& call, const std::string& format) {
  // The period decides from and to; filters would make a different report.
  for (const char* k :
       {"from", "to", "group_by", "field", "procedure", "counter", "officer", "channel"}) {
    if (call.query.count(k)) {
      return Error(call, 400,
                   std::string("báo cáo định kỳ không nhận tham số ") + k +
                       " (kỳ báo cáo chọn bằng period=YYYY-MM, YYYY-Qn hoặc YYYY)",
                   std::string("the periodic report takes no ") + k +
                       " parameter (choose the period with period=YYYY-MM, YYYY-Qn or YYYY)");
    }
  }
  const std::string today = VietnamDay(ctx_->clock->NowMs());
  ReportPeriod period;
  const std::string period_text = call.Query("period");
  if (period_text.empty()) {
    period = MonthBefore(today);
  } else if (!ParseReportPeriod(period_text, &period).ok()) {
    return Error(call, 400, "period phải là tháng (2026-11), quý (2026-Q4) hoặc năm (2026)",
                 "period must be a month (2026-11), a quarter (2026-Q4) or a year (2026)");
  }
  PeriodicHeader header;
  header.config = ctx_->config->periodic_report;
  std::string* targets[] = {&header.number,
                            &header.config.place,
                            &header.config.recipient,
                            &header.config.parent_body,
                            &header.config.issuer,
                            &header.config.signer_title,
                            &header.config.signer_authority,
                            &header.config.signer_name};
  for (size_t i = 0; i < std::size(kTextParams); ++i) {
    if (!call.query.count(kTextParams[i])) continue;
    const std::string v = call.Query(kTextParams[i]);
    if (v.size() > kPeriodicTextMax || HasControl(v)) {
      return Error(call, 400,
                   std::string("tham số ") + kTextParams[i] +
                       " quá dài (tối đa 200 byte) hoặc có ký tự điều khiển",
                   std::string(kTextParams[i]) +
                       " is too long (at most 200 bytes) or holds control characters");
    }
    *targets[i] = v;
  }
  header.signed_on = call.Query("date", today);
  int64_t ms = 0;
  if (header.signed_on.size() != 10 || !ParseVietnamDay(header.signed_on, &ms).ok()) {
    return Error(call, 400, "date phải có dạng YYYY-MM-DD", "date must be YYYY-MM-DD");
  }
  const std::string lang = call.Query("lang", call.english ? "en" : "vi");
  if (lang != "vi" && lang != "en") {
    return Error(call, 400, "lang phải là vi hoặc en", "lang must be vi or en");
  }

  call.query["from"] = period.from;
  call.query["to"] = period.to;
  call.query["group_by"] = "office";
  ReportQuery query;
  HttpReply error;
  if (!ParseReportQuery(call, &query, &error)) return error;
  if (query.offices.size() == 1 && call.query.count("office")) {
    const std::string name = OfficeName(query.offices[0]);
    header.office_name = name.empty() ? query.offices[0] : name;
  }

  PeriodicFigures figures;
  figures.period = period;
  figures.previous = PreviousPeriod(period);
  const replication::Store& store = *ctx_->log->store();
  auto run = [&](const ReportPeriod& p, json* offices, json* criteria) -> Status {
    ReportQuery q = query;
    q.from = p.from;
    q.to = p.to;
    Report r;
    Status s = RunReport(store, q, &r);
    if (!s.ok()) return s;
    *offices = ReportToJson(r, *ctx_->config);
    q.group_by = GroupBy::kCriterion;
    Report answers;
    s = RunReport(store, q, &answers);
    if (!s.ok()) return s;
    *criteria = CriterionJson(answers);
    return Status::OK();
  };
  for (const auto& [p, offices, criteria] :
       {std::tuple(&figures.period, &figures.current, &figures.current_criteria),
        std::tuple(&figures.previous, &figures.previous_report, &figures.previous_criteria)}) {
    Status s = run(*p, offices, criteria);
    if (!s.ok()) return Error(call, 500, "lỗi lập báo cáo", s.ToString());
  }
  PeriodicDocument doc;
  Status s = BuildPeriodicDocument(header, figures, lang == "en", &doc);
  if (!s.ok()) {
    return Error(call, 413, "báo cáo quá dài để in: " + s.message(), s.message());
  }
  if (format == "json") {
    return Json(200, json{{"period", period.id},
                          {"previous_period", figures.previous.id},
                          {"document", PeriodicDocumentToJson(doc)},
                          {"figures", PeriodicFiguresJson(figures)}});
  }
  std::string pdf;
  s = RenderPeriodicPdf(doc, header.config.max_pages, &pdf);
  if (s.IsInvalidArgument()) {
    return Error(call, 413, "báo cáo quá dài để in: " + s.message(), s.message());
  }
  if (!s.ok()) return Error(call, 500, "không tạo được tệp PDF", s.ToString());
  HttpReply r = TextReply(200, std::move(pdf), "application/pdf");
  const std::string filename =
      "bao-cao-" + period.id + (query.offices.size() == 1 ? "-" + query.offices[0] : "") + ".pdf";
  r.response.set(http::field::content_disposition, "inline; filename=\"" + filename + "\"");
  return r;
}

}  // namespace hailong::hub
