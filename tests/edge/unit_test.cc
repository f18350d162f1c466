// Unit tests of the edge's parts that do no I/O: the configuration parser,
// the catalogue file and its delta against the log's catalogue, counter
// shifts and attribution, rejection labels, URL decoding.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "catalogue.h"
#include "catalogue_file.h"
#include "client_misuse.h"
#include "counter_sessions.h"
#include "dossier_index.h"
#include "hailong/edge/config.h"
#include "hailong/edge/metrics.h"
#include "http_server.h"
#include "kiosk_registry.h"
#include "officer_pins.h"
#include "phone_limits.h"
#include "rated_receipts.h"
#include "rating_intake.h"

namespace hailong::edge {
namespace {

const char kMinimal[] = R"({"office_id":"phuong-01","data_dir":"/tmp/x",
  "mqtt":{"url":"tcp://127.0.0.1:1883"},"http":{"listen":"127.0.0.1:8080"}})";

TEST(EdgeConfigParseTest, MinimalConfigGetsTheDefaults) {
  EdgeConfig c;
  ASSERT_TRUE(ParseEdgeConfig(kMinimal, &c).ok());
  EXPECT_EQ(c.office_id, "phuong-01");
  EXPECT_EQ(c.http.host, "127.0.0.1");
  EXPECT_EQ(c.http.port, 8080);
  EXPECT_EQ(c.mqtt.client_id, "hailong-edge-phuong-01");
  EXPECT_FALSE(c.hub.has_value());
  EXPECT_EQ(c.Origin(), "edge-phuong-01");
  EXPECT_EQ(c.photo_dir, "/tmp/x/photos");
  EXPECT_EQ(c.misuse_interval_ms, 2000);
}

TEST(EdgeConfigParseTest, HubNodeIdIsTheOrigin) {
  EdgeConfig c;
  ASSERT_TRUE(ParseEdgeConfig(R"({"office_id":"p","data_dir":"/d","mqtt":{"url":"tcp://h:1"},
    "http":{"listen":"[::1]:80"},"hub":{"url":"https://hub","node_id":"edge-p","token_file":"/t"}})",
                              &c)
                  .ok());
  EXPECT_EQ(c.Origin(), "edge-p");
  EXPECT_EQ(c.http.host, "::1");
}

TEST(EdgeConfigParseTest, ErrorsNameTheKey) {
  EdgeConfig c;
  Status s = ParseEdgeConfig(R"({"office_id":"p","data_dir":"/d","mqtt":{"url":"tcp://h:1"},
    "http":{"listen":"h:1","threads":"2"}})",
                             &c);
  EXPECT_NE(s.message().find("\"http.threads\""), std::string::npos) << s.message();
  s = ParseEdgeConfig(R"({"office_id":"p","data_dir":"/d","mqtt":{"url":"tcp://h:1"},
    "http":{"listen":"h:1"},"hub":{"url":"http://x","node_id":"n","token_file":"t","extra":1}})",
                      &c);
  EXPECT_NE(s.message().find("\"hub.extra\""), std::string::npos) << s.message();
  s = ParseEdgeConfig(R"([1])", &c);
  EXPECT_FALSE(s.ok());
}

const char kCatalogue[] = R"({
  "counters": [{"id": "q1", "name": "1", "template": "ha-noi-2014"}, {"id": "q2"}],
  "officers": [{"id": "cb-a", "name": "Phạm Văn A", "photo": "cb-a.jpg",
                "attributes": {"title": "Chuyên viên"}}],
  "fields": [{"id": "HT", "name": "Hộ tịch"}]
})";

TEST(CatalogueFileTest, ParsesAndAppliesOnlyWhatChanged) {
  CatalogueFile file;
  ASSERT_TRUE(ParseCatalogueFile(kCatalogue, "phuong-01", &file).ok());
  ASSERT_EQ(file.entries.size(), 4u);
  Catalogue catalogue("phuong-01");
  EXPECT_FALSE(catalogue.HasCounters());
  EXPECT_TRUE(catalogue.CheckCounter("anything-1").ok());
  std::vector<fb::EventBodyUnion> bodies;
  ASSERT_TRUE(CatalogueDelta(file, catalogue, &bodies).ok());
  ASSERT_EQ(bodies.size(), 4u);
  for (const auto& b : bodies) catalogue.ApplyCatalogueChanged(*b.AsCatalogueChanged());
  EXPECT_TRUE(catalogue.HasCounters());
  EXPECT_TRUE(catalogue.CheckCounter("q1").ok());
  EXPECT_TRUE(catalogue.CheckCounter("q3").IsNotFound());
  EXPECT_TRUE(catalogue.CheckCounter("q 3").IsInvalidArgument());
  EXPECT_EQ(catalogue.CounterTemplate("q1"), "ha-noi-2014");
  EXPECT_EQ(catalogue.CounterTemplate("q2"), "smiley-4");
  auto officer = catalogue.Find(fb::CatalogueKind::Officer, "cb-a");
  ASSERT_TRUE(officer.has_value());
  EXPECT_EQ(officer->Attribute("photo"), "cb-a.jpg");
  EXPECT_EQ(officer->Attribute("title"), "Chuyên viên");
  bodies.clear();
  ASSERT_TRUE(CatalogueDelta(file, catalogue, &bodies).ok());
  EXPECT_TRUE(bodies.empty());
  // Retiring the only counters reopens the office to any counter id.
  file.entries[0].retired = true;
  file.entries[1].retired = true;
  ASSERT_TRUE(CatalogueDelta(file, catalogue, &bodies).ok());
  ASSERT_EQ(bodies.size(), 2u);
  for (const auto& b : bodies) catalogue.ApplyCatalogueChanged(*b.AsCatalogueChanged());
  EXPECT_FALSE(catalogue.HasCounters());
}

TEST(CatalogueFileTest, EntriesOfAnotherOfficeAreIgnored) {
  Catalogue catalogue("phuong-01");
  fb::CatalogueChangedT c;
  c.kind = fb::CatalogueKind::Counter;
  c.id = "q1";
  c.office = "phuong-02";
  catalogue.ApplyCatalogueChanged(c);
  EXPECT_FALSE(catalogue.HasCounters());
  c.office = "";
  catalogue.ApplyCatalogueChanged(c);
  EXPECT_TRUE(catalogue.HasCounters());
}

// Two offices' counter "q1" never meet: the edge keeps its own office's
// entry over the district-wide one, whichever arrives last.
TEST(CatalogueFileTest, TheOfficesOwnEntryWinsOverTheDistrictWideOne) {
  Catalogue catalogue("phuong-01");
  fb::CatalogueChangedT c;
  c.kind = fb::CatalogueKind::Counter;
  c.id = "q1";
  c.office = "phuong-01";
  c.name = "Quầy 1 phường 1";
  catalogue.ApplyCatalogueChanged(c);
  c.office = "phuong-02";
  c.name = "Quầy 1 phường 2";
  catalogue.ApplyCatalogueChanged(c);
  c.office = "";
  c.name = "Quầy 1 (toàn huyện)";
  c.retired = true;
  catalogue.ApplyCatalogueChanged(c);
  EXPECT_EQ(catalogue.Name(fb::CatalogueKind::Counter, "q1"), "Quầy 1 phường 1");
  EXPECT_TRUE(catalogue.CheckCounter("q1").ok());
  ASSERT_EQ(catalogue.List(fb::CatalogueKind::Counter).size(), 1u);
  // A district-wide entry serves an office that has none of its own.
  Catalogue other("phuong-03");
  other.ApplyCatalogueChanged(c);
  c.office = "phuong-01";
  other.ApplyCatalogueChanged(c);
  EXPECT_EQ(other.Name(fb::CatalogueKind::Counter, "q1"), "Quầy 1 (toàn huyện)");
}

TEST(CatalogueFileTest, ErrorsNameTheEntry) {
  CatalogueFile file;
  Status s = ParseCatalogueFile(R"({"counters":[{"id":"q1"},{"id":"q 2"}]})", "p", &file);
  EXPECT_NE(s.message().find("counters[1].id"), std::string::npos) << s.message();
  s = ParseCatalogueFile(R"({"officers":[{"id":"a","photo":3}]})", "p", &file);
  EXPECT_NE(s.message().find("officers[0].photo"), std::string::npos) << s.message();
  s = ParseCatalogueFile(R"({"counter":[]})", "p", &file);
  EXPECT_NE(s.message().find("\"counter\""), std::string::npos) << s.message();
  s = ParseCatalogueFile(R"({"counters":[{"id":"q1"},{"id":"q1"}]})", "p", &file);
  EXPECT_NE(s.message().find("twice"), std::string::npos) << s.message();
  s = ParseCatalogueFile(R"({"templates":[{"id":"x"}]})", "p", &file);
  EXPECT_NE(s.message().find("templates[0]"), std::string::npos) << s.message();
}

TEST(CatalogueFileTest, ATemplateVersionCannotChangeContent) {
  Catalogue catalogue("p");
  CatalogueFile file;
  ASSERT_TRUE(ParseCatalogueFile(R"({"templates":[{"id":"smiley-4","version":1,"name":"Khác",
    "criteria":[{"id":"a","label":"A","options":[{"id":"y","label":"Y","polarity":"positive"},
    {"id":"n","label":"N","polarity":"negative"}]}]}]})",
                                 "p", &file)
                  .ok());
  std::vector<fb::EventBodyUnion> bodies;
  Status s = CatalogueDelta(file, catalogue, &bodies);
  EXPECT_TRUE(s.IsConflict()) << s.ToString();
  file.templates[0].version = 2;
  ASSERT_TRUE(CatalogueDelta(file, catalogue, &bodies).ok());
  ASSERT_EQ(bodies.size(), 1u);
  ASSERT_TRUE(catalogue.ApplyTemplate(*bodies[0].AsTemplatePublished()->template_).ok());
  EXPECT_EQ(catalogue.templates().Find("smiley-4")->version, 2u);
}

TEST(CounterSessionsTest, AttributesByTimeAcrossShifts) {
  CounterSessions s;
  EXPECT_EQ(s.OfficerAt("q1", 100), "");
  s.SignIn("q1", "a", "A", "", 1000);
  s.SignOut("q1", 2000);
  s.SignIn("q1", "b", "B", "ha-noi-2014", 3000);
  EXPECT_EQ(s.OfficerAt("q1", 999), "");
  EXPECT_EQ(s.OfficerAt("q1", 1000), "a");
  EXPECT_EQ(s.OfficerAt("q1", 1999), "a");
  EXPECT_EQ(s.OfficerAt("q1", 2500), "");
  EXPECT_EQ(s.OfficerAt("q1", 99999), "b");
  EXPECT_EQ(s.OfficerAt("q2", 99999), "");
  EXPECT_EQ(s.Current("q1")->template_id, "ha-noi-2014");
  // A change older than the newest lands in place.
  s.SignIn("q1", "c", "C", "", 2200);
  EXPECT_EQ(s.OfficerAt("q1", 2500), "c");
  EXPECT_EQ(s.Current("q1")->officer, "b");
}

TEST(CounterSessionsTest, ADossierIsOfferedUntilUsedOrStale) {
  CounterSessions s;
  s.SetDossier("q1", CounterDossier{"000123", "HT-001", "HT", 1000});
  EXPECT_EQ(s.Dossier("q1", 2000)->receipt, "000123");
  EXPECT_FALSE(s.Dossier("q1", 1000 + CounterSessions::kDossierTtlMs + 1).has_value());
  EXPECT_FALSE(s.ConsumeDossier("q1", "000999"));
  EXPECT_TRUE(s.ConsumeDossier("q1", "000123"));
  EXPECT_FALSE(s.Dossier("q1", 2000).has_value());
}

TEST(DossierIndexTest, ReceivedThenReturned) {
  DossierIndex index;
  fb::DossierRecordedT d;
  d.receipt = "1";
  d.procedure = "HT-001";
  d.due_ms = 5000;
  d.at_ms = 1000;
  index.Apply(d);
  EXPECT_FALSE(index.Find("1")->returned);
  fb::DossierRecordedT r;
  r.receipt = "1";
  r.stage = fb::DossierStage::Returned;
  r.at_ms = 4000;
  index.Apply(r);
  auto s = index.Find("1");
  EXPECT_TRUE(s->returned);
  EXPECT_EQ(s->procedure, "HT-001");
  EXPECT_EQ(s->due_ms, 5000);
  EXPECT_EQ(s->received_at_ms, 1000);
  EXPECT_EQ(s->returned_at_ms, 4000);
  EXPECT_TRUE(IsValidReceipt("2024/HT-000123.1"));
  EXPECT_FALSE(IsValidReceipt("a b"));
  EXPECT_FALSE(IsValidReceipt(""));
}

TEST(MetricsTest, RejectionsAreCountedByTheirReasonsLabel) {
  EdgeMetrics m;
  m.CountRejected("mqtt", survey::RejectReason::kUnknownTemplate);
  m.CountRejected("http", survey::RejectReason::kUnknownTemplate);
  m.CountRejected("http", survey::RejectReason::kUnknownOption);
  EXPECT_EQ(m.Rejected("unknown template"), 2u);
  EXPECT_EQ(m.Rejected("unknown option for criterion"), 1u);
  m.ObserveAppend(0.003, 10);
  const std::string text = m.RenderPrometheus({});
  EXPECT_NE(text.find("hailong_edge_append_seconds_bucket{le=\"0.005\"} 1"), std::string::npos);
  EXPECT_NE(text.find("hailong_edge_append_seconds_bucket{le=\"0.002\"} 0"), std::string::npos);
}

TEST(HttpParsingTest, PercentDecodingAndQueries) {
  std::string out;
  EXPECT_TRUE(PercentDecode("/a%20b/%C3%A1", &out));
  EXPECT_EQ(out, "/a b/\xC3\xA1");
  EXPECT_FALSE(PercentDecode("%2", &out));
  EXPECT_FALSE(PercentDecode("%zz", &out));
  auto q = ParseQuery("r=000123&counter=q%201&flag&x=a+b");
  EXPECT_EQ(q["r"], "000123");
  EXPECT_EQ(q["counter"], "q 1");
  EXPECT_EQ(q["flag"], "");
  EXPECT_EQ(q["x"], "a b");
}

TEST(RatingIntakeTest, IdempotencyIdIsDeviceOrChannel) {
  EXPECT_EQ(RatingIdempotencyId("box-1", fb::Channel::ButtonBox, "r1"), "box-1:r1");
  EXPECT_EQ(RatingIdempotencyId("", fb::Channel::Phone, "r1"), "phone:r1");
  EXPECT_EQ(RatingIdempotencyId("", fb::Channel::Web, "r1"), "web:r1");
}

TEST(PinAttemptsTest, WrongPinsAreLimitedPerOfficerAndCounterAndForgivenWhenRight) {
  PinAttempts a;
  const int64_t t0 = 1'700'000'000'000;
  int retry = 0;
  // A right PIN forgives its own attempt and the officer's earlier wrong ones.
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(a.Admit("q1", "cb-a", t0, &retry));
  ASSERT_TRUE(a.Admit("q1", "cb-a", t0, &retry));
  a.Succeeded("q1", "cb-a");
  for (size_t i = 0; i < PinAttempts::kPerOfficer; ++i)
    ASSERT_TRUE(a.Admit("q2", "cb-a", t0, &retry));
  EXPECT_FALSE(a.Admit("q3", "cb-a", t0 + 1000, &retry));
  EXPECT_EQ(retry, (PinAttempts::kWindowMs - 1000) / 1000);
  // The window slides: the oldest wrong PIN ages out.
  EXPECT_TRUE(a.Admit("q3", "cb-a", t0 + PinAttempts::kWindowMs, &retry));
  // Per counter: q1 already holds 4 wrong ones (cb-a's forgiven attempt
  // only); six more from other officers close it.
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(a.Admit("q1", "cb-" + std::to_string(i), t0 + 2000, &retry)) << i;
  }
  EXPECT_FALSE(a.Admit("q1", "cb-z", t0 + 2000, &retry));
  EXPECT_TRUE(a.Admit("q4", "cb-z", t0 + 2000, &retry));
}

class StepClock : public Clock {
 public:
  int64_t NowMs() const override { return now.load(); }
  std::atomic<int64_t> now{1'700'000'000'000};
};

TEST(KioskRegistryTest, ACodeIsRedeemedOnceBeforeItExpiresAndSurvivesAReopen) {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("hailong-kiosks-" + std::to_string(::getpid())))
          .string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/kiosks.json";
  StepClock clock;
  std::unique_ptr<KioskRegistry> r;
  ASSERT_TRUE(KioskRegistry::Open(path, &clock, &r).ok());
  KioskRecord k1, k2;
  std::string code1, code2, token;
  ASSERT_TRUE(r->Create("q1", "cửa", 60'000, &k1, &code1).ok());
  ASSERT_TRUE(r->Create("q1", "", 60'000, &k2, &code2).ok());
  EXPECT_EQ(k1.id, "kiosk-q1-1");
  EXPECT_EQ(k2.id, "kiosk-q1-2");
  EXPECT_EQ(code1.size(), 32u);
  EXPECT_NE(code1, code2);
  KioskRecord enrolled;
  ASSERT_TRUE(r->Redeem(code1, &enrolled, &token).ok());
  EXPECT_EQ(token.rfind("kiosk-q1-1.", 0), 0u);
  EXPECT_TRUE(r->Redeem(code1, &enrolled, &token).IsNotFound()) << "used";
  ASSERT_TRUE(r->Authenticate(token).has_value());
  EXPECT_EQ(r->Authenticate(token)->counter, "q1");
  EXPECT_FALSE(r->Authenticate(token + "0").has_value());
  EXPECT_FALSE(r->Authenticate("kiosk-q1-2." + token.substr(11)).has_value());
  clock.now += 60'000;
  std::string late;
  EXPECT_EQ(r->Redeem(code2, &enrolled, &late).code(), Status::Code::kPermissionDenied);
  EXPECT_EQ(r->List()[1].State(clock.NowMs()), "expired");

  r.reset();  // a restart: everything comes back from the file
  ASSERT_TRUE(KioskRegistry::Open(path, &clock, &r).ok());
  ASSERT_TRUE(r->Authenticate(token).has_value());
  EXPECT_TRUE(r->Redeem(code1, &enrolled, &late).IsNotFound());
  KioskRecord revoked;
  ASSERT_TRUE(r->Revoke("kiosk-q1-1", &revoked).ok());
  EXPECT_EQ(revoked.State(clock.NowMs()), "revoked");
  EXPECT_TRUE(r->Revoke("kiosk-q9-1", &revoked).IsNotFound());
  r.reset();
  ASSERT_TRUE(KioskRegistry::Open(path, &clock, &r).ok());
  EXPECT_FALSE(r->Authenticate(token).has_value());
  // Only hashes are on disk.
  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.find(code2), std::string::npos);
  EXPECT_EQ(text.find(token.substr(11)), std::string::npos);
  // A damaged file stops the edge rather than forgetting every kiosk.
  std::ofstream(path) << "{not json";
  EXPECT_TRUE(KioskRegistry::Open(path, &clock, &r).IsCorruption());
  std::filesystem::remove_all(dir);
}

TEST(PhoneLimitsTest, PerAddressAndPerCounterInASlidingWindow) {
  PhoneLimits limits(2, 3, 1000);
  using V = PhoneLimits::Verdict;
  EXPECT_EQ(limits.Admit("10.0.0.1", "q1", 0), V::kAdmitted);
  EXPECT_EQ(limits.Admit("10.0.0.1", "q1", 10), V::kAdmitted);
  EXPECT_EQ(limits.Admit("10.0.0.1", "q1", 20), V::kAddressLimited);
  EXPECT_EQ(limits.Admit("10.0.0.2", "q1", 30), V::kAdmitted);
  EXPECT_EQ(limits.Admit("10.0.0.3", "q1", 40), V::kCounterLimited);
  EXPECT_EQ(limits.Admit("10.0.0.3", "q2", 50), V::kAdmitted) << "refusals used nothing up";
  // The window slides: the first rating leaves it at 1000.
  EXPECT_EQ(limits.Admit("10.0.0.1", "q2", 999), V::kAddressLimited);
  EXPECT_EQ(limits.Admit("10.0.0.1", "q2", 1000), V::kAdmitted);
  PhoneLimits none(0, 0, 1000);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(none.Admit("10.0.0.1", "q1", i), V::kAdmitted);
}

TEST(ClientMisuseTest, ABurstFromOneAddressIsFlaggedByTheEdgesClock) {
  ClientMisuse misuse(2000);
  EXPECT_FALSE(misuse.Judge("10.0.0.7", "a", 10'000).suspected_misuse);
  EXPECT_TRUE(misuse.Judge("10.0.0.7", "b", 10'100).suspected_misuse);
  EXPECT_TRUE(misuse.Judge("10.0.0.7", "b", 10'100).suspected_misuse)
      << "a repeat keeps its verdict";
  EXPECT_FALSE(misuse.Judge("10.0.0.8", "c", 10'200).suspected_misuse) << "another phone";
  EXPECT_FALSE(misuse.Judge("10.0.0.7", "d", 14'000).suspected_misuse);
  // Rotating addresses cannot grow the memory past kMaxClients.
  for (size_t i = 0; i <= ClientMisuse::kMaxClients; ++i) {
    misuse.Judge("fd00::" + std::to_string(i), "x", 20'000);
  }
  // Within 2 s of "d", yet not flagged: that memory was dropped.
  EXPECT_FALSE(misuse.Judge("10.0.0.7", "e", 14'500).suspected_misuse) << "forgotten";
}

TEST(RatedReceiptsTest, OncePerReceiptAndTemplateResendsKeepTheirClaim) {
  RatedReceipts rated;
  EXPECT_TRUE(rated.Claim("000123", "smiley-4", "phone:a"));
  EXPECT_TRUE(rated.Claim("000123", "smiley-4", "phone:a"));
  EXPECT_FALSE(rated.Claim("000123", "smiley-4", "phone:b"));
  EXPECT_TRUE(rated.Claim("000123", "gia-lam-phone", "phone:b"));
  rated.Release("000123", "smiley-4", "phone:b");  // not the holder: no effect
  EXPECT_FALSE(rated.Claim("000123", "smiley-4", "phone:c"));
  rated.Release("000123", "smiley-4", "phone:a");
  EXPECT_TRUE(rated.Claim("000123", "smiley-4", "phone:c"));
}

}  // namespace
}  // namespace hailong::edge
