// An edge with a `hub` section against a real hailong-hub: the edge's
// ratings reach the hub (status replicated_seq, hub_reachable), and the
// catalogue and templates published at the hub reach the edge through the
// Shipper's pull and change what the edge accepts and shows, also after an
// edge restart.
#include <gtest/gtest.h>

#include "edge_harness.h"
#include "hailong/schema/event.h"
#include "hailong/schema/time.h"
#include "hailong/testing/wait.h"
#include "hub_harness.h"

namespace hailong::edge_test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr char kToken[] = "token-of-edge-phuong-01-0123456789abcdefghij";

json Body(const HttpResponse& r) { return json::parse(r.body, nullptr, false); }

class EdgeHubTest : public ::testing::Test {
 protected:
  EdgeHubTest()
      : hub_(hub_test::HubOptions{
            {{"nodes",
              {{{"id", kOrigin},
                {"office_id", kOffice},
                {"token_sha256", schema::HexEncode(schema::Sha256(kToken))}}}}}}) {}

  void SetUp() override {
    hub_.Start();
    ASSERT_TRUE(office_.StartBroker().ok());
    StartEdge();
  }

  void StartEdge() {
    const std::string token = office_.dir().WriteFile("edge.token", std::string(kToken) + "\n");
    ASSERT_TRUE(office_
                    .StartEdge({{"hub",
                                 {{"url", "http://127.0.0.1:" + std::to_string(hub_.port())},
                                  {"node_id", kOrigin},
                                  {"token_file", token}}}})
                    .ok())
        << office_.EdgeLog();
  }

  hub_test::HubProcess hub_;
  EdgeHarness office_;
};

TEST_F(EdgeHubTest, RatingsReachTheHubAndTheHubsCatalogueReachesTheEdge) {
  for (int i = 0; i < 3; ++i) {
    json rating = {{"id", "h-" + std::to_string(i)},
                   {"counter", "q1"},
                   {"template", "smiley-4"},
                   {"answers", {{"level", "satisfied"}}},
                   {"at", FormatRfc3339(NowMs() + i * 3000)},
                   {"channel", "touchscreen"}};
    ASSERT_EQ(office_.PostKioskRating(rating).status, 200);
  }
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        json s = Body(office_.Get("/api/v1/status"));
        return s["hub_reachable"] == true && s["replicated_seq"] == s["log_seq"] &&
               s["log_seq"] == 3;
      },
      20s))
      << office_.Get("/api/v1/status").body << "\n"
      << office_.EdgeLog();

  // The district adds a counter for this office and publishes a template.
  hub_test::Session admin = hub_test::Login(hub_, "admin");
  auto r = hub_.Post("/api/v1/catalogue",
                     json{{"kind", "counter"},
                          {"id", "q5"},
                          {"name", "5 — Đất đai"},
                          {"office", kOffice},
                          {"attributes", {{"template", "district-2"}}}}
                         .dump(),
                     admin.Write());
  ASSERT_EQ(r.status, 200) << r.body;
  json tpl = {{"id", "district-2"},
              {"version", 1},
              {"name", "Mẫu của quận"},
              {"criteria",
               {{{"id", "overall"},
                 {"label", "Ông/bà có hài lòng không?"},
                 {"options",
                  {{{"id", "yes"}, {"label", "Có"}, {"polarity", "positive"}},
                   {{"id", "no"}, {"label", "Không"}, {"polarity", "negative"}}}}}}}};
  r = hub_.Post("/api/v1/templates", tpl.dump(), admin.Write());
  ASSERT_EQ(r.status, 200) << r.body;

  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        json s = Body(office_.Get("/api/v1/counters/q5/session"));
        return s.is_object() && s["template"].is_object() && s["template"]["id"] == "district-2";
      },
      20s))
      << office_.Get("/api/v1/counters").body << "\n"
      << office_.EdgeLog();
  json counters = Body(office_.Get("/api/v1/counters"))["counters"];
  ASSERT_EQ(counters.size(), 1u);
  EXPECT_EQ(counters[0]["name"], "5 — Đất đai");
  // Now that the office has counters, others are unknown.
  EXPECT_EQ(office_.Get("/api/v1/counters/q1/session").status, 404);
  json rating = {{"id", "d-1"},
                 {"counter", "q5"},
                 {"template", "district-2"},
                 {"answers", {{"overall", "no"}}},
                 {"at", FormatRfc3339(NowMs())},
                 {"channel", "phone"}};
  r = office_.PostJson("/api/v1/ratings", rating);
  EXPECT_EQ(r.status, 200) << r.body;

  // After a restart the edge still knows (rebuilt from its log).
  ASSERT_EQ(office_.StopEdge(), 0);
  StartEdge();
  EXPECT_EQ(Body(office_.Get("/api/v1/counters/q5/session"))["template"]["id"], "district-2");
  json status = Body(office_.Get("/api/v1/status"));
  EXPECT_GT(status["pulled_seq"].get<uint64_t>(), 0u);
}

}  // namespace
}  // namespace hailong::edge_test
