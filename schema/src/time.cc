#include "hailong/schema/time.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace hailong {
namespace {

// The system clock. (Tests skew it from outside with libfaketime.)
class SystemClock final : public Clock {
 public:
  int64_t NowMs() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
};

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at text[*pos].
bool Digits(std::string_view text, size_t* pos, int n, int* out) {
  if (*pos + n > text.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    const char c = text[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

bool Expect(std::string_view text, size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

// Parses "YYYY-MM-DD" at *pos into days since the epoch.
bool ParseDate(std::string_view text, size_t* pos, int64_t* days) {
  int y, mo, d;
  if (!Digits(text, pos, 4, &y) || !Expect(text, pos, '-') || !Digits(text, pos, 2, &mo) ||
      !Expect(text, pos, '-') || !Digits(text, pos, 2, &d)) {
    return false;
  }
  if (mo < 1 || mo > 12 || d < 1 || static_cast<unsigned>(d) > DaysInMonth(y, mo)) return false;
  *days = DaysFromCivil(y, mo, d);
  return true;
}

}  // namespace

const Clock* Clock::System() {
  static const SystemClock clock;
  return &clock;
}

std::string FormatRfc3339(int64_t ms) {
  const int64_t days = FloorDiv(ms, 86400000);
  const int64_t rem = ms - days * 86400000;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                static_cast<long long>(y), m, d, static_cast<long long>(rem / 3600000),
                static_cast<long long>(rem / 60000 % 60), static_cast<long long>(rem / 1000 % 60),
                static_cast<long long>(rem % 1000));
  return buf;
}

Status ParseRfc3339(std::string_view text, int64_t* ms) {
  size_t pos = 0;
  int64_t days;
  int h, mi, s;
  if (!ParseDate(text, &pos, &days) || pos >= text.size() ||
      (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ')) {
    return Status::InvalidArgument("not an RFC 3339 time: '" + std::string(text) + "'");
  }
  ++pos;
  if (!Digits(text, &pos, 2, &h) || !Expect(text, &pos, ':') || !Digits(text, &pos, 2, &mi) ||
      !Expect(text, &pos, ':') || !Digits(text, &pos, 2, &s) || h > 23 || mi > 59 || s > 60) {
    return Status::InvalidArgument("not an RFC 3339 time: '" + std::string(text) + "'");
  }
  int64_t frac_ms = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int ndigits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (ndigits < 3) frac_ms = frac_ms * 10 + (text[pos] - '0');
      ++ndigits;
      ++pos;
    }
    if (ndigits == 0)
      return Status::InvalidArgument("empty fraction in time '" + std::string(text) + "'");
    for (int i = ndigits; i < 3; ++i) frac_ms *= 10;
  }
  int64_t offset_min = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int oh, om;
    if (!Digits(text, &pos, 2, &oh) || !Expect(text, &pos, ':') || !Digits(text, &pos, 2, &om) ||
        oh > 23 || om > 59) {
      return Status::InvalidArgument("bad UTC offset in time '" + std::string(text) + "'");
    }
    offset_min = sign * (oh * 60 + om);
  } else {
    return Status::InvalidArgument("time '" + std::string(text) + "' has no UTC offset");
  }
  if (pos != text.size()) {
    return Status::InvalidArgument("trailing characters in time '" + std::string(text) + "'");
  }
  if (s == 60) s = 59;  // A leap second is read as the second before it.
  *ms = ((days * 86400 + h * 3600 + mi * 60 + s) - offset_min * 60) * 1000 + frac_ms;
  return Status::OK();
}

std::string VietnamDay(int64_t ms) {
  const int64_t days = FloorDiv(ms + kVietnamOffsetMs, 86400000);
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

Status ParseVietnamDay(std::string_view day, int64_t* ms) {
  size_t pos = 0;
  int64_t days;
  if (!ParseDate(day, &pos, &days) || pos != day.size()) {
    return Status::InvalidArgument("not a date YYYY-MM-DD: '" + std::string(day) + "'");
  }
  *ms = days * 86400000 - kVietnamOffsetMs;
  return Status::OK();
}

}  // namespace hailong
