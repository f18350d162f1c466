// Officers' counter PINs at a real hailong-hub: who may set them (a manager
// of the office or an admin; not a viewer, not another office's manager,
// not a node), which PINs are refused, that only the Argon2id hash is kept,
// in the private origin (never in origin `hub`, which every edge pulls), and
// that each node fetches the hashes of its own office only.
#include <gtest/gtest.h>
#include <sodium.h>

#include <fstream>
#include <sstream>

#include "hailong/schema/event.h"
#include "hub_harness.h"

namespace hailong::hub_test {
namespace {

using json = nlohmann::json;

json Body(const testing::HttpResponse& r) { return json::parse(r.body, nullptr, false); }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class HubOfficerPinsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hub_.Start();
    admin_ = Login(hub_, "admin");
    manager_ = Login(hub_, "manager");  // office p1
    viewer_ = Login(hub_, "viewer");    // office p1
  }
  testing::HttpResponse SetPin(const Session& who, const std::string& office,
                               const std::string& officer, const json& body) {
    return hub_.Post("/api/v1/officers/" + office + "/" + officer + "/pin", body.dump(),
                     who.Write());
  }
  testing::HttpResponse NodePins(const std::string& token, const std::string& query = "") {
    return hub_.Get("/api/v1/replication/officer-pins" + query,
                    {{"Authorization", std::string("Bearer ") + token}});
  }

  HubProcess hub_;
  Session admin_, manager_, viewer_;
};

TEST_F(HubOfficerPinsTest, AManagerOfTheOfficeSetsAPinAndOnlyItsHashReachesThatOfficesNode) {
  // Who may not: a viewer, a manager of another office, a node, nobody.
  EXPECT_EQ(SetPin(viewer_, "p1", "cb-a", {{"pin", "730419"}}).status, 403);
  EXPECT_EQ(SetPin(manager_, "p2", "cb-a", {{"pin", "730419"}}).status, 403);
  EXPECT_EQ(hub_.Post("/api/v1/officers/p1/cb-a/pin", R"({"pin":"730419"})",
                      {{"Authorization", std::string("Bearer ") + kTokenP1}})
                .status,
            403);
  EXPECT_EQ(hub_.Post("/api/v1/officers/p1/cb-a/pin", R"({"pin":"730419"})").status, 401);
  // A session without its CSRF token may not either.
  EXPECT_EQ(
      hub_.Post("/api/v1/officers/p1/cb-a/pin", R"({"pin":"730419"})", manager_.Read()).status,
      403);
  // Trivial and malformed PINs.
  for (const char* pin :
       {"0000", "1234", "9876", "1212", "123123", "12", "123456789", "12a4", ""}) {
    auto r = SetPin(manager_, "p1", "cb-a", {{"pin", pin}});
    EXPECT_EQ(r.status, 400) << pin << " " << r.body;
    EXPECT_FALSE(Body(r).value("error_en", "").empty()) << pin;
  }
  EXPECT_EQ(SetPin(manager_, "p1", "cb%20a", {{"pin", "730419"}}).status, 400);
  EXPECT_EQ(SetPin(admin_, "nowhere", "cb-a", {{"pin", "730419"}}).status, 404);
  // Nothing was stored by any of them.
  EXPECT_TRUE(Body(NodePins(kTokenP1))["pins"].empty());

  // The manager of p1 sets cb-a's PIN; the answer does not repeat it.
  auto r = SetPin(manager_, "p1", "cb-a", {{"pin", "730419"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(Body(r).contains("pin"));
  EXPECT_EQ(r.body.find("730419"), std::string::npos);
  // An admin has one generated for cb-b: shown once, six digits.
  r = SetPin(admin_, "p1", "cb-b", {{"generate", true}});
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string generated = Body(r).value("pin", "");
  ASSERT_EQ(generated.size(), 6u) << r.body;
  // And one for p2's officer.
  ASSERT_EQ(SetPin(admin_, "p2", "cb-z", {{"pin", "551902"}}).status, 200);

  // p1's node gets p1's hashes, which verify; p2's node only p2's.
  json p1 = Body(NodePins(kTokenP1));
  EXPECT_EQ(p1["office"], "p1");
  ASSERT_EQ(p1["pins"].size(), 2u) << p1.dump();
  std::map<std::string, std::string> hashes;
  for (const auto& p : p1["pins"]) hashes[p["officer"]] = p["pin_hash"];
  ASSERT_EQ(sodium_init() >= 0, true);
  EXPECT_EQ(crypto_pwhash_str_verify(hashes["cb-a"].c_str(), "730419", 6), 0);
  EXPECT_EQ(crypto_pwhash_str_verify(hashes["cb-b"].c_str(), generated.c_str(), 6), 0);
  EXPECT_NE(crypto_pwhash_str_verify(hashes["cb-a"].c_str(), "730418", 6), 0);
  json p2 = Body(NodePins(kTokenP2));
  ASSERT_EQ(p2["pins"].size(), 1u);
  EXPECT_EQ(p2["pins"][0]["officer"], "cb-z");
  EXPECT_EQ(p2.dump().find(hashes["cb-a"]), std::string::npos);
  // A node that holds the current version gets "unchanged".
  const uint64_t version = p1["version"].get<uint64_t>();
  EXPECT_EQ(Body(NodePins(kTokenP1, "?known=" + std::to_string(version)))["unchanged"], true);
  EXPECT_TRUE(Body(NodePins(kTokenP1, "?known=" + std::to_string(version - 1)))["pins"].is_array());
  // Users may not fetch hashes, not even an admin.
  EXPECT_EQ(hub_.Get("/api/v1/replication/officer-pins", admin_.Read()).status, 403);

  // Managers see who has a PIN, never a hash; a viewer of p1 sees p1's.
  r = hub_.Get("/api/v1/officer-pins", manager_.Read());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["pins"].size(), 2u) << r.body;
  EXPECT_EQ(r.body.find("argon2id"), std::string::npos);
  EXPECT_EQ(hub_.Get("/api/v1/officer-pins?office=p2", manager_.Read()).status, 403);

  // The hashes are in the private origin only: origin `hub`, which every
  // edge pulls, has none.
  r = hub_.Get("/api/v1/replication/pull?origin=hub&from=1",
               {{"Authorization", std::string("Bearer ") + kTokenP2}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body.find("argon2id"), std::string::npos);
  r = hub_.Get("/api/v1/replication/pull?origin=hub-private&from=1", admin_.Read());
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find(hashes["cb-a"]), std::string::npos);
  EXPECT_EQ(r.body.find("730419"), std::string::npos);

  // Clearing a PIN: the node's next fetch no longer has it.
  auto cleared = [&] {
    testing::HttpRequest req;
    req.method = "DELETE";
    req.target = "/api/v1/officers/p1/cb-b/pin";
    req.headers = manager_.Write();
    testing::HttpResponse res;
    EXPECT_TRUE(testing::SendHttp("127.0.0.1", hub_.port(), req, &res).ok());
    return res;
  }();
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  p1 = Body(NodePins(kTokenP1));
  ASSERT_EQ(p1["pins"].size(), 1u);
  EXPECT_GT(p1["version"].get<uint64_t>(), version);

  // Rebuilt from the log after a restart; the audit log names each change,
  // without the PIN.
  hub_.Stop();
  hub_.Start();
  admin_ = Login(hub_, "admin");
  EXPECT_EQ(Body(NodePins(kTokenP1))["pins"].size(), 1u);
  r = hub_.Get("/api/v1/audit", admin_.Read());
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("officer_pin.set"), std::string::npos);
  EXPECT_NE(r.body.find("officer_pin.clear"), std::string::npos);
  EXPECT_EQ(r.body.find("730419"), std::string::npos);
  EXPECT_EQ(r.body.find(generated), std::string::npos);
  // No PIN in the hub's log lines.
  const std::string log = ReadFile(hub_.dir().Join("hub.log"));
  EXPECT_EQ(log.find("730419"), std::string::npos);
  EXPECT_EQ(log.find(generated), std::string::npos);
}

}  // namespace
}  // namespace hailong::hub_test
