#include "table.h"

#include <algorithm>

#include "hailong/schema/time.h"

namespace hailong::ops::cli {

size_t DisplayWidth(const std::string& text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

void TextTable::Print(std::ostream& out, const std::string& indent) const {
  std::vector<size_t> widths;
  for (const auto& row : rows_) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  }
  for (const auto& row : rows_) {
    std::string line = indent;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line.append(widths[i] - DisplayWidth(row[i]) + 2, ' ');
    }
    out << line << "\n";
  }
}

std::string VietnamMinute(int64_t ms) {
  if (ms == 0) return "-";
  std::string t = FormatRfc3339(ms + kVietnamOffsetMs);  // "YYYY-MM-DDTHH:MM:SS.mmmZ"
  t = t.substr(0, 16);
  t[10] = ' ';
  return t;
}

}  // namespace hailong::ops::cli
