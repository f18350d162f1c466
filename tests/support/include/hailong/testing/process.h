// Process: a child program started with arguments, whose stdout and stderr
// go to one log file, and which is killed (SIGKILL) and reaped when the
// Process object is destroyed while it still runs.
//
// Thread safety: one Process object is used by one thread at a time.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "hailong/schema/status.h"

namespace hailong::testing {

struct ProcessOptions {
  // argv[0] is the program path (no PATH search unless it has no '/').
  std::vector<std::string> argv;
  // Extra environment entries "NAME=value", added to the test's own.
  std::vector<std::string> env;
  // File that receives stdout and stderr (appended to). "" = /dev/null.
  std::string log_file;
  // Working directory of the child; "" = the test's.
  std::string cwd;
};

class Process {
 public:
  static Status Start(const ProcessOptions& options, std::unique_ptr<Process>* out);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  // True while the child has not exited (reaps it if it has).
  bool Running();
  // Sends `signal` (no effect once it has exited and been reaped).
  void Signal(int signal);
  // Waits for exit up to `timeout`. *exit_code = the exit status, or 128+n
  // when killed by signal n. Unavailable on timeout.
  Status Wait(std::chrono::milliseconds timeout, int* exit_code);
  // SIGTERM, wait up to `grace`, then SIGKILL; returns the exit code.
  int Stop(std::chrono::milliseconds grace = std::chrono::seconds(10));
  // SIGKILL and reap.
  void Kill();
  // The last `max_bytes` of the log file (for failure messages).
  std::string LogTail(size_t max_bytes = 4000) const;
  const std::string& log_file() const { return log_file_; }

 private:
  Process(pid_t pid, std::string log_file) : pid_(pid), log_file_(std::move(log_file)) {}
  pid_t pid_;
  bool reaped_ = false;
  int exit_code_ = -1;
  std::string log_file_;
};

struct CommandResult {
  int exit_code = -1;  // 128+n when killed by signal n
  std::string output;  // stdout and stderr, interleaved
};

// Runs a program to completion (killing it after `timeout`) and captures its
// output. Unavailable on timeout, IOError if it could not be started.
Status RunCommand(const std::vector<std::string>& argv, CommandResult* result,
                  std::chrono::milliseconds timeout = std::chrono::seconds(30),
                  const std::string& stdin_text = "");

}  // namespace hailong::testing
