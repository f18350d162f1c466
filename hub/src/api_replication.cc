// The replication endpoints (push, cursor, pull) and the node list.
#include <nlohmann/json.hpp>

#include "api.h"
#include "codec.h"
#include "hailong/replication/shipper.h"
#include "province_origins.h"

namespace hailong::hub {

namespace http = boost::beast::http;
using json = nlohmann::json;

namespace {

bool ParseU64(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 20) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    const uint64_t next = v * 10 + static_cast<uint64_t>(c - '0');
    if (next / 10 != v) return false;
    v = next;
  }
  *out = v;
  return true;
}

}  // namespace

HttpReply Api::Push(Call& call) {
  Metrics& m = *ctx_->metrics;
  if (!call.who.is_node()) {
    return Error(call, 403, "chỉ nút (edge) mới được gửi sự kiện", "only nodes may push events");
  }
  const NodeConfig& node = *call.who.node;
  const std::string origin(call.req["X-Hailong-Origin"]);
  auto refuse = [&](unsigned status, const std::string& reason, const std::string& vi,
                    const std::string& en, json extra) {
    m.Add("hailong_hub_push_refused_total{reason=\"" + reason + "\"}");
    ctx_->nodes->Refused(node.id, en);
    std::fprintf(stderr, "hailong-hub: push from %s refused (%u): %s\n", node.id.c_str(), status,
                 en.c_str());
    return Error(call, status, vi, en, std::move(extra));
  };
  if (origin.empty()) {
    return refuse(400, "no_origin", "thiếu tiêu đề X-Hailong-Origin", "X-Hailong-Origin is missing",
                  json::object());
  }
  // A district hub pushes many origins, stored under names of their own
  // (province_origins.h); every other node only its own.
  std::string stored = origin;
  if (node.IsDistrictHub()) {
    std::string vi;
    Status ps =
        ctx_->province->Resolve(node, origin, call.req["X-Hailong-Office"], true, &stored, &vi);
    if (ps.code() == Status::Code::kPermissionDenied)
      return refuse(403, "origin", vi, ps.message(), json::object());
    if (!ps.ok()) {
      return refuse(500, "error", "lỗi lưu trữ: " + ps.message(), ps.ToString(), json::object());
    }
  } else if (origin != node.id) {
    return refuse(403, "origin", "nút " + node.id + " không được ghi nguồn " + origin,
                  "node " + node.id + " may not write origin " + origin, json::object());
  }
  std::vector<std::string_view> frames;
  Status s = replication::SplitFrames(call.req.body(), &frames);
  if (!s.ok()) {
    return refuse(400, "truncated", "lô sự kiện bị cắt cụt hoặc hỏng: " + s.message(),
                  "bad batch: " + s.message(), json{{"acked_seq", ctx_->log->Head(stored).seq}});
  }

  // Ingest checks every event once (Verifier, origin, seq, chain link),
  // serializes the pushes of one origin and stores all or nothing; its
  // result says what was refused, and where.
  replication::IngestResult result;
  s = ctx_->log->Ingest(stored, frames, &result);
  if (!s.ok()) {
    const json acked{{"acked_seq", result.head.seq}};
    switch (result.refusal) {
      case replication::IngestRefusal::kForeignOrigin:
        return refuse(403, "origin", "lô chứa sự kiện của nguồn khác: " + s.message(), s.message(),
                      acked);
      case replication::IngestRefusal::kGap:
        return refuse(409, "gap", "thiếu sự kiện trước sự kiện đã gửi: " + s.message(), s.message(),
                      acked);
      case replication::IngestRefusal::kFork:
        return refuse(409, "conflict", "xung đột với bản hub đang giữ: " + s.message(), s.message(),
                      acked);
      case replication::IngestRefusal::kCorrupt:
        return refuse(422, "verify", "sự kiện hỏng hoặc đứt chuỗi băm: " + s.message(), s.message(),
                      json{{"seq", result.refused_seq}});
      case replication::IngestRefusal::kStorageFull:
        return refuse(507, "storage_full", "hub hết dung lượng lưu trữ", "storage full", acked);
      default:
        return refuse(500, "error", "lỗi lưu trữ: " + s.message(), s.ToString(), acked);
    }
  }
  if (result.stored > 0) {
    replication::WriteBatch batch;
    batch.Put(codec::ReceivedKey(stored, result.first_stored_seq),
              codec::Dump(json{{"first", result.first_stored_seq},
                               {"last", result.last_seq},
                               {"stored", result.stored},
                               {"received_ms", ctx_->clock->NowMs()}}));
    // The receive time is advisory (reports use event time).
    ctx_->log->store()->Write(batch, false).PermitUncheckedError();
  }
  uint64_t node_clock = 0, reported_head = 0;
  ParseU64(call.req["X-Hailong-Clock"], &node_clock);
  ParseU64(call.req["X-Hailong-Head-Seq"], &reported_head);
  ctx_->nodes->Pushed(node.id, result.first_stored_seq, result.last_seq, result.stored,
                      result.skipped, result.newest_time_ms, static_cast<int64_t>(node_clock),
                      reported_head);
  m.Add("hailong_hub_push_batches_total");
  m.Add("hailong_hub_push_events_total{result=\"stored\"}", result.stored);
  m.Add("hailong_hub_push_events_total{result=\"skipped\"}", result.skipped);
  return Json(200, json{{"origin", origin},
                        {"acked_seq", result.head.seq},
                        {"stored", result.stored},
                        {"skipped", result.skipped}});
}

HttpReply Api::Cursor(Call& call) {
  std::string origin = call.Query("origin");
  if (origin.empty()) return Error(call, 400, "thiếu tham số origin", "origin is required");
  if (call.who.is_node() && call.who.node->IsDistrictHub()) {
    // A district hub reads the cursors of the origins it pushes.
    std::string stored, vi;
    Status ps = ctx_->province->Resolve(*call.who.node, origin, "", false, &stored, &vi);
    if (!ps.ok()) return Error(call, 403, vi, ps.message());
    return Json(200, json{{"origin", origin}, {"acked_seq", ctx_->log->Head(stored).seq}});
  }
  if (call.who.is_node() && origin != call.who.node->id && origin != ctx_->log->origin()) {
    return Error(call, 403, "nút chỉ được xem con trỏ của chính mình",
                 "a node may only read its own cursor");
  }
  if (call.who.is_user() && !call.who.IsAdmin() && origin != ctx_->log->origin()) {
    bool visible = false;
    for (const NodeConfig& n : ctx_->config->nodes) {
      if (n.id == origin && call.who.MaySeeOffice(n.office_id)) visible = true;
    }
    if (!visible) return Error(call, 403, "không có quyền", "not allowed");
  }
  return Json(200, json{{"origin", origin}, {"acked_seq", ctx_->log->Head(origin).seq}});
}

HttpReply Api::Pull(Call& call) {
  const std::string origin = call.Query("origin", ctx_->log->origin());
  // Nodes pull `hub` only, admins any origin; managers and viewers none (a
  // pull is every office's raw events; they read through the API).
  if (call.who.is_user() && !call.who.IsAdmin()) {
    return Error(call, 403, "chỉ quản trị viên được lấy sự kiện thô",
                 "only admins may pull raw events");
  }
  if (origin != ctx_->log->origin() && !call.who.IsAdmin()) {
    return Error(call, 403, "chỉ được lấy sự kiện của hub",
                 "only the hub's own events can be pulled");
  }
  uint64_t from = 1, max_bytes = 1u << 20;
  if (call.query.count("from") && !ParseU64(call.Query("from"), &from)) {
    return Error(call, 400, "from phải là số", "from must be a number");
  }
  if (call.query.count("max_bytes") && !ParseU64(call.Query("max_bytes"), &max_bytes)) {
    return Error(call, 400, "max_bytes phải là số", "max_bytes must be a number");
  }
  if (from == 0) from = 1;
  const uint64_t cap = static_cast<uint64_t>(ctx_->config->http.max_push_mib) << 20;
  if (max_bytes == 0 || max_bytes > cap) max_bytes = cap;
  std::vector<replication::StoredEvent> events;
  Status s = ctx_->log->Read(origin, from, 100000, max_bytes, &events);
  if (!s.ok() && !s.IsNotFound()) return Error(call, 500, "lỗi đọc nhật ký", s.ToString());
  std::string body;
  for (const auto& e : events) replication::AppendFrame(&body, e.bytes);
  ctx_->metrics->Add("hailong_hub_pull_events_total", events.size());
  if (origin != ctx_->log->origin() && !events.empty()) {
    // Another origin's events hold personal data (encrypted, or in clear
    // when written before encryption): audited like every such response.
    Audit(call, "replication.pull", origin,
          json{{"from", events.front().seq}, {"to", events.back().seq}, {"events", events.size()}});
    ctx_->metrics->Add("hailong_hub_personal_data_access_total");
  }
  HttpReply r = TextReply(200, std::move(body), "application/octet-stream");
  r.response.set("X-Hailong-Origin", origin);
  r.response.set("X-Hailong-Head-Seq", std::to_string(ctx_->log->Head(origin).seq));
  r.response.set("X-Hailong-Events", std::to_string(events.size()));
  return r;
}

HttpReply Api::Nodes(Call& call) {
  const Principal& who = call.who;
  json nodes =
      ctx_->nodes->List([&](const std::string& office) { return who.MaySeeOffice(office); });
  return Json(200,
              json{{"nodes", nodes}, {"clock_skew_limit_s", ctx_->config->clock_skew_limit_s}});
}

}  // namespace hailong::hub
