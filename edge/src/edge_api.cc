// The edge's HTTP API (edge/README.md, "HTTP API"): routing of every path
// to its endpoint (edge_api.h), the pages and the static files. Handlers run
// on the HTTP threads; anything that appends goes to the rating intake or
// the blocking pool and answers from there.
#include "edge_api.h"

#include <cctype>

#include "api_support.h"

namespace hailong::edge {

using nlohmann::json;
using Context = EdgeNode::Context;

namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    parts.push_back(path.substr(i, j - i));
    i = j;
  }
  return parts;
}

// Writes carry JSON only (edge/README.md, "HTTP API"): a page elsewhere on the LAN
// can post text/plain or a form blind, but a cross-origin
// application/json request needs a CORS preflight, which the edge never
// grants. A write without a body may omit the Content-Type.
bool IsJsonWrite(const HttpRequest& req) {
  std::string type = req.Header("content-type");
  if (type.empty()) return req.body.empty();
  type = type.substr(0, type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.pop_back();
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type == "application/json";
}

HttpResponse NotJson() {
  return HttpResponse::Json(
      415, {{"error", "the body must be JSON with Content-Type: application/json"},
            {"message", "Dữ liệu gửi lên phải là JSON (Content-Type: application/json)."}});
}

HttpResponse Page(Context* ctx, const char* file) {
  HttpResponse r = ServeFile(ctx->web_root, file);
  if (r.status == 404) {
    return HttpResponse::Bytes(
        500, "text/plain; charset=utf-8",
        "Không tìm thấy trang " + std::string(file) + " trong " + ctx->web_root + "\n");
  }
  return r;
}

}  // namespace

void HandleHttp(Context* ctx, HttpRequest req, HttpResponder respond) {
  const std::vector<std::string_view> p = SplitPath(req.path);
  const bool get = req.method == "GET" || req.method == "HEAD";
  const bool post = req.method == "POST";
  const size_t n = p.size();

  if (n == 1 && p[0] == "healthz") {
    if (!get) return respond(MethodNotAllowed());
    return respond(HttpResponse::Bytes(200, "text/plain; charset=utf-8", "ok\n"));
  }
  if (n == 1 && p[0] == "metrics") {
    if (!get) return respond(MethodNotAllowed());
    return respond(HttpResponse::Bytes(200, "text/plain; version=0.0.4; charset=utf-8",
                                       ctx->metrics.RenderPrometheus(ctx->Gauges())));
  }
  if (n == 2 && p[0] == "assets") {
    if (!get) return respond(MethodNotAllowed());
    return respond(ServeFile(ctx->web_root, p[1]));
  }
  if (n == 2 && p[0] == "kiosk") {
    if (!get) return respond(MethodNotAllowed());
    return respond(Page(ctx, "kiosk.html"));
  }
  if (n == 3 && p[0] == "s") {
    if (!get) return respond(MethodNotAllowed());
    if (p[1] != ctx->config.office_id) {
      return respond(
          HttpResponse::Bytes(404, "text/plain; charset=utf-8", "Không tìm thấy đơn vị này.\n"));
    }
    return respond(Page(ctx, "survey.html"));
  }
  if (n == 3 && p[0] == "qr") {
    if (!get) return respond(MethodNotAllowed());
    return respond(GetQr(ctx, p[1], p[2], req));
  }
  if (n < 3 || p[0] != "api" || p[1] != "v1") return respond(NotFound());
  if (!get && !IsJsonWrite(req)) return respond(NotJson());

  const std::string_view what = p[2];
  if (n == 3 && what == "status") {
    return respond(get ? GetStatus(ctx) : MethodNotAllowed());
  }
  if (n == 3 && what == "templates") {
    return respond(get ? HttpResponse::Json(200, ctx->office.catalogue.templates().ToJson())
                       : MethodNotAllowed());
  }
  if (n == 3 && what == "counters") {
    return respond(get ? GetCounters(ctx) : MethodNotAllowed());
  }
  if (n == 4 && what == "admin") {
    return HandleAdmin(ctx, req, std::string(p[3]), std::move(respond));
  }
  if (n == 4 && what == "kiosks") {
    return HandleKiosks(ctx, req, p[3], std::move(respond));
  }
  if (n == 3 && what == "devices") {
    if (!get) return respond(MethodNotAllowed());
    nlohmann::json list = nlohmann::json::array();
    for (const DeviceState& d : ctx->office.devices.List()) {
      list.push_back(DeviceStateJson(ctx->config.office_id, d));
    }
    return respond(HttpResponse::Json(200, {{"devices", std::move(list)}}));
  }
  if (n == 3 && what == "ratings") {
    if (!post) return respond(MethodNotAllowed());
    return PostRating(ctx, req, std::move(respond));
  }
  if (n == 3 && what == "dossiers") {
    if (!post) return respond(MethodNotAllowed());
    return PostDossier(ctx, req, std::move(respond));
  }
  if (n == 3 && what == "visits") {
    if (!post) return respond(MethodNotAllowed());
    return PostVisit(ctx, req, std::move(respond));
  }
  if (n == 4 && what == "dossiers") {
    return respond(get ? GetDossier(ctx, std::string(p[3])) : MethodNotAllowed());
  }
  if (n == 3 && what == "officers") {
    return respond(get ? GetOfficers(ctx) : MethodNotAllowed());
  }
  if (n == 5 && what == "officers" && p[4] == "photo") {
    return respond(get ? GetPhoto(ctx, std::string(p[3])) : MethodNotAllowed());
  }
  if (n == 5 && what == "counters") {
    const std::string counter(p[3]);
    if (p[4] == "session") return respond(get ? GetSession(ctx, counter) : MethodNotAllowed());
    if (p[4] == "sign-in") {
      if (!post) return respond(MethodNotAllowed());
      return PostSignIn(ctx, counter, req, std::move(respond));
    }
    if (p[4] == "sign-out") {
      if (!post) return respond(MethodNotAllowed());
      return PostSignOut(ctx, counter, req, std::move(respond));
    }
  }
  return respond(NotFound());
}

}  // namespace hailong::edge
