#include "hailong/ops/progress.h"

#include <unistd.h>

namespace hailong::ops {

ProgressBar::ProgressBar(std::string label, bool enabled, std::FILE* out)
    : label_(std::move(label)), enabled_(enabled), out_(out) {}

ProgressBar::~ProgressBar() { Finish(); }

bool ProgressBar::StderrIsTerminal() { return ::isatty(STDERR_FILENO) == 1; }

void ProgressBar::Update(uint64_t done, uint64_t total) {
  done_ = done;
  total_ = total;
  if (!enabled_ || finished_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  Draw();
}

void ProgressBar::Finish() {
  if (!enabled_ || finished_) return;
  finished_ = true;
  if (drawn_) {
    Draw();
    std::fputc('\n', out_);
    std::fflush(out_);
  }
}

ProgressFn ProgressBar::Fn() {
  return [this](uint64_t done, uint64_t total) { Update(done, total); };
}

void ProgressBar::Draw() {
  constexpr int kWidth = 30;
  drawn_ = true;
  if (total_ == 0) {
    std::fprintf(out_, "\r%s  %llu", label_.c_str(), static_cast<unsigned long long>(done_));
  } else {
    const uint64_t done = done_ > total_ ? total_ : done_;
    const int filled = static_cast<int>(done * kWidth / total_);
    std::string bar(static_cast<size_t>(filled), '#');
    bar.append(static_cast<size_t>(kWidth - filled), '-');
    std::fprintf(out_, "\r%s  [%s] %3d%%", label_.c_str(), bar.c_str(),
                 static_cast<int>(done * 100 / total_));
  }
  std::fflush(out_);
}

}  // namespace hailong::ops
