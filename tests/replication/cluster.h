// Cluster: the replication tests' shape on tests/support: a real
// Mosquitto, one hailong-hub and one hailong-edge shipping to it
// (testing::Daemon, configurations from node_config.h), that tests start,
// kill with SIGKILL and restart on the same ports and data directories.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "hailong/replication/event_log.h"
#include "hailong/testing/daemon.h"
#include "hailong/testing/mosquitto.h"
#include "hailong/testing/temp_dir.h"

namespace hailong::replication::testing {

inline constexpr char kNode[] = "edge-p1";
inline constexpr char kOffice[] = "p1";

// Names of one cluster, so that several run side by side (a province test
// runs two districts, each a cluster shipping up).
struct ClusterOptions {
  std::string name;              // prefix of its directories and files ("" = none)
  std::string node = kNode;      // the edge's node id
  std::string office = kOffice;  // the edge's office
  // Merged into the hub's configuration (top-level keys), e.g. "upstream".
  nlohmann::json hub_extra = nlohmann::json::object();
};

class Cluster {
 public:
  explicit Cluster(const hailong::testing::TempDir& tmp, ClusterOptions options = {});
  ~Cluster();

  Status StartBroker();
  Status StartHub();
  Status StartEdge();
  // The hub URL and CA file the edge is configured with (default: the
  // hub's plain loopback URL, no CA file).
  void SetEdgeHubUrl(const std::string& url, const std::string& ca_file) {
    edge_hub_url_ = url;
    edge_ca_file_ = ca_file;
  }
  void KillHub();
  void KillEdge();
  void StopEdge();
  void StopHub();
  bool HubRunning() { return hub_.Running(); }
  bool EdgeRunning() { return edge_.Running(); }

  // The hub's acknowledged seq for the edge's node (cursor endpoint), or an error.
  Status HubAcked(uint64_t* acked);
  // The edge's /api/v1/status.
  Status EdgeStatus(nlohmann::json* status);
  // Posts one rating to the edge's HTTP API; *seq gets the stored seq.
  Status PostRating(const std::string& id, uint64_t* seq);

  // Appends n ratings straight into the edge's log (edge not running).
  Status PrefillEdgeLog(uint64_t n);

  const std::string& token() const { return token_; }
  const ClusterOptions& options() const { return options_; }
  std::string hub_dir() const { return hub_dir_; }
  std::string edge_log_dir() const { return edge_dir_ + "/log"; }
  std::string hub_log_dir() const { return hub_dir_ + "/log"; }
  uint16_t hub_port() const { return hub_.port(); }
  uint16_t edge_port() const { return edge_.port(); }
  std::string Logs();

 private:
  std::string File(const std::string& name) const;  // tmp/<name prefix><name>
  const hailong::testing::TempDir& tmp_;
  const ClusterOptions options_;
  std::string token_;
  std::string hub_dir_, edge_dir_;
  std::unique_ptr<hailong::testing::MosquittoBroker> broker_;
  hailong::testing::Daemon hub_, edge_;
  std::string edge_hub_url_, edge_ca_file_;
};

// Every event of `origin` in the log at `dir` (opened read-only-ish with
// its own origin id), in order. Verifies the chain.
Status ReadWholeLog(const std::string& dir, const std::string& origin,
                    std::vector<StoredEvent>* events);

}  // namespace hailong::replication::testing
