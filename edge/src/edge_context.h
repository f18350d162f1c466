// EdgeNode::Context: everything one running edge holds, shared by the node
// (edge_node.cc: start-up, log replay, MQTT) and the HTTP API (edge_api.cc).
//
// Thread safety: the components are internally synchronized. `write_mu`
// serializes appends of sessions, dossiers and device events with the
// update of the in-memory state they change, so both follow log order.
#pragma once

#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "catalogue.h"
#include "counter_sessions.h"
#include "device_registry.h"
#include "dossier_index.h"
#include "hailong/devices/misuse.h"
#include "hailong/edge/config.h"
#include "hailong/edge/edge_node.h"
#include "hailong/edge/metrics.h"
#include "hailong/edge/replication_link.h"
#include "hailong/replication/event_log.h"
#include "http_server.h"
#include "mqtt_link.h"
#include "personal_key_link.h"
#include "personal_sealer.h"
#include "rating_intake.h"

namespace hailong::edge {

struct EdgeNode::Context {
  Context(const EdgeConfig& c, const Clock* clk, const devices::MisuseOptions& misuse_options)
      : config(c), clock(clk), catalogue(c.office_id), misuse(misuse_options) {}

  EdgeConfig config;
  const Clock* clock;
  std::string web_root;
  std::string public_url;
  int64_t started_ms = 0;

  std::unique_ptr<replication::EventLog> log;
  uint64_t listener_id = 0;
  Catalogue catalogue;
  CounterSessions sessions;
  DossierIndex dossiers;
  devices::MisuseDetector misuse;
  EdgeMetrics metrics;

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
  // Devices from status messages, ratings and DeviceSeen/DeviceLost events.
  DeviceRegistry devices;
  bool stopped = false;

  // Applies one verified event of `origin` to the in-memory state.
  void ApplyEvent(std::string_view origin, const fb::Event& event);
  // Appends an event of this edge and applies it (under write_mu).
  // *result may be null.
  Status AppendAndApply(replication::EventDraft draft, replication::AppendResult* result);
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

// The file of an officer's photo in config.photo_dir ("" if none): the
// catalogue's "photo" file name, else "<officer>.jpg|.jpeg|.png|.webp|.svg".
std::string OfficerPhotoFile(const EdgeNode::Context& ctx, const std::string& officer);

// /api/v1/admin/<what> (admin_api.cc): bearer token of admin_token_sha256.
void HandleAdmin(EdgeNode::Context* ctx, const HttpRequest& request, const std::string& what,
                 HttpResponder respond);

// Routes and answers one HTTP request (edge_api.cc).
void HandleHttp(EdgeNode::Context* ctx, HttpRequest request, HttpResponder respond);

}  // namespace hailong::edge
