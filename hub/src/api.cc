#include "api.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

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

std::string Api::Call::Query(const std::string& key, const std::string& fallback) const {
  auto it = query.find(key);
  return it == query.end() ? fallback : it->second;
}

Api::Api(HubContext* context) : ctx_(context) {
  Metrics& m = *ctx_->metrics;
  m.Describe("hailong_hub_http_requests_total", "counter", "HTTP requests by route and status.");
  m.Describe("hailong_hub_push_batches_total", "counter", "Replication pushes accepted.");
  m.Describe("hailong_hub_push_events_total", "counter", "Events received by push, by result.");
  m.Describe("hailong_hub_push_refused_total", "counter", "Replication pushes refused, by reason.");
  m.Describe("hailong_hub_pull_events_total", "counter", "Hub events served to nodes.");
  m.Describe("hailong_hub_logins_total", "counter", "Login attempts by result.");
  m.Describe("hailong_hub_personal_data_access_total", "counter",
             "Responses that showed phone numbers or comments (each audited).");
}

HttpReply Api::Json(unsigned status, const json& body) const {
  return JsonReply(status, codec::Dump(body));
}

HttpReply Api::Error(const Call& call, unsigned status, const std::string& vi,
                     const std::string& en, json extra) const {
  extra["error"] = call.english ? en : vi;
  if (!call.english) extra["error_en"] = en;
  return Json(status, extra);
}

HttpReply Api::NotJson(const Call& call) const {
  return Error(call, 415, "nội dung phải là JSON (Content-Type: application/json)",
               "the body must be JSON (Content-Type: application/json)");
}

bool Api::ParseBody(const Call& call, json* body, HttpReply* error) const {
  *body = json::parse(call.req.body(), nullptr, false);
  if (body->is_discarded() || !body->is_object()) {
    *error = Error(call, 400, "nội dung yêu cầu không phải là đối tượng JSON hợp lệ",
                   "the request body is not a valid JSON object");
    return false;
  }
  return true;
}

bool Api::MaySeeOffice(const Call& call, const std::string& office) const {
  return call.who.MaySeeOffice(office);
}

Status Api::KnownOffices(std::vector<std::string>* offices) const {
  // Offices appear only through the projector, which then moves to a new
  // generation; the list read after noting the generation is at least as
  // new as it.
  const uint64_t generation = ctx_->projector->generation();
  {
    std::lock_guard<std::mutex> lock(offices_mu_);
    if (offices_ != nullptr && offices_generation_ == generation) {
      *offices = *offices_;
      return Status::OK();
    }
  }
  Status s = ListOffices(*ctx_->log->store(), offices);
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> lock(offices_mu_);
  if (offices_ == nullptr || generation >= offices_generation_) {
    offices_ = std::make_shared<const std::vector<std::string>>(*offices);
    offices_generation_ = generation;
  }
  return Status::OK();
}

bool Api::ScopeOffices(const Call& call, std::vector<std::string>* offices,
                       HttpReply* error) const {
  offices->clear();
  const std::string office = call.Query("office");
  if (!office.empty()) {
    if (!MaySeeOffice(call, office)) {
      *error = Error(call, 403, "bạn không có quyền xem đơn vị " + office,
                     "you may not see office " + office);
      return false;
    }
    offices->push_back(office);
    return true;
  }
  if (call.who.AllOffices()) return true;  // empty = every office
  std::vector<std::string> all;
  Status s = KnownOffices(&all);
  if (!s.ok()) {
    *error = Error(call, 500, "lỗi đọc dữ liệu", s.ToString());
    return false;
  }
  for (const auto& o : all) {
    if (MaySeeOffice(call, o)) offices->push_back(o);
  }
  if (call.who.is_user()) {
    for (const auto& o : call.who.user->offices) {
      if (o != "*") offices->push_back(o);
    }
  }
  std::sort(offices->begin(), offices->end());
  offices->erase(std::unique(offices->begin(), offices->end()), offices->end());
  if (offices->empty()) offices->push_back("\x01none");  // nothing visible
  return true;
}

void Api::Audit(const Call& call, const std::string& action, const std::string& target,
                const json& detail) {
  const std::string role = call.who.is_user() ? RoleName(call.who.user->role) : "node";
  Status s =
      ctx_->audit->Record(call.who.name(), role, call.client.address, action, target, detail);
  if (!s.ok()) std::fprintf(stderr, "hailong-hub: audit write failed: %s\n", s.ToString().c_str());
}

Status Api::AppendHubEvent(replication::EventDraft draft, uint64_t* seq) {
  replication::AppendResult result;
  const std::string origin = draft.origin.empty() ? ctx_->log->origin() : draft.origin;
  Status s = ctx_->log->Append(std::move(draft), &result);
  if (!s.ok()) return s;
  *seq = result.seq;
  // Answer once the read models show the change (bounded wait).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (ctx_->projector->Applied(origin) < result.seq &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return Status::OK();
}

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

HttpReply Api::Login(Call& call) {
  json body;
  HttpReply error;
  if (!ParseBody(call, &body, &error)) return error;
  auto name = body.find("name");
  auto password = body.find("password");
  if (name == body.end() || !name->is_string() || password == body.end() ||
      !password->is_string()) {
    return Error(call, 400, "cần \"name\" và \"password\" dạng chuỗi",
                 "\"name\" and \"password\" (strings) are required");
  }
  LoginResult login;
  int retry_after = 0;
  Status s = ctx_->auth->Login(name->get<std::string>(), password->get<std::string>(),
                               call.client.address, &login, &retry_after);
  if (s.code() == Status::Code::kUnavailable) {
    ctx_->metrics->Add("hailong_hub_logins_total{result=\"limited\"}");
    HttpReply r = Error(call, 429, "đăng nhập sai quá nhiều lần; vui lòng thử lại sau",
                        "too many login attempts; try again later");
    r.response.set(http::field::retry_after, std::to_string(retry_after));
    return r;
  }
  if (!s.ok()) {
    ctx_->metrics->Add("hailong_hub_logins_total{result=\"failed\"}");
    return Error(call, 401, "sai tên đăng nhập hoặc mật khẩu", "wrong name or password");
  }
  ctx_->metrics->Add("hailong_hub_logins_total{result=\"ok\"}");
  json offices = login.user->offices;
  HttpReply r = Json(200, json{{"name", login.user->name},
                               {"role", RoleName(login.user->role)},
                               {"offices", offices},
                               {"csrf_token", login.csrf_token},
                               {"expires", FormatRfc3339(login.expires_ms)}});
  r.response.set(http::field::set_cookie, ctx_->auth->SessionCookie(login));
  return r;
}

HttpReply Api::Logout(Call& call) {
  ctx_->auth->Logout(call.who);
  ctx_->live->EndSession(call.who.session_hash);  // its live-update streams end with it
  HttpReply r = Json(200, json{{"status", "logged_out"}});
  r.response.set(http::field::set_cookie, ctx_->auth->ClearCookie());
  return r;
}

HttpReply Api::Me(Call& call) {
  json j{{"name", call.who.user->name},
         {"role", RoleName(call.who.user->role)},
         {"offices", call.who.user->offices},
         {"personal_data", call.who.MaySeePersonalData()}};
  if (call.who.via_cookie) j["csrf_token"] = call.who.csrf_token;
  return Json(200, j);
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

HttpReply Api::StaticFile(Call& call) {
  namespace fs = std::filesystem;
  std::string relative;
  const std::string& p = call.path;
  if (p == "/" || p == "/index.html") {
    relative = "index.html";
  } else if (p.rfind("/assets/", 0) == 0) {
    relative = p.substr(1);
  } else if (p.rfind("/s/", 0) == 0 && call.segments.size() == 3) {
    relative = "survey.html";
  } else if ((p == "/ket-qua" || p == "/ket-qua/" ||
              (p.rfind("/ket-qua/", 0) == 0 && call.segments.size() == 2)) &&
             ctx_->config->public_results) {
    relative = "public.html";  // the office, if any, is read by public.js
  } else if (p == "/bao-cao" || p == "/bao-cao/") {
    relative = "periodic.html";  // the printable periodic report; its data needs a session
  } else if (p == "/favicon.ico") {
    relative = "favicon.ico";
  } else {
    return Error(call, 404, "không tìm thấy", "not found");
  }
  // Traversal: no "..", no backslash, no empty segment; then the canonical
  // path must stay under the canonical web root.
  if (relative.find("..") != std::string::npos || relative.find('\\') != std::string::npos ||
      relative.find("//") != std::string::npos) {
    return Error(call, 404, "không tìm thấy", "not found");
  }
  // The canonical file must stay under the canonical root; "" if absent.
  auto resolve = [](const std::string& root_dir, const std::string& rel) -> fs::path {
    std::error_code ec;
    const fs::path root = fs::canonical(root_dir, ec);
    if (ec) return {};
    const fs::path f = fs::weakly_canonical(root / rel, ec);
    if (ec || f.string().rfind(root.string() + "/", 0) != 0 || !fs::is_regular_file(f, ec)) {
      return {};
    }
    return f;
  };
  fs::path file = resolve(ctx_->web_root, relative);
  // The phone survey is the edge's page (edge/web): its survey.html and
  // scripts, unless web_root has its own file of that name (survey-host.js).
  if (file.empty() && !ctx_->survey_web_root.empty()) {
    if (relative.rfind("assets/", 0) == 0) {
      file = resolve(ctx_->survey_web_root, relative.substr(7));
    } else if (relative == "survey.html") {
      file = resolve(ctx_->survey_web_root, relative);
    }
  }
  if (file.empty()) return Error(call, 404, "không tìm thấy", "not found");
  std::ifstream in(file, std::ios::binary);
  std::ostringstream data;
  data << in.rdbuf();
  if (!in.good() && !in.eof()) return Error(call, 500, "không đọc được tệp", "cannot read file");
  HttpReply r = TextReply(200, data.str(), net::ContentTypeFor(file.string()));
  if (relative.rfind("assets/", 0) == 0) {
    r.response.set(http::field::cache_control, "public, max-age=3600");
  } else {
    r.response.set(http::field::cache_control, "no-cache");
  }
  if (net::ContentTypeFor(file.string()).rfind("text/html", 0) == 0) {
    r.response.set("Content-Security-Policy",
                   "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                   "frame-ancestors 'none'");
  }
  if (call.req.method() == http::verb::head) r.response.body().clear();
  return r;
}

}  // namespace hailong::hub
