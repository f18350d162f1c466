#include "hailong/ops/node_status.h"

#include "http_client.h"
#include "hub_session.h"

namespace hailong::ops {

namespace {

using json = nlohmann::json;

json ParseObject(const std::string& body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  return j.is_object() ? j : json();
}

std::string ErrorText(const HttpResponse& res) {
  json j = ParseObject(res.body);
  if (j.is_object() && j.contains("error") && j["error"].is_string()) {
    return j["error"].get<std::string>();
  }
  return "HTTP " + std::to_string(res.status);
}

template <typename T>
T Get(const json& j, const char* key, T fallback) {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  try {
    return it->get<T>();
  } catch (const json::exception&) {
    return fallback;
  }
}

void EdgeWarnings(const NodeStatusOptions& o, const json& s, std::vector<StatusWarning>* w) {
  if (!Get<bool>(s, "hub_configured", true)) {
    w->push_back({"hub_not_configured", "", ""});
  } else if (!Get<bool>(s, "hub_reachable", false)) {
    w->push_back({"hub_unreachable", Get<std::string>(s, "hub_url", ""),
                  Get<std::string>(s, "hub_last_error", "")});
  }
  const double lag_s = Get<double>(s, "lag_seconds", 0);
  if (Get<bool>(s, "hub_configured", true) && lag_s > o.lag_warning_seconds) {
    w->push_back({"replication_lag", "",
                  std::to_string(Get<uint64_t>(s, "lag_events", 0)) + " events, " +
                      std::to_string(static_cast<int64_t>(lag_s)) + " s"});
  }
  if (!Get<bool>(s, "mqtt_connected", true)) {
    w->push_back({"mqtt_disconnected", "", "button boxes cannot deliver ratings"});
  } else if (s.contains("devices_online") && Get<int64_t>(s, "devices_online", 0) == 0) {
    w->push_back({"no_devices_online", "", ""});
  }
  if (s.contains("free_disk_bytes")) {
    const uint64_t free = Get<uint64_t>(s, "free_disk_bytes", 0);
    const uint64_t floor = Get<uint64_t>(s, "min_free_bytes", 0);
    const std::string detail = std::to_string(free >> 20) + " MiB free";
    if (floor > 0 && free < floor) {
      w->push_back(
          {"storage_full", "",
           detail + ", ratings are refused below " + std::to_string(floor >> 20) + " MiB"});
    } else if (free < o.low_disk_bytes || (floor > 0 && free < 2 * floor)) {
      w->push_back({"disk_low", "", detail});
    }
  }
}

void HubWarnings(const NodeStatusOptions& o, const json& s, const json& nodes,
                 std::vector<StatusWarning>* w) {
  if (s.is_object()) {
    const std::string error = Get<std::string>(s, "projection_error", "");
    if (!error.empty()) w->push_back({"projection_error", "", error});
    const uint64_t backlog = Get<uint64_t>(s, "backlog", 0);
    if (backlog > 10000) {
      w->push_back({"projection_backlog", "", std::to_string(backlog) + " events"});
    }
    if (s.contains("free_disk_bytes") &&
        Get<uint64_t>(s, "free_disk_bytes", 0) < o.low_disk_bytes) {
      w->push_back({"disk_low", "",
                    std::to_string(Get<uint64_t>(s, "free_disk_bytes", 0) >> 20) + " MiB free"});
    }
  }
  if (!nodes.is_array()) return;
  for (const json& n : nodes) {
    const std::string id = Get<std::string>(n, "id", "?");
    if (!n.contains("last_seen") || n["last_seen"].is_null()) {
      w->push_back({"node_never_seen", id, ""});
      continue;
    }
    if (Get<bool>(n, "lagging", false)) {
      w->push_back({"node_lagging", id,
                    std::to_string(Get<uint64_t>(n, "lag_events", 0)) + " events, " +
                        std::to_string(static_cast<int64_t>(Get<double>(n, "lag_seconds", 0))) +
                        " s"});
    }
    if (Get<bool>(n, "clock_skew", false)) {
      const double off = Get<double>(n, "clock_offset_s", 0);
      w->push_back({"node_clock_skew", id, std::to_string(static_cast<int64_t>(off)) + " s"});
    }
    const std::string error = Get<std::string>(n, "last_error", "");
    if (!error.empty()) {
      w->push_back(
          {"node_error", id, error + " (" + Get<std::string>(n, "last_error_time", "") + ")"});
    }
  }
}

}  // namespace

const char* NodeKindName(NodeKind kind) {
  switch (kind) {
    case NodeKind::kEdge:
      return "edge";
    case NodeKind::kHub:
      return "hub";
    default:
      return "unknown";
  }
}

Status FetchNodeStatus(const NodeStatusOptions& options, NodeStatusReport* report) {
  *report = NodeStatusReport();
  HubUrl url;
  Status s = ParseHubUrl(options.url, &url);
  if (!s.ok()) return s;
  HttpClient client(url, options.timeout_seconds);

  HttpResponse res;
  s = client.Get("/healthz", {}, &res);
  if (!s.ok()) return s;
  report->healthy = res.status == 200;
  if (!report->healthy) {
    report->warnings.push_back({"unhealthy", "", "GET /healthz answered " + ErrorText(res)});
  }

  s = client.Get("/api/v1/status", {}, &res);
  if (!s.ok()) return s;
  if (res.status == 200) {
    report->status = ParseObject(res.body);
    if (report->status.is_object() && report->status.contains("office_id")) {
      report->kind = NodeKind::kEdge;
      EdgeWarnings(options, report->status, &report->warnings);
      return Status::OK();
    }
    return Status::Unavailable("GET /api/v1/status did not answer an edge's or a hub's status");
  }
  if (res.status != 401) {
    return Status::Unavailable("GET /api/v1/status answered " + ErrorText(res));
  }
  report->kind = NodeKind::kHub;

  if (!options.user.empty()) {
    HubSession session(&client);
    s = session.Login(options.user, options.password);
    if (!s.ok()) return s;
    report->authenticated = true;
    s = session.Get("/api/v1/status", &res);
    if (!s.ok()) return s;
    if (res.status == 200) {
      report->status = ParseObject(res.body);
    } else if (res.status != 403) {
      return Status::Unavailable("GET /api/v1/status answered " + ErrorText(res));
    }
    s = session.Get("/api/v1/nodes", &res);
    if (!s.ok()) return s;
    if (res.status != 200)
      return Status::Unavailable("GET /api/v1/nodes answered " + ErrorText(res));
    json nodes = ParseObject(res.body);
    report->nodes = nodes.is_object() && nodes.contains("nodes") ? nodes["nodes"] : json::array();
  }

  if (!options.token.empty()) {
    if (options.origin.empty()) return Status::InvalidArgument("a node token needs the origin");
    s = client.Get("/api/v1/replication/cursor?origin=" + options.origin,
                   {{"Authorization", "Bearer " + options.token}}, &res);
    if (!s.ok()) return s;
    if (res.status == 401) return Status::Unauthenticated("the hub does not accept the token");
    if (res.status == 403) {
      return Status::PermissionDenied("the token may not read the cursor of " + options.origin);
    }
    if (res.status != 200) return Status::Unavailable("cursor answered " + ErrorText(res));
    report->cursor = Get<uint64_t>(ParseObject(res.body), "acked_seq", 0);
  }
  HubWarnings(options, report->status, report->nodes, &report->warnings);
  return Status::OK();
}

}  // namespace hailong::ops
