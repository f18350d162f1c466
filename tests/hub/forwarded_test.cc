// X-Forwarded-For against a real hub: believed from http.trusted_proxies
// only, for the phone survey's per-address rate limit, the login rate
// limit and the audit log; a hub without trusted proxies ignores it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hub_harness.h"

namespace hailong::hub_test {
namespace {

using json = nlohmann::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

testing::HttpResponse Survey(HubProcess& hub, const std::string& id, const Headers& headers) {
  json body{{"id", id},
            {"answers", {{"level", "satisfied"}}},
            {"phone", "0912345678"},
            {"consent", true}};
  return hub.Post("/public/v1/survey/p1/q1", body.dump(), headers);
}

testing::HttpResponse LoginFrom(HubProcess& hub, const std::string& password,
                                const Headers& headers) {
  return hub.Post("/api/v1/login", json{{"name", "viewer"}, {"password", password}}.dump(),
                  headers);
}

HubOptions Options(bool trusted) {
  HubOptions o;
  o.extra = json{{"survey_ratings_per_address_per_hour", 2}, {"login_attempts_per_minute", 2}};
  if (trusted) o.extra["http"] = json{{"trusted_proxies", {"127.0.0.1"}}};
  return o;
}

TEST(HubForwardedForTest, TrustedProxyNamesTheClient) {
  HubProcess hub(Options(true));
  hub.Start();
  const Headers a = {{"X-Forwarded-For", "203.0.113.5"}};
  // A client's own header is kept left of what the proxy appended.
  const Headers b = {{"X-Forwarded-For", "10.9.9.9, 203.0.113.6"}};
  EXPECT_EQ(Survey(hub, "a1", a).status, 200);
  EXPECT_EQ(Survey(hub, "a2", a).status, 200);
  EXPECT_EQ(Survey(hub, "a3", a).status, 429);
  EXPECT_EQ(Survey(hub, "b1", b).status, 200) << "another client behind the proxy";
  EXPECT_EQ(Survey(hub, "b2", b).status, 200);
  EXPECT_EQ(Survey(hub, "b3", b).status, 429);

  EXPECT_EQ(LoginFrom(hub, "sai", a).status, 401);
  EXPECT_EQ(LoginFrom(hub, "sai", a).status, 401);
  EXPECT_EQ(LoginFrom(hub, "sai", a).status, 429);
  EXPECT_EQ(LoginFrom(hub, kPassword, b).status, 200) << "another client is not limited";

  // The audit log records the forwarded address.
  Session admin = Login(hub, "admin");
  Headers h = admin.Read();
  h.emplace_back("X-Forwarded-For", "198.51.100.7");
  auto res = hub.Get("/api/v1/ratings?office=p1", h);
  ASSERT_EQ(res.status, 200) << res.body;
  ASSERT_NE(res.body.find("0912345678"), std::string::npos) << res.body;
  res = hub.Get("/api/v1/audit", admin.Read());
  ASSERT_EQ(res.status, 200) << res.body;
  json entries = json::parse(res.body)["entries"];
  bool found = false;
  for (const auto& e : entries) {
    if (e.value("action", "") == "ratings.list") {
      EXPECT_EQ(e["address"], "198.51.100.7") << e.dump();
      found = true;
    }
  }
  EXPECT_TRUE(found) << entries.dump();
}

TEST(HubForwardedForTest, UntrustedPeersHeaderIsIgnored) {
  HubProcess hub(Options(false));
  hub.Start();
  EXPECT_EQ(Survey(hub, "a1", {{"X-Forwarded-For", "203.0.113.5"}}).status, 200);
  EXPECT_EQ(Survey(hub, "a2", {{"X-Forwarded-For", "203.0.113.6"}}).status, 200);
  EXPECT_EQ(Survey(hub, "a3", {{"X-Forwarded-For", "203.0.113.7"}}).status, 429)
      << "every request comes from 127.0.0.1";
  EXPECT_EQ(LoginFrom(hub, "sai", {{"X-Forwarded-For", "203.0.113.5"}}).status, 401);
  EXPECT_EQ(LoginFrom(hub, "sai", {{"X-Forwarded-For", "203.0.113.6"}}).status, 401);
  EXPECT_EQ(LoginFrom(hub, kPassword, {{"X-Forwarded-For", "203.0.113.7"}}).status, 429);
}

}  // namespace
}  // namespace hailong::hub_test
