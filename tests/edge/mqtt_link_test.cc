// MqttLink (the edge's Paho C connection) against a real Mosquitto: QoS 1
// both ways, the persistent session keeping what arrives while the link is
// away, reconnection and resubscription after a broker restart, a burst of
// publishes larger than the link's in-flight window, and a bad URL.
#include "mqtt_link.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "hailong/testing/mosquitto.h"
#include "hailong/testing/temp_dir.h"
#include "hailong/testing/wait.h"

namespace hailong::edge {
namespace {

using std::chrono::seconds;
using testing::WaitUntil;

// What a link received, from Paho's thread.
struct Inbox {
  std::mutex mu;
  std::vector<std::pair<std::string, std::string>> messages;
  size_t size() {
    std::lock_guard<std::mutex> lock(mu);
    return messages.size();
  }
  bool Has(const std::string& topic, const std::string& payload) {
    std::lock_guard<std::mutex> lock(mu);
    for (const auto& m : messages) {
      if (m.first == topic && m.second == payload) return true;
    }
    return false;
  }
  std::set<std::string> Payloads() {
    std::lock_guard<std::mutex> lock(mu);
    std::set<std::string> out;
    for (const auto& m : messages) out.insert(m.second);
    return out;
  }
};

class MqttLinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::MosquittoOptions o;
    o.dir = dir_.path();
    o.extra_config = "max_queued_messages 0\n";
    Status s = testing::MosquittoBroker::Start(o, &broker_);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  std::unique_ptr<MqttLink> Link(const std::string& client_id, std::vector<std::string> subs,
                                 Inbox* inbox, std::atomic<int>* connected_calls = nullptr,
                                 int max_in_flight = 128) {
    MqttLinkOptions o;
    o.max_in_flight = max_in_flight;
    o.url = broker_->url();
    o.client_id = client_id;
    o.subscriptions = std::move(subs);
    o.backoff_min_ms = 50;
    o.backoff_max_ms = 200;
    std::unique_ptr<MqttLink> link;
    Status s = MqttLink::Start(
        o,
        [inbox](const std::string& topic, std::string payload) {
          if (inbox == nullptr) return;
          std::lock_guard<std::mutex> lock(inbox->mu);
          inbox->messages.emplace_back(topic, std::move(payload));
        },
        [connected_calls] {
          if (connected_calls != nullptr) ++*connected_calls;
        },
        &link);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return link;
  }

  testing::TempDir dir_{"hailong-mqtt-link"};
  std::unique_ptr<testing::MosquittoBroker> broker_;
};

TEST_F(MqttLinkTest, DeliversBothWaysAtQos1) {
  Inbox in;
  auto sub = Link("link-sub", {"t/#"}, &in);
  auto pub = Link("link-pub", {}, nullptr);
  ASSERT_TRUE(WaitUntil([&] { return sub->connected() && pub->connected(); }, seconds(10)));
  EXPECT_TRUE(pub->Publish("t/a", "hello", 1, false));
  EXPECT_TRUE(pub->Publish("t/b", std::string("x\0y", 3), 1, false));
  ASSERT_TRUE(WaitUntil([&] { return in.size() == 2; }, seconds(10)));
  EXPECT_TRUE(in.Has("t/a", "hello"));
  EXPECT_TRUE(in.Has("t/b", std::string("x\0y", 3)));
  EXPECT_EQ(pub->publish_errors(), 0u);
}

TEST_F(MqttLinkTest, ThePersistentSessionKeepsWhatArrivesWhileTheLinkIsAway) {
  Inbox first;
  auto sub = Link("link-session", {"t/#"}, &first);
  auto pub = Link("link-pub", {}, nullptr);
  ASSERT_TRUE(WaitUntil([&] { return sub->connected() && pub->connected(); }, seconds(10)));
  sub->Stop();
  sub.reset();
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(pub->Publish("t/away", std::to_string(i), 1, false));
  Inbox second;
  sub = Link("link-session", {"t/#"}, &second);
  ASSERT_TRUE(WaitUntil([&] { return second.size() >= 50; }, seconds(10)));
  EXPECT_EQ(second.Payloads().size(), 50u);
}

TEST_F(MqttLinkTest, ReconnectsAndResubscribesAfterABrokerRestart) {
  Inbox in;
  std::atomic<int> connected_calls{0};
  auto sub = Link("link-restart", {"t/#"}, &in, &connected_calls);
  auto pub = Link("link-pub", {}, nullptr);
  ASSERT_TRUE(WaitUntil([&] { return sub->connected() && pub->connected(); }, seconds(10)));
  EXPECT_EQ(sub->connects(), 1u);
  broker_->Stop();
  ASSERT_TRUE(WaitUntil([&] { return !sub->connected() && !pub->connected(); }, seconds(10)));
  EXPECT_FALSE(pub->Publish("t/lost", "while down", 1, false));
  ASSERT_TRUE(broker_->Restart().ok());
  ASSERT_TRUE(WaitUntil([&] { return sub->connects() == 2 && pub->connects() == 2; }, seconds(15)));
  EXPECT_EQ(connected_calls.load(), 2);
  ASSERT_TRUE(pub->Publish("t/back", "after restart", 1, false));
  ASSERT_TRUE(WaitUntil([&] { return in.Has("t/back", "after restart"); }, seconds(10)));
}

// Publishes beyond the window wait in the link's queue and go out in order
// as the broker acknowledges earlier ones (also with a window of one).
TEST_F(MqttLinkTest, ABurstLargerThanTheInFlightWindowArrivesWholeAndInOrder) {
  for (int window : {128, 1}) {
    SCOPED_TRACE("window " + std::to_string(window));
    Inbox in;
    const std::string w = std::to_string(window);
    auto sub = Link("link-burst-" + w, {"t/#"}, &in);
    auto pub = Link("link-pub-" + w, {}, nullptr, nullptr, window);
    ASSERT_TRUE(WaitUntil([&] { return sub->connected() && pub->connected(); }, seconds(10)));
    const int count = window == 1 ? 500 : 5000;
    for (int i = 0; i < count; ++i) {
      ASSERT_TRUE(pub->Publish("t/burst/" + w, std::to_string(i), 1, false));
    }
    ASSERT_TRUE(WaitUntil([&] { return in.size() >= static_cast<size_t>(count); }, seconds(60)));
    std::lock_guard<std::mutex> lock(in.mu);
    ASSERT_EQ(in.messages.size(), static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) ASSERT_EQ(in.messages[i].second, std::to_string(i));
    EXPECT_EQ(pub->publish_errors(), 0u);
  }
}

TEST(MqttLinkStartTest, ABadUrlIsRefused) {
  MqttLinkOptions o;
  o.url = "nonsense://host";
  o.client_id = "x";
  std::unique_ptr<MqttLink> link;
  Status s = MqttLink::Start(
      o, [](const std::string&, std::string) {}, [] {}, &link);
  EXPECT_FALSE(s.ok());
}

}  // namespace
}  // namespace hailong::edge
