// MqttLink: the edge's one connection to the office broker, over Paho's
// asynchronous C API (MQTTAsync, the library under Paho MQTT C++): per
// publish no token, shared_ptr or pending-token entry (the C++ wrapper's
// cost), no success callback for Paho to track, and no create options, so
// Paho does not count buffered messages per publish. A persistent session
// (clean_session=false, fixed client id) subscribed at QoS 1, so the broker
// keeps the devices' ratings while the edge is away. A supervisor thread
// connects, and reconnects with exponential backoff after a failure or a
// lost connection; the rest of the edge keeps running meanwhile.
//
// Thread safety: Publish, connected() and the counters may be called from
// any thread. The message callback runs on Paho's receive thread, one
// message at a time; it may block (back-pressure: the broker keeps the
// rest), but must not call Stop.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "hailong/schema/status.h"

namespace hailong::edge {

struct MqttLinkOptions {
  std::string url;        // "tcp://127.0.0.1:1883"
  std::string client_id;  // fixed: the broker keeps this session
  std::string username;   // "" = none
  std::string password;
  // ssl:// or mqtts:// urls: TLS, the broker's certificate checked against
  // this PEM CA file ("" = the system's CAs) and the URL's host name.
  std::string ca_file;
  int keepalive_s = 20;
  std::vector<std::string> subscriptions;  // topic filters, QoS 1
  // Will: published retained by the broker if the edge vanishes; "" = none.
  std::string will_topic;
  std::string will_payload;
  // Reconnect backoff, doubling from min to max.
  int backoff_min_ms = 250;
  int backoff_max_ms = 10000;
  // QoS 1 publishes handed to Paho and not yet acknowledged by the broker
  // (PUBACK); more wait in the link's own queue, in order. Paho walks its
  // in-flight lists on every publish to pick a message id, so a burst of
  // thousands of acks costs it quadratic time; this window keeps them short.
  int max_in_flight = 128;
  // Publishes queued beyond the window before Publish refuses.
  size_t max_queued = 1 << 20;
};

class MqttLink {
 public:
  using MessageCallback = std::function<void(const std::string& topic, std::string payload)>;
  // Called on the supervisor thread after each successful (re)connection and
  // subscription, e.g. to republish retained state.
  using ConnectedCallback = std::function<void()>;

  // Creates the client and starts the supervisor; does not wait for the
  // broker. InvalidArgument if Paho refuses the URL or client id.
  static Status Start(const MqttLinkOptions& options, MessageCallback on_message,
                      ConnectedCallback on_connected, std::unique_ptr<MqttLink>* out);
  ~MqttLink();

  // Publishes without waiting (Paho sends it at once, or the link queues it
  // behind the in-flight window). False when not connected, the queue is
  // full, or Paho refuses. A queued publish is sent after a reconnect if the
  // connection drops first.
  bool Publish(std::string topic, std::string payload, int qos, bool retained);

  // Connected and subscribed.
  bool connected() const { return connected_.load(); }
  uint64_t connects() const { return connects_.load(); }
  // Publishes Paho refused while connected.
  uint64_t publish_errors() const { return publish_errors_.load(); }
  std::string last_error() const;

  // Disconnects (waits up to 2 s) and joins the supervisor. Idempotent.
  void Stop();

 private:
  struct Operation;  // one connect/subscribe/disconnect awaiting Paho's answer

  MqttLink(MqttLinkOptions options, MessageCallback on_message, ConnectedCallback on_connected);
  void Supervise();
  bool ConnectOnce();
  // Disconnects (if connected) and waits up to timeout_ms for Paho's answer.
  void Disconnect(int timeout_ms);
  // A new operation for Paho's callbacks; forgets finished ones.
  Operation* NewOperation();
  // Waits for `op`; false on timeout or failure (with its message in *error).
  bool Await(Operation* op, int timeout_ms, std::string* error);
  void SetError(const std::string& error);
  bool PahoConnected() const;
  // Hands one publish to Paho (counted in the window if QoS > 0).
  bool Send(const std::string& topic, const std::string& payload, int qos, bool retained);
  // Sends queued publishes while the window has room; `completed` publishes
  // left the window first (PUBACKs). `reset`: a new connection, whose window
  // starts empty.
  void Refill(int completed, bool reset);

  friend struct PahoCallbacks;  // Paho's C callbacks (context = the link or an Operation)

  MqttLinkOptions options_;
  MessageCallback on_message_;
  ConnectedCallback on_connected_;
  void* client_ = nullptr;  // MQTTAsync
  std::mutex ops_mu_;
  std::list<std::unique_ptr<Operation>> ops_;  // alive until answered (or the link dies)
  struct Queued {
    std::string topic;
    std::string payload;
    int qos;
    bool retained;
  };
  std::mutex window_mu_;
  int in_flight_ = 0;         // QoS 1 publishes Paho holds (guarded by window_mu_)
  std::deque<Queued> queue_;  // waiting for the window (guarded by window_mu_)
  std::thread supervisor_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool lost_ = false;
  std::string last_error_;
  std::atomic<bool> connected_{false};    // connected and subscribed
  std::atomic<bool> can_publish_{false};  // connected (acks may go out)
  std::atomic<uint64_t> connects_{0};
  std::atomic<uint64_t> publish_errors_{0};
};

}  // namespace hailong::edge
