// EdgeHarness: the edge tests' shape of one office, on tests/support: the
// office broker (testing::StartOfficeBroker: make-office-broker's
// passwords, ACL, persistence, queue limits) and a real hailong-edge
// (testing::Daemon) configured for an office without a hub, with officers'
// PINs, a dossier token and an admin token, both with their files in one
// temporary directory. TestDevice is a button box: a Paho client logged in
// as one device user.
//
// Thread safety: one harness per test, used from the test's thread;
// TestDevice's acks arrive on Paho's thread and are read under a lock.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hailong/devices/payload.h"
#include "hailong/schema/event.h"
#include "hailong/schema/status.h"
#include "hailong/testing/daemon.h"
#include "hailong/testing/http_client.h"
#include "hailong/testing/mosquitto.h"
#include "hailong/testing/temp_dir.h"

namespace mqtt {
class async_client;
}

namespace hailong::edge_test {

using testing::HttpResponse;

inline constexpr char kOffice[] = "phuong-01";
inline constexpr char kOrigin[] = "edge-phuong-01";
inline constexpr char kEdgePassword[] = "edge-secret";
// Officers that may sign in at the harness's edge, all with kTestPin
// (officer_pins_file, as an office without a hub).
inline constexpr char kTestPin[] = "482915";
inline constexpr const char* kTestOfficers[] = {"cb-nhung", "cb-an",   "cb-a", "cb-lan",
                                                "cb-hung",  "cb-tuan", "cb-1", "cb-huong",
                                                "cb-early", "cb-now"};
// An Argon2id hash of `pin` at libsodium's smallest limits ("" on failure).
std::string PinHashForTests(const std::string& pin);
// The edge's credentials in EdgeConfig(): the one-stop software's dossier
// token (dossier_tokens_sha256) and the technicians' admin token.
inline constexpr char kDossierToken[] = "dossier-token-of-the-one-stop-software";
inline constexpr char kAdminToken[] = "admin-token-of-the-technicians";

struct HarnessOptions {
  int devices = 4;  // device users box-1 .. box-N
  // Both set: the broker also has a TLS listener (make-office-broker
  // --tls-port) with this PEM certificate and key.
  std::string tls_cert;
  std::string tls_key;
};

class EdgeHarness {
 public:
  explicit EdgeHarness(HarnessOptions options = {});
  ~EdgeHarness();

  // Generates the broker configuration (make-office-broker) and starts it.
  hailong::Status StartBroker();
  void StopBroker();  // SIGTERM: Mosquitto saves its persistence
  hailong::Status RestartBroker();
  // SIGHUP: Mosquitto reads its password file and ACL again.
  void ReloadBroker();
  std::string broker_url() const;
  // "ssl://127.0.0.1:<tls port>" with HarnessOptions::tls_cert.
  std::string broker_tls_url() const;
  uint16_t broker_port() const { return broker_ ? broker_->port() : 0; }
  // Device `name`'s own password (make-office-broker's
  // broker/devices/<name>.password); "" if it has none.
  std::string DevicePassword(const std::string& name) const;
  std::string device_password_dir() const { return dir_.Join("broker/devices"); }

  // The edge configuration with `overrides` merged in (a null value
  // removes a key). Written to edge.json by StartEdge.
  nlohmann::json EdgeConfig(const nlohmann::json& overrides = nlohmann::json::object()) const;
  // Starts hailong-edge and waits for /healthz (15 s).
  hailong::Status StartEdge(const nlohmann::json& overrides = nlohmann::json::object());
  int StopEdge();   // SIGTERM; returns the exit code
  void KillEdge();  // SIGKILL
  std::string EdgeLog() const { return edge_.LogTail(6000); }
  uint16_t http_port() const { return edge_.port(); }

  HttpResponse Get(const std::string& target) const;
  HttpResponse Post(const std::string& target, const std::string& body) const;
  HttpResponse PostJson(const std::string& target, const nlohmann::json& body) const {
    return Post(target, body.dump());
  }
  // A request with `Authorization: Bearer <bearer>` ("" = none).
  HttpResponse Send(const std::string& method, const std::string& target, const std::string& body,
                    const std::string& bearer,
                    const std::string& content_type = "application/json") const;
  // POST /api/v1/dossiers with the dossier token.
  HttpResponse PostDossier(const nlohmann::json& body) const {
    return Send("POST", "/api/v1/dossiers", body.dump(), kDossierToken);
  }
  // Enrolls a kiosk for `counter` the way a technician and the kiosk page
  // do (admin API, then the one-time code); its credential, "" on failure.
  std::string EnrollKiosk(const std::string& counter) const;
  // POST /api/v1/ratings as it comes from a kiosk (channel "touchscreen")
  // with a credential for the rating's counter, enrolled on first use and
  // kept for the harness's life (the edge keeps it across restarts).
  HttpResponse PostKioskRating(const nlohmann::json& rating);
  uint64_t LogSeq() const;  // from /api/v1/status
  // Waits until /api/v1/status log_seq >= seq.
  bool WaitLogSeq(uint64_t seq, std::chrono::milliseconds timeout = std::chrono::seconds(15)) const;

  // Every event of the edge's own origin; the edge must be stopped.
  hailong::Status ReadLog(std::vector<fb::EventT>* events) const;

  const testing::TempDir& dir() const { return dir_; }
  std::string data_dir() const { return dir_.Join("edge-data"); }

 private:
  HarnessOptions options_;
  testing::TempDir dir_;
  std::unique_ptr<testing::MosquittoBroker> broker_;
  testing::Daemon edge_;
  std::map<std::string, std::string> kiosk_tokens_;  // counter -> credential
};

// A device (button box) connected as user `name`, subscribed to its acks.
class TestDevice {
 public:
  // `password`: the device's own (EdgeHarness::DevicePassword) or, to test
  // a refusal, another. A fresh (clean) session.
  static hailong::Status Connect(const std::string& url, const std::string& name,
                                 std::unique_ptr<TestDevice>* out, const std::string& password,
                                 bool subscribe_acks = true);
  ~TestDevice();

  // Publishes at QoS 1 and waits for the broker's PUBACK.
  hailong::Status Publish(const std::string& topic, const std::string& payload);
  hailong::Status PublishRating(const std::string& payload) {
    return Publish(devices::RatingTopic(kOffice, name_), payload);
  }
  // Waits for an ack whose id is `id` (nullopt: an ack with a null id).
  bool WaitAck(const std::optional<std::string>& id, devices::DeviceAck* ack,
               std::chrono::milliseconds timeout = std::chrono::seconds(15));
  std::vector<devices::DeviceAck> Acks();
  // Waits until at least `n` acks have arrived.
  bool WaitAcks(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Extra subscription (e.g. a session topic); messages land in Messages().
  hailong::Status Subscribe(const std::string& filter);
  std::vector<std::pair<std::string, std::string>> Messages();

  const std::string& name() const { return name_; }
  // The broker has not closed the connection (and no reconnect was tried).
  bool Connected() const;

 private:
  TestDevice() = default;
  std::string name_;
  std::unique_ptr<mqtt::async_client> client_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<devices::DeviceAck> acks_;
  std::vector<std::pair<std::string, std::string>> messages_;
};

// A valid smiley-4 rating payload at device time `at_ms` (0 = now).
std::string SmileyRating(const std::string& id, const std::string& counter = "q1",
                         const std::string& option = "satisfied", int64_t at_ms = 0);
int64_t NowMs();

}  // namespace hailong::edge_test
