// A plain table for one more sheet of the periodic workbook
// (WriteReportXlsx): the per-criterion sheet and the monthly comment
// sheets are built as tables by their own modules, and report_xlsx.cc only
// lays them out (title, notes, headers, formats).
//
// Thread safety: plain values.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace hailong::hub {

struct XlsxTable {
  struct Column {
    enum class Type { kText, kCount, kRate };
    std::string label;  // Vietnamese header
    Type type = Type::kText;
    double width = 14;
  };
  std::string sheet;               // the sheet's name: at most 31 characters, unique
  std::string title;               // first line, bold
  std::vector<std::string> notes;  // lines under the title ("Kỳ báo cáo: …")
  std::vector<Column> columns;
  // One value per column: a string, a number or null (an empty cell).
  std::vector<std::vector<nlohmann::json>> rows;
  bool first = false;  // placed before the groupings' sheets
};

}  // namespace hailong::hub
