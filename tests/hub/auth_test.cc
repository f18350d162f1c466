// Users, sessions and tokens against a real hub: 401 without credentials,
// login with an HttpOnly SameSite=Strict cookie, CSRF on state-changing
// requests, logout, the login rate limit, roles and office scope, and the
// static files' traversal protection.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hub_harness.h"

namespace hailong::hub_test {
namespace {

using json = nlohmann::json;

class HubAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HubOptions o;
    o.extra = json{{"login_failures_per_name", 3}};
    hub_ = std::make_unique<HubProcess>(o);
    hub_->Start();
  }
  std::unique_ptr<HubProcess> hub_;
};

TEST_F(HubAuthTest, PublicEndpointsAnswerWithoutCredentials) {
  EXPECT_EQ(hub_->Get("/healthz").status, 200);
  auto m = hub_->Get("/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("hailong_hub_projection_backlog_events"), std::string::npos);
}

TEST_F(HubAuthTest, ApiWithoutCredentialsIs401) {
  for (const char* path :
       {"/api/v1/me", "/api/v1/nodes", "/api/v1/report?from=2026-01-01&to=2026-01-31",
        "/api/v1/ratings", "/api/v1/follow-ups", "/api/v1/no-such-thing",
        "/api/v1/replication/cursor?origin=edge-p1"}) {
    EXPECT_EQ(hub_->Get(path).status, 401) << path;
  }
  EXPECT_EQ(hub_->Get("/api/v1/me", {{"Authorization", "Bearer wrong"}}).status, 401);
  EXPECT_EQ(hub_->Get("/api/v1/me", {{"Cookie", "hailong_session=forged"}}).status, 401);
  EXPECT_EQ(hub_->Post("/api/v1/logout", "{}").status, 401);
}

TEST_F(HubAuthTest, LoginSetsAHardenedCookie) {
  auto bad = hub_->Post("/api/v1/login", json{{"name", "admin"}, {"password", "sai"}}.dump());
  EXPECT_EQ(bad.status, 401);
  EXPECT_TRUE(bad.Header("set-cookie").empty());
  auto unknown = hub_->Post("/api/v1/login", json{{"name", "nobody"}, {"password", "x"}}.dump());
  EXPECT_EQ(unknown.status, 401);

  Session s = Login(*hub_, "admin");
  EXPECT_NE(s.set_cookie.find("HttpOnly"), std::string::npos) << s.set_cookie;
  EXPECT_NE(s.set_cookie.find("SameSite=Strict"), std::string::npos) << s.set_cookie;
  EXPECT_NE(s.set_cookie.find("Path=/"), std::string::npos) << s.set_cookie;
  EXPECT_FALSE(s.csrf.empty());
  auto me = hub_->Get("/api/v1/me", s.Read());
  ASSERT_EQ(me.status, 200) << me.body;
  json j = json::parse(me.body);
  EXPECT_EQ(j["name"], "admin");
  EXPECT_EQ(j["role"], "admin");
  EXPECT_EQ(j["csrf_token"], s.csrf);
}

TEST_F(HubAuthTest, StateChangingRequestsNeedTheCsrfToken) {
  Session s = Login(*hub_, "admin");
  const std::string entry = json{{"kind", "office"}, {"id", "p1"}, {"name", "Phường 1"}}.dump();
  EXPECT_EQ(hub_->Post("/api/v1/catalogue", entry, s.Read()).status, 403);
  EXPECT_EQ(
      hub_->Post("/api/v1/catalogue", entry, {{"Cookie", s.cookie}, {"X-CSRF-Token", "guess"}})
          .status,
      403);
  auto ok = hub_->Post("/api/v1/catalogue", entry, s.Write());
  EXPECT_EQ(ok.status, 200) << ok.body;
  // Logout also needs it, and ends the session.
  EXPECT_EQ(hub_->Post("/api/v1/logout", "{}", s.Read()).status, 403);
  auto out = hub_->Post("/api/v1/logout", "{}", s.Write());
  EXPECT_EQ(out.status, 200);
  EXPECT_NE(out.Header("set-cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(hub_->Get("/api/v1/me", s.Read()).status, 401);
}

TEST_F(HubAuthTest, SessionsSurviveARestart) {
  Session s = Login(*hub_, "manager");
  hub_->Stop();
  hub_->Start();
  EXPECT_EQ(hub_->Get("/api/v1/me", s.Read()).status, 200);
}

TEST_F(HubAuthTest, RepeatedFailuresAreRateLimited) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(
        hub_->Post("/api/v1/login", json{{"name", "viewer"}, {"password", "sai"}}.dump()).status,
        401);
  }
  auto limited =
      hub_->Post("/api/v1/login", json{{"name", "viewer"}, {"password", kPassword}}.dump());
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_FALSE(limited.Header("retry-after").empty());
  // Another name is not affected.
  Login(*hub_, "manager");
}

TEST_F(HubAuthTest, RolesAndOfficeScope) {
  Session viewer = Login(*hub_, "viewer");
  Session manager = Login(*hub_, "manager");
  Session admin = Login(*hub_, "admin");
  const std::string entry = json{{"kind", "field"}, {"id", "HT"}, {"name", "Hộ tịch"}}.dump();
  EXPECT_EQ(hub_->Post("/api/v1/catalogue", entry, viewer.Write()).status, 403);
  EXPECT_EQ(hub_->Post("/api/v1/catalogue", entry, manager.Write()).status, 403);
  EXPECT_EQ(hub_->Post("/api/v1/catalogue", entry, admin.Write()).status, 200);
  // Viewer and manager are scoped to p1.
  EXPECT_EQ(
      hub_->Get("/api/v1/report?from=2026-11-01&to=2026-11-30&office=p2", viewer.Read()).status,
      403);
  EXPECT_EQ(
      hub_->Get("/api/v1/report?from=2026-11-01&to=2026-11-30&office=p1", viewer.Read()).status,
      200);
  EXPECT_EQ(
      hub_->Get("/api/v1/report?from=2026-11-01&to=2026-11-30&office=p2", admin.Read()).status,
      200);
  EXPECT_EQ(hub_->Get("/api/v1/audit", manager.Read()).status, 403);
  EXPECT_EQ(hub_->Get("/api/v1/audit", admin.Read()).status, 200);
  // The node list only shows the caller's offices.
  auto nodes = json::parse(hub_->Get("/api/v1/nodes", viewer.Read()).body);
  ASSERT_EQ(nodes["nodes"].size(), 1u);
  EXPECT_EQ(nodes["nodes"][0]["id"], "edge-p1");
  EXPECT_EQ(json::parse(hub_->Get("/api/v1/nodes", admin.Read()).body)["nodes"].size(), 2u);
  // A node token is for replication only.
  EXPECT_EQ(
      hub_->Get("/api/v1/nodes", {{"Authorization", std::string("Bearer ") + kTokenP1}}).status,
      403);
  EXPECT_EQ(hub_->Get("/api/v1/replication/cursor?origin=edge-p1",
                      {{"Authorization", std::string("Bearer ") + kTokenP1}})
                .status,
            200);
}

TEST_F(HubAuthTest, StaticFilesStayInsideTheWebRoot) {
  auto index = hub_->Get("/");
  EXPECT_EQ(index.status, 200);
  EXPECT_NE(index.body.find("Hài Lòng"), std::string::npos);
  EXPECT_EQ(index.Header("content-type").rfind("text/html", 0), 0u);
  auto js = hub_->Get("/assets/app.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.Header("content-type").rfind("text/javascript", 0), 0u);
  for (const char* path :
       {"/assets/../secret.txt", "/assets/%2e%2e/secret.txt", "/assets/..%2fsecret.txt",
        "/assets/../../etc/passwd", "/secret.txt", "/assets/", "/assets/nothing.js"}) {
    EXPECT_EQ(hub_->Get(path).status, 404) << path;
  }
}

TEST_F(HubAuthTest, OversizedRequestsAreRefused) {
  Session admin = Login(*hub_, "admin");
  // Ordinary API bodies are limited to 64 KiB.
  auto big = hub_->Post("/api/v1/catalogue", std::string(70 * 1024, 'x'), admin.Write());
  EXPECT_EQ(big.status, 413);
  std::string reply;
  std::string header(9000, 'a');
  ASSERT_TRUE(testing::SendRawTcp(
                  "127.0.0.1", hub_->port(),
                  "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + header + "\r\n\r\n", &reply)
                  .ok());
  EXPECT_NE(reply.find(" 431 "), std::string::npos) << reply.substr(0, 200);
}

}  // namespace
}  // namespace hailong::hub_test
