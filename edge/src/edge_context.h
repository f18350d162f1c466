// EdgeNode::Context: everything one running edge holds, shared by the node
// (edge_node.cc: start-up and shutdown), its methods (edge_context.cc:
// writes and replay, gauges; counter_session_view.cc: sessions;
// device_link.cc: device status), the MQTT side (device_link.h) and the
// HTTP API (edge_api.h).
//
// Thread safety: the components are internally synchronized. `write_mu`
// serializes appends of sessions, dossiers and device events with their
// OfficeState::Apply, so both follow log order.
#pragma once

#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "hailong/devices/misuse.h"
#include "hailong/edge/config.h"
#include "hailong/edge/edge_node.h"
#include "hailong/edge/metrics.h"
#include "hailong/edge/replication_link.h"
#include "hailong/replication/event_log.h"
#include "http_server.h"
#include "kiosk_registry.h"
#include "mqtt_link.h"
#include "office_state.h"
#include "officer_pins.h"
#include "personal_key_link.h"
#include "personal_sealer.h"
#include "phone_limits.h"
#include "rating_intake.h"

namespace hailong::edge {

struct EdgeNode::Context {
  Context(const EdgeConfig& c, const Clock* clk, const devices::MisuseOptions& misuse_options)
      : config(c),
        clock(clk),
        office(c.office_id, c.Origin(), misuse_options),
        client_misuse(c.misuse_interval_ms),
        phone_limits(c.phone_limit_per_address, c.phone_limit_per_counter,
                     c.phone_limit_window_s * 1000) {}

  EdgeConfig config;
  const Clock* clock;
  std::string web_root;
  std::string public_url;
  int64_t started_ms = 0;

  std::unique_ptr<replication::EventLog> log;
  uint64_t listener_id = 0;
  OfficeState office;          // changed only by office.Apply of log events
  ClientMisuse client_misuse;  // phones and web clients, by address
  EdgeMetrics metrics;
  OfficerPins pins;                       // hashes of the officers' counter PINs
  PinAttempts pin_attempts;               // wrong PINs per officer and counter
  std::unique_ptr<KioskRegistry> kiosks;  // <data_dir>/kiosks.json
  PhoneLimits phone_limits;

  std::unique_ptr<boost::asio::thread_pool> blocking;  // appends off the io threads
  using Strand = boost::asio::strand<boost::asio::thread_pool::executor_type>;
  std::unique_ptr<Strand> status_strand;   // device status messages, in order
  std::unique_ptr<PersonalSealer> sealer;  // before intake: the intake uses it
  std::unique_ptr<RatingIntake> intake;
  std::unique_ptr<PersonalKeyLink> key_link;
  std::unique_ptr<MqttLink> mqtt;
  std::unique_ptr<ReplicationLink> replication;
  std::unique_ptr<HttpServer> http;

  std::mutex write_mu;
  // Last event seq of each other origin applied to the state.
  std::mutex projector_mu;
  std::map<std::string, uint64_t> applied;
  bool stopped = false;

  // Appends an event of this edge and applies the bytes appended (under
  // write_mu), then publishes the sessions it changed. *result may be null.
  Status AppendAndApply(replication::EventDraft draft, replication::AppendResult* result);
  // Publishes what an applied event changed (nothing before MQTT is up).
  void Announce(const OfficeChange& change);
  // Applies new events of other origins (hub configuration).
  void CatchUp(const std::string& origin);

  // The counter's session: {counter, name, officer|null, template, dossier|null}.
  nlohmann::json SessionJson(const std::string& counter) const;
  void PublishSession(const std::string& counter);
  void PublishAllSessions();
  // Counters worth listing: the catalogue's, else those with a session.
  std::vector<std::string> KnownCounters() const;

  EdgeGauges Gauges() const;
  ReplicationState Replication() const;
  void HandleDeviceStatus(const std::string& device, const std::string& payload);
};

}  // namespace hailong::edge
