// `hailongctl status`: an edge's or a hub's health at a glance.
//
// An edge answers GET /api/v1/status to anyone; a hub answers 401 there
// without a session (that is how the kind is told apart). A hub's status
// and node list need a user (name and password: POST /api/v1/login); a
// node token can read only that node's replication cursor.
//
// Thread safety: FetchNodeStatus keeps no state.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "hailong/schema/status.h"

namespace hailong::ops {

enum class NodeKind { kUnknown, kEdge, kHub };
const char* NodeKindName(NodeKind kind);  // "unknown", "edge", "hub"

struct NodeStatusOptions {
  std::string url;  // "http[s]://host:port"
  // Hub user (POST /api/v1/login); "" = none.
  std::string user;
  std::string password;
  // Node bearer token: the hub's cursor of `origin` (the node's own id).
  std::string token;
  std::string origin;
  // Seconds to wait for connect and each answer. Default 10.
  int timeout_seconds = 10;
  // An edge whose oldest unreplicated event is older than this is lagging.
  // Default 3600 s (the hub's lag_warning_s default).
  double lag_warning_seconds = 3600;
  // Free disk below this many bytes is a warning (an edge also warns at
  // twice its own min_free_bytes). Default 1 GiB.
  uint64_t low_disk_bytes = 1ull << 30;
};

// One thing a technician should look at. `code` is stable (scripts and the
// runbook's table, ops/doc/runbooks.md); `subject` names the node or
// origin it concerns ("" = the node asked); `detail` is English data
// ("lag 5400 s", "last error: ...").
struct StatusWarning {
  std::string code;
  std::string subject;
  std::string detail;
};

struct NodeStatusReport {
  NodeKind kind = NodeKind::kUnknown;
  bool healthy = false;        // GET /healthz answered 200
  bool authenticated = false;  // hub: logged in as options.user
  // GET /api/v1/status (edge, or hub with a user); null when not read.
  nlohmann::json status;
  // Hub with a user: GET /api/v1/nodes "nodes"; null otherwise.
  nlohmann::json nodes;
  // Hub with a token: acked_seq of options.origin.
  std::optional<uint64_t> cursor;
  std::vector<StatusWarning> warnings;
};

// Asks the node at options.url. Unavailable when it cannot be reached;
// Unauthenticated when the hub refuses the user or the token;
// PermissionDenied when the token may not read that cursor;
// InvalidArgument for a bad URL. Warnings found are in the report (not an
// error).
Status FetchNodeStatus(const NodeStatusOptions& options, NodeStatusReport* report);

}  // namespace hailong::ops
