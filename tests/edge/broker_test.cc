// The office broker configuration of ops/mosquitto/make-office-broker, run
// in a real Mosquitto and driven with mosquitto_pub / mosquitto_sub: no
// anonymous access, each device reads only its own acks and publishes only
// under its own id, the edge reads and writes everything of the office, and
// QoS 1 messages for an absent persistent session are kept far beyond
// Mosquitto's default queue of 1000.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <set>
#include <sstream>

#include "edge_harness.h"
#include "hailong/testing/process.h"
#include "hailong/testing/programs.h"
#include "hailong/testing/temp_dir.h"
#include "hailong/testing/wait.h"

namespace hailong::edge_test {
namespace {

using testing::CommandResult;
using testing::RunCommand;
using namespace std::chrono_literals;

class BrokerConfigTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(office_.StartBroker().ok()); }

  std::string Port() const { return std::to_string(office_.broker_port()); }

  // A mosquitto_sub started with -d (debug), line-buffered, writing to
  // `log`: waits until the broker has acknowledged its subscriptions.
  static bool Subscribed(const std::string& log) {
    return testing::WaitUntil(
        [&] { return testing::ReadFileOrEmpty(log).find("SUBACK") != std::string::npos; }, 10s);
  }

  // mosquitto_sub as `user`, exiting after `count` messages or `wait_s`.
  CommandResult Sub(const std::string& user, const std::string& password, const std::string& topic,
                    int count, int wait_s, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {"mosquitto_sub",
                                     "-h",
                                     "127.0.0.1",
                                     "-p",
                                     Port(),
                                     "-u",
                                     user,
                                     "-P",
                                     password,
                                     "-t",
                                     topic,
                                     "-q",
                                     "1",
                                     "-C",
                                     std::to_string(count),
                                     "-W",
                                     std::to_string(wait_s)};
    argv.insert(argv.end(), extra.begin(), extra.end());
    CommandResult r;
    EXPECT_TRUE(RunCommand(argv, &r, std::chrono::seconds(wait_s + 10)).ok());
    return r;
  }

  CommandResult Pub(const std::string& user, const std::string& password, const std::string& topic,
                    const std::string& message) {
    CommandResult r;
    EXPECT_TRUE(RunCommand({"mosquitto_pub", "-h", "127.0.0.1", "-p", Port(), "-u", user, "-P",
                            password, "-t", topic, "-q", "1", "-m", message},
                           &r)
                    .ok());
    return r;
  }

  EdgeHarness office_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_F(BrokerConfigTest, TheGeneratedFilesSayWhatTheOfficeNeeds) {
  const std::string conf = ReadFile(office_.dir().Join("broker/mosquitto.conf"));
  for (const char* line : {"allow_anonymous false\n", "persistence true\n",
                           "max_queued_messages 0\n", "max_queued_bytes 0\n", "password_file ",
                           "acl_file ", "listener ", "use_username_as_clientid true\n"}) {
    EXPECT_NE(conf.find(line), std::string::npos) << line << "\n" << conf;
  }
  const std::string acl = ReadFile(office_.dir().Join("broker/acl"));
  EXPECT_NE(acl.find("pattern write hailong/v1/phuong-01/device/%u/rating"), std::string::npos);
  EXPECT_NE(acl.find("pattern read hailong/v1/phuong-01/device/%u/ack"), std::string::npos);
  EXPECT_NE(acl.find("user edge\ntopic readwrite hailong/v1/phuong-01/#"), std::string::npos);
  const std::string devices = ReadFile(office_.dir().Join("broker/devices.txt"));
  EXPECT_EQ(devices, "box-1\nbox-2\nbox-3\nbox-4\n");
  EXPECT_EQ(ReadFile(office_.dir().Join("broker/edge.password")),
            std::string(kEdgePassword) + "\n");
  const std::string passwd = ReadFile(office_.dir().Join("broker/passwd"));
  // Every device its own password, in its own file that only the owner reads.
  std::set<std::string> passwords;
  for (const char* box : {"box-1", "box-2", "box-3", "box-4"}) {
    const std::string pw = office_.DevicePassword(box);
    EXPECT_GE(pw.size(), 20u) << box;
    EXPECT_EQ(passwd.find(pw), std::string::npos) << "passwords must be hashed";
    passwords.insert(pw);
    struct stat st {};
    ASSERT_EQ(::stat((office_.device_password_dir() + "/" + box + ".password").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << box;
  }
  EXPECT_EQ(passwords.size(), 4u);
  EXPECT_EQ(passwd.find(kEdgePassword), std::string::npos) << "passwords must be hashed";
}

TEST_F(BrokerConfigTest, RunningAgainKeepsPasswordsAndAddsDevices) {
  const std::string box1 = office_.DevicePassword("box-1");
  CommandResult r;
  ASSERT_TRUE(RunCommand({hailong::testing::MakeOfficeBrokerProgram(), "--office", kOffice,
                          "--port", Port(), "--dir", office_.dir().Join("broker"), "--devices", "4",
                          "--device", "kiosk-q1"},
                         &r)
                  .ok());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(office_.DevicePassword("box-1"), box1);
  EXPECT_EQ(ReadFile(office_.dir().Join("broker/edge.password")),
            std::string(kEdgePassword) + "\n");
  EXPECT_GE(office_.DevicePassword("kiosk-q1").size(), 20u);
  EXPECT_NE(office_.DevicePassword("kiosk-q1"), box1);
}

TEST_F(BrokerConfigTest, BadArgumentsAreRefused) {
  testing::TempDir dir;
  CommandResult r;
  ASSERT_TRUE(RunCommand({hailong::testing::MakeOfficeBrokerProgram(), "--office", "a b", "--port",
                          "1883", "--dir", dir.path(), "--edge-password", "x"},
                         &r)
                  .ok());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("--office"), std::string::npos) << r.output;
  ASSERT_TRUE(RunCommand({hailong::testing::MakeOfficeBrokerProgram(), "--office", "o", "--port",
                          "99999", "--dir", dir.path(), "--edge-password", "x"},
                         &r)
                  .ok());
  EXPECT_EQ(r.exit_code, 2);
  ASSERT_TRUE(RunCommand({hailong::testing::MakeOfficeBrokerProgram(), "--bogus"}, &r).ok());
  EXPECT_EQ(r.exit_code, 2);
  ASSERT_TRUE(RunCommand({hailong::testing::MakeOfficeBrokerProgram(), "--help"}, &r).ok());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("--tls-port"), std::string::npos);
  // One password for every device is no longer possible.
  ASSERT_TRUE(
      RunCommand({hailong::testing::MakeOfficeBrokerProgram(), "--office", "o", "--port", "1883",
                  "--dir", dir.path(), "--devices", "2", "--device-password", "shared"},
                 &r)
          .ok());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("own random password"), std::string::npos) << r.output;
  // A TLS listener needs a certificate and key that exist.
  ASSERT_TRUE(RunCommand({hailong::testing::MakeOfficeBrokerProgram(), "--office", "o", "--port",
                          "1883", "--dir", dir.path(), "--tls-port", "8883", "--tls-cert",
                          dir.Join("none.crt"), "--tls-key", dir.Join("none.key")},
                         &r)
                  .ok());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("--tls-cert"), std::string::npos) << r.output;
}

TEST_F(BrokerConfigTest, AnonymousAndWrongPasswordsAreRefused) {
  CommandResult r;
  ASSERT_TRUE(RunCommand({"mosquitto_pub", "-h", "127.0.0.1", "-p", Port(), "-t",
                          "hailong/v1/phuong-01/device/box-1/rating", "-m", "x"},
                         &r)
                  .ok());
  EXPECT_NE(r.exit_code, 0) << r.output;
  r = Pub("box-1", "wrong", "hailong/v1/phuong-01/device/box-1/rating", "x");
  EXPECT_NE(r.exit_code, 0) << r.output;
}

TEST_F(BrokerConfigTest, EachDeviceReadsOnlyItsOwnAcks) {
  // box-1 listens to its own acks and (trying) to box-2's.
  testing::ProcessOptions p;
  // Line-buffered (stdbuf): Subscribed() reads its output while it runs.
  p.argv = {"stdbuf",
            "-oL",
            "mosquitto_sub",
            "-h",
            "127.0.0.1",
            "-p",
            Port(),
            "-u",
            "box-1",
            "-P",
            office_.DevicePassword("box-1"),
            "-q",
            "1",
            "-v",
            "-t",
            "hailong/v1/phuong-01/device/box-1/ack",
            "-t",
            "hailong/v1/phuong-01/device/box-2/ack",
            "-t",
            "hailong/v1/phuong-01/counter/q1/session",
            "-W",
            "6",
            "-d"};
  p.log_file = office_.dir().Join("sub.log");
  std::unique_ptr<testing::Process> sub;
  ASSERT_TRUE(testing::Process::Start(p, &sub).ok());
  ASSERT_TRUE(Subscribed(p.log_file));
  EXPECT_EQ(
      Pub("edge", kEdgePassword, "hailong/v1/phuong-01/device/box-2/ack", "for-box-2").exit_code,
      0);
  EXPECT_EQ(
      Pub("edge", kEdgePassword, "hailong/v1/phuong-01/device/box-1/ack", "for-box-1").exit_code,
      0);
  EXPECT_EQ(
      Pub("edge", kEdgePassword, "hailong/v1/phuong-01/counter/q1/session", "session").exit_code,
      0);
  int code = -1;
  ASSERT_TRUE(sub->Wait(20s, &code).ok());
  const std::string out = testing::ReadFileOrEmpty(p.log_file);
  EXPECT_NE(out.find("device/box-1/ack for-box-1"), std::string::npos) << out;
  EXPECT_NE(out.find("counter/q1/session session"), std::string::npos) << out;
  EXPECT_EQ(out.find("for-box-2"), std::string::npos) << out;
}

TEST_F(BrokerConfigTest, ADeviceCanPublishOnlyUnderItsOwnId) {
  testing::ProcessOptions p;
  // Line-buffered (stdbuf): Subscribed() reads its output while it runs.
  p.argv = {"stdbuf",
            "-oL",
            "mosquitto_sub",
            "-h",
            "127.0.0.1",
            "-p",
            Port(),
            "-u",
            "edge",
            "-P",
            kEdgePassword,
            "-q",
            "1",
            "-v",
            "-t",
            "hailong/v1/phuong-01/#",
            "-W",
            "6",
            "-d"};
  p.log_file = office_.dir().Join("edge-sub.log");
  std::unique_ptr<testing::Process> sub;
  ASSERT_TRUE(testing::Process::Start(p, &sub).ok());
  ASSERT_TRUE(Subscribed(p.log_file));
  Pub("box-2", office_.DevicePassword("box-2"), "hailong/v1/phuong-01/device/box-1/rating",
      "forged");
  Pub("box-2", office_.DevicePassword("box-2"), "hailong/v1/phuong-01/device/box-2/ack",
      "self-ack");
  Pub("box-2", office_.DevicePassword("box-2"), "hailong/v1/phuong-01/counter/q1/session",
      "fake-session");
  Pub("box-2", office_.DevicePassword("box-2"), "hailong/v1/other-office/device/box-2/rating",
      "elsewhere");
  Pub("box-2", office_.DevicePassword("box-2"), "hailong/v1/phuong-01/device/box-2/rating",
      "genuine");
  int code = -1;
  ASSERT_TRUE(sub->Wait(20s, &code).ok());
  const std::string out = testing::ReadFileOrEmpty(p.log_file);
  EXPECT_NE(out.find("device/box-2/rating genuine"), std::string::npos) << out;
  for (const char* never : {"forged", "self-ack", "fake-session", "elsewhere"}) {
    EXPECT_EQ(out.find(never), std::string::npos) << never << "\n" << out;
  }
}

TEST_F(BrokerConfigTest, QueuedRatingsForAnAbsentEdgeAreNeverDropped) {
  // The edge's persistent session subscribes, then goes away.
  CommandResult r = Sub("edge", kEdgePassword, "hailong/v1/phuong-01/device/+/rating", 1, 1,
                        {"-c", "-i", "edge-session-test"});
  // 1500 QoS 1 ratings while it is away: more than Mosquitto's default queue.
  constexpr int kMessages = 1500;
  std::string lines;
  for (int i = 0; i < kMessages; ++i) lines += "rating-" + std::to_string(i) + "\n";
  CommandResult pub;
  ASSERT_TRUE(RunCommand({"mosquitto_pub", "-h", "127.0.0.1", "-p", Port(), "-u", "box-1", "-P",
                          office_.DevicePassword("box-1"), "-q", "1", "-t",
                          "hailong/v1/phuong-01/device/box-1/rating", "-l"},
                         &pub, std::chrono::seconds(60), lines)
                  .ok());
  ASSERT_EQ(pub.exit_code, 0) << pub.output;
  // A broker restart in between keeps them too (persistence).
  ASSERT_TRUE(office_.RestartBroker().ok());
  r = Sub("edge", kEdgePassword, "hailong/v1/phuong-01/device/+/rating", kMessages, 30,
          {"-c", "-i", "edge-session-test"});
  size_t got = 0;
  std::istringstream in(r.output);
  std::string line;
  while (std::getline(in, line)) got += line.rfind("rating-", 0) == 0 ? 1 : 0;
  EXPECT_EQ(got, static_cast<size_t>(kMessages)) << r.output.substr(0, 500);
}

}  // namespace
}  // namespace hailong::edge_test
