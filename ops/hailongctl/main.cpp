// hailongctl: see ops/doc/hailongctl.md.
#include <unistd.h>

#include <iostream>

#include "hailong/ops/hailongctl.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  const hailong::ops::CtlStreams streams{std::cin, std::cout, std::cerr,
                                         ::isatty(STDIN_FILENO) == 1, ::isatty(STDERR_FILENO) == 1};
  const int code = hailong::ops::RunHailongctl(argc, argv, streams);
  std::cout.flush();
  return code;
}
