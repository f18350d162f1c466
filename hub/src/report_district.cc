// Districts in a province hub's reports: see report_district.h.
#include "report_district.h"

#include <algorithm>
#include <map>

#include "report_columns.h"

namespace hailong::hub {

using json = nlohmann::json;

namespace {

// Office -> district of every district hub's offices, built once per
// report (HubConfig::DistrictOf scans every node: once per row, a report
// by office at a province of 3,000 offices cost offices squared).
std::map<std::string, std::string, std::less<>> DistrictsByOffice(const HubConfig& config) {
  std::map<std::string, std::string, std::less<>> m;
  for (const NodeConfig& n : config.nodes) {
    if (!n.IsDistrictHub()) continue;
    for (const std::string& o : n.offices)
      m.emplace(o, n.district);  // the first wins, as DistrictOf
  }
  return m;
}

std::string DistrictIn(const std::map<std::string, std::string, std::less<>>& m,
                       std::string_view office) {
  auto it = m.find(office);
  return it == m.end() ? std::string() : it->second;
}

}  // namespace

Status NarrowToDistrict(const HubConfig& config, std::string_view district,
                        std::vector<std::string>* offices) {
  const NodeConfig* hub = nullptr;
  for (const NodeConfig& n : config.nodes) {
    if (n.IsDistrictHub() && n.district == district) hub = &n;
  }
  if (hub == nullptr) {
    return Status::InvalidArgument("no district hub serves district " + std::string(district));
  }
  std::vector<std::string> narrowed;
  for (const std::string& o : hub->offices) {
    if (offices->empty() || std::find(offices->begin(), offices->end(), o) != offices->end()) {
      narrowed.push_back(o);
    }
  }
  if (narrowed.empty()) {
    return Status::PermissionDenied("none of district " + std::string(district) +
                                    "'s offices is yours to see");
  }
  std::sort(narrowed.begin(), narrowed.end());
  *offices = std::move(narrowed);
  return Status::OK();
}

Report FoldByDistrict(const Report& by_office, const HubConfig& config) {
  Report out = by_office;
  out.rows.clear();
  const auto district_of = DistrictsByOffice(config);
  std::map<std::string, Tally> districts;
  for (const ReportRow& row : by_office.rows) {
    districts[DistrictIn(district_of, row.office)].Add(row.tally);
  }
  for (auto& [district, tally] : districts) {
    ReportRow r;
    r.office = district;  // written as "district" by ProvinceReportJson
    r.tally = tally;
    out.rows.push_back(std::move(r));
  }
  return out;
}

json ProvinceReportJson(const Report& report, const HubConfig& config, bool by_district) {
  if (by_district) {
    json j = ReportToJson(FoldByDistrict(report, config), config);
    for (json& row : j["rows"]) {
      row["district"] = row["office"];
      row.erase("office");
    }
    j["group_by"] = "district";
    return j;
  }
  json j = ReportToJson(report, config);
  const auto district_of = DistrictsByOffice(config);
  for (json& row : j["rows"]) {
    if (row.contains("office") && row["office"].is_string()) {
      row["district"] = DistrictIn(district_of, row["office"].get_ref<const std::string&>());
    }
  }
  return j;
}

std::string DistrictReportToCsv(const Report& by_office, const HubConfig& config, bool vietnamese) {
  return ReportJsonToCsv(DistrictReportColumns(), ProvinceReportJson(by_office, config, true),
                         vietnamese);
}

}  // namespace hailong::hub
