// Progress reporting for long commands (export, import, verify).
//
// Library functions take a ProgressFn and call it now and then with the work
// done so far; the command line turns that into a bar on stderr when stderr
// is a terminal.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>

namespace hailong::ops {

// done <= total; total 0 = unknown. Called on the working thread; may be
// empty (no reporting).
using ProgressFn = std::function<void(uint64_t done, uint64_t total)>;

// A one-line bar: "xuất  [#########-----------]  45%  12345/27000".
// Redraws at most ten times a second. Disabled bars print nothing.
// Thread safety: use from one thread.
class ProgressBar {
 public:
  // `out` is not owned and must outlive the bar.
  ProgressBar(std::string label, bool enabled, std::FILE* out = stderr);
  ~ProgressBar();  // calls Finish()
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void Update(uint64_t done, uint64_t total);
  // Draws the final state and ends the line (once).
  void Finish();
  // A ProgressFn that updates this bar; valid while the bar lives.
  ProgressFn Fn();

  // True when stderr is a terminal (the default for `enabled`).
  static bool StderrIsTerminal();

 private:
  void Draw();

  std::string label_;
  bool enabled_;
  std::FILE* out_;
  uint64_t done_ = 0;
  uint64_t total_ = 0;
  bool drawn_ = false;
  bool finished_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace hailong::ops
