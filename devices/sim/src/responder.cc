// AckResponder: see responder.h.
#include "hailong/devsim/responder.h"

#include <mosquitto.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "hailong/devices/payload.h"
#include "hailong/schema/time.h"
#include "hailong/survey/template_registry.h"
#include "sim_device.h"

namespace hailong::devices {
namespace {

// The "id" of a payload shaped like devsim's ({"id":"...",...}) without a
// JSON DOM; anything else goes through ExtractRatingId.
std::optional<std::string> QuickRatingId(std::string_view payload) {
  static constexpr std::string_view kKey = "\"id\":\"";
  const size_t at = payload.find(kKey);
  if (at != std::string::npos) {
    const size_t begin = at + kKey.size();
    const size_t end = payload.find_first_of("\"\\", begin);
    if (end != std::string::npos && payload[end] == '"') {
      return std::string(payload.substr(begin, end - begin));
    }
  }
  return survey::ExtractRatingId(payload);
}

}  // namespace

class AckResponder::Impl {
 public:
  Impl(AckResponderOptions o, AckResponder* owner)
      : o_(std::move(o)), owner_(owner), registry_(survey::TemplateRegistry::WithBuiltins()) {}
  ~Impl() { Stop(); }

  Status Start() {
    std::string host;
    int port = 1883;
    Status s = internal::ParseBrokerUri(o_.broker, &host, &port);
    if (!s.ok()) return Status::Unavailable(s.message());
    static std::once_flag once;
    std::call_once(once, [] { mosquitto_lib_init(); });
    const int n = std::max(1, o_.clients);
    // With several clients, a shared subscription spreads the ratings.
    filter_ = n == 1 ? RatingSubscription(o_.office)
                     : "$share/hailong-responder/" + RatingSubscription(o_.office);
    for (int i = 0; i < n; ++i) {
      const std::string id = n == 1 ? o_.client_id : o_.client_id + "-" + std::to_string(i + 1);
      struct mosquitto* m = mosquitto_new(id.c_str(), true, this);
      if (m == nullptr) return Status::Unavailable("cannot create an MQTT client");
      clients_.push_back(m);
      mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
      mosquitto_int_option(m, MOSQ_OPT_TCP_NODELAY, 1);
      mosquitto_max_inflight_messages_set(m, 0);
      mosquitto_reconnect_delay_set(m, 1, 5, true);
      if (!o_.username.empty()) {
        mosquitto_username_pw_set(m, o_.username.c_str(),
                                  o_.password.empty() ? nullptr : o_.password.c_str());
      }
      mosquitto_connect_callback_set(m, &Impl::OnConnect);
      mosquitto_message_callback_set(m, &Impl::OnMessage);
    }
    for (struct mosquitto* m : clients_) {
      // A refused first attempt is retried by the loop thread.
      mosquitto_connect_async(m, host.c_str(), port, 20);
      if (mosquitto_loop_start(m) != MOSQ_ERR_SUCCESS) {
        return Status::Unavailable("cannot start the MQTT client's thread");
      }
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (subscribed_.load() < clients_.size()) {
      if (std::chrono::steady_clock::now() > deadline) {
        return Status::Unavailable("broker " + o_.broker + " not reachable");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return Status::OK();
  }

  void Stop() {
    for (struct mosquitto* m : clients_) mosquitto_disconnect(m);
    for (struct mosquitto* m : clients_) {
      mosquitto_loop_stop(m, false);
      mosquitto_destroy(m);
    }
    clients_.clear();
  }

  double received_per_s() const {
    const int64_t first = first_ns_.load(), last = last_ns_.load();
    const uint64_t n = owner_->received_.load();
    if (n < 2 || last <= first) return 0;
    return static_cast<double>(n - 1) / (static_cast<double>(last - first) / 1e9);
  }

 private:
  static void OnConnect(struct mosquitto* m, void* self, int rc) {
    auto* impl = static_cast<Impl*>(self);
    if (rc != 0) return;
    if (mosquitto_subscribe(m, nullptr, impl->filter_.c_str(), 1) == MOSQ_ERR_SUCCESS) {
      ++impl->subscribed_;
    }
  }

  static void OnMessage(struct mosquitto* m, void* self, const struct mosquitto_message* msg) {
    auto* impl = static_cast<Impl*>(self);
    if (msg->topic == nullptr) return;
    impl->OnRating(m, msg->topic,
                   std::string_view(static_cast<const char*>(msg->payload),
                                    static_cast<size_t>(std::max(0, msg->payloadlen))));
  }

  void OnRating(struct mosquitto* client, std::string_view topic_name, std::string_view payload) {
    const int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::steady_clock::now().time_since_epoch())
                               .count();
    int64_t expected = 0;
    first_ns_.compare_exchange_strong(expected, now_ns);
    last_ns_.store(now_ns);
    ++owner_->received_;
    if (o_.count_only) return;
    DeviceTopic topic;
    if (!ParseTopic(topic_name, &topic).ok() || topic.kind != TopicKind::kRating) return;
    survey::CheckedRating r;
    Status s;
    if (o_.validate) {
      s = survey::ParseRating(payload, *registry_, Clock::System()->NowMs(), {}, &r).ToStatus();
    } else if (auto id = QuickRatingId(payload)) {
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
    const std::string ack_topic = AckTopic(topic.office, topic.device);
    const int rc = mosquitto_publish(client, nullptr, ack_topic.c_str(),
                                     static_cast<int>(reply.size()), reply.data(), 1, false);
    if (rc != MOSQ_ERR_SUCCESS) {
      // The device resends and gets the same answer.
      if (owner_->publish_errors_++ == 0) {
        std::fprintf(stderr, "responder: publish: %s\n", mosquitto_strerror(rc));
      }
    }
  }

  AckResponderOptions o_;
  AckResponder* owner_;
  std::unique_ptr<survey::TemplateRegistry> registry_;
  std::string filter_;
  std::vector<struct mosquitto*> clients_;
  std::atomic<size_t> subscribed_{0};
  std::atomic<int64_t> first_ns_{0}, last_ns_{0};
  std::mutex mu_;
  std::unordered_map<std::string, uint64_t> seq_of_;  // "<device>:<id>" -> seq
};

AckResponder::AckResponder(AckResponderOptions options)
    : impl_(std::make_unique<Impl>(std::move(options), this)) {}
AckResponder::~AckResponder() { Stop(); }
Status AckResponder::Start() { return impl_->Start(); }
void AckResponder::Stop() { impl_->Stop(); }
double AckResponder::received_per_s() const { return impl_->received_per_s(); }

}  // namespace hailong::devices
