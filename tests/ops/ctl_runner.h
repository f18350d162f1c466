// Runs the real hailongctl binary (path compiled in as HAILONGCTL_PATH) as
// a child process with given arguments and stdin, capturing stdout and
// stderr separately.
#pragma once

#include <string>
#include <vector>

namespace hailong::ops::testing {

struct CtlRun {
  int exit_code = -1;  // 128+n when killed by signal n
  std::string out;
  std::string err;
};

// Runs `hailongctl args...`, feeding `stdin_text`; kills the child after
// 120 s. `env` entries "NAME=value" are added to the environment.
CtlRun RunCtl(const std::vector<std::string>& args, const std::string& stdin_text = "",
              const std::vector<std::string>& env = {});

// The non-empty lines of `text`.
std::vector<std::string> Lines(const std::string& text);

}  // namespace hailong::ops::testing
