// The period of a periodic report and the one before it: a month
// ("2026-11"), a quarter ("2026-Q4") or a year ("2026"); the previous
// period is the month, quarter or year before (2026-01 -> 2025-12,
// 2026-Q1 -> 2025-Q4, 2026 -> 2025). Days are Asia/Ho_Chi_Minh days, as
// the report's from/to.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <string>
#include <string_view>

#include "hailong/schema/status.h"

namespace hailong::hub {

struct ReportPeriod {
  enum class Kind { kMonth, kQuarter, kYear };
  Kind kind = Kind::kMonth;
  int year = 0;
  int index = 0;     // month 1..12, quarter 1..4; 0 for a year
  std::string from;  // first day, YYYY-MM-DD
  std::string to;    // last day, YYYY-MM-DD
  std::string id;    // "2026-11", "2026-Q4", "2026"
};

// InvalidArgument unless `text` is YYYY-MM, YYYY-Qn or YYYY with a year in
// 2000..2999.
Status ParseReportPeriod(std::string_view text, ReportPeriod* out);
ReportPeriod PreviousPeriod(const ReportPeriod& period);
// The month before the one holding `day` (YYYY-MM-DD): the usual report.
ReportPeriod MonthBefore(std::string_view day);

// "tháng 11 năm 2026", "quý IV năm 2026", "năm 2026";
// English: "November 2026", "Q4 2026", "the year 2026".
std::string PeriodLabel(const ReportPeriod& period, bool english);
// "kỳ trước" names: "tháng", "quý", "năm" / "month", "quarter", "year".
std::string PeriodKindLabel(const ReportPeriod& period, bool english);

}  // namespace hailong::hub
