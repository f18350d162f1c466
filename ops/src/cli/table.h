// Plain-text tables and Vietnam-time formatting for hailongctl's output.
// Private to hailong_ops.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace hailong::ops::cli {

// Columns padded to the widest cell, counted in UTF-8 code points so that
// Vietnamese text lines up; two spaces between columns. Every cell is
// printed through TerminalSafe (cells carry what devices and servers sent).
class TextTable {
 public:
  void AddRow(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  void Print(std::ostream& out, const std::string& indent = "  ") const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

// `text` made safe to print on a terminal: control characters (C0, DEL,
// C1), bidirectional overrides and line separators, and bytes that are not
// UTF-8 are written as visible escapes ("\x1b", "\u202e"), so a device's
// firmware string cannot move the cursor, recolour, retitle or rewrite the
// technician's terminal. `keep_newlines` leaves '\n' as is (messages).
std::string TerminalSafe(const std::string& text, bool keep_newlines = false);

// Code points in UTF-8 `text`.
size_t DisplayWidth(const std::string& text);

// "2026-03-03 17:10" (Asia/Ho_Chi_Minh); "-" for 0.
std::string VietnamMinute(int64_t ms);

}  // namespace hailong::ops::cli
