// Report periods (periodic_period.h).
#include "periodic_period.h"

#include <cstdio>

namespace hailong::hub {
namespace {

bool Digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int DaysInMonth(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

std::string Day(int year, int month, int day) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

ReportPeriod Make(ReportPeriod::Kind kind, int year, int index) {
  ReportPeriod p;
  p.kind = kind;
  p.year = year;
  p.index = index;
  char buf[16];
  switch (kind) {
    case ReportPeriod::Kind::kMonth:
      p.from = Day(year, index, 1);
      p.to = Day(year, index, DaysInMonth(year, index));
      std::snprintf(buf, sizeof buf, "%04d-%02d", year, index);
      break;
    case ReportPeriod::Kind::kQuarter:
      p.from = Day(year, 3 * index - 2, 1);
      p.to = Day(year, 3 * index, DaysInMonth(year, 3 * index));
      std::snprintf(buf, sizeof buf, "%04d-Q%d", year, index);
      break;
    case ReportPeriod::Kind::kYear:
      p.from = Day(year, 1, 1);
      p.to = Day(year, 12, 31);
      std::snprintf(buf, sizeof buf, "%04d", year);
      break;
  }
  p.id = buf;
  return p;
}

}  // namespace

Status ParseReportPeriod(std::string_view text, ReportPeriod* out) {
  const Status bad = Status::InvalidArgument("period must be YYYY-MM, YYYY-Qn or YYYY, got \"" +
                                             std::string(text.substr(0, 20)) + "\"");
  if (text.size() < 4 || !Digits(text.substr(0, 4))) return bad;
  const int year = std::stoi(std::string(text.substr(0, 4)));
  if (year < 2000 || year > 2999) return bad;
  if (text.size() == 4) {
    *out = Make(ReportPeriod::Kind::kYear, year, 0);
    return Status::OK();
  }
  if (text.size() == 7 && text[4] == '-' && (text[5] == 'Q' || text[5] == 'q') && text[6] >= '1' &&
      text[6] <= '4') {
    *out = Make(ReportPeriod::Kind::kQuarter, year, text[6] - '0');
    return Status::OK();
  }
  if (text.size() == 7 && text[4] == '-' && Digits(text.substr(5, 2))) {
    const int month = std::stoi(std::string(text.substr(5, 2)));
    if (month < 1 || month > 12) return bad;
    *out = Make(ReportPeriod::Kind::kMonth, year, month);
    return Status::OK();
  }
  return bad;
}

ReportPeriod PreviousPeriod(const ReportPeriod& p) {
  switch (p.kind) {
    case ReportPeriod::Kind::kMonth:
      return p.index == 1 ? Make(p.kind, p.year - 1, 12) : Make(p.kind, p.year, p.index - 1);
    case ReportPeriod::Kind::kQuarter:
      return p.index == 1 ? Make(p.kind, p.year - 1, 4) : Make(p.kind, p.year, p.index - 1);
    case ReportPeriod::Kind::kYear:
      break;
  }
  return Make(p.kind, p.year - 1, 0);
}

ReportPeriod MonthBefore(std::string_view day) {
  ReportPeriod p;
  if (day.size() < 7 || !ParseReportPeriod(day.substr(0, 7), &p).ok()) {
    return Make(ReportPeriod::Kind::kMonth, 2000, 1);
  }
  return PreviousPeriod(p);
}

std::string PeriodLabel(const ReportPeriod& p, bool english) {
  static const char* kRoman[] = {"I", "II", "III", "IV"};
  static const char* kMonths[] = {"January",   "February", "March",    "April",
                                  "May",       "June",     "July",     "August",
                                  "September", "October",  "November", "December"};
  const std::string year = std::to_string(p.year);
  switch (p.kind) {
    case ReportPeriod::Kind::kMonth:
      return english ? std::string(kMonths[p.index - 1]) + " " + year
                     : "tháng " + std::to_string(p.index) + " năm " + year;
    case ReportPeriod::Kind::kQuarter:
      return english ? "Q" + std::to_string(p.index) + " " + year
                     : std::string("quý ") + kRoman[p.index - 1] + " năm " + year;
    case ReportPeriod::Kind::kYear:
      break;
  }
  return english ? "the year " + year : "năm " + year;
}

std::string PeriodKindLabel(const ReportPeriod& p, bool english) {
  switch (p.kind) {
    case ReportPeriod::Kind::kMonth:
      return english ? "month" : "tháng";
    case ReportPeriod::Kind::kQuarter:
      return english ? "quarter" : "quý";
    case ReportPeriod::Kind::kYear:
      break;
  }
  return english ? "year" : "năm";
}

}  // namespace hailong::hub
