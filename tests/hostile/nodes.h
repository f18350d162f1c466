// HostileNodes: the hostile tests' shape on tests/support: a real
// Mosquitto, hailong-hub and hailong-edge (testing::Daemon, configurations
// from node_config.h) on loopback, with short HTTP deadlines (3 s) so that
// shedding idle and slow connections is quick to observe, web roots copied
// into the test's directory (with a symlink to a secret file outside them),
// and every process's output in a log file the tests scan.
//
// Thread safety: one test thread uses a HostileNodes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "hailong/schema/status.h"
#include "hailong/testing/daemon.h"
#include "hailong/testing/mosquitto.h"
#include "hailong/testing/temp_dir.h"

namespace hailong::hostile {

inline constexpr char kPassword[] = "Hostile-Admin-Pw-4711";
inline constexpr char kSecretMarker[] = "HOSTILE-SECRET-MARKER-31337";

class HostileNodes {
 public:
  explicit HostileNodes(const hailong::testing::TempDir& tmp);
  // The office the edge's own configuration claims (before Start; the hub
  // always has edge-p1 as a node of office p1).
  void set_edge_office(std::string office) { edge_office_ = std::move(office); }
  Status Start();

  uint16_t edge_port() const { return edge_.port(); }
  uint16_t hub_port() const { return hub_.port(); }
  uint16_t broker_port() const { return broker_->port(); }
  bool EdgeRunning() { return edge_.Running(); }
  bool HubRunning() { return hub_.Running(); }
  const std::string& token() const { return token_; }
  // The edge's one-stop software token (dossier_tokens_sha256) and admin token.
  std::string dossier_token() const { return "dossier-" + token_; }
  std::string edge_admin_token() const { return "admin-" + token_; }
  std::string edge_data_dir() const { return tmp_.Join("edge"); }
  std::string EdgeLog() const { return edge_.Log(); }
  std::string HubLog() const { return hub_.Log(); }
  // Stops both daemons (SIGTERM) so that their logs are complete.
  void Stop();
  // A session cookie ("name=value") for admin.
  Status Login(std::string* cookie);

 private:
  const hailong::testing::TempDir& tmp_;
  std::string token_;
  std::string edge_office_ = "p1";
  std::unique_ptr<hailong::testing::MosquittoBroker> broker_;
  hailong::testing::Daemon hub_, edge_;
};

// One exchange over a raw TCP connection: sends `bytes` (ignoring a peer
// that closes early), then reads until the peer closes or `timeout`.
struct RawReply {
  std::string bytes;
  bool closed = false;  // the peer closed (FIN or RST) before the timeout
  int Status() const;   // the HTTP status of the first response line, 0 if none
};
RawReply RawExchange(uint16_t port, const std::string& bytes,
                     std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace hailong::hostile
