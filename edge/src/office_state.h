// OfficeState: what the edge knows of its office, built from log events
// only: the catalogue and survey templates, who is on duty at each counter
// and the dossier it serves, the dossier index, the devices, the ratings
// remembered for misuse judging and the receipts rated from phones.
//
// Every event reaches it through Apply, once, in log order per origin:
// replay at start-up and the hub's configuration read from the log, and
// every live write with exactly the bytes it appended (AppendResult::bytes),
// after the fsync and before the write is acknowledged. So the state after
// live writes is the state a restart rebuilds from the same log.
//
// The parts are public for reading. Before an append, the rating intake and
// the device status handler also reserve (RatedReceipts::Claim/Release,
// MisuseDetector::Judge, DeviceRegistry::Touch); facts are only recorded
// by Apply, and Apply of a reserved fact is a no-op.
//
// Thread safety: the parts are internally synchronized; Apply from any
// thread (callers keep log order where it matters: EdgeNode::Context).
#pragma once

#include <string>
#include <string_view>

#include "catalogue.h"
#include "counter_sessions.h"
#include "device_registry.h"
#include "dossier_index.h"
#include "hailong/devices/misuse.h"
#include "hailong/replication/event_log.h"
#include "hailong/schema/event.h"
#include "rated_receipts.h"

namespace hailong::edge {

// What an applied event changed that others must hear of.
struct OfficeChange {
  bool catalogue = false;  // catalogue or templates: republish every session
  std::string counter;     // this counter's session (officer or dossier) changed
};

class OfficeState {
 public:
  // `own_origin`: the edge's own events (sessions, dossiers, ratings,
  // devices); other origins (the hub) only change the catalogue.
  OfficeState(const std::string& office_id, std::string own_origin,
              const devices::MisuseOptions& misuse_options)
      : catalogue(office_id), misuse(misuse_options), own_origin_(std::move(own_origin)) {}

  // Records one verified event of `origin`.
  OfficeChange Apply(std::string_view origin, const fb::Event& event);
  // Records an event this edge just appended (nothing for a duplicate,
  // whose original was applied when it was written).
  OfficeChange Apply(const replication::AppendResult& appended);

  Catalogue catalogue;
  CounterSessions sessions;
  DossierIndex dossiers;
  devices::MisuseDetector misuse;
  DeviceRegistry devices;  // from status messages, ratings and DeviceSeen/DeviceLost
  RatedReceipts rated;     // receipts rated from phones

 private:
  const std::string own_origin_;
};

}  // namespace hailong::edge
