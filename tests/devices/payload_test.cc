// The device MQTT protocol v1: topics, every rejection reason of a rating
// payload, the 8 KiB limit, id extraction and the ack payloads.
#include "hailong/devices/payload.h"

#include <gtest/gtest.h>

#include "hailong/schema/time.h"

namespace hailong::devices {
namespace {

using nlohmann::json;

// 2026-11-24T04:27:53Z
constexpr int64_t kNow = 1795494473000;

class RatingParseTest : public ::testing::Test {
 protected:
  RatingParseTest() : registry_(survey::TemplateRegistry::WithBuiltins()) {}

  json Good() const {
    return {{"id", "box-3:981"},
            {"counter", "q1"},
            {"template", "smiley-4"},
            {"answers", {{"level", "satisfied"}}},
            {"at", FormatRfc3339(kNow - 1000)}};
  }
  Status Parse(const std::string& payload, DeviceRating* out,
               RatingParseOptions options = RatingParseOptions()) const {
    return ParseRating(payload, *registry_, kNow, options, out);
  }
  std::string Reason(const json& j, std::string* id = nullptr) const {
    DeviceRating r;
    Status s = Parse(j.dump(), &r);
    if (id != nullptr) *id = r.id;
    return s.ok() ? "OK" : s.message();
  }

  std::unique_ptr<survey::TemplateRegistry> registry_;
};

TEST_F(RatingParseTest, GoodRatingIsParsedAndClassified) {
  json j = Good();
  j["dossier"] = "000.00.21.H29-230101-0001";
  j["comment"] = "Cán bộ nhiệt tình, chu đáo";
  j["phone"] = "0912 345 678";
  DeviceRating r;
  ASSERT_TRUE(Parse(j.dump(), &r).ok());
  EXPECT_EQ(r.id, "box-3:981");
  EXPECT_EQ(r.counter, "q1");
  EXPECT_EQ(r.template_id, "smiley-4");
  EXPECT_EQ(r.template_version, 1u);
  ASSERT_EQ(r.answers.size(), 1u);
  EXPECT_EQ(r.answers[0], (survey::Answer{"level", "satisfied"}));
  EXPECT_EQ(r.classification, fb::Classification::Satisfied);
  EXPECT_EQ(r.device_time_ms, kNow - 1000);
  EXPECT_EQ(r.dossier, "000.00.21.H29-230101-0001");
  EXPECT_EQ(r.comment, "Cán bộ nhiệt tình, chu đáo");
  EXPECT_EQ(r.phone, "0912 345 678");
}

TEST_F(RatingParseTest, AnswersComeBackInTemplateOrder) {
  json j = Good();
  j["template"] = "ha-noi-2014";
  j["answers"] = {{"time_cost", "satisfied"},
                  {"officer_attitude", "unsatisfied"},
                  {"information_facilities", "satisfied"},
                  {"dossier_requirements", "satisfied"}};
  DeviceRating r;
  ASSERT_TRUE(Parse(j.dump(), &r).ok());
  EXPECT_EQ(r.answers[0].criterion, "information_facilities");
  EXPECT_EQ(r.answers[3].criterion, "time_cost");
  EXPECT_EQ(r.classification, fb::Classification::Unsatisfied);
}

TEST_F(RatingParseTest, TimeWithOffsetAndNullOptionals) {
  json j = Good();
  j["at"] = "2026-11-24T11:27:53+07:00";
  j["dossier"] = nullptr;
  j["comment"] = "";
  DeviceRating r;
  ASSERT_TRUE(Parse(j.dump(), &r).ok());
  EXPECT_EQ(r.device_time_ms, kNow);
  EXPECT_EQ(r.dossier, "");
}

TEST_F(RatingParseTest, UnknownKeysIgnoredUnlessAskedToReject) {
  json j = Good();
  j["battery"] = 87;
  DeviceRating r;
  EXPECT_TRUE(Parse(j.dump(), &r).ok());
  RatingParseOptions strict;
  strict.reject_unknown_keys = true;
  Status s = Parse(j.dump(), &r, strict);
  EXPECT_EQ(s.message(), "unknown key 'battery'");
  EXPECT_EQ(r.id, "box-3:981");
}

struct BadCase {
  const char* name;
  std::function<void(json*)> mutate;
  std::string reason;
};

class RatingRejectionTest : public RatingParseTest,
                            public ::testing::WithParamInterface<BadCase> {};

TEST_P(RatingRejectionTest, ReasonAndIdForTheAck) {
  json j = Good();
  GetParam().mutate(&j);
  std::string id;
  EXPECT_EQ(Reason(j, &id), GetParam().reason);
  if (j.contains("id") && j["id"].is_string()) {
    EXPECT_EQ(id, j["id"].get<std::string>()) << "the rejection must carry the device's id";
  } else {
    EXPECT_EQ(id, "");
  }
}

INSTANTIATE_TEST_SUITE_P(
    Reasons, RatingRejectionTest,
    ::testing::Values(
        BadCase{"MissingId", [](json* j) { j->erase("id"); }, "missing field 'id'"},
        BadCase{"IdNumber", [](json* j) { (*j)["id"] = 17; }, "field 'id' must be a string"},
        BadCase{"IdNull", [](json* j) { (*j)["id"] = nullptr; }, "field 'id' must be a string"},
        BadCase{"EmptyId", [](json* j) { (*j)["id"] = ""; }, "bad id"},
        BadCase{"IdTooLong", [](json* j) { (*j)["id"] = std::string(129, 'x'); }, "bad id"},
        BadCase{"MissingCounter", [](json* j) { j->erase("counter"); }, "missing field 'counter'"},
        BadCase{"CounterArray", [](json* j) { (*j)["counter"] = json::array({"q1"}); },
                "field 'counter' must be a string"},
        BadCase{"CounterWithSlash", [](json* j) { (*j)["counter"] = "q1/../q2"; },
                "bad counter id"},
        BadCase{"CounterTooLong", [](json* j) { (*j)["counter"] = std::string(33, 'q'); },
                "bad counter id"},
        BadCase{"CounterEmpty", [](json* j) { (*j)["counter"] = ""; }, "bad counter id"},
        BadCase{"CounterDiacritics", [](json* j) { (*j)["counter"] = "quầy-1"; }, "bad counter id"},
        BadCase{"MissingTemplate", [](json* j) { j->erase("template"); },
                "missing field 'template'"},
        BadCase{"UnknownTemplate", [](json* j) { (*j)["template"] = "five-stars"; },
                "unknown template 'five-stars'"},
        BadCase{"MissingAnswers", [](json* j) { j->erase("answers"); }, "missing field 'answers'"},
        BadCase{"AnswersArray", [](json* j) { (*j)["answers"] = json::array({"satisfied"}); },
                "field 'answers' must be an object"},
        BadCase{"AnswerNumber", [](json* j) { (*j)["answers"]["level"] = 4; },
                "field 'answers.level' must be a string"},
        BadCase{"UnknownOption", [](json* j) { (*j)["answers"]["level"] = "ecstatic"; },
                "unknown option 'ecstatic' for criterion 'level'"},
        BadCase{"UnknownCriterion", [](json* j) { (*j)["answers"]["mood"] = "satisfied"; },
                "unknown criterion 'mood'"},
        BadCase{"NoAnswers", [](json* j) { (*j)["answers"] = json::object(); },
                "missing answer for criterion 'level'"},
        BadCase{"MissingAt", [](json* j) { j->erase("at"); }, "missing field 'at'"},
        BadCase{"AtNumber", [](json* j) { (*j)["at"] = kNow; }, "field 'at' must be a string"},
        BadCase{"AtGarbage", [](json* j) { (*j)["at"] = "yesterday"; }, "bad time"},
        BadCase{"AtImpossibleDate", [](json* j) { (*j)["at"] = "2026-02-30T10:00:00Z"; },
                "bad time"},
        BadCase{"AtNoZone", [](json* j) { (*j)["at"] = "2026-11-24T10:00:00"; }, "bad time"},
        BadCase{"AtEpoch", [](json* j) { (*j)["at"] = "1970-01-01T00:00:00Z"; },
                "time before 2020"},
        BadCase{"AtFuture", [](json* j) { (*j)["at"] = FormatRfc3339(kNow + 11 * 60 * 1000); },
                "time in the future"},
        BadCase{"DossierNumber", [](json* j) { (*j)["dossier"] = 12345; },
                "field 'dossier' must be a string"},
        BadCase{"DossierSpaces", [](json* j) { (*j)["dossier"] = "HS 001"; }, "bad dossier"},
        BadCase{"DossierTooLong", [](json* j) { (*j)["dossier"] = std::string(65, '1'); },
                "bad dossier"},
        BadCase{"CommentObject", [](json* j) { (*j)["comment"] = json::object(); },
                "field 'comment' must be a string"},
        BadCase{"CommentTooLong",
                [](json* j) {
                  std::string c;
                  for (int i = 0; i < 2001; ++i) c += "ơ";
                  (*j)["comment"] = c;
                },
                "comment too long"},
        BadCase{"PhoneLetters", [](json* j) { (*j)["phone"] = "call me"; }, "bad phone"},
        BadCase{"PhoneNoDigits", [](json* j) { (*j)["phone"] = "+()"; }, "bad phone"},
        BadCase{"PhoneNumber", [](json* j) { (*j)["phone"] = 912345678; },
                "field 'phone' must be a string"}),
    [](const ::testing::TestParamInfo<BadCase>& info) { return info.param.name; });

TEST_F(RatingParseTest, CommentOfExactly2000CodePointsIsAccepted) {
  json j = Good();
  std::string c;
  for (int i = 0; i < 2000; ++i) c += "ơ";  // 2 bytes each: 4000 bytes, under 8 KiB
  j["comment"] = c;
  DeviceRating r;
  EXPECT_TRUE(Parse(j.dump(), &r).ok());
}

TEST_F(RatingParseTest, FutureSkewIsConfigurable) {
  json j = Good();
  j["at"] = FormatRfc3339(kNow + 60 * 1000);
  DeviceRating r;
  EXPECT_TRUE(Parse(j.dump(), &r).ok());
  RatingParseOptions tight;
  tight.max_future_skew_ms = 30 * 1000;
  EXPECT_EQ(Parse(j.dump(), &r, tight).message(), "time in the future");
}

TEST_F(RatingParseTest, MalformedPayloads) {
  DeviceRating r;
  EXPECT_EQ(Parse("", &r).message(), "malformed JSON");
  EXPECT_EQ(Parse("{\"id\":\"a\"", &r).message(), "malformed JSON");
  EXPECT_EQ(r.id, "");
  EXPECT_EQ(Parse("\"just a string\"", &r).message(), "payload is not a JSON object");
  EXPECT_EQ(Parse("[1,2]", &r).message(), "payload is not a JSON object");
  EXPECT_EQ(Parse("null", &r).message(), "payload is not a JSON object");
  // Invalid UTF-8 inside a string.
  EXPECT_EQ(Parse("{\"id\":\"a\xff\"}", &r).message(), "malformed JSON");
  // Trailing garbage.
  EXPECT_EQ(Parse(Good().dump() + "x", &r).message(), "malformed JSON");
}

TEST_F(RatingParseTest, EightKibLimit) {
  json j = Good();
  std::string base = j.dump();
  // Pad with an ignored key to exactly 8192 bytes, then one more.
  j["pad"] = "";
  const size_t overhead = j.dump().size();
  j["pad"] = std::string(kMaxRatingPayloadBytes - overhead, 'p');
  std::string exact = j.dump();
  ASSERT_EQ(exact.size(), kMaxRatingPayloadBytes);
  DeviceRating r;
  EXPECT_TRUE(Parse(exact, &r).ok());
  j["pad"] = std::string(kMaxRatingPayloadBytes - overhead + 1, 'p');
  Status s = Parse(j.dump(), &r);
  EXPECT_EQ(s.message(), "payload too large");
  EXPECT_EQ(r.id, "box-3:981") << "the id is still extracted for the ack";
  // Huge payloads are not even parsed for the id.
  j["pad"] = std::string(100 * 1024, 'p');
  EXPECT_EQ(Parse(j.dump(), &r).message(), "payload too large");
  EXPECT_EQ(r.id, "");
}

TEST(ExtractRatingIdTest, Cases) {
  EXPECT_EQ(ExtractRatingId(R"({"id":"abc","counter":7})"), "abc");
  EXPECT_EQ(ExtractRatingId(R"({"id":7})"), std::nullopt);
  EXPECT_EQ(ExtractRatingId(R"({"counter":"q1"})"), std::nullopt);
  EXPECT_EQ(ExtractRatingId("not json"), std::nullopt);
  EXPECT_EQ(ExtractRatingId(R"(["id"])"), std::nullopt);
}

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
                                    kNow - 5000, "HS-1", "Chờ lâu quá", "0912345678");
  DeviceRating r;
  ASSERT_TRUE(ParseRating(p, *registry, kNow, {}, &r).ok());
  EXPECT_EQ(r.comment, "Chờ lâu quá");
  EXPECT_EQ(r.classification, fb::Classification::Unsatisfied);
  EXPECT_EQ(r.device_time_ms, kNow - 5000);
  EXPECT_EQ(json::parse(p).contains("phone"), true);
  EXPECT_EQ(json::parse(RatingPayloadJson("r", "q", "smiley-4", {}, kNow)).contains("dossier"),
            false);
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
  EXPECT_TRUE(IsValidCounterId("Q_1-a"));
  EXPECT_FALSE(IsValidCounterId("q 1"));
  EXPECT_TRUE(IsValidNodeId(std::string(64, 'd')));
  EXPECT_FALSE(IsValidNodeId(std::string(65, 'd')));
}

}  // namespace
}  // namespace hailong::devices
