// Daemon: one hailong-edge or hailong-hub (any program that takes
// `--config FILE` and answers GET /healthz) for a test. It owns what every
// test needs around such a process, once: a free loopback port kept across
// restarts, the configuration written to <dir>/<name>.json with that port
// as http.listen, the output captured in <dir>/<name>.log, readiness
// (/healthz answers 200), SIGTERM/SIGKILL and restarts on the same port and
// files, and one-shot runs of the program with the same configuration.
//
// What goes into the configuration is the caller's (node_config.h builds
// the usual shapes); the daemon only adds http.listen when it is missing.
//
// Thread safety: one Daemon is used by one test thread at a time.
// Ownership: the process is SIGKILLed and reaped when the Daemon goes.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hailong/schema/status.h"
#include "hailong/testing/http_client.h"
#include "hailong/testing/process.h"

namespace hailong::testing {

struct DaemonOptions {
  // "edge", "hub": names <dir>/<name>.json and <dir>/<name>.log.
  std::string name;
  // The program (EdgeProgram(), HubProgram()).
  std::string program;
  // Existing directory for the configuration and the log.
  std::string dir;
  // Put before the program, e.g. {"prlimit", "--nofile=64"}.
  std::vector<std::string> wrapper;
  // Extra environment entries "NAME=value".
  std::vector<std::string> env;
  // How long Start waits for /healthz.
  std::chrono::milliseconds ready_timeout = std::chrono::seconds(30);
};

class Daemon {
 public:
  // Picks the port; starts nothing.
  explicit Daemon(DaemonOptions options);
  // The usual case: no wrapper, no extra environment.
  Daemon(std::string name, std::string program, std::string dir);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Writes `config` (http.listen = 127.0.0.1:port() unless it has one),
  // starts the program and waits until /healthz answers 200. On failure
  // the status carries the tail of the program's log.
  Status Start(nlohmann::json config);
  // Starts again with the configuration of the last Start (after Stop or
  // Kill): same port, same files.
  Status Restart();
  // SIGTERM, wait up to `grace`, then SIGKILL; the exit code (-1 if it was
  // not running).
  int Stop(std::chrono::milliseconds grace = std::chrono::seconds(15));
  // SIGKILL (a crash).
  void Kill();
  void Signal(int signal);
  // Environment entries for the next start (replacing DaemonOptions::env).
  void set_env(std::vector<std::string> env) { options_.env = std::move(env); }
  // Started and not stopped or killed by the test (it may have exited).
  bool started() const { return process_ != nullptr; }
  bool Running() { return process_ && process_->Running(); }
  pid_t pid() const { return process_ ? process_->pid() : 0; }

  // Runs `program --config <config file> args...` to completion (the
  // configuration of the last Start).
  Status Run(const std::vector<std::string>& args, CommandResult* result,
             std::chrono::milliseconds timeout = std::chrono::seconds(120));

  uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& config_file() const { return config_file_; }
  const std::string& log_file() const { return log_file_; }
  const nlohmann::json& config() const { return config_; }
  // The whole log, or its last `max_bytes`.
  std::string Log() const;
  std::string LogTail(size_t max_bytes = 6000) const;

  // Requests to 127.0.0.1:port(); transport failures give status 0.
  HttpResponse Send(const HttpRequest& request,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  HttpResponse Get(const std::string& target,
                   const std::vector<std::pair<std::string, std::string>>& headers = {}) const;
  HttpResponse Post(const std::string& target, const std::string& body,
                    const std::vector<std::pair<std::string, std::string>>& headers = {},
                    const std::string& content_type = "application/json") const;

 private:
  Status WriteConfig(nlohmann::json config);

  DaemonOptions options_;
  uint16_t port_;
  std::string config_file_, log_file_;
  nlohmann::json config_;
  std::unique_ptr<Process> process_;
};

}  // namespace hailong::testing
