// Api (api.h): liveness, Prometheus metrics and the hub's status.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "api.h"
#include "codec.h"
#include "hailong/net/content_type.h"
#include "hailong/net/percent.h"
#include "hailong/schema/version.h"

namespace hailong::hub {

namespace http = boost::beast::http;
using json = nlohmann::json;

HttpReply Api::Healthz(Call& call) { return TextReply(200, "ok\n"); }

HttpReply Api::MetricsText(Call& call) {
  std::string g;
  const ProjectorStats ps = ctx_->projector->stats();
  g += "# HELP hailong_hub_projection_backlog_events Events not yet applied to the read models.\n"
       "# TYPE hailong_hub_projection_backlog_events gauge\n"
       "hailong_hub_projection_backlog_events " +
       std::to_string(ctx_->projector->Backlog()) + "\n";
  g += "# HELP hailong_hub_projection_events_applied_total Events applied since start.\n"
       "# TYPE hailong_hub_projection_events_applied_total counter\n"
       "hailong_hub_projection_events_applied_total " +
       std::to_string(ps.events_applied) + "\n";
  g += "# HELP hailong_hub_follow_ups_opened_total Follow-ups opened by the projector.\n"
       "# TYPE hailong_hub_follow_ups_opened_total counter\n"
       "hailong_hub_follow_ups_opened_total " +
       std::to_string(ps.follow_ups_opened) + "\n";
  g += "# HELP hailong_hub_log_head_seq Head sequence number per origin.\n"
       "# TYPE hailong_hub_log_head_seq gauge\n";
  for (const auto& origin : ctx_->log->Origins()) {
    g += "hailong_hub_log_head_seq{origin=\"" + LabelValue(origin) + "\"} " +
         std::to_string(ctx_->log->Head(origin).seq) + "\n";
  }
  g += "# HELP hailong_hub_free_disk_bytes Free bytes on the data directory's file system.\n"
       "# TYPE hailong_hub_free_disk_bytes gauge\n"
       "hailong_hub_free_disk_bytes " +
       std::to_string(ctx_->log->FreeDiskBytes()) + "\n";
  const AuthStats as = ctx_->auth->stats();
  g += "# HELP hailong_hub_sessions Open user sessions.\n# TYPE hailong_hub_sessions gauge\n"
       "hailong_hub_sessions " +
       std::to_string(as.sessions) + "\n";
  g += "# HELP hailong_hub_sse_subscribers Live-update streams open.\n"
       "# TYPE hailong_hub_sse_subscribers gauge\nhailong_hub_sse_subscribers " +
       std::to_string(ctx_->live->subscribers()) + "\n";
  if (const HttpServer* server = ctx_->server.load(); server != nullptr) {
    const HttpServerStats& hs = server->stats();
    g += "# HELP hailong_hub_http_connections_open Open HTTP connections.\n"
         "# TYPE hailong_hub_http_connections_open gauge\nhailong_hub_http_connections_open " +
         std::to_string(hs.connections_open.load()) + "\n";
    g += "# HELP hailong_hub_http_connections_refused_total Connections refused over the cap.\n"
         "# TYPE hailong_hub_http_connections_refused_total counter\n"
         "hailong_hub_http_connections_refused_total " +
         std::to_string(hs.connections_refused.load()) + "\n";
    g += "# HELP hailong_hub_http_requests_too_large_total Requests over a size limit.\n"
         "# TYPE hailong_hub_http_requests_too_large_total counter\n"
         "hailong_hub_http_requests_too_large_total " +
         std::to_string(hs.requests_too_large.load()) + "\n";
    g += "# HELP hailong_hub_http_timeouts_total Connections closed by a deadline.\n"
         "# TYPE hailong_hub_http_timeouts_total counter\nhailong_hub_http_timeouts_total " +
         std::to_string(hs.timeouts.load()) + "\n";
  }
  g += ctx_->nodes->Gauges();
  g += "# HELP hailong_hub_info Version.\n# TYPE hailong_hub_info "
       "gauge\nhailong_hub_info{version=\"" +
       std::string(kVersion) + "\"} 1\n";
  return TextReply(200, ctx_->metrics->Render(g), "text/plain; version=0.0.4; charset=utf-8");
}

HttpReply Api::StatusRoute(Call& call) {
  json origins = json::array();
  uint64_t backlog = 0;
  for (const std::string& origin : ctx_->log->Origins()) {
    const uint64_t head = ctx_->log->Head(origin).seq;
    const uint64_t applied = ctx_->projector->Applied(origin);
    if (head > applied) backlog += head - applied;
    origins.push_back(json{{"origin", origin}, {"head_seq", head}, {"applied_seq", applied}});
  }
  const ProjectorStats ps = ctx_->projector->stats();
  return Json(200, json{{"version", kVersion},
                        {"origin", ctx_->log->origin()},
                        {"time", FormatRfc3339(ctx_->clock->NowMs())},
                        {"backlog", backlog},
                        {"origins", origins},
                        {"projection_error", ps.last_error},
                        {"free_disk_bytes", ctx_->log->FreeDiskBytes()}});
}

}  // namespace hailong::hub
