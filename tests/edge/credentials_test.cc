// Credentials on the edge's write endpoints (issue 14; edge/README.md, "Who
// may call what"),
// against a real hailong-edge: dossiers only with a listed token; kiosk
// ratings only from a kiosk enrolled for their counter (one-time codes that
// expire, revocation, all surviving a restart); JSON bodies only; and
// phone ratings, which anyone may send, attributed by the edge's clock,
// limited per address and per counter, once per receipt and template, and
// judged for misuse. Each refusal stores nothing (log_seq and the log).
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <thread>

#include "edge_harness.h"
#include "hailong/schema/time.h"
#include "hailong/testing/wait.h"

namespace hailong::edge_test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

json Rating(const std::string& id, const std::string& channel, const json& patch = json::object()) {
  json j = {{"id", id},
            {"counter", "q1"},
            {"template", "smiley-4"},
            {"answers", {{"level", "unsatisfied"}}},
            {"at", FormatRfc3339(NowMs())},
            {"channel", channel}};
  j.merge_patch(patch);
  return j;
}

json Body(const HttpResponse& r) { return json::parse(r.body, nullptr, false); }

class EdgeCredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(office_.StartBroker().ok()); }
  void Start(const json& overrides = json::object()) {
    ASSERT_TRUE(office_.StartEdge(overrides).ok()) << office_.EdgeLog();
  }
  std::vector<fb::EventT> StopAndReadLog() {
    EXPECT_EQ(office_.StopEdge(), 0) << office_.EdgeLog();
    std::vector<fb::EventT> events;
    Status s = office_.ReadLog(&events);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return events;
  }
  HttpResponse PostRating(const json& rating, const std::string& bearer = "") {
    return office_.Send("POST", "/api/v1/ratings", rating.dump(), bearer);
  }
  // A new kiosk's enrollment code for `counter` (admin API).
  json MakeKiosk(const std::string& counter) {
    HttpResponse r = office_.Send("POST", "/api/v1/admin/kiosks", json{{"counter", counter}}.dump(),
                                  kAdminToken);
    EXPECT_EQ(r.status, 200) << r.body;
    return Body(r);
  }
  HttpResponse Redeem(const std::string& code) {
    return office_.Send("POST", "/api/v1/kiosks/enroll", json{{"code", code}}.dump(), "");
  }
  EdgeHarness office_;
};

TEST_F(EdgeCredentialsTest, DossiersNeedAListedToken) {
  Start();
  const json dossier = {{"receipt", "000901"}, {"event", "received"}, {"counter", "q1"}};
  for (const std::string bearer :
       {std::string(), std::string("wrong-token"), std::string(kDossierToken) + "x"}) {
    HttpResponse r = office_.Send("POST", "/api/v1/dossiers", dossier.dump(), bearer);
    EXPECT_EQ(r.status, 401) << bearer << ": " << r.body;
    EXPECT_EQ(r.Header("www-authenticate"), "Bearer");
    EXPECT_FALSE(Body(r)["message"].get<std::string>().empty());
  }
  // A plain "Authorization: <token>" without the scheme is no bearer token.
  testing::HttpRequest raw;
  raw.method = "POST";
  raw.target = "/api/v1/dossiers";
  raw.body = dossier.dump();
  raw.headers.emplace_back("Authorization", kDossierToken);
  HttpResponse r;
  ASSERT_TRUE(testing::SendHttp("127.0.0.1", office_.http_port(), raw, &r).ok());
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(office_.LogSeq(), 0u);
  EXPECT_TRUE(Body(office_.Get("/api/v1/counters/q1/session"))["dossier"].is_null());
  EXPECT_EQ(office_.Get("/api/v1/dossiers/000901").status, 404);

  r = office_.PostDossier(dossier);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(office_.LogSeq(), 1u);
  // No token configured: every dossier post is refused.
  ASSERT_EQ(office_.StopEdge(), 0);
  Start({{"dossier_tokens_sha256", json::array()}});
  r = office_.PostDossier({{"receipt", "000902"}, {"event", "received"}});
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(office_.LogSeq(), 1u);
}

TEST_F(EdgeCredentialsTest, EveryWriteTakesOnlyJson) {
  Start();
  const std::string token = office_.EnrollKiosk("q1");
  ASSERT_FALSE(token.empty());
  struct Write {
    std::string target, body, bearer;
  };
  const std::vector<Write> writes = {
      {"/api/v1/ratings", Rating("plain-1", "phone").dump(), ""},
      {"/api/v1/ratings", Rating("plain-2", "touchscreen").dump(), token},
      {"/api/v1/dossiers", json{{"receipt", "1"}, {"event", "received"}}.dump(), kDossierToken},
      {"/api/v1/counters/q1/sign-in", json{{"officer", "cb-a"}}.dump(), ""},
      {"/api/v1/counters/q1/sign-out", "{}", ""},
      {"/api/v1/kiosks/enroll", json{{"code", "0123"}}.dump(), ""},
      {"/api/v1/admin/kiosks", json{{"counter", "q1"}}.dump(), kAdminToken},
      {"/api/v1/admin/checkpoint", "{}", kAdminToken},
  };
  // What a page elsewhere can send without a CORS preflight, and no type.
  for (const std::string type : {"text/plain", "text/plain;charset=UTF-8",
                                 "application/x-www-form-urlencoded", "multipart/form-data", ""}) {
    for (const Write& w : writes) {
      HttpResponse r = office_.Send("POST", w.target, w.body, w.bearer, type);
      EXPECT_EQ(r.status, 415) << type << " " << w.target << ": " << r.body;
      EXPECT_NE(Body(r)["message"].get<std::string>().find("JSON"), std::string::npos);
    }
  }
  EXPECT_EQ(office_.LogSeq(), 0u);
  // Upper case and parameters are still JSON.
  HttpResponse r = office_.Send("POST", "/api/v1/ratings", Rating("json-1", "phone").dump(), "",
                                "Application/JSON; charset=utf-8");
  EXPECT_EQ(r.status, 200) << r.body;
  // Nothing was enrolled or stored by the refused writes.
  json kiosks = Body(office_.Send("GET", "/api/v1/admin/kiosks", "", kAdminToken));
  EXPECT_EQ(kiosks["kiosks"].size(), 1u) << kiosks.dump();
  const auto events = StopAndReadLog();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].body.AsRatingSubmitted()->rating_id, "json-1");
}

TEST_F(EdgeCredentialsTest, OnlyAKioskEnrolledForTheCounterSendsTouchscreenRatings) {
  Start();
  const json made = MakeKiosk("q1");
  const std::string code = made["code"];
  EXPECT_EQ(made["state"], "pending");
  EXPECT_EQ(made["path"], "/kiosk/q1#enroll=" + code);
  // Before enrollment: no credential, a made-up one, or the code itself.
  for (const std::string bearer : {std::string(), std::string("kiosk-q1-1.00ff"), code}) {
    HttpResponse r = PostRating(Rating("t-0", "touchscreen"), bearer);
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_EQ(Body(r)["status"], "rejected");
    EXPECT_NE(Body(r)["message"].get<std::string>().find("kích hoạt"), std::string::npos);
  }
  HttpResponse r = Redeem(code);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string token = Body(r)["token"];
  EXPECT_EQ(Body(r)["kiosk"], "kiosk-q1-1");
  EXPECT_EQ(Body(r)["counter"], "q1");
  // The link works once.
  r = Redeem(code);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_NE(Body(r)["message"].get<std::string>().find("đã được dùng"), std::string::npos);

  EXPECT_EQ(office_.Send("GET", "/api/v1/kiosks/me", "", token).status, 200);
  r = PostRating(Rating("t-1", "touchscreen", {{"device", "box-1"}}), token);
  ASSERT_EQ(r.status, 200) << r.body;
  // Another counter's rating from this kiosk: 403.
  r = PostRating(Rating("t-2", "touchscreen", {{"counter", "q2"}}), token);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(Body(r)["reason"], "kiosk of another counter");
  EXPECT_NE(Body(r)["error"].get<std::string>().find("'q1'"), std::string::npos);
  EXPECT_EQ(office_.LogSeq(), 1u);

  // Revoked: refused at once and after a restart; the used code stays used.
  r = office_.Send("DELETE", "/api/v1/admin/kiosks?kiosk=kiosk-q1-1", "", kAdminToken);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["state"], "revoked");
  EXPECT_EQ(PostRating(Rating("t-3", "touchscreen"), token).status, 401);
  EXPECT_EQ(office_.Send("GET", "/api/v1/kiosks/me", "", token).status, 401);
  const std::string second = office_.EnrollKiosk("q1");
  ASSERT_FALSE(second.empty());
  ASSERT_EQ(office_.StopEdge(), 0);
  Start();
  EXPECT_EQ(PostRating(Rating("t-4", "touchscreen"), token).status, 401);
  EXPECT_EQ(Redeem(code).status, 403);
  EXPECT_EQ(PostRating(Rating("t-5", "touchscreen"), second).status, 200);
  json list = Body(office_.Send("GET", "/api/v1/admin/kiosks", "", kAdminToken))["kiosks"];
  ASSERT_EQ(list.size(), 2u) << list.dump();
  EXPECT_EQ(list[0]["state"], "revoked");
  EXPECT_EQ(list[1]["kiosk"], "kiosk-q1-2");
  EXPECT_EQ(list[1]["state"], "enrolled");
  EXPECT_EQ(list.dump().find(token.substr(token.find('.') + 1)), std::string::npos);

  const auto events = StopAndReadLog();
  ASSERT_EQ(events.size(), 2u);
  // The kiosk's enrolled id is the rating's device, not what the body says.
  EXPECT_EQ(events[0].body.AsRatingSubmitted()->device, "kiosk-q1-1");
  EXPECT_EQ(events[0].body.AsRatingSubmitted()->channel, fb::Channel::Touchscreen);
  EXPECT_EQ(events[1].body.AsRatingSubmitted()->device, "kiosk-q1-2");
  // Only hashes of the credentials are on disk.
  const std::string file = testing::ReadFileOrEmpty(office_.data_dir() + "/kiosks.json");
  EXPECT_NE(file.find("kiosk-q1-2"), std::string::npos);
  EXPECT_EQ(file.find(second.substr(second.find('.') + 1)), std::string::npos);
  EXPECT_EQ(file.find(code), std::string::npos);
}

TEST_F(EdgeCredentialsTest, TheAdminApiOfKiosksNeedsTheAdminToken) {
  Start();
  for (const std::string bearer :
       {std::string(), std::string("wrong"), std::string(kDossierToken)}) {
    EXPECT_EQ(office_.Send("POST", "/api/v1/admin/kiosks", R"({"counter":"q1"})", bearer).status,
              401);
    EXPECT_EQ(office_.Send("GET", "/api/v1/admin/kiosks", "", bearer).status, 401);
    EXPECT_EQ(office_.Send("DELETE", "/api/v1/admin/kiosks?kiosk=kiosk-q1-1", "", bearer).status,
              401);
  }
  EXPECT_EQ(Body(office_.Send("GET", "/api/v1/admin/kiosks", "", kAdminToken))["kiosks"].size(),
            0u);
  EXPECT_EQ(
      office_.Send("POST", "/api/v1/admin/kiosks", R"({"counter":"a b"})", kAdminToken).status,
      400);
  EXPECT_EQ(office_.Send("DELETE", "/api/v1/admin/kiosks?kiosk=kiosk-q9-1", "", kAdminToken).status,
            404);
}

TEST_F(EdgeCredentialsTest, AnEnrollmentCodeExpires) {
  Start({{"kiosk_enrollment_ttl_s", 1}});
  const json made = MakeKiosk("q1");
  int64_t expires = 0;
  ASSERT_TRUE(ParseRfc3339(made["expires_at"].get<std::string>(), &expires).ok());
  ASSERT_TRUE(testing::WaitUntil([&] { return NowMs() > expires; }, 5s, 20ms));
  HttpResponse r = Redeem(made["code"]);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(Body(r)["error"], "enrollment code expired");
  EXPECT_NE(Body(r)["message"].get<std::string>().find("hết hạn"), std::string::npos);
  json list = Body(office_.Send("GET", "/api/v1/admin/kiosks", "", kAdminToken))["kiosks"];
  EXPECT_EQ(list[0]["state"], "expired");
}

TEST_F(EdgeCredentialsTest, ABackdatedPhoneRatingIsAttributedByTheEdgesClock) {
  Start();
  ASSERT_EQ(
      office_.PostJson("/api/v1/counters/q1/sign-in", {{"officer", "cb-early"}, {"pin", kTestPin}})
          .status,
      200);
  const int64_t early_shift = NowMs();
  ASSERT_TRUE(testing::WaitUntil([&] { return NowMs() > early_shift + 5; }, 1s, 1ms));
  ASSERT_EQ(
      office_.PostJson("/api/v1/counters/q1/sign-in", {{"officer", "cb-now"}, {"pin", kTestPin}})
          .status,
      200);
  // Both claim to be from cb-early's shift; only the kiosk is believed.
  const json at = {{"at", FormatRfc3339(early_shift)}};
  ASSERT_EQ(PostRating(Rating("backdated", "phone", at)).status, 200);
  ASSERT_EQ(office_.PostKioskRating(Rating("kiosk-resent", "touchscreen", at)).status, 200);
  const auto events = StopAndReadLog();
  std::map<std::string, const fb::RatingSubmittedT*> ratings;
  for (const auto& e : events) {
    if (auto* r = e.body.AsRatingSubmitted()) ratings[r->rating_id] = r;
  }
  ASSERT_EQ(ratings.size(), 2u);
  EXPECT_EQ(ratings["backdated"]->officer, "cb-now");
  EXPECT_EQ(ratings["backdated"]->device_time_ms / 1000,
            early_shift / 1000);  // kept for information
  EXPECT_EQ(ratings["kiosk-resent"]->officer, "cb-early");
}

uint32_t Flags(const fb::RatingSubmittedT* r) { return static_cast<uint32_t>(r->flags); }
constexpr uint32_t kMisuse = static_cast<uint32_t>(fb::RatingFlags::SuspectedMisuse);

TEST_F(EdgeCredentialsTest, FortyPhoneRatingsInASecondAreLimitedAndFlagged) {
  // Default limits: 5 per address, 30 per counter, in 10 minutes. Misuse
  // is judged over a minute so that a loaded machine cannot spread the burst.
  Start({{"misuse_interval_ms", 60000}});
  std::vector<std::thread> phones;
  std::vector<int> status(40);
  std::vector<std::string> bodies(40);
  for (int i = 0; i < 40; ++i) {
    phones.emplace_back([&, i] {
      HttpResponse r = PostRating(Rating("flood-" + std::to_string(i), "phone"));
      status[i] = r.status;
      bodies[i] = r.body;
    });
  }
  for (auto& t : phones) t.join();
  int stored = 0, limited = 0;
  for (int i = 0; i < 40; ++i) {
    if (status[i] == 200) ++stored;
    if (status[i] == 429) {
      ++limited;
      EXPECT_NE(json::parse(bodies[i])["message"].get<std::string>().find("thử lại"),
                std::string::npos)
          << bodies[i];
    }
  }
  EXPECT_EQ(stored, 5);
  EXPECT_EQ(limited, 35);
  EXPECT_EQ(office_.LogSeq(), 5u);
  const std::string metrics = office_.Get("/metrics").body;
  EXPECT_NE(metrics.find("reason=\"too many ratings from this address\"} 35"), std::string::npos)
      << metrics;
  const auto events = StopAndReadLog();
  int flagged = 0;
  for (const auto& e : events) flagged += (Flags(e.body.AsRatingSubmitted()) & kMisuse) ? 1 : 0;
  EXPECT_EQ(flagged, 4) << "the first of the burst counts, the rest are misuse";
}

TEST_F(EdgeCredentialsTest, WithoutLimitsABurstFromOnePhoneIsFlaggedWhateverItsClockSays) {
  Start({{"phone_limit_per_address", 0},
         {"phone_limit_per_counter", 0},
         {"misuse_interval_ms", 60000}});
  for (int i = 0; i < 40; ++i) {
    // Each claims to be a minute after the previous: the edge's clock decides.
    const json at = {{"at", FormatRfc3339(NowMs() - (40 - i) * 60000LL)}};
    ASSERT_EQ(PostRating(Rating("burst-" + std::to_string(i), "phone", at)).status, 200);
  }
  const auto events = StopAndReadLog();
  ASSERT_EQ(events.size(), 40u);
  int flagged = 0;
  for (const auto& e : events) flagged += (Flags(e.body.AsRatingSubmitted()) & kMisuse) ? 1 : 0;
  EXPECT_EQ(flagged, 39);
}

TEST_F(EdgeCredentialsTest, ACounterTakesOnlySoManyPhoneRatings) {
  Start({{"phone_limit_per_address", 0}, {"phone_limit_per_counter", 3}});
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(PostRating(Rating("c-" + std::to_string(i), "phone")).status, 200);
  }
  HttpResponse r = PostRating(Rating("c-3", "phone"));
  EXPECT_EQ(r.status, 429) << r.body;
  EXPECT_EQ(Body(r)["error"], "too many ratings for this counter");
  EXPECT_FALSE(r.Header("retry-after").empty());
  EXPECT_EQ(PostRating(Rating("c-4", "phone", {{"counter", "q2"}})).status, 200);
  EXPECT_EQ(office_.LogSeq(), 4u);
}

TEST_F(EdgeCredentialsTest, AReceiptIsRatedOnceFromAPhone) {
  Start();
  const json receipt = {{"dossier", "000777"}};
  ASSERT_EQ(PostRating(Rating("r-1", "phone", receipt)).status, 200);
  // The phone's outbox resending the same rating: the same answer.
  HttpResponse r = PostRating(Rating("r-1", "phone", receipt));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["duplicate"], true);
  r = PostRating(Rating("r-2", "web", receipt));
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(Body(r)["error"], "already rated");
  EXPECT_NE(Body(r)["message"].get<std::string>().find("một lần"), std::string::npos);
  // Another survey of the receipt, or the kiosk at the counter, may.
  ASSERT_EQ(PostRating(Rating("r-3", "phone",
                              {{"dossier", "000777"},
                               {"template", "gia-lam-phone"},
                               {"answers", {{"level", "satisfied"}}}}))
                .status,
            200);
  ASSERT_EQ(office_.PostKioskRating(Rating("r-4", "touchscreen", receipt)).status, 200);
  // Remembered across a restart (rebuilt from the log).
  ASSERT_EQ(office_.StopEdge(), 0);
  Start();
  EXPECT_EQ(PostRating(Rating("r-5", "phone", receipt)).status, 409);
  EXPECT_EQ(office_.LogSeq(), 3u);
}

TEST_F(EdgeCredentialsTest, APhoneCannotTakeADevicesIdempotencyIds) {
  Start();
  // A phone naming box-1 as its device: stored as a phone rating with no
  // device, so box-1's own rating "x-1" is still stored later.
  ASSERT_EQ(PostRating(Rating("x-1", "phone", {{"device", "box-1"}})).status, 200);
  std::unique_ptr<TestDevice> box;
  ASSERT_TRUE(
      TestDevice::Connect(office_.broker_url(), "box-1", &box, office_.DevicePassword("box-1"))
          .ok());
  ASSERT_TRUE(testing::WaitUntil(
      [&] { return Body(office_.Get("/api/v1/status"))["mqtt_connected"].get<bool>(); }, 15s));
  ASSERT_TRUE(box->PublishRating(SmileyRating("x-1")).ok());
  devices::DeviceAck ack;
  ASSERT_TRUE(box->WaitAck(std::string("x-1"), &ack));
  EXPECT_TRUE(ack.stored);
  EXPECT_EQ(ack.seq, 2u);
  const auto events = StopAndReadLog();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].idempotency_id, "phone:x-1");
  EXPECT_EQ(events[0].body.AsRatingSubmitted()->device, "");
  EXPECT_EQ(events[1].idempotency_id, "box-1:x-1");
}

}  // namespace
}  // namespace hailong::edge_test
