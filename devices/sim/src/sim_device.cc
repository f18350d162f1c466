// SimDevice: see sim_device.h.
#include "sim_device.h"

#include <mosquitto.h>
#include <sys/epoll.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <mutex>

#include "hailong/devices/payload.h"

namespace hailong::devices::internal {
namespace {

using std::chrono::milliseconds;

constexpr int kMinBackoffMs = 250;
constexpr int kMaxBackoffMs = 5000;
constexpr int kKeepAliveS = 20;
// A connection attempt without CONNACK for this long is given up.
constexpr int kConnectTimeoutMs = 5000;
// Packets read from one socket per readiness report (level-triggered: the
// rest come with the next).
constexpr int kMaxReadsPerEvent = 64;

void InitLibrary() {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
}

}  // namespace

Status ParseBrokerUri(const std::string& uri, std::string* host, int* port, bool* tls) {
  std::string rest = uri;
  bool secure = false;
  for (const char* scheme : {"tcp://", "mqtt://", "ssl://", "mqtts://"}) {
    if (rest.rfind(scheme, 0) == 0) {
      secure = std::string_view(scheme) == "ssl://" || std::string_view(scheme) == "mqtts://";
      rest = rest.substr(std::char_traits<char>::length(scheme));
      break;
    }
  }
  if (rest.find("://") != std::string::npos || (secure && tls == nullptr)) {
    return Status::InvalidArgument(std::string("--broker: only tcp://host:port") +
                                   (tls != nullptr ? " or ssl://host:port" : "") +
                                   " is supported, not " + uri);
  }
  if (tls != nullptr) *tls = secure;
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  *port = secure ? 8883 : 1883;
  const size_t colon = rest.rfind(':');
  if (colon != std::string::npos && rest.find(']', colon) == std::string::npos) {
    char* end = nullptr;
    const long p = std::strtol(rest.c_str() + colon + 1, &end, 10);
    if (end == rest.c_str() + colon + 1 || *end != '\0' || p < 1 || p > 65535) {
      return Status::InvalidArgument("--broker: bad port in " + uri);
    }
    *port = static_cast<int>(p);
    rest.resize(colon);
  }
  if (rest.size() > 2 && rest.front() == '[' && rest.back() == ']') {
    rest = rest.substr(1, rest.size() - 2);
  }
  if (rest.empty()) return Status::InvalidArgument("--broker: no host in " + uri);
  *host = rest;
  return Status::OK();
}

SimDevice::SimDevice(std::string id_in, std::string office, std::string counter_in)
    : id(std::move(id_in)),
      counter(std::move(counter_in)),
      rating_topic(RatingTopic(office, id)),
      ack_topic(AckTopic(office, id)),
      status_topic(StatusTopic(office, id)),
      session_topic(SessionTopic(office, counter)),
      backoff_ms_(kMinBackoffMs) {}

SimDevice::~SimDevice() {
  if (client_ != nullptr) mosquitto_destroy(client_);
}

Status SimDevice::CreateClient(const SimulatorOptions& o, const std::string& username,
                               const std::string& password, MessageHandler on_message) {
  Status s = ParseBrokerUri(o.broker, &host_, &port_, &tls_);
  if (!s.ok()) return Status::Unavailable(s.message());
  InitLibrary();
  client_ = mosquitto_new(id.c_str(), o.clean_session, this);
  if (client_ == nullptr) return Status::Unavailable("--broker: cannot create an MQTT client");
  mosquitto_int_option(client_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
  mosquitto_int_option(client_, MOSQ_OPT_TCP_NODELAY, 1);
  // The simulator keeps its own window (max_in_flight); no second one here.
  mosquitto_max_inflight_messages_set(client_, 0);
  mosquitto_will_set(client_, status_topic.c_str(), 7, "offline", 1, true);
  if (!username.empty()) {
    mosquitto_username_pw_set(client_, username.c_str(),
                              password.empty() ? nullptr : password.c_str());
  }
  if (tls_) {
    // The broker's certificate is checked (chain and host name).
    int rc = MOSQ_ERR_SUCCESS;
    if (o.ca_file.empty()) {
      rc = mosquitto_int_option(client_, MOSQ_OPT_TLS_USE_OS_CERTS, 1);
    } else {
      rc = mosquitto_tls_set(client_, o.ca_file.c_str(), nullptr, nullptr, nullptr, nullptr);
    }
    if (rc != MOSQ_ERR_SUCCESS) {
      return Status::InvalidArgument("--ca-file: " + std::string(mosquitto_strerror(rc)) +
                                     (o.ca_file.empty() ? "" : " (" + o.ca_file + ")"));
    }
  }
  mosquitto_connect_callback_set(client_, &SimDevice::OnConnect);
  mosquitto_disconnect_callback_set(client_, &SimDevice::OnDisconnect);
  mosquitto_message_callback_set(client_, &SimDevice::OnMessage);
  mosquitto_publish_callback_set(client_, &SimDevice::OnPublish);
  on_message_ = std::move(on_message);
  return Status::OK();
}

void SimDevice::OnConnect(struct mosquitto*, void* self, int rc) {
  auto* d = static_cast<SimDevice*>(self);
  if (rc == 0) {
    d->conn_ = Conn::kUp;
    d->came_up_ = true;
    d->backoff_ms_ = kMinBackoffMs;
  }
  // A refusal is followed by the disconnect callback.
}

void SimDevice::OnDisconnect(struct mosquitto*, void* self, int) {
  static_cast<SimDevice*>(self)->Lost(Steady::now());
}

void SimDevice::Lost(Steady::time_point now) {
  if (conn_ == Conn::kUp) backoff_ms_ = kMinBackoffMs;
  conn_ = Conn::kIdle;
  came_up_ = false;
  next_connect_ = now + milliseconds(backoff_ms_);
  backoff_ms_ = std::min(backoff_ms_ * 2, kMaxBackoffMs);
}

void SimDevice::OnMessage(struct mosquitto*, void* self, const struct mosquitto_message* m) {
  auto* d = static_cast<SimDevice*>(self);
  if (m->topic == nullptr || !d->on_message_) return;
  d->on_message_(std::string_view(m->topic),
                 std::string_view(static_cast<const char*>(m->payload),
                                  static_cast<size_t>(std::max(0, m->payloadlen))));
}

void SimDevice::OnPublish(struct mosquitto*, void* self, int mid) {
  auto* d = static_cast<SimDevice*>(self);
  if (d->on_published_) d->on_published_(mid);
}

bool SimDevice::ManageConnection(Steady::time_point now,
                                 const std::vector<std::string>& subscriptions) {
  if (conn_ == Conn::kIdle && now >= next_connect_) {
    registered_fd = -1;  // a new socket (its number may be the old one's)
    const int rc = ever_connected_
                       ? mosquitto_reconnect_async(client_)
                       : mosquitto_connect_async(client_, host_.c_str(), port_, kKeepAliveS);
    if (rc == MOSQ_ERR_SUCCESS) {
      ever_connected_ = true;
      conn_ = Conn::kConnecting;
      connect_started_ = now;
    } else {
      if (rc != MOSQ_ERR_INVAL) ever_connected_ = true;
      Lost(now);
    }
  } else if (conn_ == Conn::kConnecting &&
             now - connect_started_ > milliseconds(kConnectTimeoutMs)) {
    Lost(now);  // the next attempt closes the socket
  }
  if (!came_up_) return false;
  came_up_ = false;
  for (const std::string& topic : subscriptions) {
    mosquitto_subscribe(client_, nullptr, topic.c_str(), 1);
  }
  mosquitto_publish(client_, nullptr, status_topic.c_str(), 6, "online", 1, true);
  return true;
}

bool SimDevice::Publish(std::string_view payload, std::string* error, int* mid) {
  const int rc = mosquitto_publish(client_, mid, rating_topic.c_str(),
                                   static_cast<int>(payload.size()), payload.data(), 1, false);
  if (rc == MOSQ_ERR_SUCCESS) return true;
  *error = mosquitto_strerror(rc);
  return false;
}

bool SimDevice::PublishOffline() {
  if (!IsUp()) return false;
  return mosquitto_publish(client_, nullptr, status_topic.c_str(), 7, "offline", 1, true) ==
         MOSQ_ERR_SUCCESS;
}

void SimDevice::Disconnect() {
  if (client_ != nullptr && conn_ != Conn::kIdle) mosquitto_disconnect(client_);
}

bool SimDevice::WantsWrite() const { return client_ != nullptr && mosquitto_want_write(client_); }

int SimDevice::Socket() const { return client_ == nullptr ? -1 : mosquitto_socket(client_); }

void SimDevice::HandleEvents(uint32_t events) {
  if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0) {
    // Over TLS, packets may wait decrypted in the TLS buffer where epoll
    // does not see them: read until the socket is drained.
    for (int i = 0; (tls_ || i < kMaxReadsPerEvent) && Socket() >= 0; ++i) {
      errno = 0;
      const int rc = mosquitto_loop_read(client_, 1);
      if (rc != MOSQ_ERR_SUCCESS) {
        if (conn_ != Conn::kIdle && Socket() < 0) Lost(Steady::now());
        break;
      }
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    }
  }
  if (Socket() >= 0 && ((events & EPOLLOUT) != 0 || WantsWrite())) {
    const int rc = mosquitto_loop_write(client_, 1);
    if (rc != MOSQ_ERR_SUCCESS && conn_ != Conn::kIdle && Socket() < 0) Lost(Steady::now());
  }
}

void SimDevice::Tick() {
  if (Socket() >= 0) mosquitto_loop_misc(client_);
}

}  // namespace hailong::devices::internal
