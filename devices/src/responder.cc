// AckResponder: see responder.h.
#include "hailong/devices/responder.h"

#include <mqtt/async_client.h>

#include <cstdio>
#include <unordered_map>

#include "hailong/devices/payload.h"
#include "hailong/devices/tcp_nodelay.h"
#include "hailong/devices/template.h"
#include "hailong/schema/time.h"

namespace hailong::devices {

class AckResponder::Impl {
 public:
  Impl(AckResponderOptions o, AckResponder* owner)
      : o_(std::move(o)), owner_(owner), registry_(TemplateRegistry::WithBuiltins()) {}

  Status Start() {
    try {
      // Paho refuses publications beyond max_buffered_messages queued
      // commands (default 100), connected or not; acks come in bursts.
      client_ = std::make_unique<mqtt::async_client>(o_.broker, o_.client_id,
                                                     mqtt::create_options_builder()
                                                         .mqtt_version(MQTTVERSION_3_1_1)
                                                         .max_buffered_messages(1 << 20)
                                                         .finalize());
      client_->set_message_callback([this](mqtt::const_message_ptr m) { OnRating(*m); });
      auto b = mqtt::connect_options_builder().clean_session(true).automatic_reconnect(
          std::chrono::milliseconds(250), std::chrono::seconds(5));
      if (!o_.username.empty()) b.user_name(o_.username).password(o_.password);
      client_->set_connected_handler([this](const std::string&) {
        EnableTcpNoDelayOnAllSockets();
        try {
          client_->subscribe(RatingSubscription(o_.office), 1);
        } catch (const std::exception&) {
        }
      });
      if (!client_->connect(b.finalize())->wait_for(std::chrono::seconds(10))) {
        return Status::Unavailable("broker " + o_.broker + " not reachable");
      }
      return Status::OK();
    } catch (const std::exception& e) {
      return Status::Unavailable(std::string("broker ") + o_.broker + ": " + e.what());
    }
  }

  void Stop() {
    if (!client_) return;
    try {
      if (client_->is_connected()) client_->disconnect()->wait_for(std::chrono::seconds(3));
    } catch (const std::exception&) {
    }
  }

 private:
  void OnRating(const mqtt::message& m) {
    DeviceTopic topic;
    if (!ParseTopic(m.get_topic(), &topic).ok() || topic.kind != TopicKind::kRating) return;
    DeviceRating r;
    Status s = ParseRating(m.get_payload_str(), *registry_, Clock::System()->NowMs(), {}, &r);
    std::string reply;
    if (!s.ok()) {
      owner_->rejected_++;
      reply = RejectedAckJson(r.id.empty() ? std::nullopt : std::optional<std::string>(r.id),
                              s.message());
    } else {
      std::string key = topic.device + ":" + r.id;
      auto [it, inserted] = seq_of_.emplace(std::move(key), seq_of_.size() + 1);
      (inserted ? owner_->stored_ : owner_->repeated_)++;
      reply = StoredAckJson(r.id, it->second);
    }
    try {
      client_->publish(AckTopic(topic.office, topic.device), reply.data(), reply.size(), 1, false);
    } catch (const std::exception& e) {
      // The device resends and gets the same answer.
      if (owner_->publish_errors_++ == 0) {
        std::fprintf(stderr, "responder: publish: %s\n", e.what());
      }
    }
  }

  AckResponderOptions o_;
  AckResponder* owner_;
  std::unique_ptr<TemplateRegistry> registry_;
  std::unique_ptr<mqtt::async_client> client_;
  // Only touched on Paho's callback thread.
  std::unordered_map<std::string, uint64_t> seq_of_;
};

AckResponder::AckResponder(AckResponderOptions options)
    : impl_(std::make_unique<Impl>(std::move(options), this)) {}
AckResponder::~AckResponder() { Stop(); }
Status AckResponder::Start() { return impl_->Start(); }
void AckResponder::Stop() { impl_->Stop(); }

}  // namespace hailong::devices
