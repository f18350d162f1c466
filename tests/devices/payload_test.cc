// The device MQTT protocol v1: topics, the ack payloads, and payloads built
// for devices (the rating rules are tests/survey/rating_test.cc).
#include "hailong/devices/payload.h"

#include <gtest/gtest.h>

#include "hailong/schema/time.h"
#include "hailong/survey/template_registry.h"

namespace hailong::devices {
namespace {

using nlohmann::json;

// 2026-11-24T04:27:53Z
constexpr int64_t kNow = 1795494473000;

TEST(AckJsonTest, StoredAndRejectedShapes) {
  json stored = json::parse(StoredAckJson("box-3:981", 42));
  EXPECT_EQ(stored, json::parse(R"({"id":"box-3:981","status":"stored","seq":42})"));
  json rejected = json::parse(RejectedAckJson(std::string("r1"), "bad counter id"));
  EXPECT_EQ(rejected, json::parse(R"({"id":"r1","status":"rejected","error":"bad counter id"})"));
  json anonymous = json::parse(RejectedAckJson(std::nullopt, "malformed JSON"));
  EXPECT_TRUE(anonymous["id"].is_null());
  EXPECT_EQ(anonymous["error"], "malformed JSON");
}

// The stored ack is written without the JSON library for plain ids: the
// same bytes as the library's, and ids that need escaping still go through it.
TEST(AckJsonTest, StoredAckIsTheLibrarysBytes) {
  for (const std::string& id :
       {std::string("box-3:981"), std::string(""), std::string("a b/c~"), std::string("q\"uote"),
        std::string("back\\slash"), std::string("tab\there"), std::string("Nguyễn"),
        std::string("bad\xff utf8"), std::string(1, '\x7f')}) {
    for (uint64_t seq : {uint64_t{0}, uint64_t{42}, UINT64_MAX}) {
      nlohmann::ordered_json j = {{"id", id}, {"status", "stored"}, {"seq", seq}};
      EXPECT_EQ(StoredAckJson(id, seq), j.dump(-1, ' ', false, json::error_handler_t::replace))
          << id;
    }
  }
}

TEST(AckJsonTest, ParseAckRoundTrip) {
  DeviceAck ack;
  ASSERT_TRUE(ParseAck(StoredAckJson("a", 9), &ack).ok());
  EXPECT_TRUE(ack.stored);
  EXPECT_EQ(ack.id, "a");
  EXPECT_EQ(ack.seq, 9u);
  ASSERT_TRUE(ParseAck(RejectedAckJson(std::nullopt, "malformed JSON"), &ack).ok());
  EXPECT_FALSE(ack.stored);
  EXPECT_EQ(ack.id, std::nullopt);
  EXPECT_EQ(ack.error, "malformed JSON");
  EXPECT_FALSE(ParseAck(R"({"id":"a","status":"stored"})", &ack).ok());
  EXPECT_FALSE(ParseAck(R"({"id":"a","status":"maybe"})", &ack).ok());
  EXPECT_FALSE(ParseAck("[]", &ack).ok());
}

TEST(RatingPayloadJsonTest, BuildsWhatTheParserAccepts) {
  auto registry = survey::TemplateRegistry::WithBuiltins();
  std::string p = RatingPayloadJson("r-1", "q2", "gia-lam-phone", {{"level", "unsatisfied"}},
                                    kNow - 5000, "HS-1", "Chờ lâu quá", "0912345678", "box-v2");
  survey::CheckedRating r;
  ASSERT_TRUE(survey::ParseRating(p, *registry, kNow, {}, &r).ok());
  EXPECT_EQ(r.comment, "Chờ lâu quá");
  EXPECT_EQ(r.classification, fb::Classification::Unsatisfied);
  EXPECT_EQ(r.device_time_ms, kNow - 5000);
  EXPECT_EQ(r.phone, "0912345678");
  EXPECT_EQ(r.consent_version, "box-v2");
  EXPECT_EQ(json::parse(p)["consent"], true) << "a phone number goes with the consent";
  const json plain = json::parse(RatingPayloadJson("r", "q", "smiley-4", {}, kNow));
  EXPECT_FALSE(plain.contains("dossier"));
  EXPECT_FALSE(plain.contains("consent"));
}

TEST(TopicTest, ParsesEveryKind) {
  DeviceTopic t;
  ASSERT_TRUE(ParseTopic("hailong/v1/phuong-01/device/box-3/rating", &t).ok());
  EXPECT_EQ(t.office, "phuong-01");
  EXPECT_EQ(t.device, "box-3");
  EXPECT_EQ(t.kind, TopicKind::kRating);
  ASSERT_TRUE(ParseTopic("hailong/v1/phuong-01/device/box-3/ack", &t).ok());
  EXPECT_EQ(t.kind, TopicKind::kAck);
  ASSERT_TRUE(ParseTopic("hailong/v1/phuong-01/device/box-3/status", &t).ok());
  EXPECT_EQ(t.kind, TopicKind::kStatus);
  ASSERT_TRUE(ParseTopic("hailong/v1/phuong-01/counter/q1/session", &t).ok());
  EXPECT_EQ(t.kind, TopicKind::kSession);
  EXPECT_EQ(t.counter, "q1");
  EXPECT_EQ(t.device, "");
}

TEST(TopicTest, RejectsOthers) {
  DeviceTopic t;
  EXPECT_FALSE(ParseTopic("hailong/v2/p/device/d/rating", &t).ok());
  EXPECT_FALSE(ParseTopic("hailong/v1/p/device/d/rating/extra", &t).ok());
  EXPECT_FALSE(ParseTopic("hailong/v1/p/device/+/rating", &t).ok());
  EXPECT_FALSE(ParseTopic("hailong/v1/p/device//rating", &t).ok());
  EXPECT_FALSE(ParseTopic("hailong/v1/p/device/d/reboot", &t).ok());
  EXPECT_FALSE(ParseTopic("hailong/v1/p/counter/q1/rating", &t).ok());
  EXPECT_FALSE(ParseTopic("hailong/v1/p/printer/x/status", &t).ok());
  EXPECT_FALSE(ParseTopic("", &t).ok());
}

TEST(TopicTest, BuildersMatchTheContract) {
  EXPECT_EQ(RatingTopic("phuong-01", "box-3"), "hailong/v1/phuong-01/device/box-3/rating");
  EXPECT_EQ(AckTopic("phuong-01", "box-3"), "hailong/v1/phuong-01/device/box-3/ack");
  EXPECT_EQ(StatusTopic("phuong-01", "box-3"), "hailong/v1/phuong-01/device/box-3/status");
  EXPECT_EQ(SessionTopic("phuong-01", "q1"), "hailong/v1/phuong-01/counter/q1/session");
  EXPECT_EQ(RatingSubscription("phuong-01"), "hailong/v1/phuong-01/device/+/rating");
  EXPECT_EQ(StatusSubscription("phuong-01"), "hailong/v1/phuong-01/device/+/status");
  EXPECT_TRUE(IsValidNodeId(std::string(64, 'd')));
  EXPECT_FALSE(IsValidNodeId(std::string(65, 'd')));
}

}  // namespace
}  // namespace hailong::devices
