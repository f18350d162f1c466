// The columns of the report in CSV and XLSX, in order.
#pragma once

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

}  // namespace hailong::hub
