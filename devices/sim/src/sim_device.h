// One simulated device's MQTT connection and its pending ratings (private to
// hailong_devices; the Simulator owns many).
//
// The connection is a libmosquitto client without a thread of its own: the
// simulator drives every device's socket from its one thread (SimLoop), so
// 200 devices cost one thread and one epoll set, not a receive and a send
// thread each. Each device is still its own MQTT client: client id = its
// device id, its own credentials, its own will, QoS 1 both ways.
//
// Thread safety: everything runs on the simulator's thread (callbacks come
// from HandleEvents/Tick). `mu` still guards the ratings, for Finish() and
// progress reporting.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hailong/devsim/simulator.h"
#include "hailong/survey/survey_template.h"
#include "outbox.h"

struct mosquitto;
struct mosquitto_message;

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

// "tcp://host:port", "mqtt://host:port" or "host:port" (port 1883 when
// omitted); with `tls` also "ssl://host:port" or "mqtts://host:port" (port
// 8883 when omitted; *tls set). InvalidArgument otherwise.
Status ParseBrokerUri(const std::string& uri, std::string* host, int* port, bool* tls = nullptr);

class SimDevice {
 public:
  using MessageHandler = std::function<void(std::string_view topic, std::string_view payload)>;
  // Called (with the device's own rating-publication message id) when the
  // broker acknowledges a QoS 1 publication (PUBACK).
  using PublishedHandler = std::function<void(int mid)>;

  SimDevice(std::string id, std::string office, std::string counter);
  ~SimDevice();

  // Creates the MQTT client (no I/O). `on_message` gets every message
  // (acks and sessions). Unavailable for a bad broker URI.
  // `password` is this device's own ("" = none). An ssl:// or mqtts://
  // broker URI connects over TLS, checking the broker's certificate against
  // o.ca_file ("" = the system's CAs) and the host name.
  Status CreateClient(const SimulatorOptions& o, const std::string& username,
                      const std::string& password, MessageHandler on_message);
  void set_on_published(PublishedHandler h) { on_published_ = std::move(h); }
  // Starts a connection attempt when due (backoff 250 ms doubling to 5 s)
  // and returns true once each time a connection came up (CONNACK accepted)
  // since the last call: it has then subscribed to `subscriptions` and
  // published "online" (the caller then resends).
  bool ManageConnection(Steady::time_point now, const std::vector<std::string>& subscriptions);
  bool IsUp() const { return conn_ == Conn::kUp; }
  bool Connected() const { return conn_ != Conn::kIdle; }  // a socket exists
  // Publishes a rating payload at QoS 1; false (and *error) if refused.
  // *mid (if given) gets the publication's MQTT message id.
  bool Publish(std::string_view payload, std::string* error, int* mid = nullptr);
  // Publishes "offline" (retained) if up; false if not.
  bool PublishOffline();
  // Sends DISCONNECT if connected (the socket closes once it is written).
  void Disconnect();
  // Outgoing bytes are waiting for the socket.
  bool WantsWrite() const;

  // The event loop's side (SimLoop): the current socket (-1 = none), and
  // the readiness it reported (EPOLLIN/EPOLLOUT/EPOLLERR bits).
  int Socket() const;
  void HandleEvents(uint32_t events);
  // Keepalive (PINGREQ) and timeouts; call every few tens of ms.
  void Tick();

  // Set by SimLoop: the socket it registered and the events it asked for.
  int registered_fd = -1;
  uint32_t registered_events = 0;

  const std::string id;
  const std::string counter;
  const std::string rating_topic, ack_topic, status_topic, session_topic;
  std::string officer;  // on duty at the counter per the edge ("" if unknown)

  // Ratings; guarded by mu.
  std::mutex mu;
  std::map<uint64_t, PendingRating> pending;  // in press order
  std::unordered_map<std::string, uint64_t> order_of;
  std::unordered_map<int, uint64_t> order_of_mid;  // publish_only: MQTT message id -> order
  uint64_t next_order = 1;
  size_t in_flight = 0;  // good pending ratings published at least once
  std::unique_ptr<Outbox> outbox;
  std::vector<float> latencies_ms;
  bool resend_all = false;                               // set on (re)connect
  std::shared_ptr<const survey::SurveyTemplate> survey;  // the counter session's, or the default
  std::string session_dossier;

  // Pressing (main thread only).
  uint64_t next_seq = 1;
  int64_t last_press_ms = 0;
  Steady::time_point next_press;
  std::mt19937_64 rng;

 private:
  enum class Conn { kIdle, kConnecting, kUp };

  static void OnConnect(struct mosquitto*, void* self, int rc);
  static void OnDisconnect(struct mosquitto*, void* self, int rc);
  static void OnMessage(struct mosquitto*, void* self, const struct mosquitto_message* m);
  static void OnPublish(struct mosquitto*, void* self, int mid);
  void Lost(Steady::time_point now);

  struct mosquitto* client_ = nullptr;
  std::string host_;
  int port_ = 1883;
  bool tls_ = false;
  bool ever_connected_ = false;  // the first attempt uses connect, later ones reconnect
  MessageHandler on_message_;
  PublishedHandler on_published_;
  Conn conn_ = Conn::kIdle;
  bool came_up_ = false;  // CONNACK accepted, not yet reported by ManageConnection
  Steady::time_point connect_started_;
  Steady::time_point next_connect_;
  int backoff_ms_;
};

}  // namespace hailong::devices::internal
