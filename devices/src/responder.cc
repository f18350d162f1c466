// AckResponder: see responder.h.
#include "hailong/devices/responder.h"

#include <mqtt/async_client.h>

#include <cstdio>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "hailong/devices/payload.h"
#include "hailong/devices/tcp_nodelay.h"
#include "hailong/devices/template.h"
#include "hailong/schema/time.h"

namespace hailong::devices {
namespace {

// The "id" of a payload shaped like devsim's ({"id":"...",...}) without a
// JSON DOM; anything else goes through ExtractRatingId.
std::optional<std::string> QuickRatingId(const std::string& payload) {
  static constexpr std::string_view kKey = "\"id\":\"";
  const size_t at = payload.find(kKey);
  if (at != std::string::npos) {
    const size_t begin = at + kKey.size();
    const size_t end = payload.find_first_of("\"\\", begin);
    if (end != std::string::npos && payload[end] == '"') {
      return payload.substr(begin, end - begin);
    }
  }
  return ExtractRatingId(payload);
}

}  // namespace

class AckResponder::Impl {
 public:
  Impl(AckResponderOptions o, AckResponder* owner)
      : o_(std::move(o)), owner_(owner), registry_(TemplateRegistry::WithBuiltins()) {}

  Status Start() {
    const int n = std::max(1, o_.clients);
    // With several clients, a shared subscription spreads the ratings.
    const std::string filter = n == 1 ? RatingSubscription(o_.office)
                                      : "$share/hailong-responder/" + RatingSubscription(o_.office);
    try {
      for (int i = 0; i < n; ++i) {
        // Paho refuses publications beyond max_buffered_messages queued
        // commands (default 100), connected or not; acks come in bursts.
        auto client = std::make_unique<mqtt::async_client>(
            o_.broker, n == 1 ? o_.client_id : o_.client_id + "-" + std::to_string(i + 1),
            mqtt::create_options_builder()
                .mqtt_version(MQTTVERSION_3_1_1)
                .max_buffered_messages(1 << 20)
                .finalize());
        mqtt::async_client* c = client.get();
        c->set_message_callback([this, c](mqtt::const_message_ptr m) { OnRating(c, *m); });
        c->set_connected_handler([c, filter](const std::string&) {
          EnableTcpNoDelayOnAllSockets();
          try {
            c->subscribe(filter, 1);
          } catch (const std::exception&) {
          }
        });
        clients_.push_back(std::move(client));
      }
      for (auto& c : clients_) {
        auto b = mqtt::connect_options_builder().clean_session(true).automatic_reconnect(
            std::chrono::milliseconds(250), std::chrono::seconds(5));
        if (!o_.username.empty()) b.user_name(o_.username).password(o_.password);
        if (!c->connect(b.finalize())->wait_for(std::chrono::seconds(10))) {
          return Status::Unavailable("broker " + o_.broker + " not reachable");
        }
      }
      return Status::OK();
    } catch (const std::exception& e) {
      return Status::Unavailable(std::string("broker ") + o_.broker + ": " + e.what());
    }
  }

  void Stop() {
    for (auto& c : clients_) {
      try {
        if (c->is_connected()) c->disconnect()->wait_for(std::chrono::seconds(3));
      } catch (const std::exception&) {
      }
    }
  }

 private:
  void OnRating(mqtt::async_client* client, const mqtt::message& m) {
    DeviceTopic topic;
    if (!ParseTopic(m.get_topic(), &topic).ok() || topic.kind != TopicKind::kRating) return;
    DeviceRating r;
    Status s;
    if (o_.validate) {
      s = ParseRating(m.get_payload_str(), *registry_, Clock::System()->NowMs(), {}, &r);
    } else if (auto id = QuickRatingId(m.get_payload_str())) {
      r.id = std::move(*id);
    } else {
      s = Status::InvalidArgument("malformed JSON");
    }
    std::string reply;
    if (!s.ok()) {
      owner_->rejected_++;
      reply = RejectedAckJson(r.id.empty() ? std::nullopt : std::optional<std::string>(r.id),
                              s.message());
    } else {
      uint64_t seq;
      bool inserted;
      {
        std::lock_guard<std::mutex> lock(mu_);
        auto [it, fresh] = seq_of_.emplace(topic.device + ":" + r.id, seq_of_.size() + 1);
        seq = it->second;
        inserted = fresh;
      }
      (inserted ? owner_->stored_ : owner_->repeated_)++;
      reply = StoredAckJson(r.id, seq);
    }
    try {
      client->publish(AckTopic(topic.office, topic.device), reply.data(), reply.size(), 1, false);
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
  std::vector<std::unique_ptr<mqtt::async_client>> clients_;
  std::mutex mu_;
  std::unordered_map<std::string, uint64_t> seq_of_;  // "<device>:<id>" -> seq
};

AckResponder::AckResponder(AckResponderOptions options)
    : impl_(std::make_unique<Impl>(std::move(options), this)) {}
AckResponder::~AckResponder() { Stop(); }
Status AckResponder::Start() { return impl_->Start(); }
void AckResponder::Stop() { impl_->Stop(); }

}  // namespace hailong::devices
