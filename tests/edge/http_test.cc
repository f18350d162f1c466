// The edge's HTTP API against a real hailong-edge (and Mosquitto): ratings
// from the kiosk and the phone survey, idempotency, sign-in and officer
// attribution, dossiers and the citizens' look-up, status and metrics, the
// storage floor, the catalogue file, static pages with path traversal
// attempts, QR codes, officer photos, request limits, and a table of bad
// requests after which the edge still serves.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <thread>

#include "edge_harness.h"
#include "hailong/schema/time.h"
#include "hailong/testing/http_client.h"
#include "hailong/testing/ports.h"
#include "hailong/testing/wait.h"

namespace hailong::edge_test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

json KioskRating(const std::string& id, const json& patch = json::object()) {
  json j = {{"id", id},
            {"counter", "q1"},
            {"template", "smiley-4"},
            {"answers", {{"level", "very_satisfied"}}},
            {"at", FormatRfc3339(NowMs())},
            {"channel", "touchscreen"},
            {"device", "web-00112233aabbccdd"}};
  j.merge_patch(patch);
  if (patch.contains("answers")) j["answers"] = patch["answers"];  // replaced, not merged
  return j;
}

// A rating from the phone survey: anyone may send one.
json PhoneRating(const std::string& id, const json& patch = json::object()) {
  json j = KioskRating(id, patch);
  if (!patch.contains("channel")) j["channel"] = "phone";
  if (!patch.contains("device")) j.erase("device");
  return j;
}

json Body(const HttpResponse& r) { return json::parse(r.body, nullptr, false); }

class EdgeHttpTest : public ::testing::Test {
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
  std::map<std::string, const fb::RatingSubmittedT*> RatingsById(
      const std::vector<fb::EventT>& events) {
    std::map<std::string, const fb::RatingSubmittedT*> out;
    for (const auto& e : events) {
      if (auto* r = e.body.AsRatingSubmitted()) out[r->rating_id] = r;
    }
    return out;
  }
  // The map points into `events`: a temporary would dangle (ASan found one).
  std::map<std::string, const fb::RatingSubmittedT*> RatingsById(std::vector<fb::EventT>&&) =
      delete;
  EdgeHarness office_;
};

TEST_F(EdgeHttpTest, StoresARatingOnceWhateverTheRetries) {
  Start();
  HttpResponse r = office_.PostKioskRating(KioskRating("k-1"));
  ASSERT_EQ(r.status, 200) << r.body;
  json first = Body(r);
  EXPECT_EQ(first["status"], "stored");
  EXPECT_EQ(first["id"], "k-1");
  const uint64_t seq = first["seq"];
  EXPECT_EQ(office_.LogSeq(), seq);
  for (int i = 0; i < 3; ++i) {
    r = office_.PostKioskRating(KioskRating("k-1"));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(Body(r)["seq"], seq);
    EXPECT_EQ(Body(r)["duplicate"], true);
  }
  EXPECT_EQ(office_.LogSeq(), seq);
  // A phone rating (no device): its idempotency id is the channel's.
  json phone = KioskRating("p-1", {{"channel", "phone"},
                                   {"device", nullptr},
                                   {"template", "gia-lam-phone"},
                                   {"answers", {{"level", "unsatisfied"}}},
                                   {"comment", "Chờ lâu quá, cán bộ giải thích chưa rõ."},
                                   {"phone", "0912345678"},
                                   {"consent", true},
                                   {"dossier", "000321"}});
  r = office_.PostJson("/api/v1/ratings", phone);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(office_.PostJson("/api/v1/ratings", phone).status, 200);
  auto events = StopAndReadLog();
  ASSERT_EQ(events.size(), 2u);
  // The kiosk's enrolled id is the device, whatever the body says.
  EXPECT_EQ(events[0].idempotency_id, "kiosk-q1-1:k-1");
  EXPECT_EQ(events[1].idempotency_id, "phone:p-1");
  auto ratings = RatingsById(events);
  EXPECT_EQ(ratings["k-1"]->channel, fb::Channel::Touchscreen);
  EXPECT_EQ(ratings["k-1"]->device, "kiosk-q1-1");
  EXPECT_EQ(ratings["k-1"]->classification, fb::Classification::Satisfied);
  const auto* p = ratings["p-1"];
  EXPECT_EQ(p->channel, fb::Channel::Phone);
  // Stored only encrypted (replication/doc/personal_data.md).
  EXPECT_EQ(p->comment, "");
  EXPECT_EQ(p->phone, "");
  ASSERT_NE(p->sealed_comment, nullptr);
  ASSERT_NE(p->sealed_phone, nullptr);
  EXPECT_EQ(p->sealed_comment->key_id, p->sealed_phone->key_id);
  EXPECT_EQ(p->dossier, "000321");
  EXPECT_EQ(p->classification, fb::Classification::Unsatisfied);
}

TEST_F(EdgeHttpTest, SignInAttributesTheKioskRatingsToTheOfficer) {
  Start();
  // A client's "name" is ignored: names come from the catalogue (none here).
  HttpResponse r = office_.PostJson(
      "/api/v1/counters/q1/sign-in",
      {{"officer", "cb-nhung"}, {"pin", kTestPin}, {"name", "Nguyễn Thị Hồng Nhung"}});
  ASSERT_EQ(r.status, 200) << r.body;
  r = office_.Get("/api/v1/counters/q1/session");
  ASSERT_EQ(r.status, 200);
  json session = Body(r);
  EXPECT_EQ(session["counter"], "q1");
  EXPECT_EQ(session["officer"]["id"], "cb-nhung");
  EXPECT_EQ(session["officer"]["name"], "cb-nhung");
  EXPECT_EQ(session["template"]["id"], "smiley-4");
  EXPECT_EQ(session["template"]["criteria"][0]["options"].size(), 4u);
  EXPECT_TRUE(session["dossier"].is_null());
  json counters = Body(office_.Get("/api/v1/counters"));
  ASSERT_EQ(counters["counters"].size(), 1u);
  EXPECT_EQ(counters["counters"][0]["id"], "q1");
  EXPECT_EQ(counters["counters"][0]["officer"]["id"], "cb-nhung");
  EXPECT_EQ(counters["counters"][0]["template"], "smiley-4");

  ASSERT_EQ(office_.PostKioskRating(KioskRating("during")).status, 200);
  // A sign-in with another template changes what the counter asks.
  ASSERT_EQ(office_
                .PostJson("/api/v1/counters/q2/sign-in",
                          {{"officer", "cb-an"}, {"pin", kTestPin}, {"template", "ha-noi-2014"}})
                .status,
            200);
  EXPECT_EQ(Body(office_.Get("/api/v1/counters/q2/session"))["template"]["id"], "ha-noi-2014");
  ASSERT_EQ(office_.PostJson("/api/v1/counters/q1/sign-out", {{"pin", kTestPin}}).status, 200);
  EXPECT_TRUE(Body(office_.Get("/api/v1/counters/q1/session"))["officer"].is_null());
  ASSERT_EQ(
      office_.PostKioskRating(KioskRating("after", {{"at", FormatRfc3339(NowMs() + 3000)}})).status,
      200);
  // Sessions are rebuilt from the log after a restart.
  ASSERT_EQ(office_.StopEdge(), 0);
  Start();
  EXPECT_EQ(Body(office_.Get("/api/v1/counters/q2/session"))["officer"]["id"], "cb-an");
  const std::vector<fb::EventT> events = StopAndReadLog();
  auto ratings = RatingsById(events);
  EXPECT_EQ(ratings["during"]->officer, "cb-nhung");
  EXPECT_EQ(ratings["after"]->officer, "");
}

TEST_F(EdgeHttpTest, APostedDossierTiesTheKioskRatingAndCanBeLookedUp) {
  Start();
  const int64_t due = NowMs() + 3 * 86400000LL;
  HttpResponse r = office_.PostDossier({{"receipt", "000123"},
                                        {"event", "received"},
                                        {"procedure", "HT-001"},
                                        {"field", "HT"},
                                        {"counter", "q1"},
                                        {"officer", "cb-nhung"},
                                        {"due", FormatRfc3339(due)},
                                        {"at", FormatRfc3339(NowMs())}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["status"], "stored");
  json session = Body(office_.Get("/api/v1/counters/q1/session"));
  ASSERT_TRUE(session["dossier"].is_object()) << session.dump();
  EXPECT_EQ(session["dossier"]["receipt"], "000123");
  EXPECT_EQ(session["dossier"]["procedure"], "HT-001");
  ASSERT_EQ(office_.PostKioskRating(KioskRating("tied", {{"dossier", "000123"}})).status, 200);
  // Used once: the next citizen at the counter is not offered it again.
  EXPECT_TRUE(Body(office_.Get("/api/v1/counters/q1/session"))["dossier"].is_null());

  json d = Body(office_.Get("/api/v1/dossiers/000123"));
  EXPECT_EQ(d["receipt"], "000123");
  EXPECT_EQ(d["stage"], "received");
  EXPECT_EQ(d["procedure"], "HT-001");
  EXPECT_EQ(d["due"], FormatRfc3339(due));
  ASSERT_EQ(office_
                .PostDossier({{"receipt", "000123"},
                              {"event", "returned"},
                              {"counter", "q3"},
                              {"at", FormatRfc3339(NowMs())}})
                .status,
            200);
  d = Body(office_.Get("/api/v1/dossiers/000123"));
  EXPECT_EQ(d["stage"], "returned");
  EXPECT_EQ(d["on_time"], true);
  EXPECT_FALSE(d["returned_at"].is_null());
  HttpResponse missing = office_.Get("/api/v1/dossiers/999999");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(Body(missing)["message"].get<std::string>().find("Không tìm thấy hồ sơ"),
            std::string::npos);
  // The same post twice (same receipt, event and time) is one event.
  json again = {{"receipt", "000124"}, {"event", "received"}, {"at", "2026-01-05T08:00:00+07:00"}};
  const uint64_t seq1 = Body(office_.PostDossier(again))["seq"];
  EXPECT_EQ(Body(office_.PostDossier(again))["seq"], seq1);

  auto events = StopAndReadLog();
  auto ratings = RatingsById(events);
  EXPECT_EQ(ratings["tied"]->dossier, "000123");
  EXPECT_EQ(ratings["tied"]->procedure, "HT-001");
  EXPECT_EQ(ratings["tied"]->field, "HT");
  // Nobody was signed in at q1: the officer the one-stop software named.
  EXPECT_EQ(ratings["tied"]->officer, "cb-nhung");
  int dossier_events = 0;
  for (const auto& e : events) dossier_events += e.body.AsDossierRecorded() ? 1 : 0;
  EXPECT_EQ(dossier_events, 3);
}

// Participation by stage (issue 16 item 4): a rating carries the stage its
// dossier was at when the citizen rated, and a phone rates a dossier once at
// intake and once at return; a queue system posts visits with the one-stop
// software's token.
TEST_F(EdgeHttpTest, ADossierIsRatedOnceAtIntakeAndOnceAtReturnAndVisitsAreCounted) {
  Start();
  ASSERT_EQ(office_
                .PostDossier({{"receipt", "000200"},
                              {"event", "received"},
                              {"counter", "q1"},
                              {"at", FormatRfc3339(NowMs() - 60000)}})
                .status,
            200);
  auto phone = [&](const std::string& id) {
    return office_.Post("/api/v1/ratings",
                        PhoneRating(id, {{"dossier", "000200"}, {"counter", "q1"}}).dump());
  };
  ASSERT_EQ(phone("at-intake").status, 200);
  HttpResponse twice = phone("again-at-intake");
  EXPECT_EQ(twice.status, 409) << twice.body;
  ASSERT_EQ(office_
                .PostDossier({{"receipt", "000200"},
                              {"event", "returned"},
                              {"counter", "q3"},
                              {"at", FormatRfc3339(NowMs() - 1000)}})
                .status,
            200);
  HttpResponse at_return = phone("at-return");
  EXPECT_EQ(at_return.status, 200) << at_return.body;
  EXPECT_EQ(phone("again-at-return").status, 409);
  ASSERT_EQ(office_.Post("/api/v1/ratings", PhoneRating("no-receipt").dump()).status, 200);

  // Visits: the token is required; the poster's id makes a resend one event.
  const json visit = {{"id", "2026-12-07-A015"}, {"ticket", "A015"}, {"source", "queue"}};
  HttpResponse anonymous = office_.Post("/api/v1/visits", visit.dump());
  EXPECT_EQ(anonymous.status, 401) << anonymous.body;
  HttpResponse v1 = office_.Send("POST", "/api/v1/visits", visit.dump(), kDossierToken);
  ASSERT_EQ(v1.status, 200) << v1.body;
  HttpResponse v2 = office_.Send("POST", "/api/v1/visits", visit.dump(), kDossierToken);
  EXPECT_EQ(Body(v2)["seq"], Body(v1)["seq"]);
  EXPECT_EQ(Body(v2)["duplicate"], true);
  const json served = {{"id", "q1-0001"}, {"counter", "q1"}, {"source", "counter"}};
  ASSERT_EQ(office_.Send("POST", "/api/v1/visits", served.dump(), kDossierToken).status, 200);
  for (const auto& [body, field] :
       std::vector<std::pair<json, std::string>>{{{{"ticket", "A1"}}, "id"},
                                                 {{{"id", "x y"}}, "id"},
                                                 {{{"id", "v1"}, {"source", "door"}}, "source"},
                                                 {{{"id", "v1"}, {"counter", "quầy 1"}}, "counter"},
                                                 {{{"id", "v1"}, {"at", "yesterday"}}, "at"}}) {
    HttpResponse bad = office_.Send("POST", "/api/v1/visits", body.dump(), kDossierToken);
    EXPECT_EQ(bad.status, 400) << body.dump();
    EXPECT_NE(bad.body.find(field), std::string::npos) << bad.body;
  }
  EXPECT_NE(office_.Get("/metrics").body.find("hailong_edge_visits_stored_total 2"),
            std::string::npos);

  auto events = StopAndReadLog();
  auto ratings = RatingsById(events);
  ASSERT_TRUE(ratings.count("at-intake") && ratings.count("at-return"));
  EXPECT_EQ(ratings["at-intake"]->stage, fb::RatingStage::Intake);
  EXPECT_EQ(ratings["at-return"]->stage, fb::RatingStage::Return);
  EXPECT_EQ(ratings["no-receipt"]->stage, fb::RatingStage::Unknown);
  EXPECT_EQ(ratings.count("again-at-intake") + ratings.count("again-at-return"), 0u);
  std::vector<std::string> visits;
  for (const auto& e : events) {
    if (auto* v = e.body.AsVisitRecorded()) visits.push_back(v->visit_id + "/" + v->counter);
  }
  EXPECT_EQ(visits, (std::vector<std::string>{"2026-12-07-A015/", "q1-0001/q1"}));
}

TEST_F(EdgeHttpTest, StatusAndMetrics) {
  Start();
  ASSERT_EQ(office_.PostKioskRating(KioskRating("s-1")).status, 200);
  ASSERT_EQ(office_.PostKioskRating(KioskRating("s-2", {{"template", "nope"}})).status, 400);
  json s = Body(office_.Get("/api/v1/status"));
  EXPECT_EQ(s["office_id"], kOffice);
  EXPECT_EQ(s["log_seq"], 1);
  EXPECT_EQ(s["replicated_seq"], 0);
  EXPECT_EQ(s["hub_reachable"], false);
  EXPECT_EQ(s["hub_configured"], false);
  EXPECT_EQ(s["lag_events"], 1);
  EXPECT_GT(s["free_disk_bytes"].get<uint64_t>(), 0u);
  EXPECT_TRUE(s["version"].is_string());
  EXPECT_TRUE(s["uptime_s"].is_number());
  HttpResponse m = office_.Get("/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_EQ(m.Header("content-type").rfind("text/plain", 0), 0u);
  for (const char* line :
       {"hailong_edge_ratings_stored_total 1\n",
        "hailong_edge_ratings_rejected_total{channel=\"http\",reason=\"unknown template\"} 1\n",
        "hailong_edge_log_seq 1\n", "hailong_edge_append_seconds_count 1\n",
        "# TYPE hailong_edge_append_seconds histogram\n",
        "hailong_edge_http_requests_total{status=\"200\"}", "hailong_edge_mqtt_connected "}) {
    EXPECT_NE(m.body.find(line), std::string::npos) << line << "\n" << m.body;
  }
}

TEST_F(EdgeHttpTest, BelowTheStorageFloorNothingIsStoredAnd507Says) {
  Start({{"min_free_mb", 1LL << 40}});
  HttpResponse r = office_.PostKioskRating(KioskRating("full-1"));
  EXPECT_EQ(r.status, 507) << r.body;
  EXPECT_EQ(Body(r)["error"], "storage full");
  r = office_.PostDossier({{"receipt", "1"}, {"event", "received"}});
  EXPECT_EQ(r.status, 507) << r.body;
  r = office_.PostJson("/api/v1/counters/q1/sign-in", {{"officer", "cb-a"}, {"pin", kTestPin}});
  EXPECT_EQ(r.status, 507) << r.body;
  // A device gets a rejection that says why.
  std::unique_ptr<TestDevice> box;
  ASSERT_TRUE(
      TestDevice::Connect(office_.broker_url(), "box-1", &box, office_.DevicePassword("box-1"))
          .ok());
  ASSERT_TRUE(testing::WaitUntil(
      [&] { return Body(office_.Get("/api/v1/status"))["mqtt_connected"].get<bool>(); }, 15s));
  ASSERT_TRUE(box->PublishRating(SmileyRating("full-2")).ok());
  devices::DeviceAck ack;
  ASSERT_TRUE(box->WaitAck(std::string("full-2"), &ack));
  EXPECT_FALSE(ack.stored);
  EXPECT_EQ(ack.error, "storage full");
  EXPECT_EQ(office_.LogSeq(), 0u);
  EXPECT_NE(office_.Get("/metrics").body.find("reason=\"storage full\"} 1"), std::string::npos);
  // Once there is room again, the same rating goes in.
  ASSERT_EQ(office_.StopEdge(), 0);
  Start();
  EXPECT_EQ(office_.PostKioskRating(KioskRating("full-1")).status, 200);
}

TEST_F(EdgeHttpTest, TheCatalogueFileIsAppliedOnceAndDefinesTheCounters) {
  json catalogue = {
      {"counters",
       {{{"id", "q1"}, {"name", "1 — Tư pháp"}, {"template", "binh-thanh-intake"}},
        {{"id", "q2"}, {"name", "2 — Đất đai"}}}},
      {"officers", {{{"id", "cb-nhung"}, {"name", "Nguyễn Thị Hồng Nhung"}}}},
      {"procedures", {{{"id", "HT-001"}, {"name", "Đăng ký khai sinh"}, {"field", "HT"}}}},
      {"fields", {{{"id", "HT"}, {"name", "Hộ tịch"}}}},
      {"templates",
       {{{"id", "demo-2"},
         {"version", 1},
         {"name", "Hai nút"},
         {"criteria",
          {{{"id", "service"},
            {"label", "Ông/bà có hài lòng không?"},
            {"options",
             {{{"id", "yes"}, {"label", "Có"}, {"polarity", "positive"}},
              {{"id", "no"}, {"label", "Không"}, {"polarity", "negative"}}}}}}}}}}};
  const std::string file = office_.dir().WriteFile("catalogue.json", catalogue.dump());
  Start({{"catalogue_file", file}});
  const uint64_t seq = office_.LogSeq();
  EXPECT_EQ(seq, 6u);  // one template, two counters, an officer, a procedure, a field
  json counters = Body(office_.Get("/api/v1/counters"))["counters"];
  ASSERT_EQ(counters.size(), 2u);
  EXPECT_EQ(counters[0]["name"], "1 — Tư pháp");
  EXPECT_EQ(counters[0]["template"], "binh-thanh-intake");
  EXPECT_EQ(counters[1]["template"], "smiley-4");
  // With counters in the catalogue, other counter ids are unknown.
  EXPECT_EQ(office_.Get("/api/v1/counters/q9/session").status, 404);
  HttpResponse r = office_.PostJson("/api/v1/ratings", PhoneRating("q9", {{"counter", "q9"}}));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Body(r)["error"], "unknown counter 'q9'");
  json templates = Body(office_.Get("/api/v1/templates"))["templates"];
  EXPECT_EQ(templates.size(), 7u);
  r = office_.PostKioskRating(
      KioskRating("t2", {{"template", "demo-2"}, {"answers", {{"service", "no"}}}}));
  EXPECT_EQ(r.status, 200) << r.body;
  // The officer's name comes from the catalogue.
  ASSERT_EQ(
      office_.PostJson("/api/v1/counters/q1/sign-in", {{"officer", "cb-nhung"}, {"pin", kTestPin}})
          .status,
      200);
  EXPECT_EQ(Body(office_.Get("/api/v1/counters/q1/session"))["officer"]["name"],
            "Nguyễn Thị Hồng Nhung");
  // Unchanged file: nothing new at the next start. A changed entry: one event.
  ASSERT_EQ(office_.StopEdge(), 0);
  Start({{"catalogue_file", file}});
  EXPECT_EQ(office_.LogSeq(), seq + 2);
  catalogue["counters"][1]["name"] = "2 — Đất đai, xây dựng";
  office_.dir().WriteFile("catalogue.json", catalogue.dump());
  ASSERT_EQ(office_.StopEdge(), 0);
  Start({{"catalogue_file", file}});
  EXPECT_EQ(office_.LogSeq(), seq + 3);
  EXPECT_EQ(Body(office_.Get("/api/v1/counters/q2/session"))["name"], "2 — Đất đai, xây dựng");
}

TEST_F(EdgeHttpTest, PagesAssetsAndNoWayOutOfTheWebRoot) {
  Start();
  HttpResponse r = office_.Get("/kiosk/q1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-type").rfind("text/html", 0), 0u);
  EXPECT_NE(r.body.find("/assets/kiosk.js"), std::string::npos);
  r = office_.Get(std::string("/s/") + kOffice + "/q1?r=000123");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("/assets/survey.js"), std::string::npos);
  EXPECT_EQ(office_.Get("/s/another-office/q1").status, 404);
  r = office_.Get("/assets/kiosk.js");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-type").rfind("text/javascript", 0), 0u);
  EXPECT_EQ(office_.Get("/assets/kiosk.css").Header("content-type").rfind("text/css", 0), 0u);
  for (const char* bad :
       {"/assets/../CMakeLists.txt", "/assets/..%2fCMakeLists.txt", "/assets/%2e%2e/CMakeLists.txt",
        "/assets/.hidden", "/assets/..", "/assets/nope.js", "/assets/%2Fetc%2Fpasswd",
        "/assets/web/../../CMakeLists.txt", "/assets/%00kiosk.js"}) {
    EXPECT_EQ(office_.Get(bad).status, 404) << bad;
  }
}

TEST_F(EdgeHttpTest, QrCodesAndOfficerPhotos) {
  Start({{"public_url", "https://hailong.example.vn/"}});
  HttpResponse r = office_.Get("/qr/counter/q1.png");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-type"), "image/png");
  EXPECT_EQ(r.body.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  r = office_.Get("/qr/counter/q1.svg");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("<svg"), std::string::npos);
  EXPECT_EQ(office_.Get("/qr/counter/q%201.svg").status, 400);
  EXPECT_EQ(office_.Get("/qr/receipt/000555.svg").status, 404);  // unknown receipt
  EXPECT_EQ(office_.Get("/qr/receipt/000555.svg?counter=q2").status, 200);
  ASSERT_EQ(
      office_.PostDossier({{"receipt", "000555"}, {"event", "received"}, {"counter", "q2"}}).status,
      200);
  EXPECT_EQ(office_.Get("/qr/receipt/000555.png").status, 200);
  EXPECT_EQ(office_.Get("/qr/counter/q1.gif").status, 404);

  // Photos: <data_dir>/photos/<officer>.png by default.
  std::filesystem::create_directories(office_.data_dir() + "/photos");
  const std::string png("\x89PNG\r\n\x1a\nfake", 12);
  office_.dir().WriteFile("edge-data/photos/cb-lan.png", png);
  ASSERT_EQ(
      office_.PostJson("/api/v1/counters/q1/sign-in", {{"officer", "cb-lan"}, {"pin", kTestPin}})
          .status,
      200);
  json session = Body(office_.Get("/api/v1/counters/q1/session"));
  EXPECT_EQ(session["officer"]["photo_url"], "/api/v1/officers/cb-lan/photo");
  r = office_.Get("/api/v1/officers/cb-lan/photo");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-type"), "image/png");
  EXPECT_EQ(r.body, png);
  EXPECT_EQ(office_.Get("/api/v1/officers/cb-nobody/photo").status, 404);
  EXPECT_EQ(office_.Get("/api/v1/officers/..%2f..%2fedge.json/photo").status, 404);
}

struct BadRequest {
  const char* name;
  const char* method;
  std::string target;
  std::string body;
  int status;
  const char* says;         // the answer contains this
  std::string bearer = "";  // Authorization: Bearer
};

// The rating rows are phone ratings: a kiosk's would need its credential first.
std::vector<BadRequest> BadRequests() {
  return {
      {"RatingMalformedJson", "POST", "/api/v1/ratings", "{\"id\":", 400, "malformed JSON"},
      {"RatingNotObject", "POST", "/api/v1/ratings", "[]", 400, "not a JSON object"},
      {"RatingButtonBoxChannel", "POST", "/api/v1/ratings",
       PhoneRating("b1", {{"channel", "button_box"}}).dump(), 400, "bad channel"},
      {"RatingChannelNotString", "POST", "/api/v1/ratings",
       PhoneRating("b2", {{"channel", 2}}).dump(), 400, "channel"},
      {"RatingBadDevice", "POST", "/api/v1/ratings", PhoneRating("b3", {{"device", "a b"}}).dump(),
       400, "bad device id"},
      {"RatingUnknownOption", "POST", "/api/v1/ratings",
       PhoneRating("b4", {{"answers", {{"level", "meh"}}}}).dump(), 400, "unknown option"},
      {"RatingFutureTime", "POST", "/api/v1/ratings",
       PhoneRating("b5", {{"at", "2099-01-01T00:00:00Z"}}).dump(), 400, "time in the future"},
      {"RatingOver8KiB", "POST", "/api/v1/ratings",
       PhoneRating("b6", {{"comment", std::string(8200, 'a')}}).dump(), 400, "payload too large"},
      {"RatingBadCounter", "POST", "/api/v1/ratings",
       PhoneRating("b7", {{"counter", "../q1"}}).dump(), 400, "bad counter id"},
      {"BodyOver64KiB", "POST", "/api/v1/ratings", std::string(70000, ' '), 413, "too large"},
      {"RatingsWithGet", "GET", "/api/v1/ratings", "", 405, "error"},
      {"DossierNoReceipt", "POST", "/api/v1/dossiers", R"({"event":"received"})", 400, "receipt",
       kDossierToken},
      {"DossierBadEvent", "POST", "/api/v1/dossiers", R"({"receipt":"1","event":"lost"})", 400,
       "event", kDossierToken},
      {"DossierBadDue", "POST", "/api/v1/dossiers",
       R"({"receipt":"1","event":"received","due":"next week"})", 400, "due", kDossierToken},
      {"DossierBadReceipt", "POST", "/api/v1/dossiers", R"({"receipt":"a b","event":"received"})",
       400, "receipt", kDossierToken},
      {"DossierNotJson", "POST", "/api/v1/dossiers", "receipt=1", 400, "malformed JSON",
       kDossierToken},
      {"SignInNoOfficer", "POST", "/api/v1/counters/q1/sign-in", "{}", 400, "officer"},
      {"SignInUnknownTemplate", "POST", "/api/v1/counters/q1/sign-in",
       R"({"officer":"cb-1","template":"none"})", 400, "unknown template"},
      {"SignInBadCounter", "POST", "/api/v1/counters/q%201/sign-in", R"({"officer":"cb-1"})", 400,
       "bad counter id"},
      {"SessionCounterTooLong", "GET", "/api/v1/counters/" + std::string(40, 'x') + "/session", "",
       400, "bad counter id"},
      {"LookupBadReceipt", "GET", "/api/v1/dossiers/a%20b", "", 400, "bad receipt"},
      {"UnknownApiPath", "GET", "/api/v1/nothing", "", 404, "error"},
      {"UnknownPath", "GET", "/admin", "", 404, "error"},
  };
}

TEST_F(EdgeHttpTest, BadRequestsAreAnsweredAndTheEdgeKeepsServing) {
  Start({{"phone_limit_per_address", 0}, {"phone_limit_per_counter", 0}});
  for (const BadRequest& b : BadRequests()) {
    SCOPED_TRACE(b.name);
    testing::HttpRequest req;
    req.method = b.method;
    req.target = b.target;
    req.body = b.body;
    if (!b.bearer.empty()) req.headers.emplace_back("Authorization", "Bearer " + b.bearer);
    HttpResponse r;
    ASSERT_TRUE(testing::SendHttp("127.0.0.1", office_.http_port(), req, &r).ok());
    EXPECT_EQ(r.status, b.status) << r.body;
    EXPECT_NE(r.body.find(b.says), std::string::npos) << r.body;
  }
  // Raw protocol abuse.
  std::string reply;
  ASSERT_TRUE(
      testing::SendRawTcp("127.0.0.1", office_.http_port(), "HELLO THERE\r\n\r\n", &reply).ok());
  EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << reply;
  const std::string huge_header =
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(9000, 'h') + "\r\n\r\n";
  ASSERT_TRUE(testing::SendRawTcp("127.0.0.1", office_.http_port(), huge_header, &reply).ok());
  EXPECT_EQ(reply.rfind("HTTP/1.1 431", 0), 0u) << reply;
  EXPECT_EQ(office_.LogSeq(), 0u);
  EXPECT_EQ(office_.Get("/healthz").status, 200);
  EXPECT_EQ(office_.PostKioskRating(KioskRating("still-works")).status, 200);
}

TEST_F(EdgeHttpTest, ASlowClientIsCutOffAndOthersAreServed) {
  Start({{"http", {{"request_timeout_s", 1}}}});
  std::string reply;
  const auto t0 = std::chrono::steady_clock::now();
  std::thread slow([&] {
    // Half a request line, then nothing: the edge closes after its deadline.
    EXPECT_TRUE(testing::SendRawTcp("127.0.0.1", office_.http_port(), "GET /healthz HT", &reply,
                                    std::chrono::seconds(30))
                    .ok());
  });
  EXPECT_EQ(office_.Get("/healthz").status, 200);
  slow.join();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(20));
  EXPECT_EQ(reply, "");
}

TEST_F(EdgeHttpTest, AClientExpecting100ContinueGetsIt) {
  Start();
  const std::string body = KioskRating("continue-1").dump();
  std::string reply;
  // Headers only: the edge must say "go on" before the body is sent.
  ASSERT_TRUE(testing::SendRawTcp("127.0.0.1", office_.http_port(),
                                  "POST /api/v1/ratings HTTP/1.1\r\nHost: x\r\n"
                                  "Content-Type: application/json\r\nExpect: 100-continue\r\n"
                                  "Content-Length: " +
                                      std::to_string(body.size()) + "\r\n\r\n",
                                  &reply, std::chrono::seconds(2))
                  .ok());
  EXPECT_EQ(reply.rfind("HTTP/1.1 100 Continue\r\n", 0), 0u) << reply;
}

// The Content-Length header of a raw HTTP answer; -1 if absent.
long ContentLength(const std::string& head) {
  const std::string key = "\r\nContent-Length: ";
  const size_t at = head.find(key);
  if (at == std::string::npos) return -1;
  return std::stol(head.substr(at + key.size()));
}

TEST_F(EdgeHttpTest, HeadAnswersTheHeadersOfGetWithoutTheBody) {
  Start();
  for (const std::string path : {"/api/v1/templates", "/healthz", "/kiosk/q1", "/no/such/page"}) {
    HttpResponse get;
    ASSERT_TRUE(testing::HttpGet(office_.http_port(), path, &get).ok()) << path;
    // HEAD then GET on one keep-alive connection: no body bytes of the HEAD
    // answer may come before the GET's status line.
    std::string reply;
    ASSERT_TRUE(testing::SendRawTcp("127.0.0.1", office_.http_port(),
                                    "HEAD " + path + " HTTP/1.1\r\nHost: x\r\n\r\n" + "GET " +
                                        path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                                    &reply, std::chrono::seconds(5))
                    .ok())
        << path;
    const size_t head_end = reply.find("\r\n\r\n");
    ASSERT_NE(head_end, std::string::npos) << reply;
    const std::string head = reply.substr(0, head_end + 2);
    EXPECT_EQ(head.rfind("HTTP/1.1 " + std::to_string(get.status), 0), 0u) << path << "\n" << head;
    EXPECT_EQ(ContentLength(head), static_cast<long>(get.body.size())) << path << "\n" << head;
    const std::string rest = reply.substr(head_end + 4);
    EXPECT_EQ(rest.rfind("HTTP/1.1 " + std::to_string(get.status), 0), 0u)
        << path << ": bytes after the HEAD answer's headers:\n"
        << rest.substr(0, 200);
    const size_t get_end = rest.find("\r\n\r\n");
    ASSERT_NE(get_end, std::string::npos) << rest;
    EXPECT_EQ(rest.substr(get_end + 4).size(), get.body.size()) << path;
  }
}

TEST_F(EdgeHttpTest, WithAnUnreachableHubTheEdgeRunsAndSaysSo) {
  const std::string token = office_.dir().WriteFile("edge.token", "secret-token\n");
  Start({{"hub",
          {{"url", "http://127.0.0.1:" + std::to_string(testing::FreeTcpPort())},
           {"node_id", kOrigin},
           {"token_file", token}}}});
  ASSERT_EQ(office_.PostKioskRating(KioskRating("h-1")).status, 200);
  json s = Body(office_.Get("/api/v1/status"));
  EXPECT_EQ(s["hub_configured"], true);
  EXPECT_EQ(s["hub_reachable"], false);
  EXPECT_EQ(s["replicated_seq"], 0);
  EXPECT_EQ(s["log_seq"], 1);
}

}  // namespace
}  // namespace hailong::edge_test
