// Per-criterion reports (GET /api/v1/report?group_by=criterion, report.csv,
// report.xlsx): for each survey template and criterion, how many answers
// chose each option, and the share of the worst option, so a manager sees
// which criterion pulls an office down.
//
// The figures come from the `answer` tallies the projector already keeps
// ("<template>|<criterion>|<option>", counted ratings only: suspected
// misuse and voided ratings are left out, as everywhere). RunReport with
// GroupBy::kCriterion reads them (rows keyed by that text, summed over the
// offices in scope); BuildCriterionReport turns those rows into one row per
// (template, criterion) using the templates the hub knows (the newest
// version of each id) for labels, option order and polarity.
//
// Worst option: the option with the most negative polarity (negative, then
// neutral, then positive); among equals the one listed last (templates list
// options best first: "Ba lần trở lên" after "Hai lần"). Its share =
// answers choosing it ÷ answers to the criterion (0 when none). Options a
// rating chose that the template no longer lists are kept (polarity
// unknown, never the worst); a template the hub does not know has no worst
// option (null).
//
// Thread safety: plain values and free functions.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hailong/hub/report.h"
#include "hailong/hub/report_table.h"
#include "hailong/survey/survey_template.h"

namespace hailong::hub {

struct CriterionOption {
  std::string id;
  std::string label;     // Vietnamese ("" when the template does not list it)
  std::string polarity;  // "positive", "neutral", "negative" or "" (unknown)
  int64_t count = 0;
};

struct CriterionRow {
  std::string template_id;
  std::string template_name;  // "" when the hub does not know the template
  std::string criterion;
  std::string label;                     // the criterion's Vietnamese label
  std::vector<CriterionOption> options;  // the template's order, then unknown ones by id
  int64_t answers = 0;                   // sum of the options' counts
  int worst = -1;                        // index into options; -1 = none
  int64_t negative = 0;                  // answers with a negative option
};

struct CriterionReport {
  ReportQuery query;
  std::vector<CriterionRow> rows;  // by template id, then the template's criterion order
  size_t max_options = 0;          // the most options of any row (CSV/XLSX columns)
};

// `answers`: a RunReport with GroupBy::kCriterion. `templates`: the hub's
// templates by id.
void BuildCriterionReport(const Report& answers,
                          const std::map<std::string, survey::SurveyTemplate>& templates,
                          CriterionReport* out);

// {"from","to","office","group_by":"criterion","rows":[{"template",
// "template_name","criterion","name","answers","options":[{"option","label",
// "polarity","count","share"}],"worst_option","worst_label","worst_count",
// "worst_share","negative_count","negative_share"}],"totals":{"answers"}}.
nlohmann::json CriterionReportToJson(const CriterionReport& report);

// One line per (template, criterion): template, template_name, criterion,
// name, answers, worst_option, worst_label, worst_count, worst_share,
// negative_share, then option_1, count_1, option_2, count_2, ... (labels);
// CSV conventions as ReportToCsv (BOM, CRLF, quoting, formula guard).
std::string CriterionReportToCsv(const CriterionReport& report, bool vietnamese);

// The workbook's "Theo tiêu chí" sheet.
XlsxTable CriterionReportTable(const CriterionReport& report, const std::string& office_label);

}  // namespace hailong::hub
