// SimDevice: see sim_device.h.
#include "sim_device.h"

#include <algorithm>

#include "hailong/devices/payload.h"
#include "hailong/devices/tcp_nodelay.h"

namespace hailong::devices::internal {
namespace {

using std::chrono::milliseconds;

constexpr int kMinBackoffMs = 250;
constexpr int kMaxBackoffMs = 5000;
// Paho refuses publications beyond max_buffered_messages queued commands
// (default 100), connected or not.
constexpr int kMaxBufferedMessages = 1 << 20;

}  // namespace

SimDevice::SimDevice(std::string id_in, std::string office, std::string counter_in)
    : id(std::move(id_in)),
      counter(std::move(counter_in)),
      rating_topic(RatingTopic(office, id)),
      ack_topic(AckTopic(office, id)),
      status_topic(StatusTopic(office, id)),
      session_topic(SessionTopic(office, counter)),
      backoff_ms_(kMinBackoffMs) {}

Status SimDevice::CreateClient(const SimulatorOptions& o, const std::string& username,
                               std::function<void(const mqtt::message&)> on_message) {
  try {
    client_ = std::make_unique<mqtt::async_client>(o.broker, id,
                                                   mqtt::create_options_builder()
                                                       .mqtt_version(MQTTVERSION_3_1_1)
                                                       .max_buffered_messages(kMaxBufferedMessages)
                                                       .finalize());
  } catch (const std::exception& e) {
    return Status::Unavailable("--broker: " + std::string(e.what()));
  }
  auto builder = mqtt::connect_options_builder()
                     .clean_session(o.clean_session)
                     .keep_alive_interval(std::chrono::seconds(20))
                     .connect_timeout(std::chrono::seconds(5))
                     .automatic_reconnect(false)
                     .will(mqtt::message(status_topic, "offline", 1, true));
  if (!username.empty()) builder.user_name(username).password(o.password);
  connect_options_ = builder.finalize();
  client_->set_connection_lost_handler([this](const std::string&) {
    std::lock_guard<std::mutex> lock(conn_mu_);
    conn_ = Conn::kIdle;
    connect_token_.reset();
    next_connect_ = Steady::now() + milliseconds(kMinBackoffMs);
    backoff_ms_ = kMinBackoffMs;
  });
  client_->set_message_callback(
      [on_message = std::move(on_message)](mqtt::const_message_ptr m) { on_message(*m); });
  return Status::OK();
}

bool SimDevice::ManageConnection(Steady::time_point now,
                                 const std::vector<std::string>& subscriptions) {
  bool came_up = false;
  {
    std::lock_guard<std::mutex> lock(conn_mu_);
    if (conn_ == Conn::kIdle && now >= next_connect_) {
      try {
        connect_token_ = client_->connect(connect_options_);
        conn_ = Conn::kConnecting;
      } catch (const std::exception&) {
        next_connect_ = now + milliseconds(backoff_ms_);
        backoff_ms_ = std::min(backoff_ms_ * 2, kMaxBackoffMs);
      }
    } else if (conn_ == Conn::kConnecting && connect_token_ && connect_token_->is_complete()) {
      if (connect_token_->get_return_code() == 0 && client_->is_connected()) {
        conn_ = Conn::kUp;
        backoff_ms_ = kMinBackoffMs;
        came_up = true;
      } else {
        conn_ = Conn::kIdle;
        next_connect_ = now + milliseconds(backoff_ms_);
        backoff_ms_ = std::min(backoff_ms_ * 2, kMaxBackoffMs);
      }
      connect_token_.reset();
    }
  }
  if (!came_up) return false;
  EnableTcpNoDelayOnAllSockets();
  try {
    for (const std::string& topic : subscriptions) client_->subscribe(topic, 1);
    client_->publish(status_topic, "online", 6, 1, true);
  } catch (const std::exception&) {
    // The connection dropped again; the lost handler schedules a retry.
  }
  return true;
}

bool SimDevice::IsUp() {
  std::lock_guard<std::mutex> lock(conn_mu_);
  return conn_ == Conn::kUp;
}

bool SimDevice::Publish(const std::string& payload, std::string* error) {
  try {
    client_->publish(rating_topic, payload.data(), payload.size(), 1, false);
    return true;
  } catch (const std::exception& e) {
    *error = e.what();
    return false;
  }
}

mqtt::token_ptr SimDevice::PublishOffline() {
  if (!IsUp()) return nullptr;
  try {
    return client_->publish(status_topic, "offline", 7, 1, true);
  } catch (const std::exception&) {
    return nullptr;
  }
}

mqtt::token_ptr SimDevice::Disconnect() {
  try {
    if (client_ && client_->is_connected()) return client_->disconnect(1000);
  } catch (const std::exception&) {
  }
  return nullptr;
}

}  // namespace hailong::devices::internal
