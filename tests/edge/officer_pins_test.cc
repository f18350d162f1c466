// Officers' counter PINs, end to end with real processes: a manager sets a
// PIN at a real hailong-hub, the real hailong-edge replicating to it
// receives the hash of its own office and checks sign-in and sign-out
// against it; without the PIN (401), with a wrong one or for an officer
// without one (403) nothing is stored. Sign-in keeps working with the hub
// down once the hash was received, also after an edge restart. Wrong PINs
// are limited per officer and per counter. No PIN reaches a log line.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "edge_harness.h"
#include "hailong/schema/event.h"
#include "hailong/testing/wait.h"
#include "hub_harness.h"

namespace hailong::edge_test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr char kToken[] = "token-of-edge-phuong-01-0123456789abcdefghij";
constexpr char kPin[] = "730419";

json Body(const HttpResponse& r) { return json::parse(r.body, nullptr, false); }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

json User(const std::string& name, const std::string& role, const std::string& office) {
  return {{"name", name},
          {"role", role},
          {"offices", {office}},
          {"password_hash", hub_test::PasswordHash()}};
}

class EdgeOfficerPinsTest : public ::testing::Test {
 protected:
  EdgeOfficerPinsTest()
      : hub_(hub_test::HubOptions{
            {{"nodes",
              {{{"id", kOrigin},
                {"office_id", kOffice},
                {"token_sha256", schema::HexEncode(schema::Sha256(kToken))}},
               {{"id", "edge-p2"},
                {"office_id", "p2"},
                {"token_sha256", schema::HexEncode(schema::Sha256(hub_test::kTokenP2))}}}},
             {"users",
              {User("admin", "admin", "*"), User("manager", "manager", kOffice),
               User("manager-p2", "manager", "p2"), User("viewer", "viewer", kOffice)}}}}) {}

  void SetUp() override {
    hub_.Start();
    ASSERT_TRUE(office_.StartBroker().ok());
    StartEdge();
  }

  // With the hub, and without the harness's local PIN file: every hash
  // comes from the hub.
  void StartEdge() {
    const std::string token = office_.dir().WriteFile("edge.token", std::string(kToken) + "\n");
    ASSERT_TRUE(office_
                    .StartEdge({{"officer_pins_file", nullptr},
                                {"hub",
                                 {{"url", "http://127.0.0.1:" + std::to_string(hub_.port())},
                                  {"node_id", kOrigin},
                                  {"token_file", token}}}})
                    .ok())
        << office_.EdgeLog();
  }

  testing::HttpResponse SetPin(const hub_test::Session& who, const std::string& office,
                               const std::string& officer, const json& body) {
    return hub_.Post("/api/v1/officers/" + office + "/" + officer + "/pin", body.dump(),
                     who.Write());
  }

  bool WaitPins(size_t count) {
    return testing::WaitUntil(
        [&] { return Body(office_.Get("/api/v1/status"))["officer_pins"]["count"] == count; }, 20s);
  }

  HttpResponse SignIn(const std::string& counter, const json& body) {
    return office_.PostJson("/api/v1/counters/" + counter + "/sign-in", body);
  }
  HttpResponse SignOut(const std::string& counter, const json& body) {
    return office_.PostJson("/api/v1/counters/" + counter + "/sign-out", body);
  }

  hub_test::HubProcess hub_;
  EdgeHarness office_;
};

TEST_F(EdgeOfficerPinsTest, APinSetAtTheHubSignsTheOfficerInAtTheEdgeAndNothingElseDoes) {
  const uint64_t seq0 = office_.LogSeq();
  // No PIN set yet: the officer cannot sign in, and is told to ask.
  HttpResponse r = SignIn("q1", {{"officer", "cb-nhung"}, {"pin", kPin}});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_NE(Body(r)["error"].get<std::string>().find("chưa có mã PIN"), std::string::npos);
  EXPECT_FALSE(Body(r).value("error_en", "").empty());

  // A viewer and another office's manager may not set it; the manager may.
  hub_test::Session viewer = hub_test::Login(hub_, "viewer");
  hub_test::Session other = hub_test::Login(hub_, "manager-p2");
  hub_test::Session manager = hub_test::Login(hub_, "manager");
  EXPECT_EQ(SetPin(viewer, kOffice, "cb-nhung", {{"pin", kPin}}).status, 403);
  EXPECT_EQ(SetPin(other, kOffice, "cb-nhung", {{"pin", kPin}}).status, 403);
  ASSERT_EQ(SetPin(manager, kOffice, "cb-nhung", {{"pin", kPin}}).status, 200);
  ASSERT_EQ(SetPin(other, "p2", "cb-p2", {{"pin", "551902"}}).status, 200);
  // The edge receives its own office's hash only.
  ASSERT_TRUE(WaitPins(1)) << office_.Get("/api/v1/status").body << office_.EdgeLog();

  // Without the PIN 401, wrong PIN 403, malformed 400: nothing stored.
  r = SignIn("q1", {{"officer", "cb-nhung"}});
  EXPECT_EQ(r.status, 401) << r.body;
  r = SignIn("q1", {{"officer", "cb-nhung"}, {"pin", "730418"}});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(Body(r)["error"], "Mã PIN không đúng.");
  EXPECT_EQ(SignIn("q1", {{"officer", "cb-nhung"}, {"pin", 730419}}).status, 400);
  EXPECT_EQ(SignIn("q1", {{"officer", "cb-p2"}, {"pin", "551902"}}).status, 403);
  EXPECT_EQ(office_.LogSeq(), seq0);
  EXPECT_TRUE(Body(office_.Get("/api/v1/counters/q1/session"))["officer"].is_null());

  // The right PIN signs the officer in; the session says who is on duty.
  r = SignIn("q1", {{"officer", "cb-nhung"}, {"pin", kPin}, {"name", "Kẻ Mạo Danh"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["officer"]["id"], "cb-nhung");
  EXPECT_EQ(Body(r)["officer"]["name"], "cb-nhung");  // never the client's name
  const uint64_t seq1 = office_.LogSeq();
  EXPECT_EQ(seq1, seq0 + 1);

  // Sign-out needs the PIN of the officer on duty.
  EXPECT_EQ(SignOut("q1", json::object()).status, 401);
  EXPECT_EQ(SignOut("q1", {{"pin", "111923"}}).status, 403);
  EXPECT_EQ(office_.LogSeq(), seq1);
  EXPECT_EQ(Body(office_.Get("/api/v1/counters/q1/session"))["officer"]["id"], "cb-nhung");
  ASSERT_EQ(SignOut("q1", {{"pin", kPin}}).status, 200);
  EXPECT_TRUE(Body(office_.Get("/api/v1/counters/q1/session"))["officer"].is_null());

  // The hub goes down; the edge restarts: the stored hash still works.
  hub_.Stop();
  ASSERT_EQ(office_.StopEdge(), 0);
  StartEdge();
  EXPECT_EQ(Body(office_.Get("/api/v1/status"))["officer_pins"]["count"], 1);
  r = SignIn("q2", {{"officer", "cb-nhung"}, {"pin", kPin}});
  EXPECT_EQ(r.status, 200) << r.body << office_.EdgeLog();
  EXPECT_EQ(SignIn("q3", {{"officer", "cb-nhung"}, {"pin", "730418"}}).status, 403);

  // The hub comes back and the PIN is cleared: the edge follows.
  hub_.Start();
  manager = hub_test::Login(hub_, "manager");
  testing::HttpRequest del;
  del.method = "DELETE";
  del.target = std::string("/api/v1/officers/") + kOffice + "/cb-nhung/pin";
  del.headers = manager.Write();
  testing::HttpResponse cleared;
  ASSERT_TRUE(testing::SendHttp("127.0.0.1", hub_.port(), del, &cleared).ok());
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  ASSERT_TRUE(WaitPins(0)) << office_.Get("/api/v1/status").body;
  EXPECT_EQ(SignIn("q4", {{"officer", "cb-nhung"}, {"pin", kPin}}).status, 403);

  // No PIN and no hash in any log line; p2's hash never reached this edge.
  const std::string edge_log = office_.EdgeLog();
  const std::string hub_log = ReadFile(hub_.dir().Join("hub.log"));
  for (const char* secret : {kPin, "730418", "551902", "argon2id"}) {
    EXPECT_EQ(edge_log.find(secret), std::string::npos) << secret;
    EXPECT_EQ(hub_log.find(secret), std::string::npos) << secret;
  }
  EXPECT_NE(edge_log.find("wrong PIN for officer cb-nhung"), std::string::npos) << edge_log;
}

// Offices without a hub: officer_pins_file (the harness's, kTestPin).
class EdgePinLimitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(office_.StartBroker().ok());
    ASSERT_TRUE(office_.StartEdge().ok()) << office_.EdgeLog();
  }
  HttpResponse SignIn(const std::string& counter, const std::string& officer,
                      const std::string& pin) {
    return office_.PostJson("/api/v1/counters/" + counter + "/sign-in",
                            {{"officer", officer}, {"pin", pin}});
  }
  EdgeHarness office_;
};

TEST_F(EdgePinLimitTest, WrongPinsAreLimitedPerOfficerAndPerCounter) {
  const uint64_t seq0 = office_.LogSeq();
  // Five wrong PINs for one officer; the sixth try, even right, waits.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(SignIn("q1", "cb-lan", "111923").status, 403) << i;
  HttpResponse r = SignIn("q1", "cb-lan", kTestPin);
  EXPECT_EQ(r.status, 429) << r.body;
  EXPECT_NE(Body(r)["error"].get<std::string>().find("quá nhiều lần"), std::string::npos);
  EXPECT_FALSE(r.Header("retry-after").empty());
  // The same officer elsewhere is limited too; another officer is not.
  EXPECT_EQ(SignIn("q2", "cb-lan", kTestPin).status, 429);
  EXPECT_EQ(office_.LogSeq(), seq0);
  ASSERT_EQ(SignIn("q1", "cb-an", kTestPin).status, 200);

  // Ten wrong PINs at one counter (two officers) close that counter's
  // sign-in for a while; another counter still works.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(SignIn("q3", "cb-a", "111923").status, 403);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(SignIn("q3", "cb-1", "111923").status, 403);
  EXPECT_EQ(SignIn("q3", "cb-hung", kTestPin).status, 429);
  EXPECT_EQ(SignIn("q4", "cb-hung", kTestPin).status, 200);

  const std::string metrics = office_.Get("/metrics").body;
  EXPECT_NE(metrics.find("hailong_edge_officer_pins_wrong_total 15"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("hailong_edge_officer_pins_limited_total 3"), std::string::npos);
  EXPECT_NE(metrics.find("hailong_edge_officer_pins_right_total 2"), std::string::npos);
  EXPECT_EQ(office_.EdgeLog().find("111923"), std::string::npos);
  EXPECT_EQ(office_.EdgeLog().find(kTestPin), std::string::npos);
}

TEST_F(EdgePinLimitTest, OfficersWithoutAPinAndMalformedPinsStoreNothing) {
  const uint64_t seq0 = office_.LogSeq();
  HttpResponse r = SignIn("q1", "cb-nobody", kTestPin);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_NE(Body(r)["error_en"].get<std::string>().find("ask the office's manager"),
            std::string::npos);
  EXPECT_EQ(SignIn("q1", "cb-lan", "12").status, 400);
  EXPECT_EQ(SignIn("q1", "cb-lan", "12345678901").status, 400);
  EXPECT_EQ(SignIn("q1", "cb-lan", "").status, 401);
  EXPECT_EQ(office_.Post("/api/v1/counters/q1/sign-in", R"({"officer":"cb-lan"})").status, 401);
  EXPECT_EQ(office_.Post("/api/v1/counters/q1/sign-out", "").status, 401);
  EXPECT_EQ(office_.LogSeq(), seq0);
  // The kiosk's list of officers says who has a PIN, never a hash.
  r = office_.Get("/api/v1/officers");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body.find("argon2"), std::string::npos);
}

}  // namespace
}  // namespace hailong::edge_test
