// MosquittoBroker: a real Mosquitto broker for one test, with a generated
// configuration on its own loopback port and its own persistence directory.
//
// Restart() stops and starts the broker on the same port with the same
// persistence, which is how tests exercise a broker restart under load.
//
// Thread safety: one MosquittoBroker object is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "hailong/schema/status.h"
#include "hailong/testing/process.h"

namespace hailong::testing {

struct MosquittoOptions {
  // Directory for mosquitto.conf, the persistence database and the log.
  // Required; created if missing.
  std::string dir;
  // 0 = a free port.
  uint16_t port = 0;
  // Keep QoS 1 messages and sessions across restarts (autosave on change).
  bool persistence = true;
  // Password file (mosquitto_passwd format) and ACL file; "" = anonymous
  // access to every topic.
  std::string password_file;
  std::string acl_file;
  // Appended verbatim to the generated configuration.
  std::string extra_config;
  // Mosquitto program; "" = the one found at configure time.
  std::string program;
  // A configuration written elsewhere (make-office-broker: office_broker.h),
  // used as it is instead of a generated one; `port` must then be its
  // listener's port. "" = generate one.
  std::string config_file;
  // A second listener (e.g. TLS) to wait for as well; 0 = none.
  uint16_t second_port = 0;
};

class MosquittoBroker {
 public:
  // Writes the configuration, starts the broker and waits until it accepts
  // connections (up to 10 s).
  static Status Start(const MosquittoOptions& options, std::unique_ptr<MosquittoBroker>* out);
  ~MosquittoBroker();

  uint16_t port() const { return options_.port; }
  uint16_t second_port() const { return options_.second_port; }
  // "tcp://127.0.0.1:<port>"
  std::string url() const;
  const std::string& config_file() const { return config_file_; }
  pid_t pid() const { return process_ ? process_->pid() : -1; }
  bool running() const { return process_ != nullptr; }
  // Started and has not exited since (reaps it if it has).
  bool Running() { return process_ && process_->Running(); }

  // SIGTERM (Mosquitto saves its persistence database) and wait.
  void Stop();
  // SIGKILL.
  void Kill();
  // Starts again on the same port with the same files (after Stop or Kill).
  Status Restart();
  // SIGHUP: Mosquitto reads its password file and ACL again.
  void Reload();
  std::string LogTail() const;

 private:
  explicit MosquittoBroker(MosquittoOptions options) : options_(std::move(options)) {}
  Status Launch();

  MosquittoOptions options_;
  std::string config_file_;
  std::unique_ptr<Process> process_;
};

// Builds the configuration text MosquittoBroker uses (exposed for tests of
// the configuration itself).
std::string MosquittoConfig(const MosquittoOptions& options);

}  // namespace hailong::testing
