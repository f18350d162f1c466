// The periodic report workbook (WriteReportXlsx, report.h;
// WriteProvinceReportXlsx, report_district.h).
#include <xlsxwriter.h>

#include <nlohmann/json.hpp>

#include "hailong/hub/report.h"
#include "report_columns.h"
#include "report_district.h"

namespace hailong::hub {

using json = nlohmann::json;

namespace {

// "2026-11-30" -> "30/11/2026"
std::string VietnameseDate(const std::string& day) {
  if (day.size() != 10) return day;
  return day.substr(8, 2) + "/" + day.substr(5, 2) + "/" + day.substr(0, 4);
}

std::string SheetName(GroupBy g) {
  switch (g) {
    case GroupBy::kOffice:
      return "Theo đơn vị";
    case GroupBy::kCounter:
      return "Theo quầy";
    case GroupBy::kOfficer:
      return "Theo cán bộ";
    case GroupBy::kField:
      return "Theo lĩnh vực";
    case GroupBy::kProcedure:
      return "Theo thủ tục";
    case GroupBy::kDay:
      return "Theo ngày";
    case GroupBy::kMonth:
      return "Theo tháng";
    case GroupBy::kChannel:
      return "Theo kênh";
    case GroupBy::kCriterion:
      return "Theo tiêu chí";
  }
  return "Báo cáo";
}

struct Formats {
  lxw_format* title;
  lxw_format* subtitle;
  lxw_format* header;
  lxw_format* text;
  lxw_format* count;
  lxw_format* rate;
  lxw_format* total_text;
  lxw_format* total_count;
  lxw_format* total_rate;
};

Formats MakeFormats(lxw_workbook* wb) {
  Formats f{};
  f.title = workbook_add_format(wb);
  format_set_bold(f.title);
  format_set_font_size(f.title, 14);
  format_set_align(f.title, LXW_ALIGN_CENTER);
  f.subtitle = workbook_add_format(wb);
  format_set_italic(f.subtitle);
  format_set_align(f.subtitle, LXW_ALIGN_CENTER);
  f.header = workbook_add_format(wb);
  format_set_bold(f.header);
  format_set_text_wrap(f.header);
  format_set_align(f.header, LXW_ALIGN_CENTER);
  format_set_align(f.header, LXW_ALIGN_VERTICAL_CENTER);
  format_set_border(f.header, LXW_BORDER_THIN);
  format_set_bg_color(f.header, 0xDDEBF7);
  f.text = workbook_add_format(wb);
  format_set_border(f.text, LXW_BORDER_THIN);
  f.count = workbook_add_format(wb);
  format_set_border(f.count, LXW_BORDER_THIN);
  format_set_num_format(f.count, "#,##0");
  f.rate = workbook_add_format(wb);
  format_set_border(f.rate, LXW_BORDER_THIN);
  format_set_num_format(f.rate, "0.0%");
  f.total_text = workbook_add_format(wb);
  format_set_bold(f.total_text);
  format_set_border(f.total_text, LXW_BORDER_THIN);
  f.total_count = workbook_add_format(wb);
  format_set_bold(f.total_count);
  format_set_border(f.total_count, LXW_BORDER_THIN);
  format_set_num_format(f.total_count, "#,##0");
  f.total_rate = workbook_add_format(wb);
  format_set_bold(f.total_rate);
  format_set_border(f.total_rate, LXW_BORDER_THIN);
  format_set_num_format(f.total_rate, "0.0%");
  return f;
}

// One grouping's sheet: the report's JSON document (its rows and totals)
// under the grouping's columns.
struct GroupingSheet {
  std::string name;         // the sheet's name
  std::string grouping_vi;  // "Tổng hợp theo: …"
  std::vector<ReportColumn> columns;
  const ReportQuery* query;  // the period and filters; lives as long as the sheet
  json document;             // ReportToJson or ProvinceReportJson
};

GroupingSheet SheetOf(const Report& report, const HubConfig& config) {
  const GroupBy g = report.query.group_by;
  return {SheetName(g), GroupByLabelVi(g), ReportColumns(g), &report.query,
          ReportToJson(report, config)};
}

// `by_office` folded by district (report_district.h).
GroupingSheet DistrictSheetOf(const Report& by_office, const HubConfig& config) {
  return {"Theo huyện", "Huyện", DistrictReportColumns(), &by_office.query,
          ProvinceReportJson(by_office, config, true)};
}

void WriteSheet(lxw_workbook* wb, const Formats& f, const GroupingSheet& sheet,
                const std::string& office_label) {
  lxw_worksheet* ws = workbook_add_worksheet(wb, sheet.name.c_str());
  const std::vector<ReportColumn>& cols = sheet.columns;
  const auto last_col = static_cast<lxw_col_t>(cols.size() - 1);
  worksheet_merge_range(ws, 0, 0, 0, last_col,
                        "BÁO CÁO KẾT QUẢ ĐÁNH GIÁ SỰ HÀI LÒNG CỦA NGƯỜI DÂN, TỔ CHỨC", f.title);
  const ReportQuery& q = *sheet.query;
  const std::string period =
      "Kỳ báo cáo: từ ngày " + VietnameseDate(q.from) + " đến ngày " + VietnameseDate(q.to);
  worksheet_merge_range(ws, 1, 0, 1, last_col, period.c_str(), f.subtitle);
  const std::string office = "Đơn vị: " + office_label;
  worksheet_merge_range(ws, 2, 0, 2, last_col, office.c_str(), f.subtitle);
  const std::string grouping = "Tổng hợp theo: " + sheet.grouping_vi;
  worksheet_merge_range(ws, 3, 0, 3, last_col, grouping.c_str(), f.subtitle);
  std::string filters;
  for (const auto& [label, value] :
       {std::pair<const char*, const std::string*>{"lĩnh vực", &q.field},
        {"thủ tục", &q.procedure},
        {"quầy", &q.counter},
        {"cán bộ", &q.officer},
        {"kênh", &q.channel}}) {
    if (value->empty()) continue;
    filters += (filters.empty() ? "Lọc theo: " : "; ") + std::string(label) + " " + *value;
  }
  if (!filters.empty()) worksheet_merge_range(ws, 4, 0, 4, last_col, filters.c_str(), f.subtitle);

  const lxw_row_t header_row = 5;
  worksheet_set_row(ws, header_row, 45, nullptr);
  for (size_t c = 0; c < cols.size(); ++c) {
    worksheet_write_string(ws, header_row, static_cast<lxw_col_t>(c), cols[c].label_vi.c_str(),
                           f.header);
    const double width =
        cols[c].key == "name" ? 36 : (cols[c].type == ReportColumn::Type::kText ? 16 : 14);
    worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), width, nullptr);
  }
  worksheet_freeze_panes(ws, header_row + 1, 0);

  lxw_row_t row = header_row + 1;
  const json rows = sheet.document.value("rows", json::array());
  for (const json& j : rows) {
    for (size_t c = 0; c < cols.size(); ++c) {
      const auto col = static_cast<lxw_col_t>(c);
      auto it = j.find(cols[c].key);
      if (it == j.end() || it->is_null()) continue;
      switch (cols[c].type) {
        case ReportColumn::Type::kText:
          worksheet_write_string(ws, row, col, it->get<std::string>().c_str(), f.text);
          break;
        case ReportColumn::Type::kCount:
          worksheet_write_number(ws, row, col, it->get<double>(), f.count);
          break;
        case ReportColumn::Type::kRate:
          worksheet_write_number(ws, row, col, it->get<double>(), f.rate);
          break;
      }
    }
    ++row;
  }
  // Totals: sums as formulas (with their values cached for readers that do
  // not calculate), rates from the totals.
  const json t = sheet.document.value("totals", json::object());
  const lxw_row_t first_data = header_row + 1;
  for (size_t c = 0; c < cols.size(); ++c) {
    const auto col = static_cast<lxw_col_t>(c);
    if (c == 0) {
      worksheet_write_string(ws, row, col, "Tổng cộng", f.total_text);
      continue;
    }
    auto it = t.find(cols[c].key);
    if (cols[c].type == ReportColumn::Type::kText || it == t.end() || it->is_null()) {
      worksheet_write_blank(ws, row, col, f.total_text);
    } else if (cols[c].type == ReportColumn::Type::kCount) {
      if (row > first_data) {
        char range[64];
        lxw_rowcol_to_range(range, first_data, col, row - 1, col);
        const std::string formula = std::string("=SUM(") + range + ")";
        worksheet_write_formula_num(ws, row, col, formula.c_str(), f.total_count,
                                    it->get<double>());
      } else {
        worksheet_write_number(ws, row, col, 0, f.total_count);
      }
    } else {
      worksheet_write_number(ws, row, col, it->get<double>(), f.total_rate);
    }
  }
}

// One table (report_table.h): title, notes, headers, rows; no totals.
void WriteTable(lxw_workbook* wb, const Formats& f, const XlsxTable& table) {
  lxw_worksheet* ws = workbook_add_worksheet(wb, table.sheet.c_str());
  if (ws == nullptr || table.columns.empty()) return;
  const auto last_col = static_cast<lxw_col_t>(table.columns.size() - 1);
  worksheet_merge_range(ws, 0, 0, 0, last_col, table.title.c_str(), f.title);
  lxw_row_t row = 1;
  for (const std::string& note : table.notes) {
    worksheet_merge_range(ws, row, 0, row, last_col, note.c_str(), f.subtitle);
    ++row;
  }
  const lxw_row_t header_row = row + 1;
  worksheet_set_row(ws, header_row, 45, nullptr);
  for (size_t c = 0; c < table.columns.size(); ++c) {
    const auto col = static_cast<lxw_col_t>(c);
    worksheet_write_string(ws, header_row, col, table.columns[c].label.c_str(), f.header);
    worksheet_set_column(ws, col, col, table.columns[c].width, nullptr);
  }
  worksheet_freeze_panes(ws, header_row + 1, 0);
  row = header_row + 1;
  for (const auto& values : table.rows) {
    for (size_t c = 0; c < table.columns.size() && c < values.size(); ++c) {
      const auto col = static_cast<lxw_col_t>(c);
      const nlohmann::json& v = values[c];
      if (v.is_string()) {
        worksheet_write_string(ws, row, col, v.get<std::string>().c_str(), f.text);
      } else if (v.is_number()) {
        worksheet_write_number(
            ws, row, col, v.get<double>(),
            table.columns[c].type == XlsxTable::Column::Type::kRate ? f.rate : f.count);
      } else {
        worksheet_write_blank(ws, row, col, f.text);
      }
    }
    ++row;
  }
}

Status WriteWorkbook(const std::vector<GroupingSheet>& sheets, const std::string& office_label,
                     const std::string& path, const std::vector<XlsxTable>& tables) {
  lxw_workbook* wb = workbook_new(path.c_str());
  if (wb == nullptr) return Status::IOError("cannot create " + path);
  lxw_doc_properties props{};
  props.title = const_cast<char*>("Báo cáo kết quả đánh giá sự hài lòng");
  props.author = const_cast<char*>("Hài Lòng");
  workbook_set_properties(wb, &props);
  const Formats f = MakeFormats(wb);
  for (const XlsxTable& t : tables) {
    if (t.first) WriteTable(wb, f, t);
  }
  for (const GroupingSheet& s : sheets) WriteSheet(wb, f, s, office_label);
  for (const XlsxTable& t : tables) {
    if (!t.first) WriteTable(wb, f, t);
  }
  const lxw_error err = workbook_close(wb);
  if (err != LXW_NO_ERROR) {
    return Status::IOError(std::string("cannot write the workbook: ") + lxw_strerror(err));
  }
  return Status::OK();
}

}  // namespace

Status WriteReportXlsx(const std::vector<Report>& reports, const std::string& office_label,
                       const HubConfig& config, const std::string& path,
                       const std::vector<XlsxTable>& tables) {
  std::vector<GroupingSheet> sheets;
  for (const Report& r : reports) sheets.push_back(SheetOf(r, config));
  return WriteWorkbook(sheets, office_label, path, tables);
}

Status WriteProvinceReportXlsx(const std::vector<Report>& reports, const std::string& office_label,
                               const HubConfig& config, const std::string& path,
                               const std::vector<XlsxTable>& tables, bool district_first) {
  std::vector<GroupingSheet> sheets;
  for (const Report& r : reports) sheets.push_back(SheetOf(r, config));
  for (const Report& r : reports) {
    if (r.query.group_by != GroupBy::kOffice) continue;
    GroupingSheet district = DistrictSheetOf(r, config);
    sheets.insert(district_first ? sheets.begin() : sheets.end(), std::move(district));
    break;
  }
  return WriteWorkbook(sheets, office_label, path, tables);
}

}  // namespace hailong::hub
