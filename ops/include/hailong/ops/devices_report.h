// `hailongctl devices`: the button boxes and touchscreens an office has
// seen, from the event log (DeviceSeen, DeviceLost and RatingSubmitted
// events), or from an edge that lists them itself (GET /api/v1/devices in
// the same JSON shape, when the edge offers it).
//
// Thread safety: the functions keep no state.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hailong/ops/progress.h"
#include "hailong/replication/event_log.h"
#include "hailong/schema/status.h"

namespace hailong::ops {

struct DeviceReport {
  std::string office;
  std::string device;
  std::string counter;   // from its last DeviceSeen, else its last rating
  std::string kind;      // "button_box", "touchscreen", ... ("" if never reported)
  std::string firmware;  // "" if never reported
  int battery_pct = -1;  // -1: not reported
  bool online = false;   // its last DeviceSeen is later than its last DeviceLost
  int64_t first_seen_ms = 0;
  int64_t last_seen_ms = 0;    // the last event naming it (status or rating)
  int64_t last_status_ms = 0;  // its last DeviceSeen or DeviceLost, 0 = none
  int64_t last_rating_ms = 0;  // 0 = none
  uint64_t ratings = 0;
};

struct DevicesOptions {
  // Only this office; "" = every office in the log.
  std::string office;
  // Only events of this origin; "" = every origin.
  std::string origin;
  // Events scanned against the events to scan. May be empty.
  ProgressFn progress;
};

// Scans the log (`log` borrowed for the call). Result sorted by office and
// device. Corruption (naming origin and seq) when a stored event fails the
// Verifier.
Status ScanDevices(const replication::EventLog& log, const DevicesOptions& options,
                   std::vector<DeviceReport>* devices);

// {"office","device","counter","kind","firmware","battery_pct" (null if not
// reported),"online","first_seen","last_seen","last_status","last_rating"
// (RFC 3339 or null),"ratings"}
nlohmann::json DeviceToJson(const DeviceReport& device);
Status DeviceFromJson(const nlohmann::json& json, DeviceReport* device);

// GET <edge_url>/api/v1/devices -> {"devices":[DeviceToJson...]}. NotFound
// when the edge does not offer the endpoint; Unavailable when it cannot be
// reached.
Status FetchDevices(const std::string& edge_url, int timeout_seconds,
                    std::vector<DeviceReport>* devices);

}  // namespace hailong::ops
