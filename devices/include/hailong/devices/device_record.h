// DeviceRecord: one button box or touchscreen as the edge's
// GET /api/v1/devices lists it and as `hailongctl devices` reports it,
// whether read from an edge or scanned from a log. One JSON shape for both:
//
//   {"office","device","counter","kind","firmware",
//    "battery_pct" (null if never reported),"online",
//    "first_seen","last_seen","last_status","last_rating" (RFC 3339 or null),
//    "ratings"}
//
// Thread safety: plain data and free functions.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "hailong/schema/status.h"

namespace hailong::devices {

struct DeviceRecord {
  std::string office;  // "" where the caller knows it (the edge's own)
  std::string device;
  std::string counter;   // from its last status saying one, else its last rating
  std::string kind;      // "button_box", "touchscreen", ... ("" if never reported)
  std::string firmware;  // "" if never reported
  int battery_pct = -1;  // -1: never reported
  bool online = false;   // per its last status
  int64_t first_seen_ms = 0;
  int64_t last_seen_ms = 0;    // the last message or event naming it
  int64_t last_status_ms = 0;  // its last recorded status, 0 = none
  int64_t last_rating_ms = 0;  // 0 = none
  uint64_t ratings = 0;
};

nlohmann::json DeviceRecordToJson(const DeviceRecord& device);

// The inverse of DeviceRecordToJson. InvalidArgument names the bad field;
// "device" is required, the rest default as in DeviceRecord.
Status DeviceRecordFromJson(const nlohmann::json& json, DeviceRecord* device);

}  // namespace hailong::devices
