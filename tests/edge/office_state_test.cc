// Live writes and replay change the edge's office state through one
// OfficeState::Apply: what a running edge shows after sign-ins, dossiers,
// ratings from a button box, the kiosk and a phone, and device status
// messages is what the same edge shows after a restart that rebuilt it
// from the log. Real Mosquitto, real hailong-edge.
#include <gtest/gtest.h>

#include "edge_harness.h"
#include "hailong/schema/time.h"
#include "hailong/testing/wait.h"

namespace hailong::edge_test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

json Body(const HttpResponse& r) { return json::parse(r.body, nullptr, false); }

json PhoneRating(const std::string& id, const std::string& counter, const std::string& receipt) {
  return {{"id", id},
          {"counter", counter},
          {"template", "smiley-4"},
          {"answers", {{"level", "satisfied"}}},
          {"at", FormatRfc3339(NowMs())},
          {"channel", "phone"},
          {"dossier", receipt}};
}

class OfficeStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(office_.StartBroker().ok());
    ASSERT_TRUE(office_.StartEdge().ok()) << office_.EdgeLog();
  }

  // Everything the edge shows of its office state: each counter's session
  // (officer, template, dossier still offered), the dossiers, the devices
  // (without last_seen, which every message moves, not only events).
  json Snapshot() const {
    json out;
    for (const char* counter : {"q1", "q2", "q3"}) {
      out["sessions"][counter] =
          Body(office_.Get(std::string("/api/v1/counters/") + counter + "/session"));
    }
    for (const char* receipt : {"000501", "000502", "000503"}) {
      out["dossiers"][receipt] = Body(office_.Get(std::string("/api/v1/dossiers/") + receipt));
    }
    json devices = Body(office_.Get("/api/v1/devices"));
    for (json& d : devices["devices"]) d.erase("last_seen");
    out["devices"] = devices;
    return out;
  }

  void SignIn(const std::string& counter, const std::string& officer, const json& extra = {}) {
    json body = {{"officer", officer}, {"pin", kTestPin}};
    if (extra.is_object()) body.merge_patch(extra);
    HttpResponse r = office_.PostJson("/api/v1/counters/" + counter + "/sign-in", body);
    ASSERT_EQ(r.status, 200) << r.body;
  }

  void PostDossier(const std::string& receipt, const std::string& counter) {
    HttpResponse r = office_.PostDossier({{"receipt", receipt},
                                          {"event", "received"},
                                          {"procedure", "HT-001"},
                                          {"field", "HT"},
                                          {"counter", counter},
                                          {"at", FormatRfc3339(NowMs())}});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  EdgeHarness office_;
};

TEST_F(OfficeStateTest, LiveWritesLeaveTheStateARestartRebuildsFromTheLog) {
  SignIn("q1", "cb-a");
  SignIn("q2", "cb-an", {{"template", "ha-noi-2014"}});
  SignIn("q3", "cb-lan");
  ASSERT_EQ(office_.PostJson("/api/v1/counters/q3/sign-out", {{"pin", kTestPin}}).status, 200);
  PostDossier("000501", "q1");
  PostDossier("000502", "q2");
  PostDossier("000503", "q3");

  // A button box at q1: its rating takes q1's posted dossier; two presses
  // too close together (the second is misuse), and a status report.
  std::unique_ptr<TestDevice> box;
  ASSERT_TRUE(
      TestDevice::Connect(office_.broker_url(), "box-1", &box, office_.DevicePassword("box-1"))
          .ok());
  ASSERT_TRUE(box->Publish(devices::StatusTopic(kOffice, "box-1"),
                           R"({"status":"online","kind":"button_box","counter":"q1",)"
                           R"("firmware":"1.0.0","battery_pct":77})")
                  .ok());
  const int64_t pressed = NowMs();
  ASSERT_TRUE(box->PublishRating(SmileyRating("box-r1", "q1", "satisfied", pressed)).ok());
  ASSERT_TRUE(box->PublishRating(SmileyRating("box-r2", "q1", "satisfied", pressed + 10)).ok());
  ASSERT_TRUE(box->WaitAcks(2));
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        json d = Body(office_.Get("/api/v1/devices"));
        return d["devices"].is_array() && d["devices"].size() == 1 &&
               d["devices"][0].value("battery_pct", json()) == 77;
      },
      15s))
      << office_.Get("/api/v1/devices").body;

  // The kiosk at q2 with q2's receipt; a phone rates q3's receipt once.
  HttpResponse kiosk = office_.PostKioskRating({{"id", "kiosk-r1"},
                                                {"counter", "q2"},
                                                {"template", "smiley-4"},
                                                {"answers", {{"level", "very_satisfied"}}},
                                                {"at", FormatRfc3339(NowMs())},
                                                {"channel", "touchscreen"},
                                                {"dossier", "000502"}});
  ASSERT_EQ(kiosk.status, 200) << kiosk.body;
  HttpResponse phone = office_.PostJson("/api/v1/ratings", PhoneRating("ph-1", "q3", "000503"));
  ASSERT_EQ(phone.status, 200) << phone.body;
  HttpResponse again = office_.PostJson("/api/v1/ratings", PhoneRating("ph-2", "q3", "000503"));
  ASSERT_EQ(again.status, 409) << again.body;

  const json live = Snapshot();
  ASSERT_TRUE(live["sessions"]["q1"]["dossier"].is_null()) << live.dump(2);  // used by box-r1
  ASSERT_EQ(live["sessions"]["q1"]["officer"]["id"], "cb-a") << live.dump(2);
  ASSERT_EQ(live["sessions"]["q2"]["template"]["id"], "ha-noi-2014") << live.dump(2);
  ASSERT_TRUE(live["sessions"]["q3"]["officer"].is_null()) << live.dump(2);
  ASSERT_EQ(live["devices"]["devices"][0]["ratings"], 2) << live.dump(2);

  ASSERT_EQ(office_.StopEdge(), 0) << office_.EdgeLog();
  ASSERT_TRUE(office_.StartEdge().ok()) << office_.EdgeLog();
  EXPECT_EQ(Snapshot(), live);

  // The replayed receipts and misuse memory judge as the live ones did.
  again = office_.PostJson("/api/v1/ratings", PhoneRating("ph-3", "q3", "000503"));
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(Body(again)["error"], "already rated");
  std::vector<fb::EventT> events;
  ASSERT_EQ(office_.StopEdge(), 0) << office_.EdgeLog();
  ASSERT_TRUE(office_.ReadLog(&events).ok());
  int box_ratings = 0;
  for (const auto& e : events) {
    const auto* r = e.body.AsRatingSubmitted();
    if (r != nullptr && r->device == "box-1" && r->dossier == "000501") ++box_ratings;
  }
  EXPECT_GE(box_ratings, 1);  // the posted dossier went with the box's rating
}

}  // namespace
}  // namespace hailong::edge_test
