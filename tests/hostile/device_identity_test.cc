// One credential per device on the office broker (issue 14 item 4), against
// a real Mosquitto configured by ops/mosquitto/make-office-broker and a real
// hailong-edge: every device has its own password and cannot log in or
// publish as another; no device can take the edge's client id or user (the
// broker ties client ids to user names), so the edge stays connected and
// keeps its persistent session; a password rotated with `hailongctl broker
// device-password` stops the old one at the broker's reload; the TLS
// listener carries the edge and devices (hailong-devsim) with a CA made
// here by openssl.
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "edge_harness.h"
#include "hailong/testing/devsim.h"
#include "hailong/testing/process.h"
#include "hailong/testing/programs.h"
#include "hailong/testing/temp_dir.h"
#include "hailong/testing/wait.h"

namespace hailong::hostile {
namespace {

using edge_test::EdgeHarness;
using edge_test::HarnessOptions;
using edge_test::kOffice;
using edge_test::SmileyRating;
using edge_test::TestDevice;
using hailong::testing::CommandResult;
using hailong::testing::RunCommand;
using hailong::testing::WaitUntil;
using nlohmann::json;
using namespace std::chrono_literals;

// The edge's client id in its configuration (the default).
const std::string kEdgeClientId = std::string("hailong-edge-") + kOffice;

// mosquitto_pub as `user` with client id `client`: one QoS 1 message.
CommandResult Pub(const std::string& url_port, const std::string& client, const std::string& user,
                  const std::string& password, const std::string& topic,
                  const std::string& message) {
  CommandResult r;
  EXPECT_TRUE(RunCommand({"mosquitto_pub", "-h", "127.0.0.1", "-p", url_port, "-i", client, "-u",
                          user, "-P", password, "-q", "1", "-t", topic, "-m", message},
                         &r)
                  .ok());
  return r;
}

std::vector<fb::RatingSubmittedT> Ratings(const EdgeHarness& office) {
  std::vector<fb::EventT> events;
  EXPECT_TRUE(office.ReadLog(&events).ok());
  std::vector<fb::RatingSubmittedT> out;
  for (auto& e : events) {
    if (auto* r = e.body.AsRatingSubmitted()) out.push_back(*r);
  }
  return out;
}

bool Stored(const std::vector<fb::RatingSubmittedT>& ratings, const std::string& device,
            const std::string& id) {
  for (const auto& r : ratings) {
    if (r.device == device && r.rating_id == id) return true;
  }
  return false;
}

// The edge's count of connections made to the broker (its /metrics).
uint64_t EdgeConnects(const EdgeHarness& office) {
  const std::string body = office.Get("/metrics").body;
  const std::string name = "hailong_edge_mqtt_reconnects_total ";
  const size_t at = body.find("\n" + name);
  if (at == std::string::npos) return 0;
  return std::stoull(body.substr(at + 1 + name.size()));
}

bool EdgeConnected(const EdgeHarness& office) {
  return json::parse(office.Get("/api/v1/status").body, nullptr, false)
      .value("mqtt_connected", false);
}

class DeviceIdentityTest : public ::testing::Test {
 protected:
  void Start(HarnessOptions options = {}) {
    office_ = std::make_unique<EdgeHarness>(options);
    ASSERT_TRUE(office_->StartBroker().ok());
    ASSERT_TRUE(office_->StartEdge().ok()) << office_->EdgeLog();
    ASSERT_TRUE(WaitUntil([&] { return EdgeConnected(*office_); }, 15s)) << office_->EdgeLog();
  }
  std::string Port() const { return std::to_string(office_->broker_port()); }
  Status Connect(const std::string& name, std::unique_ptr<TestDevice>* out,
                 const std::string& password) {
    return TestDevice::Connect(office_->broker_url(), name, out, password);
  }
  // Publishes a rating and waits for the edge's ack saying it is stored.
  void ExpectStored(TestDevice* device, const std::string& id) {
    ASSERT_TRUE(device->PublishRating(SmileyRating(id)).ok());
    devices::DeviceAck ack;
    ASSERT_TRUE(device->WaitAck(id, &ack)) << id << "\n" << office_->EdgeLog();
    EXPECT_TRUE(ack.stored) << id << ": " << ack.error;
  }

  std::unique_ptr<EdgeHarness> office_;
};

TEST_F(DeviceIdentityTest, ADeviceCannotLogInOrPublishAsAnother) {
  Start();
  const std::string pw1 = office_->DevicePassword("box-1");
  const std::string pw2 = office_->DevicePassword("box-2");
  ASSERT_FALSE(pw1.empty());
  ASSERT_FALSE(pw2.empty());
  EXPECT_NE(pw1, pw2);
  std::set<std::string> all;
  for (int i = 1; i <= 4; ++i) all.insert(office_->DevicePassword("box-" + std::to_string(i)));
  EXPECT_EQ(all.size(), 4u) << "every device has its own password";

  // box-1's owner, with box-1's credentials, tries to be box-2.
  std::unique_ptr<TestDevice> fake;
  EXPECT_FALSE(Connect("box-2", &fake, pw1).ok()) << "box-1's password logged in as box-2";
  const std::string forged = SmileyRating("forged-1", "q1", "unsatisfied");
  Pub(Port(), "box-2", "box-1", pw1, devices::RatingTopic(kOffice, "box-2"), forged);
  Pub(Port(), "box-1", "box-1", pw1, devices::RatingTopic(kOffice, "box-2"), forged);

  // The genuine box-2 and box-1 rate after it and are answered.
  std::unique_ptr<TestDevice> box1, box2;
  ASSERT_TRUE(Connect("box-1", &box1, pw1).ok());
  ASSERT_TRUE(Connect("box-2", &box2, pw2).ok());
  ExpectStored(box2.get(), "genuine-2");
  ExpectStored(box1.get(), "genuine-1");
  for (const auto& ack : box2->Acks()) EXPECT_NE(ack.id, "forged-1");

  ASSERT_EQ(office_->StopEdge(), 0) << office_->EdgeLog();
  const auto ratings = Ratings(*office_);
  EXPECT_EQ(ratings.size(), 2u);
  EXPECT_TRUE(Stored(ratings, "box-2", "genuine-2"));
  EXPECT_TRUE(Stored(ratings, "box-1", "genuine-1"));
  EXPECT_FALSE(Stored(ratings, "box-2", "forged-1"));
}

TEST_F(DeviceIdentityTest, NoDeviceTakesTheEdgesClientIdOrUser) {
  Start();
  const std::string pw1 = office_->DevicePassword("box-1");
  const uint64_t connects = EdgeConnects(*office_);
  ASSERT_GE(connects, 1u);
  // A device connects under the edge's configured client id and under its
  // user name (its client id on this broker), with a clean session: once
  // that threw the edge off the broker and discarded its session.
  for (const std::string& client : {kEdgeClientId, std::string("edge")}) {
    CommandResult r = Pub(Port(), client, "box-1", pw1, devices::RatingTopic(kOffice, "box-1"),
                          SmileyRating("as-" + client));
    EXPECT_EQ(r.exit_code, 0) << r.output;  // accepted, but as box-1
  }
  // As the edge's user: no device knows its password.
  for (const std::string& client : {kEdgeClientId, std::string("edge")}) {
    CommandResult r =
        Pub(Port(), client, "edge", pw1, devices::AckTopic(kOffice, "box-1"), R"({"id":"x"})");
    EXPECT_NE(r.exit_code, 0) << r.output;
  }
  // The edge answers a rating after all that, on the connection it had.
  std::unique_ptr<TestDevice> box2;
  ASSERT_TRUE(Connect("box-2", &box2, office_->DevicePassword("box-2")).ok());
  ExpectStored(box2.get(), "after-takeover");
  EXPECT_TRUE(EdgeConnected(*office_));
  EXPECT_EQ(EdgeConnects(*office_), connects) << "the edge was thrown off the broker";

  // Its persistent session survives the same attempts while it is away:
  // ratings queued for it reach it when it comes back.
  ASSERT_EQ(office_->StopEdge(), 0);
  ASSERT_TRUE(box2->PublishRating(SmileyRating("queued-1")).ok());
  for (const std::string& client : {kEdgeClientId, std::string("edge")}) {
    CommandResult r = Pub(Port(), client, "box-1", pw1, devices::RatingTopic(kOffice, "box-1"),
                          SmileyRating("away-as-" + client));
    EXPECT_EQ(r.exit_code, 0) << r.output;
  }
  ASSERT_TRUE(box2->PublishRating(SmileyRating("queued-2")).ok());
  ASSERT_TRUE(office_->StartEdge().ok()) << office_->EdgeLog();
  devices::DeviceAck ack;
  ASSERT_TRUE(box2->WaitAck(std::string("queued-2"), &ack)) << office_->EdgeLog();
  ASSERT_TRUE(box2->WaitAck(std::string("queued-1"), &ack)) << office_->EdgeLog();
  ASSERT_EQ(office_->StopEdge(), 0);
  const auto ratings = Ratings(*office_);
  EXPECT_TRUE(Stored(ratings, "box-2", "queued-1"));
  EXPECT_TRUE(Stored(ratings, "box-2", "queued-2"));
  EXPECT_TRUE(Stored(ratings, "box-1", "away-as-" + kEdgeClientId));
  EXPECT_TRUE(Stored(ratings, "box-1", "away-as-edge"));
}

TEST_F(DeviceIdentityTest, ARotatedPasswordStopsTheOldOneAtTheReload) {
  Start();
  const std::string dir = office_->dir().Join("broker");
  const std::string old_pw = office_->DevicePassword("box-1");
  const std::string pw2 = office_->DevicePassword("box-2");
  // box-1 is connected with its old password while it is rotated.
  std::unique_ptr<TestDevice> stale;
  ASSERT_TRUE(Connect("box-1", &stale, old_pw).ok());
  ExpectStored(stale.get(), "before-rotation");
  const uint64_t edge_connects = EdgeConnects(*office_);
  CommandResult r;
  ASSERT_TRUE(RunCommand({hailong::testing::CtlProgram(), "--lang", "en", "broker",
                          "device-password", "--dir", dir, "--device", "box-1"},
                         &r)
                  .ok());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(dir + "/devices/box-1.password"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find(office_->DevicePassword("box-1")), std::string::npos)
      << "the password is printed only with --show";
  const std::string new_pw = office_->DevicePassword("box-1");
  ASSERT_FALSE(new_pw.empty());
  EXPECT_NE(new_pw, old_pw);

  office_->ReloadBroker();
  // The connection made with the old password is closed by the reload; the
  // edge, whose password did not change, keeps its connection.
  EXPECT_TRUE(WaitUntil([&] { return !stale->Connected(); }, 15s))
      << "box-1 stayed connected with its old password";
  std::unique_ptr<TestDevice> box;
  EXPECT_FALSE(Connect("box-1", &box, old_pw).ok()) << "the old password logs in after the reload";
  ASSERT_TRUE(Connect("box-1", &box, new_pw).ok());
  ExpectStored(box.get(), "rotated-1");
  EXPECT_EQ(EdgeConnects(*office_), edge_connects) << "the reload threw the edge off";
  // Other devices keep theirs.
  std::unique_ptr<TestDevice> box2;
  ASSERT_TRUE(Connect("box-2", &box2, pw2).ok());
  ExpectStored(box2.get(), "unchanged-2");

  // A new device is added the same way; the edge's user is not a device.
  ASSERT_TRUE(
      RunCommand({hailong::testing::CtlProgram(), "--lang", "en", "broker", "device-password",
                  "--dir", dir, "--device", "kiosk-q9", "--json", "--show"},
                 &r)
          .ok());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json j = json::parse(r.output, nullptr, false);
  EXPECT_EQ(j.value("added", false), true) << r.output;
  EXPECT_EQ(j.value("password", ""), office_->DevicePassword("kiosk-q9"));
  EXPECT_NE(testing::ReadFileOrEmpty(dir + "/devices.txt").find("kiosk-q9\n"), std::string::npos);
  office_->ReloadBroker();
  std::unique_ptr<TestDevice> kiosk;
  ASSERT_TRUE(WaitUntil(
      [&] { return Connect("kiosk-q9", &kiosk, office_->DevicePassword("kiosk-q9")).ok(); }, 15s));
  ExpectStored(kiosk.get(), "kiosk-1");
  for (const char* bad : {"edge", "../passwd", "a b"}) {
    ASSERT_TRUE(RunCommand({hailong::testing::CtlProgram(), "--lang", "en", "broker",
                            "device-password", "--dir", dir, "--device", bad},
                           &r)
                    .ok());
    EXPECT_EQ(r.exit_code, 2) << bad << ": " << r.output;
  }
  EXPECT_EQ(testing::ReadFileOrEmpty(dir + "/edge.password"),
            std::string(edge_test::kEdgePassword) + "\n");
  ASSERT_TRUE(RunCommand({hailong::testing::CtlProgram(), "broker", "device-password", "--dir",
                          office_->dir().Join("nothing"), "--device", "box-1"},
                         &r)
                  .ok());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("make-office-broker"), std::string::npos) << r.output;
}

// A CA and a broker certificate for 127.0.0.1 that it signs, made by openssl.
struct TestCa {
  std::string ca_crt, server_crt, server_key, other_ca_crt;
};
TestCa MakeCa(const testing::TempDir& dir) {
  TestCa ca{dir.Join("ca.crt"), dir.Join("server.crt"), dir.Join("server.key"),
            dir.Join("other-ca.crt")};
  const std::string ext = dir.WriteFile("server.ext", "subjectAltName=IP:127.0.0.1\n");
  const std::vector<std::vector<std::string>> steps = {
      {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
       "-nodes", "-days", "2", "-subj", "/CN=Hai Long test office CA", "-keyout",
       dir.Join("ca.key"), "-out", ca.ca_crt},
      {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
       "-nodes", "-days", "2", "-subj", "/CN=Another CA", "-keyout", dir.Join("other-ca.key"),
       "-out", ca.other_ca_crt},
      {"openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
       "-subj", "/CN=127.0.0.1", "-keyout", ca.server_key, "-out", dir.Join("server.csr")},
      {"openssl", "x509", "-req", "-in", dir.Join("server.csr"), "-CA", ca.ca_crt, "-CAkey",
       dir.Join("ca.key"), "-CAcreateserial", "-days", "2", "-extfile", ext, "-out", ca.server_crt},
  };
  for (const auto& argv : steps) {
    CommandResult r;
    EXPECT_TRUE(RunCommand(argv, &r).ok());
    EXPECT_EQ(r.exit_code, 0) << argv[1] << ": " << r.output;
  }
  return ca;
}

TEST_F(DeviceIdentityTest, TheTlsListenerCarriesTheEdgeAndDevices) {
  testing::TempDir certs("broker-tls");
  const TestCa ca = MakeCa(certs);
  HarnessOptions options;
  options.tls_cert = ca.server_crt;
  options.tls_key = ca.server_key;
  office_ = std::make_unique<EdgeHarness>(options);
  ASSERT_TRUE(office_->StartBroker().ok());
  const std::string tls_url = office_->broker_tls_url();
  const std::string tls_port = tls_url.substr(tls_url.rfind(':') + 1);

  // The edge over TLS, checking the broker's certificate against the CA.
  ASSERT_TRUE(office_->StartEdge({{"mqtt", {{"url", tls_url}, {"ca_file", ca.ca_crt}}}}).ok())
      << office_->EdgeLog();
  ASSERT_TRUE(WaitUntil([&] { return EdgeConnected(*office_); }, 15s)) << office_->EdgeLog();

  // Devices over TLS, each with its own password: hailong-devsim.
  CommandResult r;
  json report;
  ASSERT_TRUE(hailong::testing::RunDevsim(
                  tls_url, kOffice,
                  {"--ca-file", ca.ca_crt, "--devices", "3", "--username-prefix", "box-",
                   "--password-dir", office_->device_password_dir(), "--count", "30", "--rate",
                   "20", "--drain-timeout-ms", "20000", "--report-json", "--quiet", "--lang", "en"},
                  &r, &report)
                  .ok());
  ASSERT_EQ(r.exit_code, 0) << r.output << office_->EdgeLog();
  EXPECT_EQ(report.value("acked_stored", 0), 30) << r.output;

  // Not without the right CA, and not in plain MQTT on the TLS port.
  for (const std::string& cafile : {ca.other_ca_crt, ca.ca_crt}) {
    const bool right = cafile == ca.ca_crt;
    ASSERT_TRUE(RunCommand({"mosquitto_pub", "-h", "127.0.0.1", "-p", tls_port, "--cafile", cafile,
                            "-u", "box-1", "-P", office_->DevicePassword("box-1"), "-q", "1", "-t",
                            devices::StatusTopic(kOffice, "box-1"), "-m", "online"},
                           &r)
                    .ok());
    EXPECT_EQ(r.exit_code == 0, right) << cafile << ": " << r.output;
  }
  ASSERT_TRUE(RunCommand({"mosquitto_pub", "-h", "127.0.0.1", "-p", tls_port, "-u", "box-1", "-P",
                          office_->DevicePassword("box-1"), "-q", "1", "-t",
                          devices::StatusTopic(kOffice, "box-1"), "-m", "online"},
                         &r)
                  .ok());
  EXPECT_NE(r.exit_code, 0) << r.output;

  ASSERT_EQ(office_->StopEdge(), 0) << office_->EdgeLog();
  EXPECT_EQ(Ratings(*office_).size(), 30u);
}

}  // namespace
}  // namespace hailong::hostile
