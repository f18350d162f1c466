// The columns of the report in CSV and XLSX, in order, and the CSV writer
// both exports share: they read the report's JSON document (ReportToJson,
// or ProvinceReportJson at a province hub), whose writer is the one list of
// a row's fields (report_json_text.cc).
//
// Thread safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hailong/hub/report.h"

namespace hailong::hub {

struct ReportColumn {
  enum class Type { kText, kCount, kRate };
  std::string key;       // the JSON key
  std::string label_vi;  // header with diacritics
  Type type;
};

// The group columns of `group_by` followed by the figures.
std::vector<ReportColumn> ReportColumns(GroupBy group_by);
// The report by district at a province hub (report_district.h): the
// district ("Mã huyện") followed by the figures.
std::vector<ReportColumn> DistrictReportColumns();

// `document`'s "rows" and "totals" as CSV in ReportToCsv's conventions
// (report.h): a header line (Vietnamese labels or JSON keys), a line per
// row with a row's missing or null values as empty cells, and the totals
// labelled "Tổng cộng" (or "total") in the first column.
std::string ReportJsonToCsv(const std::vector<ReportColumn>& columns,
                            const nlohmann::json& document, bool vietnamese);

}  // namespace hailong::hub
