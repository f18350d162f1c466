// Districts in a province hub's reports (hub/README.md, "Province hub"):
// the office -> district map comes from the district hubs' `nodes[]`
// entries (HubConfig::DistrictOf).
//  * group_by=district: the office report folded into one row per district
//    (tallies summed, rates recomputed from the sums), keyed "district";
//    offices no district hub lists (edges shipping to the province
//    directly) fall under district "".
//  * every row that carries "office" also carries "district".
//  * district=<id> narrows the report to that district's offices.
//
// Thread safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "hailong/hub/config.h"
#include "hailong/hub/report.h"

namespace hailong::hub {

// Narrows `offices` (the caller's scope; empty = every office) to the
// offices of `district`. InvalidArgument for a district no district hub
// names; PermissionDenied when none of its offices is in the scope.
Status NarrowToDistrict(const HubConfig& config, std::string_view district,
                        std::vector<std::string>* offices);

// The office report `by_office` (group_by office) folded by district.
Report FoldByDistrict(const Report& by_office, const HubConfig& config);

// The report's JSON at a province hub (ReportToJson with districts).
// `by_district`: `report` is grouped by office and the answer by district.
nlohmann::json ProvinceReportJson(const Report& report, const HubConfig& config, bool by_district);

// The report by district as CSV (ReportToCsv's conventions, report.h): the
// rows of ProvinceReportJson(by_office, config, true), keyed "district"
// ("Mã huyện"). `by_office`: a report grouped by office.
std::string DistrictReportToCsv(const Report& by_office, const HubConfig& config, bool vietnamese);

// WriteReportXlsx (report.h) at a province hub: the same workbook with one
// more sheet, "Theo huyện", the report by office among `reports` folded by
// district (none without one); first when `district_first`
// (group_by=district), else after the groupings' sheets.
Status WriteProvinceReportXlsx(const std::vector<Report>& reports, const std::string& office_label,
                               const HubConfig& config, const std::string& path,
                               const std::vector<XlsxTable>& tables, bool district_first);

}  // namespace hailong::hub
