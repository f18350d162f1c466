#include "mqtt_link.h"

#include <MQTTAsync.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <string_view>

#include "tcp_nodelay.h"

namespace hailong::edge {

// One connect, subscribe or disconnect: Paho answers it exactly once, with
// OnSuccess or OnFailure (also OnFailure, "incomplete", when the client is
// destroyed first), on one of its threads.
struct MqttLink::Operation {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  bool ok = false;
  std::string error;
};

// Paho's C callbacks. None throws: a callback's exception would unwind
// through C frames.
struct PahoCallbacks {
  static int OnMessage(void* context, char* topic, int topic_len, MQTTAsync_message* message) {
    auto* link = static_cast<MqttLink*>(context);
    try {
      std::string name =
          topic_len > 0 ? std::string(topic, static_cast<size_t>(topic_len)) : std::string(topic);
      std::string payload(static_cast<const char*>(message->payload),
                          static_cast<size_t>(message->payloadlen));
      link->on_message_(name, std::move(payload));
    } catch (const std::exception& e) {
      std::cerr << "hailong-edge: mqtt message dropped: " << e.what() << "\n";
    }
    MQTTAsync_freeMessage(&message);
    MQTTAsync_free(topic);
    return 1;  // handled: Paho forgets it
  }

  static void OnConnectionLost(void* context, char* cause) {
    auto* link = static_cast<MqttLink*>(context);
    link->connected_ = false;
    link->can_publish_ = false;
    try {
      std::lock_guard<std::mutex> lock(link->mu_);
      link->lost_ = true;
      link->last_error_ = cause == nullptr || *cause == '\0'
                              ? std::string("connection lost")
                              : std::string("connection lost: ") + cause;
      link->cv_.notify_all();
    } catch (const std::exception&) {
      // Out of memory for the message: the supervisor still wakes up below.
      link->cv_.notify_all();
    }
  }

  // The broker acknowledged a QoS 1 publish: it leaves the window.
  static void OnDelivered(void* context, MQTTAsync_token /*token*/) {
    try {
      static_cast<MqttLink*>(context)->Refill(1, false);
    } catch (const std::exception& e) {
      std::cerr << "hailong-edge: mqtt queue: " << e.what() << "\n";
    }
  }

  static void Finish(void* context, bool ok, const char* error) {
    auto* op = static_cast<MqttLink::Operation*>(context);
    std::lock_guard<std::mutex> lock(op->mu);
    op->done = true;
    op->ok = ok;
    try {
      if (error != nullptr) op->error = error;
    } catch (const std::exception&) {
      // The reason is optional.
    }
    op->cv.notify_all();
  }
  static void OnSuccess(void* context, MQTTAsync_successData* /*data*/) {
    Finish(context, true, nullptr);
  }
  static void OnFailure(void* context, MQTTAsync_failureData* data) {
    const char* why = data != nullptr && data->message != nullptr ? data->message : nullptr;
    std::string text = "failed (code " + std::to_string(data != nullptr ? data->code : -1) + ")";
    Finish(context, false, why != nullptr ? why : text.c_str());
  }
};

MqttLink::MqttLink(MqttLinkOptions options, MessageCallback on_message,
                   ConnectedCallback on_connected)
    : options_(std::move(options)),
      on_message_(std::move(on_message)),
      on_connected_(std::move(on_connected)) {}

MqttLink::~MqttLink() {
  Stop();
  if (client_ != nullptr) {
    MQTTAsync handle = client_;
    // Answers what is still pending (OnFailure) before returning.
    MQTTAsync_destroy(&handle);
    client_ = nullptr;
  }
  std::lock_guard<std::mutex> lock(ops_mu_);
  ops_.clear();
}

Status MqttLink::Start(const MqttLinkOptions& options, MessageCallback on_message,
                       ConnectedCallback on_connected, std::unique_ptr<MqttLink>* out) {
  std::unique_ptr<MqttLink> link(
      new MqttLink(options, std::move(on_message), std::move(on_connected)));
  // No create options: Paho then neither buffers while disconnected nor
  // counts the buffered publishes (a walk of its command list) per publish.
  MQTTAsync handle = nullptr;
  int rc = MQTTAsync_create(&handle, options.url.c_str(), options.client_id.c_str(),
                            MQTTCLIENT_PERSISTENCE_NONE, nullptr);
  if (rc != MQTTASYNC_SUCCESS) {
    return Status::InvalidArgument("mqtt: cannot create a client for " + options.url + " (" +
                                   MQTTAsync_strerror(rc) + ")");
  }
  link->client_ = handle;
  rc = MQTTAsync_setCallbacks(handle, link.get(), &PahoCallbacks::OnConnectionLost,
                              &PahoCallbacks::OnMessage, &PahoCallbacks::OnDelivered);
  if (rc != MQTTASYNC_SUCCESS) {
    return Status::InvalidArgument(std::string("mqtt: setCallbacks: ") + MQTTAsync_strerror(rc));
  }
  MqttLink* raw = link.get();
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

bool MqttLink::PahoConnected() const {
  return client_ != nullptr && MQTTAsync_isConnected(client_) != 0;
}

MqttLink::Operation* MqttLink::NewOperation() {
  std::lock_guard<std::mutex> lock(ops_mu_);
  for (auto it = ops_.begin(); it != ops_.end();) {
    bool done = false;
    {
      std::lock_guard<std::mutex> op_lock((*it)->mu);
      done = (*it)->done;
    }
    it = done ? ops_.erase(it) : std::next(it);
  }
  ops_.push_back(std::make_unique<Operation>());
  return ops_.back().get();
}

bool MqttLink::Await(Operation* op, int timeout_ms, std::string* error) {
  std::unique_lock<std::mutex> lock(op->mu);
  if (!op->cv.wait_for(lock, std::chrono::milliseconds(timeout_ms), [op] { return op->done; })) {
    *error = "timed out";
    return false;
  }
  if (!op->ok) *error = op->error;
  return op->ok;
}

void MqttLink::Disconnect(int timeout_ms) {
  if (!PahoConnected()) return;
  Operation* op = NewOperation();
  MQTTAsync_disconnectOptions opts = MQTTAsync_disconnectOptions_initializer;
  opts.timeout = timeout_ms;
  opts.onSuccess = &PahoCallbacks::OnSuccess;
  opts.onFailure = &PahoCallbacks::OnFailure;
  opts.context = op;
  if (MQTTAsync_disconnect(client_, &opts) != MQTTASYNC_SUCCESS) return;
  std::string ignored;
  Await(op, timeout_ms + 1000, &ignored);
}

bool MqttLink::ConnectOnce() {
  MQTTAsync_connectOptions opts = MQTTAsync_connectOptions_initializer;
  opts.MQTTVersion = MQTTVERSION_3_1_1;
  opts.cleansession = 0;
  opts.keepAliveInterval = options_.keepalive_s;
  opts.connectTimeout = 5;
  opts.automaticReconnect = 0;
  opts.maxInflight = 65535;
  if (!options_.username.empty()) opts.username = options_.username.c_str();
  if (!options_.password.empty()) opts.password = options_.password.c_str();
  MQTTAsync_SSLOptions ssl = MQTTAsync_SSLOptions_initializer;
  const std::string_view url = options_.url;
  if (url.rfind("ssl://", 0) == 0 || url.rfind("mqtts://", 0) == 0) {
    ssl.enableServerCertAuth = 1;
    ssl.verify = 1;  // the certificate must name the URL's host
    if (!options_.ca_file.empty()) ssl.trustStore = options_.ca_file.c_str();
    opts.ssl = &ssl;
  }
  MQTTAsync_willOptions will = MQTTAsync_willOptions_initializer;
  if (!options_.will_topic.empty()) {
    will.topicName = options_.will_topic.c_str();
    will.message = options_.will_payload.c_str();
    will.qos = 1;
    will.retained = 1;
    opts.will = &will;
  }
  Operation* op = NewOperation();
  opts.onSuccess = &PahoCallbacks::OnSuccess;
  opts.onFailure = &PahoCallbacks::OnFailure;
  opts.context = op;
  int rc = MQTTAsync_connect(client_, &opts);
  if (rc != MQTTASYNC_SUCCESS) {
    SetError(std::string("connect: ") + MQTTAsync_strerror(rc));
    return false;
  }
  std::string error;
  if (!Await(op, 10000, &error)) {
    SetError("connect: " + error);
    Disconnect(1000);
    return false;
  }
  // A resumed session delivers the queued messages right after CONNACK;
  // their acks must go out, so publishing is allowed from here on.
  can_publish_ = true;
  for (const auto& filter : options_.subscriptions) {
    Operation* sub = NewOperation();
    MQTTAsync_responseOptions ropts = MQTTAsync_responseOptions_initializer;
    ropts.onSuccess = &PahoCallbacks::OnSuccess;
    ropts.onFailure = &PahoCallbacks::OnFailure;
    ropts.context = sub;
    rc = MQTTAsync_subscribe(client_, filter.c_str(), 1, &ropts);
    if (rc != MQTTASYNC_SUCCESS) error = MQTTAsync_strerror(rc);
    if (rc != MQTTASYNC_SUCCESS || !Await(sub, 10000, &error)) {
      SetError("subscribe to " + filter + ": " + error);
      can_publish_ = false;
      Disconnect(1000);
      return false;
    }
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
      EnableTcpNoDelayOnAllSockets();
      Refill(0, /*reset=*/true);  // what waited while the link was down
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

bool MqttLink::Publish(std::string topic, std::string payload, int qos, bool retained) {
  // A resumed session delivers its queued ratings right after CONNACK,
  // possibly before the supervisor thread has seen the connect complete:
  // Paho's own state then says connected, and their acks must go out.
  if (!can_publish_.load() && !PahoConnected()) return false;
  if (qos > 0) {
    std::lock_guard<std::mutex> lock(window_mu_);
    if (in_flight_ >= options_.max_in_flight || !queue_.empty()) {
      if (queue_.size() >= options_.max_queued) {
        ++publish_errors_;
        return false;
      }
      queue_.push_back(Queued{std::move(topic), std::move(payload), qos, retained});
      return true;
    }
    ++in_flight_;
  }
  if (Send(topic, payload, qos, retained)) return true;
  if (qos > 0) Refill(1, false);  // its place in the window is free again
  return false;
}

bool MqttLink::Send(const std::string& topic, const std::string& payload, int qos, bool retained) {
  // No response options: Paho keeps no success callback per publish.
  const int rc = MQTTAsync_send(client_, topic.c_str(), static_cast<int>(payload.size()),
                                payload.data(), qos, retained ? 1 : 0, nullptr);
  if (rc != MQTTASYNC_SUCCESS) {
    ++publish_errors_;
    return false;
  }
  return true;
}

void MqttLink::Refill(int completed, bool reset) {
  std::vector<Queued> batch;
  {
    std::lock_guard<std::mutex> lock(window_mu_);
    in_flight_ = reset ? 0 : std::max(0, in_flight_ - completed);
    while (!queue_.empty() && in_flight_ < options_.max_in_flight) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
      ++in_flight_;
    }
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    if (Send(batch[i].topic, batch[i].payload, batch[i].qos, batch[i].retained)) continue;
    // Not connected any more: the rest waits, in order, for the reconnect.
    std::lock_guard<std::mutex> lock(window_mu_);
    for (size_t k = batch.size(); k > i; --k) queue_.push_front(std::move(batch[k - 1]));
    in_flight_ = std::max(0, in_flight_ - static_cast<int>(batch.size() - i));
    break;
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
  if (client_ != nullptr) {
    Disconnect(1000);
    connected_ = false;
    can_publish_ = false;
  }
}

}  // namespace hailong::edge
