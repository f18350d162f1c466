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

#include "hailong/devices/device_record.h"
#include "hailong/ops/progress.h"
#include "hailong/replication/event_log.h"
#include "hailong/schema/status.h"

namespace hailong::ops {

// One device, in the JSON shape the edge lists (hailong/devices/device_record.h).
using DeviceReport = devices::DeviceRecord;

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

// GET <edge_url>/api/v1/devices -> {"devices":[DeviceRecordToJson...]}. NotFound
// when the edge does not offer the endpoint; Unavailable when it cannot be
// reached.
Status FetchDevices(const std::string& edge_url, int timeout_seconds,
                    std::vector<DeviceReport>* devices);

}  // namespace hailong::ops
