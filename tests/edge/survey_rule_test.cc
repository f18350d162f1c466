// One rating, one rule, wherever it arrives: the same rating sent to a real
// edge over MQTT (a button box) and over HTTP (the phone survey), and to a
// real hub's public phone survey, gets the same answer. A long Vietnamese
// comment (1,500 code points, more than 2,000 bytes) is stored by all three;
// one over 2,000 code points, a phone number without consent, and a comment
// or phone number on a template that does not ask for them are refused by all
// three with the same reason and Vietnamese text, and nothing is stored
// (the edge's log_seq and the hub's hub-private head do not move).
#include <gtest/gtest.h>

#include "edge_harness.h"
#include "hailong/schema/event.h"
#include "hailong/schema/time.h"
#include "hailong/survey/limits.h"
#include "hailong/survey/reject_reason.h"
#include "hailong/testing/wait.h"
#include "hub_harness.h"

namespace hailong::edge_test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr char kConsentVersion[] = "2026-12-07";

json Body(const testing::HttpResponse& r) { return json::parse(r.body, nullptr, false); }

// 1,500 code points of Vietnamese, about 2,400 bytes of UTF-8.
std::string LongVietnameseComment() {
  const std::string sentence = "Cán bộ hướng dẫn nhiệt tình nhưng phải chờ đợi quá lâu. ";
  std::string c;
  while (survey::CodePoints(c) < 1500) c += sentence;
  while (survey::CodePoints(c) > 1500) {
    do {
      c.pop_back();
    } while ((static_cast<unsigned char>(c.back()) & 0xC0) == 0x80);
    c.pop_back();
  }
  return c;
}

// The answer of one path, reduced to what must be equal everywhere.
struct Answer {
  bool stored = false;
  std::string reason;  // the label; "" when stored
  std::string vi;      // the Vietnamese text; "" when stored
  std::string detail;  // the machine-facing text (the ack's "error")
};

class SurveyRuleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hub_ = std::make_unique<hub_test::HubProcess>(hub_test::HubOptions{
        {{"nodes",
          {{{"id", kOrigin}, {"office_id", kOffice}, {"token_sha256", std::string(64, '0')}}}}}});
    hub_->Start();
    admin_ = hub_test::Login(*hub_, "admin");
    ASSERT_TRUE(office_.StartBroker().ok());
    // Every path here is one client address: no per-address phone limit
    // (tests/edge/credentials_test.cc tests it).
    ASSERT_TRUE(
        office_.StartEdge({{"phone_limit_per_address", 0}, {"phone_limit_per_counter", 0}}).ok())
        << office_.EdgeLog();
    // A rating published before the edge subscribed would reach nobody.
    ASSERT_TRUE(testing::WaitUntil(
        [&] { return Body(office_.Get("/api/v1/status")).value("mqtt_connected", false); }, 20s))
        << office_.EdgeLog();
    ASSERT_TRUE(
        TestDevice::Connect(office_.broker_url(), "box-1", &box_, office_.DevicePassword("box-1"))
            .ok());
  }

  // The rating every path sends, with `extra` merged in.
  json Rating(const std::string& id, const json& extra) const {
    json r = {{"id", id},
              {"counter", "q1"},
              {"template", "gia-lam-phone"},
              {"answers", {{"level", "unsatisfied"}}},
              {"at", FormatRfc3339(NowMs())}};
    for (const auto& [k, v] : extra.items()) r[k] = v;
    return r;
  }

  Answer OverMqtt(const std::string& id, const json& extra) {
    EXPECT_TRUE(box_->PublishRating(Rating(id, extra).dump()).ok());
    devices::DeviceAck ack;
    EXPECT_TRUE(box_->WaitAck(id, &ack)) << office_.EdgeLog();
    Answer a;
    a.stored = ack.stored;
    a.detail = ack.error;
    return a;
  }

  Answer OverEdgeHttp(const std::string& id, const json& extra) {
    json body = Rating(id, extra);
    body["channel"] = "phone";
    auto r = office_.PostJson("/api/v1/ratings", body);
    json j = Body(r);
    Answer a;
    a.stored = r.status == 200 && j["status"] == "stored";
    if (!a.stored) {
      EXPECT_EQ(r.status, 400) << r.body;
      a.reason = j.value("reason", "");
      a.vi = j.value("message", "");
      a.detail = j.value("error", "");
    }
    return a;
  }

  Answer AtHub(const std::string& id, const json& extra) {
    json body = Rating(id, extra);
    body.erase("counter");  // the hub takes it from the path
    auto r = hub_->Post(std::string("/public/v1/survey/") + kOffice + "/q1", body.dump());
    json j = Body(r);
    Answer a;
    a.stored = r.status == 200 && j["status"] == "stored";
    if (!a.stored) {
      EXPECT_EQ(r.status, 400) << r.body;
      a.reason = j.value("reason", "");
      a.vi = j.value("error", "");
      a.detail = j.value("error_en", "");
    }
    return a;
  }

  uint64_t HubPrivateHead() {
    json status = Body(hub_->Get("/api/v1/status", admin_.Read()));
    for (const auto& o : status["origins"]) {
      if (o["origin"] == "hub-private") return o["head_seq"];
    }
    return 0;
  }

  // Sends the rating (ids <name>-mqtt, -http, -hub) along the three paths;
  // expects all three refused for `reason` with nothing stored.
  void ExpectRefusedEverywhere(const std::string& name, const json& extra,
                               survey::RejectReason reason) {
    SCOPED_TRACE(name);
    const uint64_t edge_before = office_.LogSeq();
    const uint64_t hub_before = HubPrivateHead();
    const Answer mqtt = OverMqtt(name + "-mqtt", extra);
    const Answer http = OverEdgeHttp(name + "-http", extra);
    const Answer hub = AtHub(name + "-hub", extra);
    EXPECT_FALSE(mqtt.stored);
    EXPECT_FALSE(http.stored);
    EXPECT_FALSE(hub.stored);
    const std::string label(survey::ReasonLabel(reason));
    EXPECT_EQ(mqtt.detail.rfind(label, 0), 0u) << mqtt.detail;
    EXPECT_EQ(http.detail, mqtt.detail);
    EXPECT_EQ(hub.detail, mqtt.detail);
    EXPECT_EQ(http.reason, label);
    EXPECT_EQ(hub.reason, label);
    EXPECT_EQ(http.vi, survey::ReasonVi(reason));
    EXPECT_EQ(hub.vi, survey::ReasonVi(reason));
    EXPECT_EQ(office_.LogSeq(), edge_before) << "the edge stored nothing";
    EXPECT_EQ(HubPrivateHead(), hub_before) << "the hub stored nothing";
  }

  std::unique_ptr<hub_test::HubProcess> hub_;
  hub_test::Session admin_;
  EdgeHarness office_;
  std::unique_ptr<TestDevice> box_;
};

TEST_F(SurveyRuleTest, TheSameRatingGetsTheSameAnswerAtTheEdgeAndAtTheHub) {
  const std::string comment = LongVietnameseComment();
  ASSERT_EQ(survey::CodePoints(comment), 1500u);
  ASSERT_GT(comment.size(), 2000u) << "more bytes than the limit's code points";

  // Stored everywhere: the long comment, and a phone number with consent.
  const json good = {{"comment", comment},
                     {"phone", "0912 345 678"},
                     {"consent", true},
                     {"consent_version", kConsentVersion}};
  const uint64_t edge_before = office_.LogSeq();
  const uint64_t hub_before = HubPrivateHead();
  EXPECT_TRUE(OverMqtt("long-mqtt", good).stored);
  EXPECT_TRUE(OverEdgeHttp("long-http", good).stored);
  EXPECT_TRUE(AtHub("long-hub", good).stored);
  EXPECT_EQ(office_.LogSeq(), edge_before + 2);
  // The hub's rating and the follow-up its unsatisfied answer with a comment
  // opens (appended by the projector a moment later).
  EXPECT_TRUE(testing::WaitUntil([&] { return HubPrivateHead() == hub_before + 2; }, 10s, 10ms))
      << HubPrivateHead();

  // Refused everywhere, for the same reason, with nothing stored.
  std::string too_long;
  for (size_t i = 0; i <= survey::kMaxCommentCodePoints; ++i) too_long += "ơ";
  ExpectRefusedEverywhere("over", {{"comment", too_long}}, survey::RejectReason::kCommentTooLong);
  ExpectRefusedEverywhere("no-consent", {{"phone", "0912345678"}},
                          survey::RejectReason::kConsentMissing);
  ExpectRefusedEverywhere("consent-false", {{"phone", "0912345678"}, {"consent", false}},
                          survey::RejectReason::kConsentMissing);
  ExpectRefusedEverywhere("bad-phone", {{"phone", "0912 34"}, {"consent", true}},
                          survey::RejectReason::kBadPhone);
  ExpectRefusedEverywhere("smiley-comment", {{"template", "smiley-4"}, {"comment", "Tốt"}},
                          survey::RejectReason::kCommentNotAllowed);
  ExpectRefusedEverywhere("smiley-phone",
                          {{"template", "smiley-4"}, {"phone", "0912345678"}, {"consent", true}},
                          survey::RejectReason::kPhoneNotAllowed);

  // The hub shows the long comment as it was written.
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        json list = Body(hub_->Get("/api/v1/ratings?channel=phone&limit=10", admin_.Read()));
        if (!list.is_object()) return false;
        for (const auto& r : list["ratings"]) {
          if (r.value("comment", "") == comment) return true;
        }
        return false;
      },
      20s));

  // The edge's events hold the comment byte for byte and the phone number
  // without separators, both only encrypted (replication/doc/
  // personal_data.md: the text and a 16-byte tag), and the version of the
  // consent text.
  ASSERT_EQ(office_.StopEdge(), 0);
  std::vector<fb::EventT> events;
  ASSERT_TRUE(office_.ReadLog(&events).ok());
  size_t ratings = 0;
  for (const fb::EventT& e : events) {
    const fb::RatingSubmittedT* r = e.body.AsRatingSubmitted();
    if (r == nullptr) continue;
    ++ratings;
    EXPECT_EQ(r->comment, "") << r->rating_id;
    EXPECT_EQ(r->phone, "") << r->rating_id;
    ASSERT_NE(r->sealed_comment, nullptr) << r->rating_id;
    ASSERT_NE(r->sealed_phone, nullptr) << r->rating_id;
    EXPECT_EQ(r->sealed_comment->ciphertext.size(), comment.size() + 16) << r->rating_id;
    EXPECT_EQ(r->sealed_phone->ciphertext.size(), std::string("0912345678").size() + 16)
        << r->rating_id;
    EXPECT_EQ(r->consent_version, kConsentVersion) << r->rating_id;
  }
  EXPECT_EQ(ratings, 2u);
}

}  // namespace
}  // namespace hailong::edge_test
