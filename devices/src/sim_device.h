// One simulated device's MQTT connection and its pending ratings (private to
// hailong_devices; the Simulator owns many).
//
// Thread safety: connection state is guarded by conn_mu, ratings by mu; the
// Paho callbacks run on Paho's threads, everything else on the simulator's
// main thread.
#pragma once

#include <mqtt/async_client.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "hailong/devices/simulator.h"
#include "hailong/devices/template.h"
#include "outbox.h"

namespace hailong::devices::internal {

using Steady = std::chrono::steady_clock;

struct PendingRating {
  std::string id;
  std::string payload;
  Steady::time_point pressed;    // first publication attempt
  Steady::time_point last_sent;  // last publication attempt
  bool bad = false;
  bool published = false;       // at least one publication attempt while connected
  int resends = 0;              // publications after the first
  std::string expected_reason;  // bad only
};

class SimDevice {
 public:
  SimDevice(std::string id, std::string office, std::string counter);

  // Creates the MQTT client (no I/O). `on_message` gets every message
  // (acks and sessions) on Paho's thread. Unavailable for a bad broker URI.
  Status CreateClient(const SimulatorOptions& o, const std::string& username,
                      std::function<void(const mqtt::message&)> on_message);
  // Starts a connection attempt when due (backoff 250 ms doubling to 5 s)
  // and notices its outcome; on success subscribes to `subscriptions`,
  // publishes "online" and returns true (the caller then resends).
  bool ManageConnection(Steady::time_point now, const std::vector<std::string>& subscriptions);
  bool IsUp();
  // Publishes a rating payload at QoS 1; false (and *error) if refused.
  bool Publish(const std::string& payload, std::string* error);
  // Publishes "offline" (retained) if up; returns its token or null.
  mqtt::token_ptr PublishOffline();
  // Disconnects if connected; returns the token or null.
  mqtt::token_ptr Disconnect();

  const std::string id;
  const std::string counter;
  const std::string rating_topic, ack_topic, status_topic, session_topic;
  std::string officer;  // on duty at the counter per the edge ("" if unknown)

  // Ratings; guarded by mu.
  std::mutex mu;
  std::map<uint64_t, PendingRating> pending;  // in press order
  std::unordered_map<std::string, uint64_t> order_of;
  uint64_t next_order = 1;
  size_t in_flight = 0;  // good pending ratings published at least once
  std::unique_ptr<Outbox> outbox;
  std::vector<float> latencies_ms;
  bool resend_all = false;                       // set on (re)connect
  std::shared_ptr<const SurveyTemplate> survey;  // the counter session's, or the default
  std::string session_dossier;

  // Pressing (main thread only).
  uint64_t next_seq = 1;
  int64_t last_press_ms = 0;
  Steady::time_point next_press;
  std::mt19937_64 rng;

 private:
  enum class Conn { kIdle, kConnecting, kUp };

  std::unique_ptr<mqtt::async_client> client_;
  mqtt::connect_options connect_options_;
  std::mutex conn_mu_;
  Conn conn_ = Conn::kIdle;  // guarded by conn_mu_
  mqtt::token_ptr connect_token_;
  Steady::time_point next_connect_;
  int backoff_ms_;
};

}  // namespace hailong::devices::internal
