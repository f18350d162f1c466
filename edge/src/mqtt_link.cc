#include "mqtt_link.h"

#include <mqtt/async_client.h>

#include <chrono>
#include <iostream>

#include "hailong/devices/tcp_nodelay.h"

namespace hailong::edge {

MqttLink::MqttLink(MqttLinkOptions options, MessageCallback on_message,
                   ConnectedCallback on_connected)
    : options_(std::move(options)),
      on_message_(std::move(on_message)),
      on_connected_(std::move(on_connected)) {}

MqttLink::~MqttLink() { Stop(); }

Status MqttLink::Start(const MqttLinkOptions& options, MessageCallback on_message,
                       ConnectedCallback on_connected, std::unique_ptr<MqttLink>* out) {
  std::unique_ptr<MqttLink> link(
      new MqttLink(options, std::move(on_message), std::move(on_connected)));
  try {
    // Paho counts queued publishes against max_buffered_messages even while
    // connected (default 100): under load it would refuse acks.
    mqtt::create_options create(MQTTVERSION_3_1_1);
    create.set_max_buffered_messages(1 << 20);
    link->client_ = std::make_unique<mqtt::async_client>(options.url, options.client_id, create);
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("mqtt: ") + e.what());
  }
  MqttLink* raw = link.get();
  link->client_->set_message_callback([raw](mqtt::const_message_ptr msg) {
    if (!msg) return;
    raw->on_message_(msg->get_topic(), msg->get_payload_str());
  });
  link->client_->set_connection_lost_handler([raw](const std::string& cause) {
    raw->connected_ = false;
    raw->can_publish_ = false;
    std::lock_guard<std::mutex> lock(raw->mu_);
    raw->lost_ = true;
    raw->last_error_ = cause.empty() ? "connection lost" : "connection lost: " + cause;
    raw->cv_.notify_all();
  });
  // The owner's pointer is set before any callback can run.
  *out = std::move(link);
  raw->supervisor_ = std::thread([raw] { raw->Supervise(); });
  return Status::OK();
}

void MqttLink::SetError(const std::string& error) {
  std::lock_guard<std::mutex> lock(mu_);
  last_error_ = error;
}

std::string MqttLink::last_error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_error_;
}

bool MqttLink::ConnectOnce() {
  mqtt::connect_options opts;
  opts.set_mqtt_version(MQTTVERSION_3_1_1);
  opts.set_clean_session(false);
  opts.set_keep_alive_interval(options_.keepalive_s);
  opts.set_connect_timeout(5);
  opts.set_automatic_reconnect(false);
  opts.set_max_inflight(65535);
  if (!options_.username.empty()) opts.set_user_name(options_.username);
  if (!options_.password.empty()) opts.set_password(options_.password);
  if (!options_.will_topic.empty()) {
    opts.set_will(mqtt::will_options(options_.will_topic, options_.will_payload, 1, true));
  }
  try {
    auto tok = client_->connect(opts);
    if (!tok->wait_for(std::chrono::seconds(10))) {
      SetError("connect timed out");
      try {
        client_->disconnect(0)->wait_for(std::chrono::seconds(1));
      } catch (const std::exception&) {
        // Not connected after all: nothing to undo.
      }
      return false;
    }
    // A resumed session delivers the queued messages right after CONNACK;
    // their acks must go out, so publishing is allowed from here on.
    can_publish_ = true;
    for (const auto& filter : options_.subscriptions) {
      if (!client_->subscribe(filter, 1)->wait_for(std::chrono::seconds(10))) {
        SetError("subscribe to " + filter + " timed out");
        can_publish_ = false;
        client_->disconnect(0)->wait_for(std::chrono::seconds(1));
        return false;
      }
    }
  } catch (const mqtt::exception& e) {
    can_publish_ = false;
    SetError(e.what());
    return false;
  } catch (const std::exception& e) {
    can_publish_ = false;
    SetError(e.what());
    return false;
  }
  return true;
}

void MqttLink::Supervise() {
  int backoff = options_.backoff_min_ms;
  bool logged_down = false;
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_) return;
      lost_ = false;
    }
    if (ConnectOnce()) {
      // Paho leaves Nagle on: an ack written right after a PUBACK would
      // wait ~40 ms for the broker's delayed ACK.
      hailong::devices::EnableTcpNoDelayOnAllSockets();
      connected_ = true;
      ++connects_;
      backoff = options_.backoff_min_ms;
      std::cerr << "hailong-edge: mqtt connected to " << options_.url << "\n";
      logged_down = false;
      if (on_connected_) on_connected_();
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stop_ || lost_; });
      if (stop_) return;
      connected_ = false;
      can_publish_ = false;
      std::cerr << "hailong-edge: mqtt " << last_error_ << "; reconnecting\n";
      continue;
    }
    if (!logged_down) {
      std::cerr << "hailong-edge: mqtt broker " << options_.url << " unreachable (" << last_error()
                << "); retrying with backoff\n";
      logged_down = true;
    }
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(backoff), [this] { return stop_; });
    if (stop_) return;
    backoff = std::min(backoff * 2, options_.backoff_max_ms);
  }
}

bool MqttLink::Publish(const std::string& topic, const std::string& payload, int qos,
                       bool retained) {
  // A resumed session delivers its queued ratings right after CONNACK,
  // possibly before the supervisor thread has seen the connect complete:
  // Paho's own state then says connected, and their acks must go out.
  if (!can_publish_.load() && !client_->is_connected()) return false;
  try {
    client_->publish(topic, payload.data(), payload.size(), qos, retained);
    return true;
  } catch (const std::exception& e) {
    ++publish_errors_;
    return false;
  }
}

void MqttLink::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_ && !supervisor_.joinable()) return;
    stop_ = true;
    cv_.notify_all();
  }
  if (supervisor_.joinable()) supervisor_.join();
  if (client_) {
    try {
      if (client_->is_connected()) client_->disconnect(1000)->wait_for(std::chrono::seconds(2));
    } catch (const std::exception&) {
      // Already gone: nothing to close.
    }
    connected_ = false;
    can_publish_ = false;
  }
}

}  // namespace hailong::edge
