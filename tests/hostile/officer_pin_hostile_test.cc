// Hostile clients at counter sign-in (issue 14): a phone on the office
// Wi-Fi cannot sign an officer in under any name (401 without a PIN, 403
// with a guess, 429 once guessing goes on: nothing stored), cannot fetch
// the PIN hashes from the hub (only the office's node may), and no PIN or
// hash reaches a log line.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hailong/testing/http_client.h"
#include "hailong/testing/wait.h"
#include "nodes.h"

namespace hailong::hostile {
namespace {

using hailong::testing::HttpRequest;
using hailong::testing::HttpResponse;
using json = nlohmann::json;

constexpr char kPin[] = "604817";

json Get(uint16_t port, const std::string& target,
         std::vector<std::pair<std::string, std::string>> headers = {}, int* status = nullptr) {
  HttpRequest req;
  req.target = target;
  req.headers = std::move(headers);
  HttpResponse res;
  EXPECT_TRUE(hailong::testing::SendHttp("127.0.0.1", port, req, &res).ok());
  if (status != nullptr) *status = res.status;
  return json::parse(res.body, nullptr, false);
}

int Post(uint16_t port, const std::string& target, const json& body,
         std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpRequest req;
  req.method = "POST";
  req.target = target;
  req.body = body.dump();
  req.headers = std::move(headers);
  HttpResponse res;
  EXPECT_TRUE(hailong::testing::SendHttp("127.0.0.1", port, req, &res).ok());
  return res.status;
}

TEST(OfficerPinHostileTest, NobodyOnTheWifiSignsAnOfficerInOrReadsTheHashes) {
  hailong::testing::TempDir tmp("hostile-pins");
  HostileNodes nodes(tmp);
  Status s = nodes.Start();
  ASSERT_TRUE(s.ok()) << s.ToString();
  const uint16_t edge = nodes.edge_port();
  const auto log_seq = [&] { return Get(edge, "/api/v1/status")["log_seq"].get<uint64_t>(); };
  const uint64_t seq0 = log_seq();

  // Today's attack: sign in "under any name". No PIN: 401, nothing stored.
  const std::string sign_in = "/api/v1/counters/q1/sign-in";
  EXPECT_EQ(Post(edge, sign_in, {{"officer", "cb-x"}, {"name", "Giám đốc"}}), 401);
  EXPECT_EQ(Post(edge, "/api/v1/counters/q1/sign-out", json::object()), 401);

  // The admin sets cb-x's PIN at the hub; the edge receives its hash.
  HttpResponse login;
  ASSERT_TRUE(hailong::testing::HttpPost(nodes.hub_port(), "/api/v1/login",
                                         json{{"name", "admin"}, {"password", kPassword}}.dump(),
                                         &login)
                  .ok());
  ASSERT_EQ(login.status, 200);
  const std::string cookie =
      login.Header("set-cookie").substr(0, login.Header("set-cookie").find(';'));
  const std::string csrf = json::parse(login.body)["csrf_token"];
  ASSERT_EQ(Post(nodes.hub_port(), "/api/v1/officers/p1/cb-x/pin", {{"pin", kPin}},
                 {{"Cookie", cookie}, {"X-CSRF-Token", csrf}}),
            200);
  ASSERT_TRUE(hailong::testing::WaitUntil(
      [&] { return Get(edge, "/api/v1/status")["officer_pins"]["count"] == 1; },
      std::chrono::seconds(20)))
      << nodes.EdgeLog();

  // Guessing: five wrong PINs answer 403, then 429 even for the right one.
  const char* guesses[] = {"000000", "123456", "111111", "654321", "121212"};
  for (const char* g : guesses)
    EXPECT_EQ(Post(edge, sign_in, {{"officer", "cb-x"}, {"pin", g}}), 403);
  EXPECT_EQ(Post(edge, sign_in, {{"officer", "cb-x"}, {"pin", kPin}}), 429);
  EXPECT_EQ(log_seq(), seq0);

  // The hashes: no token 401, a user (even the admin) 403, the node its own office.
  int status = 0;
  Get(nodes.hub_port(), "/api/v1/replication/officer-pins", {}, &status);
  EXPECT_EQ(status, 401);
  Get(nodes.hub_port(), "/api/v1/replication/officer-pins", {{"Cookie", cookie}}, &status);
  EXPECT_EQ(status, 403);
  json pins = Get(nodes.hub_port(), "/api/v1/replication/officer-pins",
                  {{"Authorization", "Bearer " + nodes.token()}}, &status);
  EXPECT_EQ(status, 200);
  ASSERT_EQ(pins["pins"].size(), 1u);
  const std::string hash = pins["pins"][0]["pin_hash"];
  // Nor does origin `hub`, which every edge pulls, carry it.
  HttpRequest pull;
  pull.target = "/api/v1/replication/pull?origin=hub&from=1";
  pull.headers = {{"Authorization", "Bearer " + nodes.token()}};
  HttpResponse pulled;
  ASSERT_TRUE(hailong::testing::SendHttp("127.0.0.1", nodes.hub_port(), pull, &pulled).ok());
  EXPECT_EQ(pulled.body.find("argon2id"), std::string::npos);

  nodes.Stop();
  for (const std::string& log : {nodes.EdgeLog(), nodes.HubLog()}) {
    EXPECT_EQ(log.find(kPin), std::string::npos);
    EXPECT_EQ(log.find(hash), std::string::npos);
    for (const char* g : guesses) EXPECT_EQ(log.find(std::string("\"") + g), std::string::npos);
  }
}

}  // namespace
}  // namespace hailong::hostile
