// Hostile clients against the office broker as ops/mosquitto/
// make-office-broker configures it (authentication, ACL, 1 MiB packets):
// garbage instead of MQTT, an oversized packet before and after logging in,
// a CONNECT that declares a huge length, and 2,000 idle connections while a
// device still publishes normally.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>

#include "hailong/testing/office_broker.h"
#include "hailong/testing/temp_dir.h"
#include "hailong/testing/wait.h"
#include "nodes.h"

namespace hailong::hostile {
namespace {

using hailong::testing::TempDir;

std::string VarInt(size_t n) {
  std::string out;
  do {
    unsigned char b = n % 128;
    n /= 128;
    if (n > 0) b |= 0x80;
    out.push_back(static_cast<char>(b));
  } while (n > 0);
  return out;
}
std::string Str16(const std::string& s) {
  return std::string{static_cast<char>(s.size() >> 8), static_cast<char>(s.size() & 0xff)} + s;
}
// An MQTT 3.1.1 CONNECT with user name and password.
std::string Connect(const std::string& client, const std::string& user, const std::string& pw) {
  std::string body = Str16("MQTT") + std::string{4, static_cast<char>(0xC2), 0, 60};
  body += Str16(client) + Str16(user) + Str16(pw);
  return "\x10" + VarInt(body.size()) + body;
}

class BrokerHostileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hailong::testing::OfficeBrokerOptions o;
    o.dir = tmp_.Join("broker");
    o.office = "p1";
    o.edge_password = "edge-pw-1";
    o.devices = 2;
    o.device_prefix = "box";
    const Status s = hailong::testing::StartOfficeBroker(o, &broker_);
    ASSERT_TRUE(s.ok()) << s.ToString();
    port_ = broker_->port();
    box1_password_ = hailong::testing::OfficeDevicePassword(o.dir, "box1");
    ASSERT_FALSE(box1_password_.empty());
  }
  // A device logs in, publishes one rating with QoS 1 and disconnects; true
  // if the broker accepted the login and acknowledged the publication.
  // (Raw sockets and poll: the test holds more than 1,024 descriptors.)
  bool DevicePublishes() {
    const std::string topic = Str16("hailong/v1/p1/device/box1/rating");
    const std::string publish =
        "\x32" + VarInt(topic.size() + 2 + 2) + topic + std::string("\x00\x01{}", 4);
    RawReply r = RawExchange(
        port_, Connect("box1", "box1", box1_password_) + publish + std::string("\xe0\x00", 2),
        std::chrono::seconds(10));
    return r.bytes == std::string("\x20\x02\x00\x00\x40\x02\x00\x01", 8);
  }
  void ExpectAlive() {
    ASSERT_TRUE(broker_->Running()) << broker_->LogTail();
    EXPECT_TRUE(DevicePublishes());
  }

  TempDir tmp_{"hostile-broker"};
  std::string box1_password_;
  uint16_t port_ = 0;
  std::unique_ptr<hailong::testing::MosquittoBroker> broker_;
};

TEST_F(BrokerHostileTest, GarbageAndHttpAreDisconnected) {
  for (const std::string& junk :
       {std::string("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), std::string(4096, '\xff'),
        std::string("\x10\xff\xff\xff\xff\xff", 6), std::string("\x30\x00", 2)}) {
    RawReply r = RawExchange(port_, junk, std::chrono::seconds(10));
    EXPECT_TRUE(r.closed) << ::testing::PrintToString(junk.substr(0, 16));
  }
  ExpectAlive();
}

TEST_F(BrokerHostileTest, OversizedPacketsAreDisconnected) {
  // Before logging in: a CONNECT declaring 200 MB.
  RawReply r = RawExchange(port_, "\x10" + VarInt(200u << 20) + std::string(1024, 'a'),
                           std::chrono::seconds(10));
  EXPECT_TRUE(r.closed);
  // Logged in as a device: a 2 MiB PUBLISH to its own topic.
  const std::string topic = Str16("hailong/v1/p1/device/box1/rating");
  const std::string payload(2u << 20, 'x');
  const std::string publish = "\x30" + VarInt(topic.size() + payload.size()) + topic + payload;
  r = RawExchange(port_, Connect("box1", "box1", box1_password_) + publish,
                  std::chrono::seconds(10));
  ASSERT_GE(r.bytes.size(), 4u);
  EXPECT_EQ(r.bytes.substr(0, 4), std::string("\x20\x02\x00\x00", 4));  // CONNACK accepted
  EXPECT_TRUE(r.closed);
  // A wrong password is refused, and so is another device's.
  r = RawExchange(port_, Connect("box2", "box2", "guess"), std::chrono::seconds(10));
  EXPECT_TRUE(r.bytes.size() < 4 || r.bytes[3] != 0) << ::testing::PrintToString(r.bytes);
  r = RawExchange(port_, Connect("box2", "box2", box1_password_), std::chrono::seconds(10));
  EXPECT_TRUE(r.bytes.size() < 4 || r.bytes[3] != 0) << ::testing::PrintToString(r.bytes);
  ExpectAlive();
}

TEST_F(BrokerHostileTest, TwoThousandIdleConnectionsDoNotStopDevices) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port_);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::vector<int> fds;
  for (int i = 0; i < 2000; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd);
      continue;
    }
    fds.push_back(fd);
  }
  EXPECT_GE(fds.size(), 1900u);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(hailong::testing::WaitUntil([&] { return DevicePublishes(); },
                                          std::chrono::seconds(60), std::chrono::seconds(1)));
  std::printf("a device published %.1f s after %zu idle connections opened\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
              fds.size());
  for (int fd : fds) ::close(fd);
  ExpectAlive();
}

}  // namespace
}  // namespace hailong::hostile
