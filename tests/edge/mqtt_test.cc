// Devices over MQTT against a real Mosquitto (configured by
// make-office-broker) and a real hailong-edge: stored acks, idempotent
// repeats (also across restarts and SIGKILL), every rejection reason, the
// broker's ACL, officer attribution at device time, misuse flags, the
// retained session topic, the persistent session and a broker restart.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <thread>

#include "edge_harness.h"
#include "hailong/schema/event_json.h"
#include "hailong/schema/time.h"
#include "hailong/testing/wait.h"

namespace hailong::edge_test {
namespace {

using devices::DeviceAck;
using nlohmann::json;
using namespace std::chrono_literals;

class EdgeMqttTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(office_.StartBroker().ok());
    ASSERT_TRUE(office_.StartEdge().ok()) << office_.EdgeLog();
    ASSERT_TRUE(Connect("box-1", &box1_).ok());
    // The edge connects in the background; wait until it is subscribed.
    ASSERT_TRUE(testing::WaitUntil(
        [&] {
          auto r = office_.Get("/api/v1/status");
          return json::parse(r.body, nullptr, false).value("mqtt_connected", false);
        },
        15s))
        << office_.EdgeLog();
  }

  Status Connect(const std::string& name, std::unique_ptr<TestDevice>* out) {
    return TestDevice::Connect(office_.broker_url(), name, out, office_.DevicePassword(name));
  }

  // Publishes and waits for the ack of `id`.
  DeviceAck Rate(TestDevice* device, const std::string& id, const std::string& payload) {
    DeviceAck ack;
    EXPECT_TRUE(device->PublishRating(payload).ok());
    EXPECT_TRUE(device->WaitAck(id, &ack)) << "no ack for " << id << "\n" << office_.EdgeLog();
    return ack;
  }

  std::vector<fb::EventT> StopAndReadLog() {
    EXPECT_EQ(office_.StopEdge(), 0) << office_.EdgeLog();
    std::vector<fb::EventT> events;
    Status s = office_.ReadLog(&events);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return events;
  }

  static std::vector<const fb::RatingSubmittedT*> Ratings(const std::vector<fb::EventT>& events) {
    std::vector<const fb::RatingSubmittedT*> out;
    for (const auto& e : events) {
      if (auto* r = e.body.AsRatingSubmitted()) out.push_back(r);
    }
    return out;
  }

  EdgeHarness office_;
  std::unique_ptr<TestDevice> box1_;
};

TEST_F(EdgeMqttTest, StoresARatingAndAcksWithItsSeq) {
  DeviceAck ack = Rate(box1_.get(), "r-1", SmileyRating("r-1"));
  ASSERT_TRUE(ack.stored) << ack.error;
  EXPECT_EQ(ack.seq, office_.LogSeq());
  auto events = StopAndReadLog();
  auto ratings = Ratings(events);
  ASSERT_EQ(ratings.size(), 1u);
  EXPECT_EQ(events.back().seq, ack.seq);
  EXPECT_EQ(events.back().idempotency_id, "box-1:r-1");
  const auto* r = ratings[0];
  EXPECT_EQ(r->rating_id, "r-1");
  EXPECT_EQ(r->device, "box-1");
  EXPECT_EQ(r->counter, "q1");
  EXPECT_EQ(r->office, kOffice);
  EXPECT_EQ(r->channel, fb::Channel::ButtonBox);
  EXPECT_EQ(r->template_id, "smiley-4");
  EXPECT_EQ(r->classification, fb::Classification::Satisfied);
  ASSERT_EQ(r->answers.size(), 1u);
  EXPECT_EQ(r->answers[0]->criterion, "level");
  EXPECT_EQ(r->answers[0]->option, "satisfied");
}

TEST_F(EdgeMqttTest, RepeatedIdGetsTheSameSeqAndNoSecondEvent) {
  const std::string payload = SmileyRating("same-id");
  DeviceAck first = Rate(box1_.get(), "same-id", payload);
  ASSERT_TRUE(first.stored);
  const uint64_t seq_after_first = office_.LogSeq();
  DeviceAck ack;
  ASSERT_TRUE(box1_->PublishRating(payload).ok());
  ASSERT_TRUE(box1_->WaitAcks(2));
  ack = box1_->Acks().back();
  EXPECT_TRUE(ack.stored);
  EXPECT_EQ(ack.seq, first.seq);
  EXPECT_EQ(office_.LogSeq(), seq_after_first);

  // Still the same answer after a clean restart and after SIGKILL.
  ASSERT_EQ(office_.StopEdge(), 0);
  ASSERT_TRUE(office_.StartEdge().ok()) << office_.EdgeLog();
  ASSERT_TRUE(box1_->PublishRating(payload).ok());
  ASSERT_TRUE(box1_->WaitAcks(3)) << office_.EdgeLog();
  EXPECT_EQ(box1_->Acks().back().seq, first.seq);
  office_.KillEdge();
  ASSERT_TRUE(office_.StartEdge().ok()) << office_.EdgeLog();
  ASSERT_TRUE(box1_->PublishRating(payload).ok());
  ASSERT_TRUE(box1_->WaitAcks(4)) << office_.EdgeLog();
  EXPECT_EQ(box1_->Acks().back().seq, first.seq);
  EXPECT_EQ(office_.LogSeq(), seq_after_first);

  // The same id from another device is another rating.
  std::unique_ptr<TestDevice> box2;
  ASSERT_TRUE(Connect("box-2", &box2).ok());
  DeviceAck other = Rate(box2.get(), "same-id", payload);
  EXPECT_TRUE(other.stored);
  EXPECT_NE(other.seq, first.seq);
}

struct BadMessage {
  const char* name;
  std::string payload;
  std::optional<std::string> id;  // the id the rejection must carry
  const char* error;              // the rejection's reason starts with this
};

std::string Rating(const json& patch) {
  json j = {{"id", "bad-1"},
            {"counter", "q1"},
            {"template", "smiley-4"},
            {"answers", {{"level", "satisfied"}}},
            {"at", FormatRfc3339(NowMs())}};
  j.merge_patch(patch);
  if (patch.contains("answers") && patch["answers"].is_object()) j["answers"] = patch["answers"];
  return j.dump();
}

std::vector<BadMessage> BadMessages() {
  const std::string big(9000, 'x');
  return {
      {"NotJson", "this is not json", std::nullopt, "malformed JSON"},
      {"TruncatedJson", R"({"id":"t-1","counter":"q1")", std::nullopt, "malformed JSON"},
      {"InvalidUtf8", "{\"id\":\"u-1\",\"counter\":\"q\xff\"}", std::nullopt, "malformed JSON"},
      {"JsonArray", "[1,2,3]", std::nullopt, "payload is not a JSON object"},
      {"JsonString", "\"online\"", std::nullopt, "payload is not a JSON object"},
      {"MissingId", Rating({{"id", nullptr}}), std::nullopt, "missing field 'id'"},
      {"IdNotString", Rating({{"id", 17}}), std::nullopt, "field 'id' must be a string"},
      {"EmptyId", Rating({{"id", ""}}), std::nullopt, "bad id"},
      {"IdTooLong", Rating({{"id", std::string(129, 'i')}}), std::string(129, 'i'), "bad id"},
      {"MissingCounter", Rating({{"counter", nullptr}}), "bad-1", "missing field 'counter'"},
      {"CounterNotString", Rating({{"counter", 1}}), "bad-1", "field 'counter' must be a string"},
      {"CounterBadChars", Rating({{"counter", "q 1"}}), "bad-1", "bad counter id"},
      {"CounterTooLong", Rating({{"counter", std::string(33, 'q')}}), "bad-1", "bad counter id"},
      {"MissingTemplate", Rating({{"template", nullptr}}), "bad-1", "missing field 'template'"},
      {"UnknownTemplate", Rating({{"template", "no-such"}}), "bad-1", "unknown template"},
      {"AnswersNotObject", Rating({{"answers", "satisfied"}}), "bad-1",
       "field 'answers' must be an object"},
      {"AnswerNotString", Rating({{"answers", {{"level", 3}}}}), "bad-1",
       "field 'answers.level' must be a string"},
      {"UnknownCriterion", Rating({{"answers", {{"level", "satisfied"}, {"speed", "fast"}}}}),
       "bad-1", "unknown criterion"},
      {"UnknownOption", Rating({{"answers", {{"level", "ecstatic"}}}}), "bad-1", "unknown option"},
      {"MissingAnswer",
       Rating({{"template", "ha-noi-2014"}, {"answers", {{"officer_attitude", "satisfied"}}}}),
       "bad-1", "missing answer"},
      {"MissingTime", Rating({{"at", nullptr}}), "bad-1", "missing field 'at'"},
      {"TimeNotRfc3339", Rating({{"at", "yesterday"}}), "bad-1", "bad time"},
      {"ImpossibleDate", Rating({{"at", "2025-02-30T10:00:00Z"}}), "bad-1", "bad time"},
      {"ImpossibleHour", Rating({{"at", "2025-03-01T25:00:00Z"}}), "bad-1", "bad time"},
      {"TimeBefore2020", Rating({{"at", "1970-01-01T00:00:00Z"}}), "bad-1", "time before 2020"},
      {"TimeInTheFuture", Rating({{"at", FormatRfc3339(NowMs() + 86400000)}}), "bad-1",
       "time in the future"},
      {"CommentTooLong",
       Rating({{"template", "gia-lam-phone"}, {"comment", std::string(2001, 'c')}}), "bad-1",
       "comment too long"},
      {"CommentNotAllowed", Rating({{"comment", "Tốt"}}), "bad-1",
       "comment not allowed by template 'smiley-4'"},
      {"BadPhone", Rating({{"template", "gia-lam-phone"}, {"phone", "call me"}}), "bad-1",
       "bad phone"},
      {"PhoneNotAllowed", Rating({{"phone", "0912345678"}, {"consent", true}}), "bad-1",
       "phone not allowed by template 'smiley-4'"},
      {"PhoneWithoutConsent", Rating({{"template", "gia-lam-phone"}, {"phone", "0912345678"}}),
       "bad-1", "phone without consent"},
      {"BadDossier", Rating({{"dossier", "no spaces please"}}), "bad-1", "bad dossier"},
      {"PayloadOver8KiB", Rating({{"comment", big}}), "bad-1", "payload too large"},
      {"DeviceFieldOfAnotherDevice", Rating({{"device", "box-2"}}), "bad-1", "device mismatch"},
  };
}

TEST_F(EdgeMqttTest, EveryBadMessageIsRejectedWithItsReasonAndCounted) {
  const uint64_t before = office_.LogSeq();
  size_t acks = 0;
  for (const BadMessage& m : BadMessages()) {
    SCOPED_TRACE(m.name);
    ASSERT_TRUE(box1_->PublishRating(m.payload).ok());
    ++acks;
    ASSERT_TRUE(box1_->WaitAcks(acks)) << office_.EdgeLog();
    DeviceAck ack = box1_->Acks().back();
    EXPECT_FALSE(ack.stored);
    EXPECT_EQ(ack.id, m.id);
    EXPECT_EQ(ack.error.rfind(m.error, 0), 0u) << "got: " << ack.error;
  }
  // Nothing was stored, the edge still serves, and a good rating still goes in.
  EXPECT_EQ(office_.LogSeq(), before);
  EXPECT_EQ(office_.Get("/healthz").status, 200);
  DeviceAck ok = Rate(box1_.get(), "good-after-bad", SmileyRating("good-after-bad"));
  EXPECT_TRUE(ok.stored);
  const std::string metrics = office_.Get("/metrics").body;
  EXPECT_NE(metrics.find("hailong_edge_ratings_rejected_total{channel=\"mqtt\",reason=\"malformed "
                         "JSON\"} 3"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("reason=\"device mismatch\"} 1"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("reason=\"unknown template\"} 1"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("hailong_edge_ratings_stored_total 1"), std::string::npos) << metrics;
}

TEST_F(EdgeMqttTest, TheBrokerStopsADevicePublishingUnderAnothersId) {
  const uint64_t before = office_.LogSeq();
  // box-3 pretends to be box-1: the ACL drops the message at the broker
  // (and Mosquitto 2.0.11 closes box-3's connection).
  std::unique_ptr<TestDevice> box3;
  ASSERT_TRUE(Connect("box-3", &box3).ok());
  box3->Publish(devices::RatingTopic(kOffice, "box-1"), SmileyRating("fake-1"))
      .PermitUncheckedError();
  // box-2 cannot read box-1's acks either.
  std::unique_ptr<TestDevice> box2;
  ASSERT_TRUE(Connect("box-2", &box2).ok());
  box2->Subscribe(devices::AckTopic(kOffice, "box-1")).PermitUncheckedError();
  // box-2's own rating, published after, is answered; the fake one never was.
  DeviceAck own = Rate(box2.get(), "own-1", SmileyRating("own-1"));
  EXPECT_TRUE(own.stored);
  // A barrier instead of a pause: box-1's own rating, published last, is
  // acked on box-1's ack topic after anything the fake could have caused.
  DeviceAck barrier = Rate(box1_.get(), "barrier-1", SmileyRating("barrier-1"));
  EXPECT_TRUE(barrier.stored);
  ASSERT_EQ(box1_->Acks().size(), 1u) << "box-1 got an ack for the fake";
  EXPECT_EQ(box1_->Acks()[0].id, "barrier-1");
  EXPECT_TRUE(box2->Messages().empty());
  EXPECT_EQ(office_.LogSeq(), before + 2);
  const auto events = StopAndReadLog();
  auto ratings = Ratings(events);
  ASSERT_EQ(ratings.size(), 2u);
  EXPECT_EQ(ratings[0]->device, "box-2");
  EXPECT_EQ(ratings[0]->rating_id, "own-1");
  EXPECT_EQ(ratings[1]->device, "box-1");
  EXPECT_EQ(ratings[1]->rating_id, "barrier-1");
}

TEST_F(EdgeMqttTest, DevicesAreListedWithTheirLatestBatteryAndFirmware) {
  auto device_json = [&](const std::string& id) {
    json list = json::parse(office_.Get("/api/v1/devices").body, nullptr, false);
    if (!list.is_object() || !list["devices"].is_array()) return json();
    for (const json& d : list["devices"]) {
      if (d.value("device", "") == id) return d;
    }
    return json();
  };
  const std::string status = devices::StatusTopic(kOffice, "box-1");
  ASSERT_TRUE(box1_
                  ->Publish(status, R"({"status":"online","kind":"button_box","counter":"q1",)"
                                    R"("firmware":"1.0.0","battery_pct":80})")
                  .ok());
  EXPECT_TRUE(Rate(box1_.get(), "dev-1", SmileyRating("dev-1")).stored);
  ASSERT_TRUE(testing::WaitUntil(
      [&] { return device_json("box-1").value("battery_pct", json()) == 80; }, 15s))
      << office_.Get("/api/v1/devices").body;
  json box = device_json("box-1");
  EXPECT_EQ(box["office"], kOffice);
  EXPECT_EQ(box["firmware"], "1.0.0");
  EXPECT_EQ(box["kind"], "button_box");
  EXPECT_EQ(box["counter"], "q1");
  EXPECT_TRUE(box["online"].get<bool>());
  EXPECT_EQ(box["ratings"], 1);
  EXPECT_FALSE(box["last_seen"].is_null());
  EXPECT_FALSE(box["last_rating"].is_null());

  // A heartbeat while online: the new battery level and firmware show at
  // once, and a repeat of the same report records nothing more.
  const std::string heartbeat = R"({"status":"online","firmware":"1.1.0","battery_pct":41})";
  ASSERT_TRUE(box1_->Publish(status, heartbeat).ok());
  ASSERT_TRUE(testing::WaitUntil(
      [&] { return device_json("box-1").value("battery_pct", json()) == 41; }, 15s))
      << office_.Get("/api/v1/devices").body;
  EXPECT_EQ(device_json("box-1")["firmware"], "1.1.0");
  const uint64_t seq = office_.LogSeq();
  ASSERT_TRUE(box1_->Publish(status, heartbeat).ok());
  // The rating's ack comes after the edge has taken the heartbeat before it
  // (one device's messages are handled in order).
  EXPECT_TRUE(Rate(box1_.get(), "dev-2", SmileyRating("dev-2")).stored);
  EXPECT_EQ(office_.LogSeq(), seq + 1);  // the rating only

  // Another device comes and goes.
  std::unique_ptr<TestDevice> box2;
  ASSERT_TRUE(Connect("box-2", &box2).ok());
  ASSERT_TRUE(box2->Publish(devices::StatusTopic(kOffice, "box-2"), "online").ok());
  ASSERT_TRUE(box2->Publish(devices::StatusTopic(kOffice, "box-2"), "offline").ok());
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        json d = device_json("box-2");
        return d.is_object() && d["last_status"].is_string() && !d["online"].get<bool>();
      },
      15s))
      << office_.Get("/api/v1/devices").body;
  EXPECT_TRUE(device_json("box-2")["battery_pct"].is_null());

  // After a restart the list is rebuilt from the log.
  ASSERT_EQ(office_.StopEdge(), 0) << office_.EdgeLog();
  ASSERT_TRUE(office_.StartEdge().ok()) << office_.EdgeLog();
  box = device_json("box-1");
  EXPECT_EQ(box["battery_pct"], 41);
  EXPECT_EQ(box["firmware"], "1.1.0");
  EXPECT_EQ(box["ratings"], 2);
  EXPECT_TRUE(box["online"].get<bool>());
  EXPECT_FALSE(device_json("box-2")["online"].get<bool>());
  EXPECT_EQ(office_.Get("/metrics").body.find("hailong_edge_devices_online 1") != std::string::npos,
            true)
      << office_.Get("/metrics").body;
}

TEST_F(EdgeMqttTest, AWrongPasswordIsRefused) {
  std::unique_ptr<TestDevice> intruder;
  EXPECT_FALSE(TestDevice::Connect(office_.broker_url(), "box-3", &intruder, "wrong").ok());
  EXPECT_FALSE(TestDevice::Connect(office_.broker_url(), "nobody", &intruder,
                                   office_.DevicePassword("box-1"))
                   .ok());
  // Every device has its own password: box-2's does not log in as box-3.
  EXPECT_FALSE(
      TestDevice::Connect(office_.broker_url(), "box-3", &intruder, office_.DevicePassword("box-2"))
          .ok());
}

TEST_F(EdgeMqttTest, RatingsGoToTheOfficerOnDutyAtTheirDeviceTime) {
  const int64_t before_sign_in = NowMs() - 60000;
  ASSERT_EQ(
      office_.PostJson("/api/v1/counters/q1/sign-in", {{"officer", "cb-lan"}, {"pin", kTestPin}})
          .status,
      200);
  EXPECT_TRUE(Rate(box1_.get(), "on-duty", SmileyRating("on-duty")).stored);
  // Pressed a minute ago (before the sign-in), delivered now.
  EXPECT_TRUE(
      Rate(box1_.get(), "before", SmileyRating("before", "q1", "neutral", before_sign_in)).stored);
  EXPECT_TRUE(Rate(box1_.get(), "other-counter", SmileyRating("other-counter", "q2")).stored);
  ASSERT_EQ(office_.PostJson("/api/v1/counters/q1/sign-out", {{"pin", kTestPin}}).status, 200);
  EXPECT_TRUE(
      Rate(box1_.get(), "after", SmileyRating("after", "q1", "satisfied", NowMs() + 2500)).stored);
  std::map<std::string, std::string> officer_of;
  const auto events = StopAndReadLog();
  for (const auto* r : Ratings(events)) officer_of[r->rating_id] = r->officer;
  EXPECT_EQ(officer_of["on-duty"], "cb-lan");
  EXPECT_EQ(officer_of["before"], "");
  EXPECT_EQ(officer_of["other-counter"], "");
  EXPECT_EQ(officer_of["after"], "");
}

TEST_F(EdgeMqttTest, PressesTooCloseTogetherAreFlaggedButAResentBurstIsNot) {
  const int64_t t = NowMs() - 1000;
  EXPECT_TRUE(Rate(box1_.get(), "p1", SmileyRating("p1", "q1", "unsatisfied", t)).stored);
  EXPECT_TRUE(Rate(box1_.get(), "p2", SmileyRating("p2", "q1", "unsatisfied", t + 300)).stored);
  // Presses from an hour ago, 30 s apart, all delivered now after an outage.
  const int64_t old = NowMs() - 3600000;
  for (int i = 0; i < 3; ++i) {
    const std::string id = "old-" + std::to_string(i);
    EXPECT_TRUE(Rate(box1_.get(), id, SmileyRating(id, "q1", "satisfied", old + i * 30000)).stored);
  }
  std::map<std::string, uint32_t> flags;
  const auto events = StopAndReadLog();
  for (const auto* r : Ratings(events)) {
    flags[r->rating_id] = static_cast<uint32_t>(r->flags);
  }
  const uint32_t misuse = static_cast<uint32_t>(fb::RatingFlags::SuspectedMisuse);
  const uint32_t resent = static_cast<uint32_t>(fb::RatingFlags::Resent);
  EXPECT_EQ(flags["p1"] & misuse, 0u);
  EXPECT_EQ(flags["p2"] & misuse, misuse);
  for (int i = 0; i < 3; ++i) {
    const std::string id = "old-" + std::to_string(i);
    EXPECT_EQ(flags[id] & misuse, 0u) << id;
    EXPECT_EQ(flags[id] & resent, resent) << id;
  }
}

TEST_F(EdgeMqttTest, TheRetainedSessionTopicSaysWhoIsOnDuty) {
  ASSERT_EQ(
      office_.PostJson("/api/v1/counters/q7/sign-in", {{"officer", "cb-hung"}, {"pin", kTestPin}})
          .status,
      200);
  // A device subscribing later still gets the retained session.
  std::unique_ptr<TestDevice> box3;
  ASSERT_TRUE(Connect("box-3", &box3).ok());
  ASSERT_TRUE(box3->Subscribe(devices::SessionTopic(kOffice, "q7")).ok());
  ASSERT_TRUE(testing::WaitUntil([&] { return !box3->Messages().empty(); }, 10s));
  json session = json::parse(box3->Messages().back().second);
  EXPECT_EQ(session["counter"], "q7");
  EXPECT_EQ(session["officer"]["id"], "cb-hung");
  EXPECT_EQ(session["officer"]["name"], "cb-hung");  // no catalogue: the id
  EXPECT_EQ(session["template"]["id"], "smiley-4");
  EXPECT_TRUE(session["dossier"].is_null());
  // A dossier posted for the counter shows up in the session too.
  ASSERT_EQ(office_
                .PostDossier({{"receipt", "000777"},
                              {"event", "received"},
                              {"counter", "q7"},
                              {"procedure", "HT-001"}})
                .status,
            200);
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        json s = json::parse(box3->Messages().back().second);
        return s["dossier"].is_object() && s["dossier"]["receipt"] == "000777";
      },
      10s));
  ASSERT_EQ(office_.PostJson("/api/v1/counters/q7/sign-out", {{"pin", kTestPin}}).status, 200);
  ASSERT_TRUE(testing::WaitUntil(
      [&] { return json::parse(box3->Messages().back().second)["officer"].is_null(); }, 10s));
}

TEST_F(EdgeMqttTest, AButtonBoxRatingGetsTheDossierPostedForItsCounter) {
  ASSERT_EQ(office_
                .PostDossier({{"receipt", "000888"},
                              {"event", "returned"},
                              {"counter", "q1"},
                              {"procedure", "HT-002"},
                              {"field", "HT"}})
                .status,
            200);
  EXPECT_TRUE(Rate(box1_.get(), "with-dossier", SmileyRating("with-dossier")).stored);
  EXPECT_TRUE(Rate(box1_.get(), "next-citizen",
                   SmileyRating("next-citizen", "q1", "satisfied", NowMs() + 3000))
                  .stored);
  std::map<std::string, const fb::RatingSubmittedT*> by_id;
  auto events = StopAndReadLog();
  for (const auto* r : Ratings(events)) by_id[r->rating_id] = r;
  ASSERT_TRUE(by_id.count("with-dossier"));
  EXPECT_EQ(by_id["with-dossier"]->dossier, "000888");
  EXPECT_EQ(by_id["with-dossier"]->procedure, "HT-002");
  EXPECT_EQ(by_id["with-dossier"]->field, "HT");
  EXPECT_EQ(by_id["next-citizen"]->dossier, "");
}

TEST_F(EdgeMqttTest, RatingsPublishedWhileTheEdgeIsDownAreDeliveredByTheSession) {
  ASSERT_EQ(office_.StopEdge(), 0);
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(box1_
                    ->PublishRating(SmileyRating("queued-" + std::to_string(i), "q1", "satisfied",
                                                 NowMs() + i * 2500))
                    .ok());
  }
  ASSERT_TRUE(office_.StartEdge().ok()) << office_.EdgeLog();
  ASSERT_TRUE(box1_->WaitAcks(20)) << office_.EdgeLog();
  for (const auto& ack : box1_->Acks()) EXPECT_TRUE(ack.stored) << ack.error;
  const auto events = StopAndReadLog();
  EXPECT_EQ(Ratings(events).size(), 20u);
}

TEST_F(EdgeMqttTest, HttpKeepsServingWhileTheBrokerRestartsAndRatingsResume) {
  EXPECT_TRUE(Rate(box1_.get(), "before-restart", SmileyRating("before-restart")).stored);
  office_.StopBroker();
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        auto r = office_.Get("/api/v1/status");
        return r.status == 200 && !json::parse(r.body)["mqtt_connected"].get<bool>();
      },
      15s));
  // HTTP ratings and everything else keep working without the broker.
  auto r = office_.PostKioskRating({{"id", "web-during-outage"},
                                    {"counter", "q1"},
                                    {"template", "smiley-4"},
                                    {"answers", {{"level", "satisfied"}}},
                                    {"at", FormatRfc3339(NowMs())},
                                    {"channel", "touchscreen"}});
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(office_.Get("/api/v1/templates").status, 200);
  EXPECT_EQ(office_.Get("/kiosk/q1").status, 200);
  ASSERT_TRUE(office_.RestartBroker().ok());
  ASSERT_TRUE(testing::WaitUntil(
      [&] { return json::parse(office_.Get("/api/v1/status").body)["mqtt_connected"].get<bool>(); },
      20s))
      << office_.EdgeLog();
  std::unique_ptr<TestDevice> box2;
  ASSERT_TRUE(Connect("box-2", &box2).ok());
  EXPECT_TRUE(Rate(box2.get(), "after-restart", SmileyRating("after-restart")).stored);
  const std::string metrics = office_.Get("/metrics").body;
  EXPECT_NE(metrics.find("hailong_edge_mqtt_connected 1"), std::string::npos) << metrics;
}

TEST_F(EdgeMqttTest, ManyDevicesAtOnceEachRatingStoredOnce) {
  std::vector<std::unique_ptr<TestDevice>> boxes(4);
  boxes[0] = std::move(box1_);
  for (int d = 1; d < 4; ++d) ASSERT_TRUE(Connect("box-" + std::to_string(d + 1), &boxes[d]).ok());
  constexpr int kPerDevice = 100;
  std::vector<std::thread> threads;
  for (auto& box : boxes) {
    threads.emplace_back([&box] {
      for (int i = 0; i < kPerDevice; ++i) {
        const std::string id = "m-" + std::to_string(i);
        // Device times 3 s apart: no misuse flags.
        EXPECT_TRUE(
            box->PublishRating(SmileyRating(id, "q1", "satisfied", NowMs() - 600000 + i * 3000))
                .ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<uint64_t> seqs;
  for (auto& box : boxes) {
    ASSERT_TRUE(box->WaitAcks(kPerDevice, 60s)) << box->name() << "\n" << office_.EdgeLog();
    for (const auto& ack : box->Acks()) {
      EXPECT_TRUE(ack.stored);
      seqs.insert(ack.seq);
    }
  }
  EXPECT_EQ(seqs.size(), 4u * kPerDevice);
  const auto events = StopAndReadLog();
  auto ratings = Ratings(events);
  EXPECT_EQ(ratings.size(), 4u * kPerDevice);
  std::set<std::string> keys;
  for (const auto* r : ratings) keys.insert(r->device + ":" + r->rating_id);
  EXPECT_EQ(keys.size(), 4u * kPerDevice);
}

TEST_F(EdgeMqttTest, AnEdgeKilledMidStreamLosesNothingAndStoresNothingTwice) {
  // The device keeps sending; every rating it has no ack for is resent with
  // the same id until it has one, as devices do.
  constexpr int kRatings = 300;
  std::vector<std::string> payloads;
  for (int i = 0; i < kRatings; ++i) {
    payloads.push_back(
        SmileyRating("k-" + std::to_string(i), "q1", "satisfied", NowMs() - 3600000 + i * 3000));
  }
  std::thread sender([&] {
    for (const auto& p : payloads) EXPECT_TRUE(box1_->PublishRating(p).ok());
  });
  ASSERT_TRUE(box1_->WaitAcks(20, 30s));
  office_.KillEdge();
  sender.join();
  ASSERT_TRUE(office_.StartEdge().ok()) << office_.EdgeLog();
  auto acked = [&] {
    std::set<std::string> ids;
    for (const auto& a : box1_->Acks()) {
      if (a.stored && a.id) ids.insert(*a.id);
    }
    return ids;
  };
  for (int round = 0; round < 10 && acked().size() < kRatings; ++round) {
    const auto have = acked();
    for (int i = 0; i < kRatings; ++i) {
      if (!have.count("k-" + std::to_string(i)))
        ASSERT_TRUE(box1_->PublishRating(payloads[i]).ok());
    }
    testing::WaitUntil([&] { return acked().size() >= kRatings; }, 10s);
  }
  ASSERT_EQ(acked().size(), static_cast<size_t>(kRatings)) << office_.EdgeLog();
  // Every ack of one id carries the same seq.
  std::map<std::string, uint64_t> seq_of;
  for (const auto& a : box1_->Acks()) {
    if (!a.stored) continue;
    auto [it, inserted] = seq_of.emplace(*a.id, a.seq);
    EXPECT_EQ(it->second, a.seq) << *a.id;
  }
  const auto events = StopAndReadLog();
  auto ratings = Ratings(events);
  EXPECT_EQ(ratings.size(), static_cast<size_t>(kRatings));
  std::set<std::string> ids;
  for (const auto* r : ratings) ids.insert(r->rating_id);
  EXPECT_EQ(ids.size(), static_cast<size_t>(kRatings));
}

}  // namespace
}  // namespace hailong::edge_test
