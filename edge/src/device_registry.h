// DeviceRegistry: the button boxes and touchscreens this edge has seen, for
// GET /api/v1/devices and the devices_online gauge. Rebuilt at start from
// the log (DeviceSeen, DeviceLost, RatingSubmitted) and kept current from
// live status messages and stored ratings.
//
// A device's status message is "online" / "offline", or a JSON object
// {"status":"online","battery_pct":N,"firmware":"...","counter":"...",
// "kind":"..."} that a device republishes whenever one of them changes (a
// heartbeat); ReportChanges says whether a report is worth a new DeviceSeen
// event, so the log holds every battery and firmware change and nothing
// more.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hailong/devices/device_record.h"

namespace hailong::edge {

// What a status message reports; empty strings and battery -1 = not said.
struct DeviceStatusReport {
  bool online = false;
  std::string counter;
  std::string kind;
  std::string firmware;
  int battery_pct = -1;
};

// A device as the registry holds it; `office` is left empty (the edge's own).
using DeviceState = devices::DeviceRecord;

class DeviceRegistry {
 public:
  // A status recorded (replayed DeviceSeen / DeviceLost, or appended live).
  // Fields not said keep their earlier values.
  void Status(const std::string& device, const DeviceStatusReport& report, int64_t at_ms);
  // A stored rating of the device (edge time).
  void Rating(const std::string& device, const std::string& counter, int64_t at_ms);
  // Any message from the device: only last_seen moves.
  void Touch(const std::string& device, int64_t at_ms);
  // True when `report` differs from what is recorded for the device: a new
  // device coming online, online/offline, or a reported field with a new
  // value.
  bool ReportChanges(const std::string& device, const DeviceStatusReport& report) const;
  size_t OnlineCount() const;
  // Sorted by device id.
  std::vector<DeviceState> List() const;

 private:
  DeviceState& At(const std::string& device, int64_t at_ms);  // under mu_

  mutable std::mutex mu_;
  std::map<std::string, DeviceState> devices_;
};

// DeviceRecordToJson of `device` in `office`: the shape `hailongctl devices`
// reads.
nlohmann::json DeviceStateJson(const std::string& office, const DeviceState& device);

// Parses a status payload; false if it says neither online nor offline.
bool ParseDeviceStatus(const std::string& payload, DeviceStatusReport* report);

}  // namespace hailong::edge
