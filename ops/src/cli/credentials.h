// Reading secrets for hailongctl commands: node tokens from token files and
// user passwords from a file or stdin (without echo on a terminal). Private
// to hailong_ops.
#pragma once

#include <termios.h>

#include <istream>
#include <string>

#include "context.h"

namespace hailong::ops::cli {

// Turns terminal echo off on stdin for its lifetime.
class NoEcho {
 public:
  NoEcho();
  ~NoEcho();
  NoEcho(const NoEcho&) = delete;
  NoEcho& operator=(const NoEcho&) = delete;

 private:
  termios saved_{};
  bool active_ = false;
};

// One line without its newline ("\n" or "\r\n"); false at end of input
// with nothing read.
bool ReadLine(std::istream& in, std::string* line);

// The token is the file's first line, surrounding white space removed.
// NotFound when the file cannot be read, InvalidArgument when it is empty.
Status ReadTokenFile(const std::string& path, std::string* token);

// A user's password: the first line of `file`, or when `file` is "" one
// line from stdin (asked for, without echo, on a terminal).
// InvalidArgument when it is empty.
Status ReadPassword(const Context& ctx, const std::string& file, std::string* password);

}  // namespace hailong::ops::cli
