// AckResponder: a stand-in edge for load tests. It subscribes to every
// device's rating topic of one office, validates each rating with
// ParseRating against the built-in templates (or, with validate = false,
// only finds its "id"), and acks at once: "stored"
// with a sequence number (the same one again for a repeated device:id) or
// "rejected" with the reason. Nothing is written to disk, so its rate is the
// MQTT round-trip ceiling that a real edge's durable acks are compared with
// (`hailong-devsim --responder`). Its clients are libmosquitto clients with
// their own network thread each, like the simulated devices' library.
//
// Thread safety: Start/Stop from one thread; counters may be read from any.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "hailong/schema/status.h"

namespace hailong::devices {

struct AckResponderOptions {
  std::string broker = "tcp://127.0.0.1:1883";
  std::string office = "phuong-01";
  std::string client_id = "hailong-devsim-responder";  // "-<n>" appended with clients > 1
  // MQTT clients sharing the work through a shared subscription
  // ($share/hailong-responder/...); 1 = a plain subscription.
  int clients = 1;
  std::string username;  // "" = anonymous
  std::string password;
  // false: no template validation, only the rating's "id" is read, so the
  // responder's cost is the MQTT round trip alone (the benchmark's ceiling,
  // which must be cheaper than the edge it is compared with).
  bool validate = true;
  // true: only subscribe and count (received(), received_per_s()), never
  // ack: Mosquitto's QoS 1 publish-to-subscriber rate, the benchmark's
  // ceiling for the edge.
  bool count_only = false;
};

class AckResponder {
 public:
  explicit AckResponder(AckResponderOptions options);
  ~AckResponder();
  AckResponder(const AckResponder&) = delete;
  AckResponder& operator=(const AckResponder&) = delete;

  // Connects (clean session) and subscribes; Unavailable if the broker
  // cannot be reached within 10 s.
  Status Start();
  void Stop();

  uint64_t stored() const { return stored_.load(); }      // distinct ratings acked stored
  uint64_t repeated() const { return repeated_.load(); }  // repeats answered again
  uint64_t rejected() const { return rejected_.load(); }
  uint64_t publish_errors() const { return publish_errors_.load(); }  // acks not sent
  uint64_t received() const { return received_.load(); }  // rating messages, repeats too
  // Messages received per second between the first and the last one.
  double received_per_s() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
  std::atomic<uint64_t> stored_{0}, repeated_{0}, rejected_{0}, publish_errors_{0}, received_{0};
};

}  // namespace hailong::devices
