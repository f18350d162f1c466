#include "edge_harness.h"

#include <mqtt/async_client.h>
#include <signal.h>
#include <sodium.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "hailong/replication/event_log.h"
#include "hailong/schema/time.h"
#include "hailong/testing/ports.h"
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
  if (sodium_init() < 0) return "";
  char out[crypto_pwhash_STRBYTES];
  // The smallest limits: the edge verifies with the limits in the string,
  // so tests stay quick; the hub hashes at the interactive ones.
  if (crypto_pwhash_str(out, pin.data(), pin.size(), crypto_pwhash_OPSLIMIT_MIN,
                        crypto_pwhash_MEMLIMIT_MIN) != 0) {
    return "";
  }
  return out;
}

EdgeHarness::EdgeHarness(HarnessOptions options) : options_(options), dir_("hailong-edge-test") {
  nlohmann::json officers = nlohmann::json::object();
  const std::string hash = PinHashForTests(kTestPin);
  for (const char* officer : kTestOfficers) officers[officer] = hash;
  dir_.WriteFile("officer-pins.json", nlohmann::json{{"officers", officers}}.dump());
}

EdgeHarness::~EdgeHarness() {
  if (edge_) edge_->Kill();
  if (broker_) broker_->Kill();
}

Status EdgeHarness::StartBroker() {
  if (broker_port_ == 0) {
    broker_port_ = testing::FreeTcpPort();
    std::vector<std::string> argv = {HAILONG_MAKE_OFFICE_BROKER,
                                     "--office",
                                     kOffice,
                                     "--port",
                                     std::to_string(broker_port_),
                                     "--dir",
                                     dir_.Join("broker"),
                                     "--edge-password",
                                     kEdgePassword,
                                     "--devices",
                                     std::to_string(options_.devices)};
    if (::geteuid() == 0) {
      argv.push_back("--run-as");
      argv.push_back("root");
    }
    if (!options_.tls_cert.empty()) {
      broker_tls_port_ = testing::FreeTcpPort();
      argv.insert(argv.end(), {"--tls-port", std::to_string(broker_tls_port_), "--tls-cert",
                               options_.tls_cert, "--tls-key", options_.tls_key});
    }
    testing::CommandResult r;
    Status s = testing::RunCommand(argv, &r);
    if (!s.ok()) return s;
    if (r.exit_code != 0) return Status::IOError("make-office-broker: " + r.output);
  }
  testing::ProcessOptions p;
  p.argv = {HAILONG_TEST_MOSQUITTO, "-c", dir_.Join("broker/mosquitto.conf")};
  p.log_file = dir_.Join("broker/mosquitto.out");
  Status s = testing::Process::Start(p, &broker_);
  if (!s.ok()) return s;
  s = testing::WaitForTcpPort("127.0.0.1", broker_port_, 10s);
  if (!s.ok() || broker_tls_port_ == 0) return s;
  return testing::WaitForTcpPort("127.0.0.1", broker_tls_port_, 10s);
}

void EdgeHarness::ReloadBroker() {
  if (broker_) broker_->Signal(SIGHUP);
}

std::string EdgeHarness::broker_tls_url() const {
  return "ssl://127.0.0.1:" + std::to_string(broker_tls_port_);
}

void EdgeHarness::StopBroker() {
  if (broker_) broker_->Stop();
  broker_.reset();
}

Status EdgeHarness::RestartBroker() {
  StopBroker();
  return StartBroker();
}

std::string EdgeHarness::broker_url() const {
  return "tcp://127.0.0.1:" + std::to_string(broker_port_);
}

std::string EdgeHarness::DevicePassword(const std::string& name) const {
  std::string text = testing::ReadFileOrEmpty(device_password_dir() + "/" + name + ".password");
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

json EdgeHarness::EdgeConfig(const json& overrides) const {
  json c = {{"office_id", kOffice},
            {"data_dir", data_dir()},
            {"mqtt",
             {{"url", broker_url()},
              {"username", "edge"},
              {"password_file", dir_.Join("broker/edge.password")}}},
            {"http", {{"listen", "127.0.0.1:" + std::to_string(http_port_)}}},
            {"web_root", HAILONG_TEST_WEB_ROOT},
            {"officer_pins_file", dir_.Join("officer-pins.json")},
            {"min_free_mb", 0},
            {"dossier_tokens_sha256",
             {schema::HexEncode(schema::Sha256("another-one-stop-system")),
              schema::HexEncode(schema::Sha256(kDossierToken))}},
            {"admin_token_sha256", schema::HexEncode(schema::Sha256(kAdminToken))}};
  c.merge_patch(overrides);
  // An edge without a hub seals comments and phone numbers to this key (a
  // hub's public key whose secret no test holds: personal_data.md).
  if (!c.contains("hub") && !c.contains("personal_data_public_key")) {
    c["personal_data_public_key"] =
        "fcbf671e1ee08be12c4fa787cdcbd6efd8c70e00a45679c2f9835f7ba830543b";
  }
  return c;
}

Status EdgeHarness::StartEdge(const json& overrides) {
  if (http_port_ == 0) http_port_ = testing::FreeTcpPort();
  const std::string config = dir_.WriteFile("edge.json", EdgeConfig(overrides).dump(2));
  testing::ProcessOptions p;
  p.argv = {HAILONG_EDGE_BIN, "--config", config};
  p.log_file = dir_.Join("edge.log");
  Status s = testing::Process::Start(p, &edge_);
  if (!s.ok()) return s;
  s = testing::WaitForHttpOk("127.0.0.1", http_port_, "/healthz", 15s);
  if (!s.ok()) return Status::Unavailable(s.message() + "; edge log: " + EdgeLog());
  return Status::OK();
}

int EdgeHarness::StopEdge() {
  if (!edge_) return -1;
  int code = edge_->Stop(15s);
  edge_.reset();
  return code;
}

void EdgeHarness::KillEdge() {
  if (edge_) edge_->Kill();
  edge_.reset();
}

std::string EdgeHarness::EdgeLog() const {
  std::string all = testing::ReadFileOrEmpty(dir_.Join("edge.log"));
  return all.size() > 6000 ? all.substr(all.size() - 6000) : all;
}

HttpResponse EdgeHarness::Get(const std::string& target) const {
  HttpResponse r;
  Status s = testing::HttpGet(http_port_, target, &r);
  if (!s.ok()) r.status = 0;
  return r;
}

HttpResponse EdgeHarness::Post(const std::string& target, const std::string& body) const {
  HttpResponse r;
  Status s = testing::HttpPost(http_port_, target, body, &r);
  if (!s.ok()) r.status = 0;
  return r;
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
  HttpResponse r;
  if (!testing::SendHttp("127.0.0.1", http_port_, req, &r).ok()) r.status = 0;
  return r;
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
  replication::EventLogOptions o;
  o.origin = kOrigin;
  std::unique_ptr<replication::EventLog> log;
  Status s = replication::EventLog::Open(o, data_dir() + "/log", &log);
  if (!s.ok()) return s;
  events->clear();
  Status decode_status;
  s = log->Scan(kOrigin, 1, [&](uint64_t, std::string_view bytes, const fb::Event&) {
    fb::EventT e;
    decode_status = schema::DecodeEvent(bytes, &e);
    if (!decode_status.ok()) return false;
    events->push_back(std::move(e));
    return true;
  });
  if (!s.ok()) return s;
  return decode_status;
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
