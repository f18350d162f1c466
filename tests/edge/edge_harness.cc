#include "edge_harness.h"

#include <mqtt/async_client.h>

#include <chrono>

#include "hailong/schema/time.h"
#include "hailong/testing/event_logs.h"
#include "hailong/testing/node_config.h"
#include "hailong/testing/office_broker.h"
#include "hailong/testing/programs.h"
#include "hailong/testing/wait.h"

namespace hailong::edge_test {

using nlohmann::json;
using namespace std::chrono_literals;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string SmileyRating(const std::string& id, const std::string& counter,
                         const std::string& option, int64_t at_ms) {
  return devices::RatingPayloadJson(id, counter, "smiley-4", {{"level", option}},
                                    at_ms == 0 ? NowMs() : at_ms);
}

std::string PinHashForTests(const std::string& pin) {
  // The smallest limits: the edge verifies with the limits in the string,
  // so tests stay quick; the hub hashes at the interactive ones.
  return testing::PasswordHash(pin, testing::HashCost::kMinimum);
}

EdgeHarness::EdgeHarness(HarnessOptions options)
    : options_(options),
      dir_("hailong-edge-test"),
      edge_("edge", testing::EdgeProgram(), dir_.path()) {
  nlohmann::json officers = nlohmann::json::object();
  const std::string hash = PinHashForTests(kTestPin);
  for (const char* officer : kTestOfficers) officers[officer] = hash;
  dir_.WriteFile("officer-pins.json", nlohmann::json{{"officers", officers}}.dump());
}

EdgeHarness::~EdgeHarness() { edge_.Kill(); }

Status EdgeHarness::StartBroker() {
  // Again after StopBroker: the same port, files and persistence.
  if (broker_) return broker_->Restart();
  testing::OfficeBrokerOptions o;
  o.dir = dir_.Join("broker");
  o.office = kOffice;
  o.edge_password = kEdgePassword;
  o.devices = options_.devices;
  o.tls_cert = options_.tls_cert;
  o.tls_key = options_.tls_key;
  return testing::StartOfficeBroker(o, &broker_);
}

void EdgeHarness::ReloadBroker() {
  if (broker_) broker_->Reload();
}

std::string EdgeHarness::broker_tls_url() const {
  return "ssl://127.0.0.1:" + std::to_string(broker_ ? broker_->second_port() : 0);
}

void EdgeHarness::StopBroker() {
  if (broker_) broker_->Stop();
}

Status EdgeHarness::RestartBroker() {
  StopBroker();
  return StartBroker();
}

std::string EdgeHarness::broker_url() const {
  return "tcp://127.0.0.1:" + std::to_string(broker_port());
}

std::string EdgeHarness::DevicePassword(const std::string& name) const {
  return testing::OfficeDevicePassword(dir_.Join("broker"), name);
}

json EdgeHarness::EdgeConfig(const json& overrides) const {
  json c = testing::EdgeConfig(kOffice, data_dir(), broker_url());
  c["mqtt"]["username"] = "edge";
  c["mqtt"]["password_file"] = dir_.Join("broker/edge.password");
  c["http"] = {{"listen", "127.0.0.1:" + std::to_string(edge_.port())}};
  c["web_root"] = testing::EdgeWebRoot();
  c["officer_pins_file"] = dir_.Join("officer-pins.json");
  c["dossier_tokens_sha256"] = json::array(
      {testing::Sha256Hex("another-one-stop-system"), testing::Sha256Hex(kDossierToken)});
  c["admin_token_sha256"] = testing::Sha256Hex(kAdminToken);
  c.merge_patch(overrides);
  // An edge without a hub seals comments and phone numbers to this key (a
  // hub's public key whose secret no test holds: personal_data.md).
  if (!c.contains("hub") && !c.contains("personal_data_public_key")) {
    c["personal_data_public_key"] =
        "fcbf671e1ee08be12c4fa787cdcbd6efd8c70e00a45679c2f9835f7ba830543b";
  }
  return c;
}

Status EdgeHarness::StartEdge(const json& overrides) { return edge_.Start(EdgeConfig(overrides)); }

int EdgeHarness::StopEdge() { return edge_.Stop(15s); }

void EdgeHarness::KillEdge() { edge_.Kill(); }

HttpResponse EdgeHarness::Get(const std::string& target) const { return edge_.Get(target); }

HttpResponse EdgeHarness::Post(const std::string& target, const std::string& body) const {
  return edge_.Post(target, body);
}

HttpResponse EdgeHarness::Send(const std::string& method, const std::string& target,
                               const std::string& body, const std::string& bearer,
                               const std::string& content_type) const {
  testing::HttpRequest req;
  req.method = method;
  req.target = target;
  req.body = body;
  req.content_type = content_type;
  if (!bearer.empty()) req.headers.emplace_back("Authorization", "Bearer " + bearer);
  return edge_.Send(req);
}

std::string EdgeHarness::EnrollKiosk(const std::string& counter) const {
  HttpResponse r =
      Send("POST", "/api/v1/admin/kiosks", json{{"counter", counter}}.dump(), kAdminToken);
  json made = json::parse(r.body, nullptr, false);
  if (r.status != 200 || !made.is_object() || !made["code"].is_string()) return "";
  r = Send("POST", "/api/v1/kiosks/enroll", json{{"code", made["code"]}}.dump(), "");
  json enrolled = json::parse(r.body, nullptr, false);
  if (r.status != 200 || !enrolled.is_object() || !enrolled["token"].is_string()) return "";
  return enrolled["token"].get<std::string>();
}

HttpResponse EdgeHarness::PostKioskRating(const json& rating) {
  const std::string counter = rating.value("counter", "q1");
  std::string& token = kiosk_tokens_[counter];
  if (token.empty()) token = EnrollKiosk(counter);
  return Send("POST", "/api/v1/ratings", rating.dump(), token);
}

uint64_t EdgeHarness::LogSeq() const {
  HttpResponse r = Get("/api/v1/status");
  if (r.status != 200) return 0;
  json j = json::parse(r.body, nullptr, false);
  return j.is_object() ? j.value("log_seq", uint64_t{0}) : 0;
}

bool EdgeHarness::WaitLogSeq(uint64_t seq, std::chrono::milliseconds timeout) const {
  return testing::WaitUntil([&] { return LogSeq() >= seq; }, timeout, 50ms);
}

Status EdgeHarness::ReadLog(std::vector<fb::EventT>* events) const {
  std::vector<replication::StoredEvent> stored;
  Status s = testing::ReadOrigin(data_dir() + "/log", kOrigin, &stored);
  if (!s.ok()) return s;
  events->clear();
  for (const auto& e : stored) {
    fb::EventT event;
    s = schema::DecodeEvent(e.bytes, &event);
    if (!s.ok()) return s;
    events->push_back(std::move(event));
  }
  return Status::OK();
}

// ---- TestDevice -----------------------------------------------------------------

Status TestDevice::Connect(const std::string& url, const std::string& name,
                           std::unique_ptr<TestDevice>* out, const std::string& password,
                           bool subscribe_acks) {
  std::unique_ptr<TestDevice> d(new TestDevice());
  d->name_ = name;
  try {
    d->client_ = std::make_unique<mqtt::async_client>(url, "test-" + name);
    TestDevice* raw = d.get();
    d->client_->set_message_callback([raw](mqtt::const_message_ptr m) {
      std::lock_guard<std::mutex> lock(raw->mu_);
      const std::string topic = m->get_topic();
      if (topic == devices::AckTopic(kOffice, raw->name_)) {
        devices::DeviceAck ack;
        if (devices::ParseAck(m->get_payload_str(), &ack).ok()) raw->acks_.push_back(ack);
      } else {
        raw->messages_.emplace_back(topic, m->get_payload_str());
      }
      raw->cv_.notify_all();
    });
    mqtt::connect_options opts;
    opts.set_clean_session(true);
    opts.set_mqtt_version(MQTTVERSION_3_1_1);
    opts.set_user_name(name);
    opts.set_password(password);
    opts.set_connect_timeout(5);
    d->client_->connect(opts)->wait_for(10s);
    if (subscribe_acks) {
      d->client_->subscribe(devices::AckTopic(kOffice, name), 1)->wait_for(10s);
    }
  } catch (const std::exception& e) {
    return Status::Unavailable(std::string("mqtt connect as ") + name + ": " + e.what());
  }
  *out = std::move(d);
  return Status::OK();
}

bool TestDevice::Connected() const { return client_ && client_->is_connected(); }

TestDevice::~TestDevice() {
  try {
    if (client_ && client_->is_connected()) client_->disconnect()->wait_for(2s);
  } catch (const std::exception&) {
    // Already gone.
  }
}

Status TestDevice::Publish(const std::string& topic, const std::string& payload) {
  try {
    auto tok = client_->publish(topic, payload.data(), payload.size(), 1, false);
    if (!tok->wait_for(10s)) return Status::Unavailable("publish timed out");
  } catch (const std::exception& e) {
    return Status::Unavailable(std::string("publish: ") + e.what());
  }
  return Status::OK();
}

bool TestDevice::WaitAck(const std::optional<std::string>& id, devices::DeviceAck* ack,
                         std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] {
    for (auto it = acks_.rbegin(); it != acks_.rend(); ++it) {
      if (it->id == id) {
        *ack = *it;
        return true;
      }
    }
    return false;
  });
}

std::vector<devices::DeviceAck> TestDevice::Acks() {
  std::lock_guard<std::mutex> lock(mu_);
  return acks_;
}

bool TestDevice::WaitAcks(size_t n, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return acks_.size() >= n; });
}

Status TestDevice::Subscribe(const std::string& filter) {
  try {
    client_->subscribe(filter, 1)->wait_for(10s);
  } catch (const std::exception& e) {
    return Status::Unavailable(std::string("subscribe: ") + e.what());
  }
  return Status::OK();
}

std::vector<std::pair<std::string, std::string>> TestDevice::Messages() {
  std::lock_guard<std::mutex> lock(mu_);
  return messages_;
}

}  // namespace hailong::edge_test
