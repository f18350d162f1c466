// hailongctl's tests' shape of the daemons, on tests/support: a
// hailong-edge (with a real Mosquitto) and a hailong-hub (testing::Daemon,
// configurations from node_config.h), each in its own temporary directory,
// and a replication client that pushes events to the hub the way the
// edge's shipper does (frames [u32 LE length][bytes]).
//
// Thread safety: one object per test, used from the test's thread.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hailong/schema/status.h"
#include "hailong/testing/daemon.h"
#include "hailong/testing/http_client.h"
#include "hailong/testing/mosquitto.h"
#include "hailong/testing/temp_dir.h"

namespace hailong::ops::testing {

// The hub's node and user for the tests.
inline constexpr char kNodeId[] = "edge-p1";
inline constexpr char kNodeOffice[] = "p1";
inline constexpr char kNodeToken[] = "token-of-edge-p1-0123456789abcdefghijklmnop";
inline constexpr char kAdmin[] = "quan-tri";
inline constexpr char kAdminPassword[] = "mật khẩu của quản trị 2026";
// A manager of office kNodeOffice, same password.
inline constexpr char kManager[] = "quan-ly-p1";

class HubNode {
 public:
  HubNode();
  ~HubNode();
  // Writes hub.json (node kNodeId, users kAdmin and kManager; config keys
  // in `extra` are merged in) and starts the hub with `env` added to its
  // environment; waits for /healthz.
  Status Start(const nlohmann::json& extra = nlohmann::json::object(),
               const std::vector<std::string>& env = {});
  void Stop();

  uint16_t port() const { return daemon_.port(); }
  std::string url() const { return daemon_.url(); }
  std::string data_dir() const { return dir_.Join("data"); }
  std::string config_file() const { return daemon_.config_file(); }
  // Files holding kNodeToken and kAdminPassword.
  std::string token_file() const { return dir_.Join("node.token"); }
  std::string password_file() const { return dir_.Join("admin.password"); }
  std::string LogTail() const { return daemon_.LogTail(4000); }

  // POST /api/v1/replication/push of `events` (serialized fb::Event) as
  // `origin` with kNodeToken.
  hailong::testing::HttpResponse Push(const std::string& origin,
                                      const std::vector<std::string>& events);

 private:
  hailong::testing::TempDir dir_;
  hailong::testing::Daemon daemon_;
};

class EdgeNode {
 public:
  EdgeNode();
  ~EdgeNode();
  // Starts Mosquitto (anonymous) and hailong-edge for office `office`
  // (config keys in `extra` are merged in); waits for /healthz.
  Status Start(const std::string& office, const nlohmann::json& extra = nlohmann::json::object());
  int Stop();  // SIGTERM; the exit code

  uint16_t port() const { return daemon_.port(); }
  std::string url() const { return daemon_.url(); }
  std::string data_dir() const { return dir_.Join("edge-data"); }
  uint16_t broker_port() const { return broker_ ? broker_->port() : 0; }
  std::string LogTail() const { return daemon_.LogTail(4000); }
  const hailong::testing::TempDir& dir() const { return dir_; }

 private:
  hailong::testing::TempDir dir_;
  std::unique_ptr<hailong::testing::MosquittoBroker> broker_;
  hailong::testing::Daemon daemon_;
};

// Every event of `origin` in the (stopped) log at `dir`, as stored.
Status ReadOrigin(const std::string& dir, const std::string& origin,
                  std::vector<std::string>* events);

}  // namespace hailong::ops::testing
