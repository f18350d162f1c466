// TempDir: a fresh directory under $TMPDIR (or /tmp), removed with its
// contents on destruction unless HAILONG_KEEP_TEMP is set in the environment
// (then its path is printed so a failing test's files can be inspected).
//
// Thread safety: a TempDir is not shared between threads.
#pragma once

#include <string>
#include <string_view>

namespace hailong::testing {

class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "hailong-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path()/name (no check that it exists).
  std::string Join(std::string_view name) const;
  // Writes `content` to path()/name (creating parent directories); returns
  // the full path. Aborts the test program on an I/O error.
  std::string WriteFile(std::string_view name, std::string_view content) const;

 private:
  std::string path_;
};

// Writes `content` to `path` (creating parent directories). Aborts the test
// program on an I/O error.
void WriteTextFile(const std::string& path, std::string_view content);

// Reads a whole file; "" if it cannot be read.
std::string ReadFileOrEmpty(const std::string& path);

}  // namespace hailong::testing
