// Credentials of the edge's write endpoints (edge/README.md, "Who may call what"):
// the one-stop software's dossier tokens, and the counter kiosks.
//
//   POST   /api/v1/admin/kiosks {"counter","name"?}   (admin token)
//          -> {"kiosk","counter","name","code","expires_at","path"}: a new
//          kiosk and its one-time enrollment code; `path` is the enrollment
//          link's path ("/kiosk/<counter>#enroll=<code>": the code stays in
//          the fragment, which browsers never send to a server or a log);
//   GET    /api/v1/admin/kiosks -> {"kiosks":[...]} (no secrets);
//   DELETE /api/v1/admin/kiosks?kiosk=<id> -> the revoked kiosk;
//   POST   /api/v1/kiosks/enroll {"code"} -> {"kiosk","counter","token"}:
//          the kiosk page redeems the code once for its credential;
//   GET    /api/v1/kiosks/me (Bearer credential) -> {"kiosk","counter"}.
#include <iostream>

#include "api_support.h"
#include "edge_api.h"
#include "edge_context.h"
#include "hailong/schema/event.h"
#include "hailong/schema/time.h"

namespace hailong::edge {

using nlohmann::json;
using Context = EdgeNode::Context;

std::string BearerToken(const HttpRequest& req) {
  const std::string auth = req.Header("authorization");
  const std::string prefix = "Bearer ";
  if (auth.size() <= prefix.size() || auth.compare(0, prefix.size(), prefix) != 0) return "";
  return auth.substr(prefix.size());
}

std::optional<HttpResponse> CheckDossierToken(const Context* ctx, const HttpRequest& req) {
  const std::string token = BearerToken(req);
  bool listed = false;
  if (!token.empty()) {
    const std::string hash = schema::HexEncode(schema::Sha256(token));
    // Every listed hash is compared, so the time says nothing of which.
    for (const std::string& allowed : ctx->config.dossier_tokens_sha256) {
      listed = SameSecret(hash, allowed) || listed;
    }
  }
  if (listed) return std::nullopt;
  HttpResponse r = HttpResponse::Json(
      401, {{"error", ctx->config.dossier_tokens_sha256.empty()
                          ? "dossiers are closed: no dossier_tokens_sha256 configured"
                          : "a dossier token is needed (Authorization: Bearer)"},
            {"message", "Cần mã truy cập của phần mềm một cửa để gửi hồ sơ."}});
  r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

namespace {

json KioskJson(const KioskRecord& k, int64_t now_ms) {
  return {{"kiosk", k.id},
          {"counter", k.counter},
          {"name", k.name},
          {"state", k.State(now_ms)},
          {"created_at", TimeOrNull(k.created_ms)},
          {"expires_at", k.token_sha256.empty() ? TimeOrNull(k.code_expires_ms) : json(nullptr)},
          {"enrolled_at", TimeOrNull(k.enrolled_ms)},
          {"revoked_at", TimeOrNull(k.revoked_ms)}};
}

HttpResponse IoFailure(const Status& s) {
  return HttpResponse::Json(
      503, {{"error", s.ToString()}, {"message", "Máy chủ không ghi được; xin thử lại sau."}});
}

void CreateKiosk(Context* ctx, const HttpRequest& req, HttpResponder respond) {
  json j = json::parse(req.body, nullptr, false);
  if (!j.is_object() || !j.contains("counter") || !j["counter"].is_string()) {
    return respond(HttpResponse::Error(400, "body must be {\"counter\": \"<id>\", \"name\"?}"));
  }
  const std::string counter = j["counter"].get<std::string>();
  std::string name;
  if (auto n = j.find("name"); n != j.end() && !n->is_null()) {
    if (!n->is_string() || n->get<std::string>().size() > 128) {
      return respond(
          HttpResponse::Error(400, "field 'name' must be a string of at most 128 bytes"));
    }
    name = n->get<std::string>();
  }
  Status s = ctx->office.catalogue.CheckCounter(counter);
  if (!s.ok()) return respond(CounterError(s));
  OffThread(ctx, std::move(respond), [ctx, counter, name] {
    KioskRecord k;
    std::string code;
    Status s =
        ctx->kiosks->Create(counter, name, ctx->config.kiosk_enrollment_ttl_s * 1000, &k, &code);
    if (!s.ok()) return IoFailure(s);
    std::cerr << "hailong-edge: kiosk " << k.id << " created for counter " << counter
              << ", enrollment code valid until " << FormatRfc3339(k.code_expires_ms) << "\n";
    json body = KioskJson(k, ctx->clock->NowMs());
    body["code"] = code;
    body["path"] = "/kiosk/" + counter + "#enroll=" + code;
    return HttpResponse::Json(200, body);
  });
}

void RevokeKiosk(Context* ctx, const HttpRequest& req, HttpResponder respond) {
  auto it = req.query.find("kiosk");
  if (it == req.query.end() || !IsValidId(it->second)) {
    return respond(HttpResponse::Error(400, "give ?kiosk=<kiosk id>"));
  }
  OffThread(ctx, std::move(respond), [ctx, id = it->second] {
    KioskRecord k;
    Status s = ctx->kiosks->Revoke(id, &k);
    if (s.IsNotFound()) return HttpResponse::Error(404, s.message());
    if (!s.ok()) return IoFailure(s);
    std::cerr << "hailong-edge: kiosk " << id << " revoked\n";
    return HttpResponse::Json(200, KioskJson(k, ctx->clock->NowMs()));
  });
}

void Enroll(Context* ctx, const HttpRequest& req, HttpResponder respond) {
  json j = json::parse(req.body, nullptr, false);
  if (!j.is_object() || !j.contains("code") || !j["code"].is_string() ||
      j["code"].get<std::string>().size() > 128) {
    return respond(
        HttpResponse::Json(400, {{"error", "body must be {\"code\": \"<enrollment code>\"}"},
                                 {"message", "Liên kết kích hoạt không đúng."}}));
  }
  OffThread(ctx, std::move(respond), [ctx, code = j["code"].get<std::string>()] {
    KioskRecord k;
    std::string token;
    Status s = ctx->kiosks->Redeem(code, &k, &token);
    if (s.code() == Status::Code::kPermissionDenied) {
      return HttpResponse::Json(
          403, {{"error", "enrollment code expired"},
                {"message", "Liên kết kích hoạt đã hết hạn; xin kỹ thuật viên tạo liên kết mới."}});
    }
    if (s.IsNotFound()) {
      return HttpResponse::Json(
          403, {{"error", "unknown or already used enrollment code"},
                {"message",
                 "Liên kết kích hoạt không đúng hoặc đã được dùng; xin kỹ thuật viên tạo liên "
                 "kết mới."}});
    }
    if (!s.ok()) return IoFailure(s);
    std::cerr << "hailong-edge: kiosk " << k.id << " enrolled for counter " << k.counter << "\n";
    return HttpResponse::Json(200, {{"kiosk", k.id}, {"counter", k.counter}, {"token", token}});
  });
}

}  // namespace

void HandleKiosks(Context* ctx, const HttpRequest& req, std::string_view what,
                  HttpResponder respond) {
  if (what == "enroll") {
    if (req.method != "POST") return respond(HttpResponse::Error(405, "method not allowed"));
    return Enroll(ctx, req, std::move(respond));
  }
  if (what == "me") {
    if (req.method != "GET" && req.method != "HEAD") {
      return respond(HttpResponse::Error(405, "method not allowed"));
    }
    auto kiosk = ctx->kiosks->Authenticate(BearerToken(req));
    if (!kiosk) {
      return respond(HttpResponse::Json(
          401, {{"error", "kiosk not enrolled"},
                {"message", "Máy này chưa được kỹ thuật viên kích hoạt cho quầy."}}));
    }
    return respond(HttpResponse::Json(200, {{"kiosk", kiosk->id}, {"counter", kiosk->counter}}));
  }
  respond(HttpResponse::Error(404, "không tìm thấy"));
}

void HandleAdminKiosks(Context* ctx, const HttpRequest& req, HttpResponder respond) {
  if (req.method == "POST") return CreateKiosk(ctx, req, std::move(respond));
  if (req.method == "DELETE") return RevokeKiosk(ctx, req, std::move(respond));
  if (req.method == "GET" || req.method == "HEAD") {
    const int64_t now = ctx->clock->NowMs();
    json list = json::array();
    for (const KioskRecord& k : ctx->kiosks->List()) list.push_back(KioskJson(k, now));
    return respond(HttpResponse::Json(200, {{"kiosks", list}}));
  }
  HttpResponse r = HttpResponse::Error(405, "method not allowed");
  r.headers.emplace_back("Allow", "GET, POST, DELETE");
  respond(r);
}

}  // namespace hailong::edge
