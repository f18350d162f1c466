// The edge's read-only endpoints (edge_api.h): status, officers, counters
// and their sessions, officers' photos, and the QR codes of the phone
// survey. Nothing here appends.
#include <filesystem>

#include "api_support.h"
#include "edge_api.h"
#include "hailong/devices/payload.h"
#include "hailong/edge/qr.h"
#include "hailong/net/content_type.h"
#include "hailong/schema/time.h"
#include "hailong/schema/version.h"

namespace hailong::edge {

namespace fs = std::filesystem;
using nlohmann::json;
using Context = EdgeNode::Context;
using net::ContentTypeFor;

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
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

HttpResponse GetSession(Context* ctx, const std::string& counter) {
  Status s = ctx->office.catalogue.CheckCounter(counter);
  if (!s.ok()) return CounterError(s);
  return HttpResponse::Json(200, ctx->SessionJson(counter));
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

}  // namespace hailong::edge
