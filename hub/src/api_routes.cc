// Api (api.h): admission of a request's header, the client behind a trusted
// proxy, routing to the handlers and the per-route metrics.
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

namespace {

// The metrics' route label: one of a fixed set of templates, whatever the
// path (ids become {placeholders}; anything unknown is "other"), so that
// random paths cannot grow the number of series.
std::string RouteTemplate(const std::vector<std::string>& s) {
  static const std::set<std::string> kApi = {
      "login",   "logout",      "me",         "status",      "nodes",
      "report",  "report.json", "report.csv", "report.xlsx", "targets",
      "ratings", "follow-ups",  "catalogue",  "templates",   "audit",
      "alerts",  "complaints",  "comments",   "erasures",    "officer-pins"};
  const size_t n = s.size();
  if (n == 0 || (n == 1 && (s[0].empty() || s[0] == "index.html" || s[0] == "favicon.ico"))) {
    return "/";
  }
  if (n == 1 && (s[0] == "healthz" || s[0] == "metrics")) return "/" + s[0];
  if (s[0] == "assets") return "/assets/{file}";
  if (n == 3 && s[0] == "s") return "/s/{office}/{counter}";
  if (n == 5 && s[0] == "public" && s[1] == "v1" && s[2] == "survey") {
    return "/public/v1/survey/{office}/{counter}";
  }
  if (n == 3 && s[0] == "public" && s[1] == "v1" && s[2] == "results") {
    return "/public/v1/results";
  }
  if (n == 1 && s[0] == "bao-cao") return "/bao-cao";
  if (s[0] == "ket-qua" && n <= 2) return n == 1 ? "/ket-qua" : "/ket-qua/{office}";
  if (n < 3 || s[0] != "api" || s[1] != "v1") return "other";
  const std::string& r = s[2];
  if (n == 3) return kApi.count(r) ? "/api/v1/" + r : "other";
  if (n == 4 && r == "replication" && (s[3] == "push" || s[3] == "cursor" || s[3] == "pull")) {
    return "/api/v1/replication/" + s[3];
  }
  if (n == 4 && r == "events" && s[3] == "stream") return "/api/v1/events/stream";
  if (n == 4 && r == "report" && (s[3] == "periodic" || s[3] == "periodic.pdf")) {
    return "/api/v1/report/" + s[3];
  }
  if (n == 4 && r == "catalogue" && s[3] == "import") return "/api/v1/catalogue/import";
  if (n == 4 && r == "follow-ups") return "/api/v1/follow-ups/{id}";
  if (n == 5 && r == "dossiers") return "/api/v1/dossiers/{office}/{receipt}";
  if (n == 6 && r == "comments" && s[5] == "follow-up") {
    return "/api/v1/comments/{origin}/{seq}/follow-up";
  }
  if (n == 5 && r == "follow-ups" && (s[4] == "assign" || s[4] == "note" || s[4] == "close")) {
    return "/api/v1/follow-ups/{id}/" + s[4];
  }
  if (n == 5 && r == "alerts" && (s[4] == "ack" || s[4] == "close")) {
    return "/api/v1/alerts/{id}/" + s[4];
  }
  if (n == 6 && r == "ratings" && s[5] == "void") return "/api/v1/ratings/{origin}/{seq}/void";
  if (n == 5 && r == "dossiers") return "/api/v1/dossiers/{office}/{receipt}";
  return "other";
}

// Content-Type application/json (any parameters, any case): a type a web
// page on another site cannot send without the browser asking first (CORS
// preflight, which the hub never grants), unlike text/plain and forms.
bool IsJson(const HttpRequest& req) {
  const auto v = req[http::field::content_type];
  std::string type(v.substr(0, v.find(';')));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.pop_back();
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.erase(0, 1);
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return type == "application/json";
}

bool IsStateChanging(http::verb v) {
  return v != http::verb::get && v != http::verb::head && v != http::verb::options;
}

}  // namespace

ClientInfo ForwardedClient(const std::vector<std::string>& trusted, const ClientInfo& peer,
                           std::string_view forwarded_for) {
  auto is_trusted = [&](std::string_view a) {
    return std::find(trusted.begin(), trusted.end(), a) != trusted.end();
  };
  if (forwarded_for.empty() || !is_trusted(peer.address)) return peer;
  // Right to left: each trusted proxy appended the address it saw.
  std::string_view rest = forwarded_for;
  while (!rest.empty()) {
    const size_t comma = rest.rfind(',');
    std::string_view entry = comma == std::string_view::npos ? rest : rest.substr(comma + 1);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    while (!entry.empty() && (entry.front() == ' ' || entry.front() == '\t'))
      entry.remove_prefix(1);
    while (!entry.empty() && (entry.back() == ' ' || entry.back() == '\t')) entry.remove_suffix(1);
    if (entry.empty() || entry.size() > 64 ||
        entry.find_first_not_of("0123456789abcdefABCDEF.:") != std::string_view::npos) {
      return peer;  // not an address: believe nothing further left
    }
    if (!is_trusted(entry)) return ClientInfo{std::string(entry)};
  }
  return peer;
}

ClientInfo Api::ClientOf(const HttpRequest& request, const ClientInfo& peer) const {
  if (ctx_->config->http.trusted_proxies.empty()) return peer;
  const auto xff = request["X-Forwarded-For"];
  return ForwardedClient(ctx_->config->http.trusted_proxies, peer,
                         std::string_view(xff.data(), xff.size()));
}

Api::Call Api::MakeCall(HttpRequest& request, const ClientInfo& client) const {
  Call call{request, client, {}, {}, {}, {}, false};
  const auto lang = request[http::field::accept_language];
  call.english = lang.size() >= 2 && (lang.substr(0, 2) == "en" || lang.substr(0, 2) == "EN");
  return call;
}

HeaderVerdict Api::Admit(HttpRequest& header, const ClientInfo& peer) {
  HeaderVerdict verdict;
  verdict.body_limit = static_cast<uint64_t>(ctx_->config->http.max_body_kib) << 10;
  const std::string_view target(header.target().data(), header.target().size());
  if (target.substr(0, target.find('?')) != "/api/v1/replication/push") return verdict;
  const auto authorization = header[http::field::authorization];
  if (ctx_->auth->Authenticate("", authorization).is_node()) {
    verdict.body_limit = static_cast<uint64_t>(ctx_->config->http.max_push_mib) << 20;
    return verdict;
  }
  // A user's session: Push answers 403, after at most max_body_kib of body.
  if (authorization.empty() &&
      header[http::field::cookie].find(std::string(kSessionCookie) + "=") != std::string::npos) {
    return verdict;
  }
  const ClientInfo client = ClientOf(header, peer);
  Call call = MakeCall(header, client);
  call.path = "/api/v1/replication/push";
  call.segments = {"api", "v1", "replication", "push"};
  HttpReply r = Error(call, 401, "cần mã của nút (Authorization: Bearer)",
                      "a node's token is required (Authorization: Bearer)");
  r.response.set(http::field::www_authenticate, "Bearer realm=\"hailong-hub\"");
  Finish(call, &r);
  verdict.reply = std::move(r);
  return verdict;
}

HttpReply Api::Handle(HttpRequest& request, const ClientInfo& peer) {
  const std::string_view target(request.target().data(), request.target().size());
  const size_t q = target.find('?');
  const ClientInfo client = ClientOf(request, peer);
  Call call = MakeCall(request, client);
  HttpReply reply;
  if (!net::PercentDecode(target.substr(0, q), &call.path) || call.path.empty() ||
      call.path[0] != '/' || call.path.find('\0') != std::string::npos) {
    reply = Error(call, 400, "đường dẫn không hợp lệ", "bad path");
  } else {
    bool ok = true;
    if (q != std::string_view::npos) {
      std::string_view rest = target.substr(q + 1);
      while (!rest.empty() && ok) {
        const size_t amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        const size_t eq = pair.find('=');
        std::string k, v;
        ok = net::PercentDecode(pair.substr(0, eq), &k, true) &&
             (eq == std::string_view::npos || net::PercentDecode(pair.substr(eq + 1), &v, true));
        if (ok && !k.empty()) call.query[k] = v;
        if (amp == std::string_view::npos) break;
        rest.remove_prefix(amp + 1);
      }
    }
    std::string_view p = call.path;
    p.remove_prefix(1);
    while (!p.empty()) {
      const size_t slash = p.find('/');
      call.segments.emplace_back(p.substr(0, slash));
      if (slash == std::string_view::npos) break;
      p.remove_prefix(slash + 1);
    }
    reply =
        ok ? Route(call) : Error(call, 400, "tham số truy vấn không hợp lệ", "bad query string");
  }
  Finish(call, &reply);
  return reply;
}

void Api::Finish(const Call& call, HttpReply* reply) {
  auto& res = reply->response;
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  res.set("Referrer-Policy", "same-origin");
  if (call.path.rfind("/api/", 0) == 0 && !reply->stream) {
    res.set(http::field::cache_control, "no-store");
  }
  ctx_->metrics->Add("hailong_hub_http_requests_total{route=\"" + RouteTemplate(call.segments) +
                     "\",code=\"" + std::to_string(res.result_int()) + "\"}");
}

HttpReply Api::Route(Call& call) {
  const auto method = call.req.method();
  if (call.path == "/healthz") return Healthz(call);
  if (call.path == "/metrics") return MetricsText(call);
  if (call.path.rfind("/api/", 0) == 0 || call.path == "/api") {
    if (call.path == "/api/v1/login") {
      if (method != http::verb::post) return Error(call, 405, "chỉ dùng POST", "use POST");
      if (!IsJson(call.req)) return NotJson(call);
      return Login(call);
    }
    call.who = ctx_->auth->Authenticate(call.req[http::field::cookie],
                                        call.req[http::field::authorization]);
    if (!call.who.authenticated()) {
      HttpReply r = Error(call, 401, "cần đăng nhập", "authentication required");
      r.response.set(http::field::www_authenticate, "Bearer realm=\"hailong-hub\"");
      return r;
    }
    if (call.who.is_node()) ctx_->nodes->Seen(call.who.node->id);
    if (call.who.via_cookie && IsStateChanging(method) &&
        !ctx_->auth->CheckCsrf(call.who, call.req["X-CSRF-Token"])) {
      return Error(call, 403, "thiếu hoặc sai mã chống giả mạo (X-CSRF-Token)",
                   "missing or wrong X-CSRF-Token");
    }
    // Every write with a body takes JSON, except the two that carry other
    // formats (a body-less DELETE carries nothing a form could forge).
    if (IsStateChanging(method) && !call.req.body().empty() &&
        call.path != "/api/v1/replication/push" && call.path != "/api/v1/catalogue/import" &&
        !IsJson(call.req)) {
      return NotJson(call);
    }
    return RouteApi(call);
  }
  const auto& seg = call.segments;
  if (seg.size() == 5 && seg[0] == "public" && seg[1] == "v1" && seg[2] == "survey") {
    if (method == http::verb::get) return SurveyContext(call, seg[3], seg[4]);
    if (method == http::verb::post && !IsJson(call.req)) return NotJson(call);
    if (method == http::verb::post) return SurveySubmit(call, seg[3], seg[4]);
    return Error(call, 405, "phương thức không được hỗ trợ", "method not allowed");
  }
  if (method != http::verb::get && method != http::verb::head) {
    return Error(call, 405, "phương thức không được hỗ trợ", "method not allowed");
  }
  if (seg.size() == 3 && seg[0] == "public" && seg[1] == "v1" && seg[2] == "results") {
    return PublicResults(call);
  }
  return StaticFile(call);
}

HttpReply Api::RouteApi(Call& call) {
  const auto method = call.req.method();
  const auto& s = call.segments;  // "api", "v1", ...
  const bool get = method == http::verb::get;
  const bool post = method == http::verb::post;
  auto wrong_method = [&] {
    return Error(call, 405, "phương thức không được hỗ trợ", "method not allowed");
  };
  if (s.size() < 3 || s[1] != "v1") return Error(call, 404, "không tìm thấy", "not found");
  const std::string& r = s[2];
  if (r == "replication" && s.size() == 4) {
    if (s[3] == "push") return post ? Push(call) : wrong_method();
    if (s[3] == "cursor") return get ? Cursor(call) : wrong_method();
    if (s[3] == "pull") return get ? Pull(call) : wrong_method();
    if (s[3] == "officer-pins") return get ? NodeOfficerPins(call) : wrong_method();
    if (s[3] == "personal-data-key") return get ? PersonalDataKey(call) : wrong_method();
    if (s[3] == "personal-keys") return post ? PersonalKeysPost(call) : wrong_method();
    return Error(call, 404, "không tìm thấy", "not found");
  }
  if (call.who.is_node()) {
    return Error(call, 403, "nút chỉ được dùng các đường dẫn sao chép dữ liệu",
                 "node tokens may only use the replication endpoints");
  }
  if (s.size() == 3) {
    if (r == "logout") return post ? Logout(call) : wrong_method();
    if (r == "me") return get ? Me(call) : wrong_method();
    if (r == "status") return get ? StatusRoute(call) : wrong_method();
    if (r == "nodes") return get ? Nodes(call) : wrong_method();
    if (r == "report") return get ? ReportRoute(call, "json") : wrong_method();
    if (r == "report.json") return get ? ReportRoute(call, "json") : wrong_method();
    if (r == "report.csv") return get ? ReportRoute(call, "csv") : wrong_method();
    if (r == "report.xlsx") return get ? ReportRoute(call, "xlsx") : wrong_method();
    if (r == "targets") return get ? TargetsRoute(call) : wrong_method();
    if (r == "ratings") return get ? Ratings(call) : wrong_method();
    if (r == "follow-ups") return get ? FollowUps(call) : wrong_method();
    if (r == "catalogue")
      return get ? CatalogueList(call) : post ? CataloguePost(call) : wrong_method();
    if (r == "templates")
      return get ? TemplatesList(call) : post ? TemplatePost(call) : wrong_method();
    if (r == "audit") return get ? AuditList(call) : wrong_method();
    if (r == "alerts") return get ? AlertsList(call) : wrong_method();
    if (r == "officer-pins") return get ? OfficerPinsList(call) : wrong_method();
    if (r == "erasures")
      return get ? ErasuresList(call) : post ? ErasurePost(call) : wrong_method();
    if (r == "comments") return get ? CommentsRoute(call) : wrong_method();
    if (r == "complaints")
      return get ? ComplaintsList(call) : post ? ComplaintPost(call) : wrong_method();
  }
  if (r == "comments" && s.size() == 6 && s[5] == "follow-up") {
    return post ? CommentFollowUp(call, s[3], s[4]) : wrong_method();
  }
  if (r == "dossiers" && s.size() == 5)
    return get ? DossierTimeline(call, s[3], s[4]) : wrong_method();
  if (r == "officers" && s.size() == 6 && s[5] == "pin") return OfficerPinRoute(call, s[3], s[4]);
  if (r == "alerts" && s.size() == 5) {
    return post ? AlertAction(call, s[3], s[4]) : wrong_method();
  }
  if (r == "report" && s.size() == 4 && (s[3] == "periodic" || s[3] == "periodic.pdf")) {
    return get ? PeriodicReportRoute(call, s[3] == "periodic" ? "json" : "pdf") : wrong_method();
  }
  if (r == "events" && s.size() == 4 && s[3] == "stream")
    return get ? Stream(call) : wrong_method();
  if (r == "catalogue" && s.size() == 4 && s[3] == "import") {
    return post ? CatalogueImport(call) : wrong_method();
  }
  if (r == "follow-ups" && s.size() == 4) return get ? FollowUp(call, s[3]) : wrong_method();
  if (r == "follow-ups" && s.size() == 5) {
    return post ? FollowUpAction(call, s[3], s[4]) : wrong_method();
  }
  if (r == "ratings" && s.size() == 6 && s[5] == "void") {
    return post ? VoidRating(call, s[3], s[4]) : wrong_method();
  }
  return Error(call, 404, "không tìm thấy", "not found");
}

}  // namespace hailong::hub
