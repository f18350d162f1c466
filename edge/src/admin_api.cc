// The edge's admin endpoints, for technicians' tools (hailongctl), behind
// a bearer token whose sha256 is the config key admin_token_sha256:
//   POST   /api/v1/admin/checkpoint -> 200 {"name","path","store"}: a
//          RocksDB checkpoint of the live log (hard links where possible,
//          consistent, taken inside this process, which owns the store) in
//          <data_dir>/tmp/<name>, for `hailongctl backup --url` to copy;
//   DELETE /api/v1/admin/checkpoint?name=<name> -> 200 {"deleted":true}.
// Checkpoints older than an hour are removed at the next POST (a backup
// that died midway). 401 without the right token; 403 when no token is
// configured. /api/v1/admin/kiosks (enroll, list and revoke counter
// kiosks) is in kiosk_api.cc, behind the same token.
#include <chrono>
#include <filesystem>

#include "api_support.h"
#include "edge_api.h"
#include "edge_context.h"
#include "hailong/schema/event.h"

namespace hailong::edge {

namespace fs = std::filesystem;
using nlohmann::json;
using Context = EdgeNode::Context;

namespace {

constexpr char kCheckpointPrefix[] = "checkpoint-";

// Empty when authorized, else the answer.
std::optional<HttpResponse> CheckAdmin(const Context* ctx, const HttpRequest& req) {
  if (ctx->config.admin_token_sha256.empty()) {
    return HttpResponse::Error(403, "admin endpoints are off: set admin_token_sha256");
  }
  const std::string auth = req.Header("authorization");
  const std::string prefix = "Bearer ";
  if (auth.rfind(prefix, 0) != 0 ||
      !SameSecret(schema::HexEncode(schema::Sha256(auth.substr(prefix.size()))),
                  ctx->config.admin_token_sha256)) {
    HttpResponse r = HttpResponse::Error(401, "a valid admin bearer token is needed");
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  return std::nullopt;
}

fs::path CheckpointRoot(const Context* ctx) { return fs::path(ctx->config.data_dir) / "tmp"; }

bool IsCheckpointName(std::string_view name) {
  if (name.rfind(kCheckpointPrefix, 0) != 0 || name.size() > 64) return false;
  return name.find_first_not_of("checkpoint-0123456789") == std::string_view::npos;
}

void RemoveStaleCheckpoints(const Context* ctx) {
  std::error_code ec;
  const auto cutoff = fs::file_time_type::clock::now() - std::chrono::hours(1);
  for (const auto& entry : fs::directory_iterator(CheckpointRoot(ctx), ec)) {
    const std::string name = entry.path().filename().string();
    if (!IsCheckpointName(name)) continue;
    std::error_code ec2;
    if (fs::last_write_time(entry.path(), ec2) < cutoff && !ec2) fs::remove_all(entry.path(), ec2);
  }
}

HttpResponse MakeCheckpoint(Context* ctx) {
  std::error_code ec;
  fs::create_directories(CheckpointRoot(ctx), ec);
  if (ec) return HttpResponse::Error(500, "cannot create " + CheckpointRoot(ctx).string());
  RemoveStaleCheckpoints(ctx);
  static std::atomic<uint64_t> counter{0};
  const std::string name = kCheckpointPrefix + std::to_string(ctx->clock->NowMs()) + "-" +
                           std::to_string(counter.fetch_add(1));
  const fs::path dir = fs::absolute(CheckpointRoot(ctx) / name, ec);
  Status s = ctx->log->store()->Checkpoint(dir.string());
  if (!s.ok()) {
    fs::remove_all(dir, ec);
    return HttpResponse::Error(500, "checkpoint failed: " + s.ToString());
  }
  return HttpResponse::Json(200, {{"name", name}, {"path", dir.string()}, {"store", "log"}});
}

HttpResponse DeleteCheckpoint(Context* ctx, const HttpRequest& req) {
  auto it = req.query.find("name");
  if (it == req.query.end() || !IsCheckpointName(it->second)) {
    return HttpResponse::Error(400, "name must be a checkpoint's name");
  }
  std::error_code ec;
  const uintmax_t removed = fs::remove_all(CheckpointRoot(ctx) / it->second, ec);
  if (ec) return HttpResponse::Error(500, "cannot remove " + it->second + ": " + ec.message());
  if (removed == 0) return HttpResponse::Error(404, "no checkpoint " + it->second);
  return HttpResponse::Json(200, {{"deleted", true}});
}

}  // namespace

void HandleAdmin(Context* ctx, const HttpRequest& req, const std::string& what,
                 HttpResponder respond) {
  if (what == "kiosks") {
    if (auto denied = CheckAdmin(ctx, req)) return respond(*denied);
    return HandleAdminKiosks(ctx, req, std::move(respond));
  }
  if (what != "checkpoint") return respond(HttpResponse::Error(404, "not found"));
  if (req.method != "POST" && req.method != "DELETE") {
    HttpResponse r = HttpResponse::Error(405, "method not allowed");
    r.headers.emplace_back("Allow", "POST, DELETE");
    return respond(r);
  }
  if (auto denied = CheckAdmin(ctx, req)) return respond(*denied);
  // The checkpoint flushes the memtable and may wait for disk: off the
  // HTTP threads.
  const bool post = req.method == "POST";
  OffThread(ctx, std::move(respond),
            [ctx, post, req] { return post ? MakeCheckpoint(ctx) : DeleteCheckpoint(ctx, req); });
}

}  // namespace hailong::edge
