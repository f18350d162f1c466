#include "hailong/ops/devices_report.h"

#include <algorithm>
#include <map>
#include <utility>

#include "http_client.h"

namespace hailong::ops {

namespace {

using json = nlohmann::json;

// Keeps *field at the latest time seen.
void Later(int64_t* field, int64_t t) { *field = std::max(*field, t); }

struct Tracker {
  std::map<std::pair<std::string, std::string>, DeviceReport> devices;

  DeviceReport& At(const std::string& office, const std::string& device, int64_t t) {
    DeviceReport& d = devices[{office, device}];
    if (d.device.empty()) {
      d.office = office;
      d.device = device;
      d.first_seen_ms = t;
    }
    d.first_seen_ms = std::min(d.first_seen_ms, t);
    Later(&d.last_seen_ms, t);
    return d;
  }
};

std::string Text(const flatbuffers::String* s) { return s == nullptr ? "" : s->str(); }

}  // namespace

Status ScanDevices(const replication::EventLog& log, const DevicesOptions& options,
                   std::vector<DeviceReport>* devices) {
  devices->clear();
  std::vector<std::string> origins;
  if (!options.origin.empty()) {
    origins.push_back(options.origin);
  } else {
    origins = log.Origins();
  }
  uint64_t total = 0, done = 0;
  for (const auto& o : origins) total += log.Head(o).seq;
  Tracker t;
  for (const auto& origin : origins) {
    Status s = log.Scan(origin, 1, [&](uint64_t seq, std::string_view, const fb::Event& e) {
      if (options.progress && (++done % 4096) == 0) options.progress(done, total);
      const int64_t at = e.time_ms();
      switch (e.body_type()) {
        case fb::EventBody::DeviceSeen: {
          const fb::DeviceSeen* b = e.body_as_DeviceSeen();
          const std::string office = Text(b->office());
          if (!options.office.empty() && office != options.office) break;
          DeviceReport& d = t.At(office, Text(b->device()), at);
          if (at >= d.last_status_ms) {
            d.last_status_ms = at;
            d.online = true;
            if (b->counter() && b->counter()->size() > 0) d.counter = b->counter()->str();
            if (b->kind() && b->kind()->size() > 0) d.kind = b->kind()->str();
            if (b->firmware() && b->firmware()->size() > 0) d.firmware = b->firmware()->str();
            if (b->battery_pct() >= 0) d.battery_pct = b->battery_pct();
          }
          break;
        }
        case fb::EventBody::DeviceLost: {
          const fb::DeviceLost* b = e.body_as_DeviceLost();
          const std::string office = Text(b->office());
          if (!options.office.empty() && office != options.office) break;
          DeviceReport& d = t.At(office, Text(b->device()), at);
          if (at >= d.last_status_ms) {
            d.last_status_ms = at;
            d.online = false;
          }
          break;
        }
        case fb::EventBody::RatingSubmitted: {
          const fb::RatingSubmitted* b = e.body_as_RatingSubmitted();
          if (b->device() == nullptr || b->device()->size() == 0) break;
          const std::string office = Text(b->office());
          if (!options.office.empty() && office != options.office) break;
          const int64_t when = b->edge_time_ms() != 0 ? b->edge_time_ms() : at;
          DeviceReport& d = t.At(office, b->device()->str(), when);
          ++d.ratings;
          if (when >= d.last_rating_ms) {
            d.last_rating_ms = when;
            if (d.last_status_ms == 0 && b->counter()) d.counter = b->counter()->str();
          }
          break;
        }
        default:
          break;
      }
      return true;
    });
    if (!s.ok() && !s.IsNotFound()) return s;
  }
  if (options.progress) options.progress(total, total);
  for (auto& [key, d] : t.devices) devices->push_back(std::move(d));
  return Status::OK();
}

Status FetchDevices(const std::string& edge_url, int timeout_seconds,
                    std::vector<DeviceReport>* devices) {
  devices->clear();
  HubUrl url;
  Status s = ParseHubUrl(edge_url, &url);
  if (!s.ok()) return s;
  HttpClient client(url, timeout_seconds);
  HttpResponse res;
  s = client.Get("/api/v1/devices", {}, &res);
  if (!s.ok()) return s;
  if (res.status == 404) return Status::NotFound("the edge does not list its devices");
  if (res.status != 200) {
    return Status::Unavailable("GET /api/v1/devices answered HTTP " + std::to_string(res.status));
  }
  json j = json::parse(res.body, nullptr, false);
  if (!j.is_object() || !j.contains("devices") || !j["devices"].is_array()) {
    return Status::Unavailable("GET /api/v1/devices did not answer {\"devices\":[...]}");
  }
  for (const json& item : j["devices"]) {
    DeviceReport d;
    s = devices::DeviceRecordFromJson(item, &d);
    if (!s.ok()) return Status::Unavailable(s.message());
    devices->push_back(std::move(d));
  }
  return Status::OK();
}

}  // namespace hailong::ops
