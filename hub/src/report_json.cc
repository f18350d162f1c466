// The report as a JSON value (ReportToJson, ReportRowToJson; report.h): the
// text report_json_text.cc writes, parsed. That writer is the one place a
// row's fields are listed, so the JSON answer, the CSV and XLSX exports, the
// province's, public and periodic reports cannot drift apart.
#include <nlohmann/json.hpp>

#include "hailong/hub/report.h"
#include "report_json_text.h"

namespace hailong::hub {

using json = nlohmann::json;

namespace {

// The writer escapes every string (invalid UTF-8 replaced) and writes no
// NaN or infinity, so its text always parses; a value that did not would
// come back discarded, never as an exception.
json Parse(const std::string& text) { return json::parse(text, nullptr, false); }

}  // namespace

json ReportRowToJson(const Report& report, const ReportRow& row, const HubConfig& config,
                     bool totals) {
  return Parse(ReportRowToJsonText(report, row, config, totals));
}

json ReportToJson(const Report& report, const HubConfig& config) {
  return Parse(ReportToJsonText(report, config));
}

}  // namespace hailong::hub
