// The edge's HTTP API (interfaces.md §5 and edge/README.md): routing and
// one function per endpoint. Handlers run on the HTTP threads; anything
// that appends to the log goes to the rating intake or the blocking pool
// and answers from there.
#include <boost/asio/post.hpp>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "edge_context.h"
#include "hailong/devices/payload.h"
#include "hailong/edge/qr.h"
#include "hailong/net/content_type.h"
#include "hailong/schema/event_json.h"
#include "hailong/schema/time.h"
#include "hailong/schema/version.h"
#include "hailong/survey/rating.h"

namespace hailong::edge {

namespace fs = std::filesystem;
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

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

using net::ContentTypeFor;

// A plain file name inside a served directory: no separators, no leading
// dot (so no "..", no hidden files), nothing outside [A-Za-z0-9._-].
bool IsSafeFileName(std::string_view name) {
  if (name.empty() || name.size() > 128 || name[0] == '.') return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

bool ReadWholeFile(const std::string& path, std::string* out) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return false;
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  *out = s.str();
  return static_cast<bool>(in) || in.eof();
}

HttpResponse ServeFile(const std::string& dir, std::string_view name) {
  if (!IsSafeFileName(name)) return HttpResponse::Error(404, "không tìm thấy tệp");
  // A symlink in the web root must not lead outside it.
  std::error_code ec;
  const fs::path root = fs::canonical(dir, ec);
  const fs::path file = ec ? fs::path() : fs::canonical(root / std::string(name), ec);
  if (ec || file.parent_path() != root) return HttpResponse::Error(404, "không tìm thấy tệp");
  std::string body;
  if (!ReadWholeFile(file.string(), &body)) {
    return HttpResponse::Error(404, "không tìm thấy tệp");
  }
  return HttpResponse::Bytes(200, ContentTypeFor(name), std::move(body));
}

HttpResponse NotFound() { return HttpResponse::Error(404, "không tìm thấy"); }
HttpResponse MethodNotAllowed() {
  return HttpResponse::Error(405, "phương thức không được hỗ trợ");
}

// Parses a JSON object body; on failure sets *error.
bool ParseObject(const HttpRequest& req, json* out, HttpResponse* error) {
  *out = json::parse(req.body, nullptr, false);
  if (out->is_discarded()) {
    *error = HttpResponse::Error(400, "malformed JSON");
    return false;
  }
  if (!out->is_object()) {
    *error = HttpResponse::Error(400, "body must be a JSON object");
    return false;
  }
  return true;
}

// Reads an optional string member; false (and *error) if it is not a string.
bool OptionalString(const json& j, const char* key, std::string* out, HttpResponse* error) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return true;
  if (!it->is_string()) {
    *error = HttpResponse::Error(400, std::string("field '") + key + "' must be a string");
    return false;
  }
  *out = it->get<std::string>();
  return true;
}

// Writes carry JSON only (interfaces.md §7): a page elsewhere on the LAN
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

HttpResponse StatusError(const Status& s) {
  if (s.IsStorageFull()) {
    return HttpResponse::Json(507, {{"status", "rejected"}, {"error", "storage full"}});
  }
  if (s.IsInvalidArgument()) return HttpResponse::Error(400, s.message());
  if (s.IsNotFound()) return HttpResponse::Error(404, s.message());
  return HttpResponse::Error(503, s.ToString());
}

json TimeOrNull(int64_t ms) { return ms == 0 ? json(nullptr) : json(FormatRfc3339(ms)); }

// A refused rating's answer: the detail as "error" (what a device's ack
// carries), the reason's label, and its texts for the citizen's screen.
json RejectionJson(const std::optional<std::string>& id, survey::RejectReason reason,
                   const std::string& detail) {
  return {{"id", id ? json(*id) : json(nullptr)},
          {"status", "rejected"},
          {"error", detail},
          {"reason", std::string(survey::ReasonLabel(reason))},
          {"message", std::string(survey::ReasonVi(reason))},
          {"message_en", std::string(survey::ReasonEn(reason))}};
}

}  // namespace

std::string OfficerPhotoFile(const Context& ctx, const std::string& officer) {
  if (!devices::IsValidNodeId(officer)) return "";
  std::error_code ec;
  auto entry = ctx.office.catalogue.Find(fb::CatalogueKind::Officer, officer);
  if (entry) {
    const std::string photo = entry->Attribute("photo");
    if (IsSafeFileName(photo)) {
      std::string path = ctx.config.photo_dir + "/" + photo;
      if (fs::is_regular_file(path, ec)) return path;
    }
  }
  for (const char* ext : {".jpg", ".jpeg", ".png", ".webp", ".svg"}) {
    std::string path = ctx.config.photo_dir + "/" + officer + ext;
    if (fs::is_regular_file(path, ec)) return path;
  }
  return "";
}

namespace {

// ---- read-only endpoints ----------------------------------------------------

HttpResponse GetStatus(Context* ctx) {
  const EdgeGauges g = ctx->Gauges();
  const ReplicationState r = ctx->Replication();
  const int64_t now = ctx->clock->NowMs();
  json j;
  j["office_id"] = ctx->config.office_id;
  j["origin"] = ctx->log->origin();
  j["log_seq"] = g.log_seq;
  j["replicated_seq"] = r.replicated_seq;
  j["hub_reachable"] = r.hub_reachable;
  j["hub_configured"] = ctx->config.hub.has_value();
  j["hub_url"] = ctx->config.hub ? ctx->config.hub->url : std::string();
  j["hub_last_error"] = r.last_error;
  j["hub_last_contact"] = TimeOrNull(r.last_contact_ms);
  j["lag_events"] = ctx->config.hub ? r.lag_events : g.log_seq;
  j["lag_seconds"] = r.lag_seconds;
  j["pulled_seq"] = r.pulled_seq;
  j["mqtt_connected"] = g.mqtt_connected;
  j["devices_online"] = g.devices_online;
  j["ingest_queue"] = g.ingest_queue_depth;
  j["free_disk_bytes"] = g.free_disk_bytes;
  j["min_free_bytes"] = ctx->config.min_free_mb << 20;
  j["version"] = kVersion;
  j["started_at"] = FormatRfc3339(ctx->started_ms);
  j["uptime_s"] = (now - ctx->started_ms) / 1000;
  j["time"] = FormatRfc3339(now);
  const OfficerPinsState pins = ctx->pins.state();
  j["officer_pins"] = {{"count", pins.count},
                       {"version", pins.version},
                       {"received_at", TimeOrNull(pins.fetched_ms)},
                       {"last_error", pins.last_error}};
  return HttpResponse::Json(200, j);
}

// The catalogue's officers, for the kiosk's sign-in form (no hashes).
HttpResponse GetOfficers(Context* ctx) {
  json list = json::array();
  for (const auto& e : ctx->office.catalogue.List(fb::CatalogueKind::Officer)) {
    list.push_back(
        {{"id", e.id}, {"name", e.name}, {"has_pin", ctx->pins.HashOf(e.id).has_value()}});
  }
  return HttpResponse::Json(200, {{"officers", list}});
}

HttpResponse GetCounters(Context* ctx) {
  json list = json::array();
  for (const std::string& id : ctx->KnownCounters()) {
    json session = ctx->SessionJson(id);
    json officer = nullptr;
    if (session["officer"].is_object()) {
      officer = {{"id", session["officer"]["id"]}, {"name", session["officer"]["name"]}};
    }
    list.push_back(
        {{"id", id},
         {"name", session["name"]},
         {"template", session["template"].is_object() ? session["template"]["id"] : json(nullptr)},
         {"officer", officer}});
  }
  return HttpResponse::Json(200, {{"counters", list}});
}

HttpResponse CounterError(const Status& s) {
  if (s.IsNotFound()) return HttpResponse::Error(404, s.message());
  return HttpResponse::Error(400, s.message());
}

HttpResponse GetSession(Context* ctx, const std::string& counter) {
  Status s = ctx->office.catalogue.CheckCounter(counter);
  if (!s.ok()) return CounterError(s);
  return HttpResponse::Json(200, ctx->SessionJson(counter));
}

HttpResponse GetDossier(Context* ctx, const std::string& receipt) {
  if (!IsValidReceipt(receipt)) {
    return HttpResponse::Json(
        400, {{"error", "bad receipt"}, {"message", "Số biên nhận hồ sơ chưa đúng."}});
  }
  auto d = ctx->office.dossiers.Find(receipt);
  if (!d) {
    return HttpResponse::Json(404, {{"error", "unknown receipt"},
                                    {"message", "Không tìm thấy hồ sơ số " + receipt + "."}});
  }
  json j;
  j["receipt"] = d->receipt;
  j["stage"] = d->returned ? "returned" : "received";
  j["procedure"] = d->procedure;
  j["procedure_name"] = ctx->office.catalogue.Name(fb::CatalogueKind::Procedure, d->procedure);
  j["field"] = d->field;
  j["field_name"] = ctx->office.catalogue.Name(fb::CatalogueKind::Field, d->field);
  j["counter"] = d->counter;
  j["received_at"] = TimeOrNull(d->received_at_ms);
  j["due"] = TimeOrNull(d->due_ms);
  j["returned_at"] = TimeOrNull(d->returned_at_ms);
  if (d->returned && d->due_ms != 0) {
    j["on_time"] = d->returned_at_ms <= d->due_ms;
  }
  return HttpResponse::Json(200, j);
}

HttpResponse GetPhoto(Context* ctx, const std::string& officer) {
  std::string path = OfficerPhotoFile(*ctx, officer);
  std::string body;
  if (path.empty() || !ReadWholeFile(path, &body)) return NotFound();
  return HttpResponse::Bytes(200, ContentTypeFor(path), std::move(body));
}

// /qr/{counter|receipt}/{id}.{png|svg}
HttpResponse GetQr(Context* ctx, std::string_view kind, std::string_view file,
                   const HttpRequest& req) {
  std::string_view id;
  bool png = false;
  if (EndsWith(file, ".png")) {
    png = true;
    id = file.substr(0, file.size() - 4);
  } else if (EndsWith(file, ".svg")) {
    id = file.substr(0, file.size() - 4);
  } else {
    return NotFound();
  }
  std::string text = ctx->public_url + "/s/" + ctx->config.office_id + "/";
  if (kind == "counter") {
    Status s = ctx->office.catalogue.CheckCounter(id);
    if (!s.ok()) return CounterError(s);
    text += std::string(id);
  } else if (kind == "receipt") {
    const std::string receipt(id);
    if (!IsValidReceipt(receipt)) return HttpResponse::Error(400, "bad receipt");
    std::string counter;
    auto q = req.query.find("counter");
    if (q != req.query.end()) {
      counter = q->second;
    } else if (auto d = ctx->office.dossiers.Find(receipt)) {
      counter = d->counter;
    }
    if (counter.empty()) {
      return HttpResponse::Error(404, "unknown receipt (give ?counter=)");
    }
    Status s = ctx->office.catalogue.CheckCounter(counter);
    if (!s.ok()) return CounterError(s);
    text += counter + "?r=" + receipt;
  } else {
    return NotFound();
  }
  std::string image;
  Status s = png ? RenderQrPng(text, &image) : RenderQrSvg(text, &image);
  if (!s.ok()) return HttpResponse::Error(400, s.message());
  return HttpResponse::Bytes(200, png ? "image/png" : "image/svg+xml; charset=utf-8",
                             std::move(image));
}

// ---- endpoints that append ----------------------------------------------------

// Who may send this rating: a `touchscreen` rating only from a kiosk
// enrolled for its counter (the kiosk's id becomes the rating's device);
// "phone" and "web" from anyone, within the per-address and per-counter
// limits, and as anonymous clients (see RatingSubmission). Empty when
// admitted, else {"http_status","status","error","message"}.
// Why a rating is refused before it reaches the intake, and the HTTP status.
struct RatingDenial {
  int http_status;
  survey::Rejection rejection;
};

std::optional<RatingDenial> AdmitRating(Context* ctx, const HttpRequest& req, const json& body,
                                        RatingSubmission* sub) {
  std::string counter;
  if (body.is_object() && body.contains("counter") && body["counter"].is_string()) {
    counter = body["counter"].get<std::string>();
  }
  if (sub->channel == fb::Channel::Touchscreen) {
    auto kiosk = ctx->kiosks->Authenticate(BearerToken(req));
    if (!kiosk) {
      return RatingDenial{401, survey::Reject(survey::RejectReason::kKioskNotEnrolled)};
    }
    if (kiosk->counter != counter) {
      return RatingDenial{
          403, survey::Reject(
                   survey::RejectReason::kKioskOtherCounter,
                   "kiosk '" + kiosk->id + "' is enrolled for counter '" + kiosk->counter + "'")};
    }
    sub->device = kiosk->id;
    return std::nullopt;
  }
  // The body's "device" is the client's word: it names no device of the
  // office (it could otherwise take a button box's idempotency ids).
  sub->device.clear();
  sub->anonymous = true;
  sub->client = req.remote;
  switch (ctx->phone_limits.Admit(req.remote, counter, ctx->clock->NowMs())) {
    case PhoneLimits::Verdict::kAdmitted:
      return std::nullopt;
    case PhoneLimits::Verdict::kAddressLimited:
      return RatingDenial{429, survey::Reject(survey::RejectReason::kAddressLimited)};
    case PhoneLimits::Verdict::kCounterLimited:
      break;
  }
  return RatingDenial{429, survey::Reject(survey::RejectReason::kCounterLimited)};
}

void PostRating(Context* ctx, HttpRequest& req, HttpResponder respond) {
  RatingSubmission sub;
  sub.channel = fb::Channel::Web;
  json j = json::parse(req.body, nullptr, false);
  auto reject = [&](const survey::Rejection& r) {
    ctx->metrics.CountRejected("http", r.reason);
    respond(HttpResponse::Json(
        400, RejectionJson(survey::ExtractRatingId(req.body), r.reason, r.detail)));
  };
  if (j.is_object()) {
    if (auto c = j.find("channel"); c != j.end()) {
      fb::Channel channel;
      if (!c->is_string()) {
        return reject(
            survey::Reject(survey::RejectReason::kWrongType, "field 'channel' must be a string"));
      }
      const std::string name = c->get<std::string>();
      if (!schema::ChannelFromName(name, &channel) ||
          (channel != fb::Channel::Touchscreen && channel != fb::Channel::Phone &&
           channel != fb::Channel::Web)) {
        return reject(
            survey::Reject(survey::RejectReason::kBadChannel, "bad channel '" + name + "'"));
      }
      sub.channel = channel;
    }
    if (auto d = j.find("device"); d != j.end() && !d->is_null()) {
      if (!d->is_string() || !devices::IsValidNodeId(d->get<std::string>())) {
        return reject(survey::Reject(survey::RejectReason::kBadDevice));
      }
      sub.device = d->get<std::string>();
    }
  }
  if (auto denied = AdmitRating(ctx, req, j, &sub)) {
    ctx->metrics.CountRejected("http", denied->rejection.reason);
    const int status = denied->http_status;
    HttpResponse r = HttpResponse::Json(
        status, RejectionJson(survey::ExtractRatingId(req.body), denied->rejection.reason,
                              denied->rejection.detail));
    if (status == 429) {
      r.headers.emplace_back("Retry-After", std::to_string(ctx->config.phone_limit_window_s));
    }
    if (status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return respond(r);
  }
  sub.payload = std::move(req.body);
  sub.from_mqtt = false;
  sub.done = [respond](const RatingOutcome& out) {
    json id = out.id ? json(*out.id) : json(nullptr);
    switch (out.kind) {
      case RatingOutcome::Kind::kStored:
        respond(HttpResponse::Json(
            200,
            {{"id", id}, {"status", "stored"}, {"seq", out.seq}, {"duplicate", out.duplicate}}));
        return;
      case RatingOutcome::Kind::kRejected:
        respond(HttpResponse::Json(out.reason == survey::RejectReason::kAlreadyRated ? 409 : 400,
                                   RejectionJson(out.id, out.reason, out.error)));
        return;
      case RatingOutcome::Kind::kStorageFull:
        respond(HttpResponse::Json(507, RejectionJson(out.id, out.reason, "storage full")));
        return;
      case RatingOutcome::Kind::kError:
        if (out.error == "no personal data key from the hub yet") {
          // Never stored in clear: the page keeps it and retries.
          respond(HttpResponse::Json(
              503, {{"id", id},
                    {"status", "error"},
                    {"error", out.error},
                    {"message",
                     "Chưa lưu được số điện thoại và ý kiến: bộ phận một cửa chưa nhận khoá mã "
                     "hoá từ máy chủ huyện. Vui lòng thử lại sau."}}));
          return;
        }
        respond(HttpResponse::Json(503, {{"id", id}, {"status", "error"}, {"error", out.error}}));
        return;
    }
  };
  if (!ctx->intake->TrySubmit(sub)) {
    respond(HttpResponse::Json(503, {{"status", "error"}, {"error", "busy, try again"}}));
  }
}

// Runs `work` on the blocking pool and answers with its response.
void OffThread(Context* ctx, HttpResponder respond, std::function<HttpResponse()> work) {
  boost::asio::post(*ctx->blocking,
                    [respond = std::move(respond), work = std::move(work)] { respond(work()); });
}

// The officer and the PIN (officer_sign_in.cc) are the credential; the
// name comes from the catalogue (a client's "name" is ignored).
void PostSignIn(Context* ctx, const std::string& counter, const HttpRequest& req,
                HttpResponder respond) {
  Status s = ctx->office.catalogue.CheckCounter(counter);
  if (!s.ok()) return respond(CounterError(s));
  json j;
  HttpResponse error;
  if (!ParseObject(req, &j, &error)) return respond(error);
  std::string officer, template_id;
  if (!OptionalString(j, "officer", &officer, &error) ||
      !OptionalString(j, "template", &template_id, &error)) {
    return respond(error);
  }
  if (!devices::IsValidNodeId(officer)) {
    return respond(
        HttpResponse::Error(400, "field 'officer' must be 1-64 letters, digits, '-' or '_'"));
  }
  if (!template_id.empty() && ctx->office.catalogue.templates().Find(template_id) == nullptr) {
    return respond(HttpResponse::Error(400, "unknown template '" + template_id + "'"));
  }
  std::string pin;
  if (auto refused = AdmitPin(ctx, counter, officer, j, &pin)) return respond(*refused);
  OffThread(ctx, std::move(respond), [ctx, counter, officer, template_id, pin] {
    if (auto refused = CheckAdmittedPin(ctx, counter, officer, pin, "sign-in")) return *refused;
    fb::OfficerSignedInT in;
    in.office = ctx->config.office_id;
    in.counter = counter;
    in.officer = officer;
    in.officer_name = ctx->office.catalogue.Name(fb::CatalogueKind::Officer, officer);
    in.template_id = template_id;
    replication::EventDraft draft;
    draft.body.Set(std::move(in));
    replication::AppendResult result;
    Status s = ctx->AppendAndApply(std::move(draft), &result);
    if (!s.ok()) return StatusError(s);
    json body = ctx->SessionJson(counter);
    body["seq"] = result.seq;
    return HttpResponse::Json(200, body);
  });
}

// The PIN of the officer on duty is the credential.
void PostSignOut(Context* ctx, const std::string& counter, const HttpRequest& req,
                 HttpResponder respond) {
  Status s = ctx->office.catalogue.CheckCounter(counter);
  if (!s.ok()) return respond(CounterError(s));
  json j = json::object();
  HttpResponse error;
  if (!req.body.empty() && !ParseObject(req, &j, &error)) return respond(error);
  std::string officer;
  if (!OptionalString(j, "officer", &officer, &error)) return respond(error);
  auto duty = ctx->office.sessions.Current(counter);
  const std::string on_duty = duty ? duty->officer : std::string();
  if (!officer.empty() && !on_duty.empty() && officer != on_duty) {
    return respond(HttpResponse::Error(
        409, "officer '" + officer + "' is not on duty at counter '" + counter + "'"));
  }
  std::string pin;
  if (on_duty.empty()) {  // nobody to sign out: nothing is stored
    if (!j.contains("pin")) {
      return respond(HttpResponse::Json(401, {{"error", "Cần nhập mã PIN của cán bộ."},
                                              {"error_en", "the officer's PIN is required"}}));
    }
    return respond(HttpResponse::Json(200, ctx->SessionJson(counter)));
  }
  if (auto refused = AdmitPin(ctx, counter, on_duty, j, &pin)) return respond(*refused);
  OffThread(ctx, std::move(respond), [ctx, counter, on_duty, pin] {
    if (auto refused = CheckAdmittedPin(ctx, counter, on_duty, pin, "sign-out")) return *refused;
    auto duty = ctx->office.sessions.Current(counter);
    if (!duty || duty->officer != on_duty) {
      return HttpResponse::Error(
          409, "officer '" + on_duty + "' is no longer on duty at counter '" + counter + "'");
    }
    fb::OfficerSignedOutT out;
    out.office = ctx->config.office_id;
    out.counter = counter;
    out.officer = duty->officer;
    replication::EventDraft draft;
    draft.body.Set(std::move(out));
    replication::AppendResult result;
    Status s = ctx->AppendAndApply(std::move(draft), &result);
    if (!s.ok()) return StatusError(s);
    json body = ctx->SessionJson(counter);
    body["seq"] = result.seq;
    return HttpResponse::Json(200, body);
  });
}

void PostDossier(Context* ctx, const HttpRequest& req, HttpResponder respond) {
  if (auto denied = CheckDossierToken(ctx, req)) return respond(*denied);
  json j;
  HttpResponse error;
  if (!ParseObject(req, &j, &error)) return respond(error);
  fb::DossierRecordedT d;
  std::string event, due, at;
  if (!OptionalString(j, "receipt", &d.receipt, &error) ||
      !OptionalString(j, "event", &event, &error) ||
      !OptionalString(j, "procedure", &d.procedure, &error) ||
      !OptionalString(j, "field", &d.field, &error) ||
      !OptionalString(j, "counter", &d.counter, &error) ||
      !OptionalString(j, "officer", &d.officer, &error) ||
      !OptionalString(j, "due", &due, &error) || !OptionalString(j, "at", &at, &error)) {
    return respond(error);
  }
  if (!IsValidReceipt(d.receipt)) {
    return respond(HttpResponse::Error(400, "field 'receipt' must be 1-64 of [A-Za-z0-9._/-]"));
  }
  if (event == "received") {
    d.stage = fb::DossierStage::Received;
  } else if (event == "returned") {
    d.stage = fb::DossierStage::Returned;
  } else {
    return respond(HttpResponse::Error(400, "field 'event' must be \"received\" or \"returned\""));
  }
  if (d.procedure.size() > 64 || d.field.size() > 64) {
    return respond(HttpResponse::Error(400, "procedure and field codes are at most 64 bytes"));
  }
  if (!d.counter.empty()) {
    Status s = ctx->office.catalogue.CheckCounter(d.counter);
    if (!s.ok()) return respond(HttpResponse::Error(400, "field 'counter': " + s.message()));
  }
  if (!d.officer.empty() && !devices::IsValidNodeId(d.officer)) {
    return respond(
        HttpResponse::Error(400, "field 'officer' must be 1-64 letters, digits, '-' or '_'"));
  }
  if (!due.empty() && !ParseRfc3339(due, &d.due_ms).ok()) {
    return respond(HttpResponse::Error(400, "field 'due' must be an RFC 3339 time"));
  }
  if (!at.empty() && !ParseRfc3339(at, &d.at_ms).ok()) {
    return respond(HttpResponse::Error(400, "field 'at' must be an RFC 3339 time"));
  }
  d.office = ctx->config.office_id;
  const int64_t now = ctx->clock->NowMs();
  std::string idempotency;
  if (d.at_ms != 0) {
    idempotency = "dossier:" + d.receipt + ":" + event + ":" + std::to_string(d.at_ms);
  } else {
    d.at_ms = now;
  }
  OffThread(ctx, std::move(respond), [ctx, d = std::move(d), event, idempotency]() mutable {
    const std::string receipt = d.receipt;
    replication::EventDraft draft;
    draft.idempotency_id = idempotency;
    draft.body.Set(std::move(d));
    replication::AppendResult result;
    Status s = ctx->AppendAndApply(std::move(draft), &result);
    if (!s.ok()) return StatusError(s);
    if (!result.duplicate) ++ctx->metrics.dossiers_stored;
    return HttpResponse::Json(200, {{"receipt", receipt},
                                    {"event", event},
                                    {"status", "stored"},
                                    {"seq", result.seq},
                                    {"duplicate", result.duplicate}});
  });
}

// POST /api/v1/visits: a citizen's visit from the office's queue system
// (a number issued) or counter software (a citizen served), with the
// one-stop software's token: the base of participation by visits. The
// poster's id makes a resend harmless.
void PostVisit(Context* ctx, const HttpRequest& req, HttpResponder respond) {
  if (auto denied = CheckDossierToken(ctx, req)) return respond(*denied);
  json j;
  HttpResponse error;
  if (!ParseObject(req, &j, &error)) return respond(error);
  fb::VisitRecordedT v;
  std::string source, at;
  if (!OptionalString(j, "id", &v.visit_id, &error) ||
      !OptionalString(j, "ticket", &v.ticket, &error) ||
      !OptionalString(j, "counter", &v.counter, &error) ||
      !OptionalString(j, "source", &source, &error) || !OptionalString(j, "at", &at, &error)) {
    return respond(error);
  }
  if (!IsValidReceipt(v.visit_id)) {
    return respond(HttpResponse::Error(400, "field 'id' must be 1-64 of [A-Za-z0-9._/-]"));
  }
  if (v.ticket.size() > 32) {
    return respond(HttpResponse::Error(400, "field 'ticket' is at most 32 bytes"));
  }
  if (source.empty() || source == "queue") {
    v.source = fb::VisitSource::Queue;
  } else if (source == "counter") {
    v.source = fb::VisitSource::Counter;
  } else {
    return respond(HttpResponse::Error(400, "field 'source' must be \"queue\" or \"counter\""));
  }
  if (!v.counter.empty()) {
    Status s = ctx->office.catalogue.CheckCounter(v.counter);
    if (!s.ok()) return respond(HttpResponse::Error(400, "field 'counter': " + s.message()));
  }
  const int64_t now = ctx->clock->NowMs();
  if (!at.empty() && !ParseRfc3339(at, &v.at_ms).ok()) {
    return respond(HttpResponse::Error(400, "field 'at' must be an RFC 3339 time"));
  }
  if (at.empty()) v.at_ms = now;
  v.office = ctx->config.office_id;
  OffThread(ctx, std::move(respond), [ctx, v = std::move(v)]() mutable {
    const std::string id = v.visit_id;
    replication::EventDraft draft;
    draft.idempotency_id = "visit:" + id;
    draft.body.Set(std::move(v));
    replication::AppendResult result;
    Status s = ctx->AppendAndApply(std::move(draft), &result);
    if (!s.ok()) return StatusError(s);
    if (!result.duplicate) ++ctx->metrics.visits_stored;
    return HttpResponse::Json(
        200,
        {{"id", id}, {"status", "stored"}, {"seq", result.seq}, {"duplicate", result.duplicate}});
  });
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
