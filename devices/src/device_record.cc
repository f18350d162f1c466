#include "hailong/devices/device_record.h"

#include "hailong/schema/time.h"

namespace hailong::devices {

namespace {

using json = nlohmann::json;

json TimeOrNull(int64_t ms) { return ms == 0 ? json(nullptr) : json(FormatRfc3339(ms)); }

Status TimeField(const json& j, const char* key, int64_t* ms) {
  *ms = 0;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return Status::OK();
  if (!it->is_string()) return Status::InvalidArgument(std::string(key) + " must be a time");
  return ParseRfc3339(it->get<std::string>(), ms);
}

}  // namespace

json DeviceRecordToJson(const DeviceRecord& d) {
  return {{"office", d.office},
          {"device", d.device},
          {"counter", d.counter},
          {"kind", d.kind},
          {"firmware", d.firmware},
          {"battery_pct", d.battery_pct < 0 ? json(nullptr) : json(d.battery_pct)},
          {"online", d.online},
          {"first_seen", TimeOrNull(d.first_seen_ms)},
          {"last_seen", TimeOrNull(d.last_seen_ms)},
          {"last_status", TimeOrNull(d.last_status_ms)},
          {"last_rating", TimeOrNull(d.last_rating_ms)},
          {"ratings", d.ratings}};
}

Status DeviceRecordFromJson(const json& j, DeviceRecord* d) {
  *d = DeviceRecord();
  if (!j.is_object()) return Status::InvalidArgument("a device must be an object");
  try {
    d->office = j.value("office", "");
    d->device = j.at("device").get<std::string>();
    d->counter = j.value("counter", "");
    d->kind = j.value("kind", "");
    d->firmware = j.value("firmware", "");
    if (j.contains("battery_pct") && j["battery_pct"].is_number_integer()) {
      d->battery_pct = j["battery_pct"].get<int>();
    }
    d->online = j.value("online", false);
    d->ratings = j.value("ratings", uint64_t{0});
  } catch (const json::exception& e) {
    return Status::InvalidArgument(std::string("bad device: ") + e.what());
  }
  Status s = TimeField(j, "first_seen", &d->first_seen_ms);
  if (s.ok()) s = TimeField(j, "last_seen", &d->last_seen_ms);
  if (s.ok()) s = TimeField(j, "last_status", &d->last_status_ms);
  if (s.ok()) s = TimeField(j, "last_rating", &d->last_rating_ms);
  return s;
}

}  // namespace hailong::devices
