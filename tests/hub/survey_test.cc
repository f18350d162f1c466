// The phone survey at the hub, against a real hub: the counter's template,
// ratings stored in the hub's own log (and in the reports, attributed to the
// dossier's officer), one rating per receipt and survey, idempotent resends,
// bad answers refused, and the rate limit per address.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hailong/schema/time.h"
#include "hub_harness.h"

namespace hailong::hub_test {
namespace {

using json = nlohmann::json;

class HubSurveyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HubOptions o;
    o.extra = json{{"survey_ratings_per_address_per_hour", 5}};
    hub_ = std::make_unique<HubProcess>(o);
    hub_->Start();
    admin_ = Login(*hub_, "admin");
  }
  testing::HttpResponse Submit(const json& body, const std::string& counter = "q1") {
    return hub_->Post("/public/v1/survey/p1/" + counter, body.dump());
  }
  std::unique_ptr<HubProcess> hub_;
  Session admin_;
};

TEST_F(HubSurveyTest, CounterContextNeedsNoLogin) {
  auto res = hub_->Get("/public/v1/survey/p1/q1");
  ASSERT_EQ(res.status, 200) << res.body;
  json j = json::parse(res.body);
  EXPECT_EQ(j["office"], "p1");
  EXPECT_EQ(j["counter"], "q1");
  EXPECT_EQ(j["template"]["id"], "gia-lam-phone");
  EXPECT_EQ(j["template"]["allow_phone"], true);
  EXPECT_EQ(hub_->Get("/public/v1/survey/nowhere/q1").status, 404);
  EXPECT_EQ(hub_->Get("/public/v1/survey/p1/bad%20counter").status, 404);
}

TEST_F(HubSurveyTest, RatingsGoIntoTheHubLogAndTheReports) {
  // The dossier arrives from the edge with its officer.
  ChainBuilder edge("edge-p1");
  DossierSpec d;
  d.receipt = "BN-001";
  d.officer = "o7";
  d.field = "HT";
  d.procedure = "HT-01";
  d.at_ms = Clock::System()->NowMs() - 3600 * 1000;
  ASSERT_EQ(hub_->Push(kTokenP1, "edge-p1", Frames({edge.Next(Dossier(d), d.at_ms)})).status, 200);
  ASSERT_TRUE(WaitCaughtUp(*hub_, admin_));

  auto res = Submit(json{{"id", "web-1"},
                         {"answers", {{"level", "unsatisfied"}}},
                         {"dossier", "BN-001"},
                         {"comment", "Phải đi lại ba lần"},
                         {"phone", "0912 345 678"},
                         {"consent", true},
                         {"consent_version", "2026-12-07"}});
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(json::parse(res.body)["status"], "stored");
  // One rating per receipt and survey.
  res = Submit(json{{"id", "web-2"}, {"answers", {{"level", "satisfied"}}}, {"dossier", "BN-001"}});
  EXPECT_EQ(res.status, 409) << res.body;
  // A resend of the same client id without a receipt is idempotent.
  auto first = Submit(json{{"id", "web-3"}, {"answers", {{"level", "very_satisfied"}}}});
  auto again = Submit(json{{"id", "web-3"}, {"answers", {{"level", "very_satisfied"}}}});
  ASSERT_EQ(first.status, 200) << first.body;
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(json::parse(first.body)["seq"], json::parse(again.body)["seq"]);

  ASSERT_TRUE(WaitCaughtUp(*hub_, admin_));
  const int64_t now = Clock::System()->NowMs();
  const std::string period =
      "from=" + VietnamDay(now - 86400000) + "&to=" + VietnamDay(now + 86400000);
  auto report = json::parse(
      hub_->Get("/api/v1/report?" + period + "&office=p1&group_by=officer", admin_.Read()).body);
  bool found = false;
  for (const auto& row : report["rows"]) {
    if (row["officer"] == "o7") {
      found = true;
      EXPECT_EQ(row["unsatisfied"], 1);
      EXPECT_EQ(row["rated_dossiers"], 1);
    }
  }
  EXPECT_TRUE(found) << report.dump(2);
  // The unhappy citizen with a phone number gets a follow-up.
  auto fus = json::parse(hub_->Get("/api/v1/follow-ups", admin_.Read()).body);
  ASSERT_EQ(fus["follow_ups"].size(), 1u);
  EXPECT_EQ(fus["follow_ups"][0]["rating"]["channel"], "phone");
  EXPECT_EQ(fus["follow_ups"][0]["rating"]["phone"], "0912345678") << "stored without spaces";
}

TEST_F(HubSurveyTest, BadRatingsAreRefused) {
  EXPECT_EQ(Submit(json{{"answers", {{"level", "maybe"}}}}).status, 400);
  EXPECT_EQ(Submit(json{{"answers", {{"colour", "red"}}}}).status, 400);
  EXPECT_EQ(Submit(json{{"answers", json::object()}}).status, 400);
  EXPECT_EQ(Submit(json{{"answers", {{"level", "satisfied"}}}, {"phone", "call me"}}).status, 400);
  EXPECT_EQ(Submit(json{{"answers", {{"level", "satisfied"}}}, {"comment", std::string(3000, 'x')}})
                .status,
            400);
  EXPECT_EQ(hub_->Post("/public/v1/survey/p1/q1", "not json").status, 400);
  // A phone number needs the citizen's consent (survey/README.md, "Consent").
  auto refused = Submit(json{{"answers", {{"level", "unsatisfied"}}}, {"phone", "0912345678"}});
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(json::parse(refused.body)["reason"], "phone without consent") << refused.body;
  EXPECT_EQ(json::parse(refused.body)["error"],
            "Muốn được gọi lại, xin ông/bà đồng ý cho dùng số điện thoại; nếu không, xin để trống "
            "số điện thoại.");
  auto res = hub_->Get("/api/v1/replication/cursor?origin=hub-private", admin_.Read());
  EXPECT_EQ(json::parse(res.body)["acked_seq"], 0);
}

TEST_F(HubSurveyTest, RatingsPerAddressAreLimited) {
  for (int i = 0; i < 5; ++i) {
    auto res = Submit(json{{"answers", {{"level", "satisfied"}}}});
    ASSERT_EQ(res.status, 200) << res.body;
  }
  auto res = Submit(json{{"answers", {{"level", "satisfied"}}}});
  EXPECT_EQ(res.status, 429) << res.body;
  EXPECT_FALSE(res.Header("retry-after").empty());
}

}  // namespace
}  // namespace hailong::hub_test
