#include "table.h"

#include <algorithm>
#include <cstdint>

#include "hailong/schema/time.h"

namespace hailong::ops::cli {

namespace {

// The length of the UTF-8 sequence at text[i] and its code point; 0 when
// the bytes there are not well-formed UTF-8 (overlong, surrogate, cut).
size_t DecodeUtf8(const std::string& text, size_t i, uint32_t* cp) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const unsigned char c = b(0);
  size_t n = 0;
  uint32_t v = 0, min = 0;
  if (c < 0x80) {
    *cp = c;
    return 1;
  } else if ((c & 0xE0) == 0xC0) {
    n = 2, v = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3, v = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4, v = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    v = (v << 6) | (b(k) & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return n;
}

// Code points a terminal acts on instead of showing.
bool IsTerminalControl(uint32_t cp) {
  return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x200E || cp == 0x200F ||
         (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

std::string Hex(uint32_t v, int digits) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out(static_cast<size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i, v >>= 4) out[static_cast<size_t>(i)] = kDigits[v & 0xF];
  return out;
}

}  // namespace

std::string TerminalSafe(const std::string& text, bool keep_newlines) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    uint32_t cp = 0;
    const size_t n = DecodeUtf8(text, i, &cp);
    if (n == 0) {
      out += "\\x" + Hex(static_cast<unsigned char>(text[i]), 2);
      ++i;
      continue;
    }
    if (IsTerminalControl(cp) && !(keep_newlines && cp == '\n')) {
      out += cp <= 0xFF ? "\\x" + Hex(cp, 2) : "\\u" + Hex(cp, 4);
    } else {
      out.append(text, i, n);
    }
    i += n;
  }
  return out;
}

size_t DisplayWidth(const std::string& text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

void TextTable::Print(std::ostream& out, const std::string& indent) const {
  std::vector<std::vector<std::string>> rows;
  for (const auto& row : rows_) {
    std::vector<std::string> safe;
    for (const auto& cell : row) safe.push_back(TerminalSafe(cell));
    rows.push_back(std::move(safe));
  }
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  }
  for (const auto& row : rows) {
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
