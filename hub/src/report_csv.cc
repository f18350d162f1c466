// The report's columns and its CSV (report_columns.h, report.h).
#include <nlohmann/json.hpp>

#include "hailong/hub/report.h"
#include "report_columns.h"

namespace hailong::hub {

using json = nlohmann::json;

namespace {

// The figures, after the group columns.
void AddFigureColumns(std::vector<ReportColumn>* cols) {
  using T = ReportColumn::Type;
  const std::vector<ReportColumn> figures = {
      {"ratings", "Số lượt đánh giá", T::kCount},
      {"satisfied", "Hài lòng", T::kCount},
      {"neutral", "Bình thường", T::kCount},
      {"unsatisfied", "Không hài lòng", T::kCount},
      {"satisfaction_rate", "Tỷ lệ hài lòng", T::kRate},
      {"satisfaction_ci_low", "Tỷ lệ hài lòng: cận dưới (KTC 95%)", T::kRate},
      {"satisfaction_ci_high", "Tỷ lệ hài lòng: cận trên (KTC 95%)", T::kRate},
      {"dossiers", "Số hồ sơ", T::kCount},
      {"rated_dossiers", "Hồ sơ được đánh giá", T::kCount},
      {"participation_rate", "Tỷ lệ tham gia đánh giá", T::kRate},
      {"returned", "Hồ sơ đã trả kết quả", T::kCount},
      {"returned_on_time", "Trả đúng hạn", T::kCount},
      {"on_time_rate", "Tỷ lệ trả đúng hạn", T::kRate},
      {"unsatisfied_dossiers", "Hồ sơ không hài lòng, bị phản ánh hoặc quá hạn", T::kCount},
      {"decision766_rate", "Mức độ hài lòng (QĐ 766/QĐ-TTg)", T::kRate},
      {"overdue_pending_dossiers", "Hồ sơ đang giải quyết đã quá hạn", T::kCount},
      // The full scale kept apart (Gia Lâm): "satisfied" above is both.
      // Last, so the columns before keep their places.
      {"very_satisfied", "Rất hài lòng", T::kCount},
      {"satisfied_only", "Hài lòng (không gồm rất hài lòng)", T::kCount},
      // Participation by stage and by visits (report_participation.md).
      {"intake_rated_dossiers", "Hồ sơ được đánh giá khi tiếp nhận", T::kCount},
      {"participation_intake_rate", "Tỷ lệ tham gia đánh giá khi tiếp nhận", T::kRate},
      {"return_rated_dossiers", "Hồ sơ được đánh giá khi trả kết quả", T::kCount},
      {"participation_return_rate", "Tỷ lệ tham gia đánh giá khi trả kết quả", T::kRate},
      {"visits", "Lượt công dân đến giao dịch", T::kCount},
      {"participation_visit_rate", "Tỷ lệ đánh giá trên lượt giao dịch", T::kRate},
  };
  cols->insert(cols->end(), figures.begin(), figures.end());
}

}  // namespace

std::vector<ReportColumn> ReportColumns(GroupBy g) {
  using T = ReportColumn::Type;
  std::vector<ReportColumn> cols;
  switch (g) {
    case GroupBy::kOffice:
      cols.push_back({"office", "Mã đơn vị", T::kText});
      cols.push_back({"name", "Tên đơn vị", T::kText});
      break;
    case GroupBy::kCounter:
      cols.push_back({"office", "Mã đơn vị", T::kText});
      cols.push_back({"counter", "Quầy", T::kText});
      cols.push_back({"name", "Tên quầy", T::kText});
      break;
    case GroupBy::kOfficer:
      cols.push_back({"office", "Mã đơn vị", T::kText});
      cols.push_back({"officer", "Mã cán bộ", T::kText});
      cols.push_back({"name", "Họ và tên cán bộ", T::kText});
      break;
    case GroupBy::kField:
      cols.push_back({"field", "Mã lĩnh vực", T::kText});
      cols.push_back({"name", "Tên lĩnh vực", T::kText});
      break;
    case GroupBy::kProcedure:
      cols.push_back({"procedure", "Mã thủ tục", T::kText});
      cols.push_back({"name", "Tên thủ tục hành chính", T::kText});
      break;
    case GroupBy::kDay:
      cols.push_back({"day", "Ngày", T::kText});
      break;
    case GroupBy::kMonth:
      cols.push_back({"month", "Tháng", T::kText});
      break;
    case GroupBy::kChannel:
      cols.push_back({"channel", "Kênh đánh giá", T::kText});
      break;
    case GroupBy::kCriterion:  // report_criteria.h has its own columns
      cols.push_back({"criterion", "Tiêu chí", T::kText});
      break;
  }
  AddFigureColumns(&cols);
  return cols;
}

std::vector<ReportColumn> DistrictReportColumns() {
  std::vector<ReportColumn> cols = {{"district", "Mã huyện", ReportColumn::Type::kText}};
  AddFigureColumns(&cols);
  return cols;
}

std::string CsvCell(std::string_view text) {
  std::string cell(text);
  if (!cell.empty() && (cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@' ||
                        cell[0] == '\t' || cell[0] == '\r')) {
    cell.insert(cell.begin(), '\'');
  }
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string ReportJsonToCsv(const std::vector<ReportColumn>& cols, const json& document,
                            bool vietnamese) {
  std::string out = "\xEF\xBB\xBF";
  for (size_t i = 0; i < cols.size(); ++i) {
    if (i > 0) out += ',';
    out += CsvCell(vietnamese ? cols[i].label_vi : cols[i].key);
  }
  out += "\r\n";
  auto write_row = [&](const json& j) {
    for (size_t i = 0; i < cols.size(); ++i) {
      if (i > 0) out += ',';
      auto it = j.find(cols[i].key);
      if (it == j.end() || it->is_null()) continue;
      if (it->is_string()) {
        out += CsvCell(it->get<std::string>());
      } else {
        out += it->dump();
      }
    }
    out += "\r\n";
  };
  if (document.contains("rows")) {
    for (const json& row : document["rows"]) write_row(row);
  }
  json t = document.value("totals", json::object());
  t[cols[0].key] = vietnamese ? "Tổng cộng" : "total";
  write_row(t);
  return out;
}

std::string ReportToCsv(const Report& report, const HubConfig& config, bool vietnamese) {
  return ReportJsonToCsv(ReportColumns(report.query.group_by), ReportToJson(report, config),
                         vietnamese);
}

}  // namespace hailong::hub
