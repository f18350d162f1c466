// hailongctl: the operators' and technicians' command line (program
// ops/hailongctl/main.cpp is a thin wrapper). Commands and exit statuses
// are described in ops/doc/hailongctl.md.
#pragma once

#include <istream>
#include <ostream>

namespace hailong::ops {

// The process's streams and what they are attached to.
struct CtlStreams {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  bool stdin_is_terminal = false;   // hash-password turns echo off
  bool stderr_is_terminal = false;  // progress bars
};

// Parses `argv` and runs one command; returns the process exit status
// (exit_codes.h). Never throws.
int RunHailongctl(int argc, const char* const* argv, const CtlStreams& streams);

}  // namespace hailong::ops
