// The province tier with real processes (replication/README.md, "The
// province tier"): two districts, each a real Mosquitto, a hailong-edge and
// a hailong-hub (Cluster), ship up to a province hailong-hub (HubProcess)
// through one hailong-faultproxy per district, while ratings flow and
// every kind of process is killed with SIGKILL: the district hubs, the
// province hub and an edge, and the links are cut. Afterwards every
// acknowledged rating is at the province exactly once (the province's copy
// of each edge's log and of each district hub's own log is the original,
// byte for byte, chain verified), and the province's report by office
// equals the districts' reports, by district their sums. A district hub
// configured with another district's office, or pushing an origin another
// district hub owns, is refused and counted; an edge origin of its own
// office whose events name another district's office raises forged_events.
// A district hub's own events ("<node>:hub") are judged against its
// district's offices: its catalogue change, void or follow-up about another
// district's office or rating is kept as evidence, counted in its row and
// alerted on as forged_events naming it, while those about its own offices
// apply.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "cluster.h"
#include "hailong/testing/http_client.h"
#include "hailong/testing/ports.h"
#include "hailong/testing/process.h"
#include "hailong/testing/wait.h"
#include "hub_harness.h"

namespace hailong::replication::testing {
namespace {

using hailong::hub_test::HubOptions;
using hailong::hub_test::HubProcess;
using hailong::hub_test::Session;
using hailong::testing::HttpRequest;
using hailong::testing::HttpResponse;
using hailong::testing::Process;
using hailong::testing::TempDir;
using hailong::testing::WaitUntil;
using json = nlohmann::json;

constexpr char kTokenA[] = "token-of-district-hub-a-0123456789abcdefghij";
constexpr char kTokenB[] = "token-of-district-hub-b-0123456789abcdefghij";
constexpr char kTokenC[] = "token-of-district-hub-c-0123456789abcdefghij";
constexpr char kTokenD[] = "token-of-district-hub-d-0123456789abcdefghij";

std::string Sha256Hex(const std::string& s) { return schema::HexEncode(schema::Sha256(s)); }

// One district: its names at the province and its cluster.
struct District {
  std::string node, district, office, edge, token;
  std::unique_ptr<Process> proxy;
  std::string proxy_control;
  uint16_t proxy_port = 0;
  std::unique_ptr<Cluster> cluster;
  std::string cookie, csrf;     // an admin session at the district hub
  std::set<std::string> acked;  // rating ids the edge acknowledged
};

class ProvinceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a_ = {"hub-quan-a", "quan-a", "pa", "edge-pa", kTokenA};
    b_ = {"hub-quan-b", "quan-b", "pb", "edge-pb", kTokenB};
    c_ = {"hub-quan-c", "quan-c", "pc", "edge-pc", kTokenC};  // started by the rogue test only
    // District D's hub speaks to the province through the test's own pushes.
    d_ = {"hub-quan-d", "quan-d", "pd", "edge-pd", kTokenD};
    json nodes = json::array();
    for (District* d : {&a_, &b_, &c_, &d_}) {
      nodes.push_back({{"id", d->node},
                       {"district", d->district},
                       {"offices", {d->office}},
                       {"token_sha256", Sha256Hex(d->token)}});
    }
    HubOptions po;
    po.extra = {{"nodes", nodes}};
    province_ = std::make_unique<HubProcess>(po);
    province_->Start();
    admin_ = hailong::hub_test::Login(*province_, "admin");
    for (District* d : {&a_, &b_}) StartDistrict(d, d->edge, d->office);
  }

  void TearDown() override {
    if (HasFailure()) {
      for (District* d : {&a_, &b_, &c_}) {
        if (d->cluster) std::cerr << d->cluster->Logs() << "\n";
      }
      std::cerr << "--- province ---\n" << province_->LogTail() << "\n";
    }
  }

  // A district: its proxy to the province, then broker, hub and an edge
  // `edge` of office `office` (another district's office for a rogue).
  void StartDistrict(District* d, const std::string& edge, const std::string& office) {
    d->proxy_control = tmp_.Join(d->node + "-proxy.mode");
    SetMode(*d, "pass");
    d->proxy_port = hailong::testing::FreeTcpPort();
    hailong::testing::ProcessOptions po;
    po.argv = {HAILONG_FAULTPROXY_PATH,
               "--listen",
               "127.0.0.1:" + std::to_string(d->proxy_port),
               "--target",
               "127.0.0.1:" + std::to_string(province_->port()),
               "--control",
               d->proxy_control};
    po.log_file = tmp_.Join(d->node + "-proxy.log");
    ASSERT_TRUE(Process::Start(po, &d->proxy).ok());
    ASSERT_TRUE(
        hailong::testing::WaitForTcpPort("127.0.0.1", d->proxy_port, std::chrono::seconds(10))
            .ok());
    const std::string token_file = tmp_.Join(d->node + ".upstream.token");
    std::ofstream(token_file, std::ios::trunc) << d->token << "\n";
    ClusterOptions o;
    o.name = d->node + "-";
    o.node = edge;
    o.office = office;
    o.hub_extra = {{"users",
                    {{{"name", "admin"},
                      {"role", "admin"},
                      {"offices", {"*"}},
                      {"password_hash", hailong::hub_test::PasswordHash()}}}},
                   {"upstream",
                    {{"url", "http://127.0.0.1:" + std::to_string(d->proxy_port)},
                     {"node_id", d->node},
                     {"token_file", token_file}}}};
    d->cluster = std::make_unique<Cluster>(tmp_, o);
    ASSERT_TRUE(d->cluster->StartBroker().ok());
    ASSERT_TRUE(d->cluster->StartHub().ok()) << d->cluster->Logs();
    ASSERT_TRUE(d->cluster->StartEdge().ok()) << d->cluster->Logs();
    // An event of the district hub's own origin: it names its office.
    HttpResponse res =
        DistrictGet(d, "/api/v1/catalogue",
                    json{{"kind", "office"}, {"id", office}, {"name", "Phường " + office}}.dump());
    ASSERT_EQ(res.status, 200) << res.body;
  }

  void SetMode(const District& d, const std::string& mode) {
    std::ofstream(d.proxy_control, std::ios::trunc) << mode << "\n";
    std::this_thread::sleep_for(std::chrono::milliseconds(150));  // two polls of the proxy
  }

  // Posts n ratings to the district's edge; keeps the acknowledged ids.
  void Rate(District* d, const std::string& prefix, int n) {
    for (int i = 0; i < n; ++i) {
      const std::string id = prefix + "-" + std::to_string(i);
      uint64_t seq = 0;
      ASSERT_TRUE(d->cluster->PostRating(id, &seq).ok()) << d->cluster->Logs();
      d->acked.insert(id);
    }
  }

  // GET (or, with a body, POST) on a district hub as its admin (logged in
  // on first use); status 0 when the hub does not answer.
  HttpResponse DistrictGet(District* d, const std::string& target, const std::string& post = "") {
    HttpResponse res;
    if (d->cookie.empty()) {
      HttpRequest login;
      login.method = "POST";
      login.target = "/api/v1/login";
      login.body = json{{"name", "admin"}, {"password", hailong::hub_test::kPassword}}.dump();
      if (!hailong::testing::SendHttp("127.0.0.1", d->cluster->hub_port(), login, &res).ok() ||
          res.status != 200) {
        return HttpResponse{};
      }
      const std::string set_cookie = res.Header("set-cookie");
      d->cookie = set_cookie.substr(0, set_cookie.find(';'));
      d->csrf = json::parse(res.body, nullptr, false).value("csrf_token", "");
    }
    HttpRequest req;
    req.target = target;
    req.headers = {{"Cookie", d->cookie}, {"X-CSRF-Token", d->csrf}};
    if (!post.empty()) {
      req.method = "POST";
      req.body = post;
    }
    if (!hailong::testing::SendHttp("127.0.0.1", d->cluster->hub_port(), req, &res).ok()) {
      return HttpResponse{};
    }
    return res;
  }

  static uint64_t AckedSeq(const HttpResponse& res) {
    json j = json::parse(res.body, nullptr, false);
    return res.status == 200 && j.is_object() ? j.value("acked_seq", uint64_t{0}) : 0;
  }

  // The province's cursor of a stored origin (as its admin).
  uint64_t ProvinceAcked(const std::string& origin) {
    return AckedSeq(province_->Get("/api/v1/replication/cursor?origin=" + origin, admin_.Read()));
  }

  // True once the province holds every event of the district's edge and of
  // its hub's own origin.
  bool ProvinceHasAll(District* d) {
    json edge;
    if (!d->cluster->EdgeStatus(&edge).ok()) return false;
    const uint64_t edge_head = edge.value("log_seq", uint64_t{0});
    const uint64_t hub_head = AckedSeq(DistrictGet(d, "/api/v1/replication/cursor?origin=hub"));
    uint64_t district_has_edge = 0;
    if (!d->cluster->HubAcked(&district_has_edge).ok()) return false;
    return district_has_edge == edge_head && ProvinceAcked(d->edge) == edge_head &&
           ProvinceAcked(d->node + ":hub") == hub_head && hub_head > 0;
  }

  json Report(const std::string& query, District* district = nullptr) {
    const std::string target = "/api/v1/report?from=" + from_ + "&to=" + to_ + query;
    HttpResponse res =
        district ? DistrictGet(district, target) : province_->Get(target, admin_.Read());
    EXPECT_EQ(res.status, 200) << target << ": " << res.body;
    return json::parse(res.body, nullptr, false);
  }

  // The province's forged_events alert naming `node`, null if none.
  json ForgedAlert(const std::string& node) {
    const json list = json::parse(province_->Get("/api/v1/alerts?status=all", admin_.Read()).body,
                                  nullptr, false);
    if (!list.is_object()) return nullptr;
    for (const json& alert : list["alerts"]) {
      if (alert.value("kind", "") == "forged_events" && alert.value("node", "") == node) {
        return alert;
      }
    }
    return nullptr;
  }

  // The province's node row of `node`, null if none.
  json NodeRow(const std::string& node) {
    const json nodes =
        json::parse(province_->Get("/api/v1/nodes", admin_.Read()).body, nullptr, false);
    if (!nodes.is_object()) return nullptr;
    for (const json& n : nodes["nodes"]) {
      if (n.value("id", "") == node) return n;
    }
    return nullptr;
  }

  TempDir tmp_{"province"};
  std::unique_ptr<HubProcess> province_;
  Session admin_;
  District a_, b_, c_, d_;
  const int64_t now_ = Clock::System()->NowMs();
  const std::string from_ = VietnamDay(now_ - 86400000), to_ = VietnamDay(now_ + 86400000);
};

TEST_F(ProvinceTest, KillsOfEveryProcessLoseAndDoubleNothing) {
  Rate(&a_, "a0", 40);
  Rate(&b_, "b0", 40);
  ASSERT_TRUE(WaitUntil([&] { return ProvinceHasAll(&a_) && ProvinceHasAll(&b_); },
                        std::chrono::seconds(60), std::chrono::milliseconds(100)));

  for (int round = 1; round <= 3; ++round) {
    const std::string r = std::to_string(round);
    // District hub A killed while its edge keeps rating; B's link cut.
    a_.cluster->KillHub();
    SetMode(b_, "cut");
    Rate(&a_, "a" + r + "-hub-down", 30);
    Rate(&b_, "b" + r + "-link-cut", 30);
    ASSERT_TRUE(a_.cluster->StartHub().ok()) << a_.cluster->Logs();
    SetMode(b_, "pass");
    // The province killed while both districts ship.
    Rate(&a_, "a" + r + "-before-province-kill", 20);
    province_->Kill();
    Rate(&b_, "b" + r + "-province-down", 30);
    province_->Start();
    // An edge killed and restarted; district hub B killed mid-shipping.
    b_.cluster->KillEdge();
    Rate(&a_, "a" + r + "-edge-b-down", 20);
    ASSERT_TRUE(b_.cluster->StartEdge().ok()) << b_.cluster->Logs();
    Rate(&b_, "b" + r + "-after-edge-kill", 30);
    b_.cluster->KillHub();
    SetMode(a_, "drop 30");
    Rate(&a_, "a" + r + "-lossy-link", 30);
    ASSERT_TRUE(b_.cluster->StartHub().ok()) << b_.cluster->Logs();
    SetMode(a_, "pass");
  }
  admin_ = hailong::hub_test::Login(*province_, "admin");
  ASSERT_TRUE(WaitUntil([&] { return ProvinceHasAll(&a_) && ProvinceHasAll(&b_); },
                        std::chrono::seconds(120), std::chrono::milliseconds(100)))
      << "edge-pa at the province: " << ProvinceAcked(a_.edge)
      << ", edge-pb: " << ProvinceAcked(b_.edge);

  // Reports: the province's office rows are the districts' office rows,
  // its district rows their sums, and office rows name their district.
  ASSERT_TRUE(hailong::hub_test::WaitCaughtUp(*province_, admin_));
  const json by_office = Report("&group_by=office");
  const json by_district = Report("&group_by=district");
  ASSERT_EQ(by_office["rows"].size(), 2u) << by_office.dump();
  ASSERT_EQ(by_district["rows"].size(), 2u) << by_district.dump();
  EXPECT_EQ(by_district["group_by"], "district");
  int64_t province_total = 0;
  for (District* d : {&a_, &b_}) {
    const json district_report = Report("&group_by=office", d);
    ASSERT_EQ(district_report["rows"].size(), 1u) << district_report.dump();
    const json& want = district_report["rows"][0];
    // Ratings in a burst from one device are counted as suspected misuse
    // (`excluded`): together they are every acknowledged rating, once.
    EXPECT_EQ(want["ratings"].get<int64_t>() + want["excluded"].get<int64_t>(),
              static_cast<int64_t>(d->acked.size()))
        << "every acknowledged rating counted once at the district";
    json got_office, got_district;
    for (const json& row : by_office["rows"]) {
      if (row["office"] == d->office) got_office = row;
    }
    for (const json& row : by_district["rows"]) {
      if (row["district"] == d->district) got_district = row;
    }
    ASSERT_TRUE(got_office.is_object()) << by_office.dump();
    ASSERT_TRUE(got_district.is_object()) << by_district.dump();
    EXPECT_EQ(got_office["district"], d->district);
    for (const char* k : {"ratings", "satisfied", "neutral", "unsatisfied", "satisfaction_rate",
                          "dossiers", "rated_dossiers", "excluded"}) {
      EXPECT_EQ(got_office[k], want[k]) << d->office << " " << k;
      EXPECT_EQ(got_district[k], want[k]) << d->district << " " << k;
    }
    province_total += got_office["ratings"].get<int64_t>() + got_office["excluded"].get<int64_t>();
    // district= narrows to the district's offices.
    const json only = Report("&group_by=office&district=" + d->district);
    ASSERT_EQ(only["rows"].size(), 1u) << only.dump();
    EXPECT_EQ(only["rows"][0]["office"], d->office);
  }
  for (const json* report : {&by_office, &by_district}) {
    const json& totals = (*report)["totals"];
    EXPECT_EQ(totals["ratings"].get<int64_t>() + totals["excluded"].get<int64_t>(), province_total);
  }
  EXPECT_EQ(province_total, static_cast<int64_t>(a_.acked.size() + b_.acked.size()));

  // The node list: one row per district hub, its district, its own origin's cursor.
  const json nodes =
      json::parse(province_->Get("/api/v1/nodes", admin_.Read()).body, nullptr, false);
  ASSERT_TRUE(nodes.is_object());
  for (District* d : {&a_, &b_}) {
    bool listed = false;
    for (const json& n : nodes["nodes"]) {
      if (n.value("id", "") != d->node) continue;
      listed = true;
      EXPECT_EQ(n.value("district", ""), d->district);
      EXPECT_EQ(n.value("acked_seq", uint64_t{0}), ProvinceAcked(d->node + ":hub"));
      // (Advisory statistics, written without fsync: a SIGKILL may lose some.)
      EXPECT_GT(n.value("events_stored", uint64_t{0}), 0u);
    }
    EXPECT_TRUE(listed) << nodes.dump();
  }

  // Exactly once, byte for byte: the province's copy of each edge's log and
  // of each district hub's own log is the original (chains verified).
  province_->Stop();
  for (District* d : {&a_, &b_}) {
    d->cluster->StopEdge();
    d->cluster->StopHub();
    std::vector<StoredEvent> edge, at_province, district_hub, hub_at_province;
    ASSERT_TRUE(ReadWholeLog(d->cluster->edge_log_dir(), d->edge, &edge).ok());
    ASSERT_TRUE(ReadWholeLog(province_->data_dir() + "/log", d->edge, &at_province).ok());
    ASSERT_TRUE(ReadWholeLog(d->cluster->hub_log_dir(), "hub", &district_hub).ok());
    ASSERT_TRUE(
        ReadWholeLog(province_->data_dir() + "/log", d->node + ":hub", &hub_at_province).ok());
    ASSERT_EQ(at_province.size(), edge.size());
    for (size_t i = 0; i < edge.size(); ++i) ASSERT_EQ(at_province[i].bytes, edge[i].bytes);
    ASSERT_EQ(hub_at_province.size(), district_hub.size());
    for (size_t i = 0; i < district_hub.size(); ++i) {
      ASSERT_EQ(hub_at_province[i].bytes, district_hub[i].bytes);
    }
    // The acknowledged ratings are all there, each once.
    std::map<std::string, int> seen;
    for (const StoredEvent& e : at_province) {
      const fb::Event* ev = nullptr;
      ASSERT_TRUE(schema::VerifyEvent(e.bytes, &ev).ok());
      if (ev->body_type() == fb::EventBody::RatingSubmitted) {
        ++seen[ev->body_as_RatingSubmitted()->rating_id()->str()];
      }
    }
    for (const std::string& id : d->acked) EXPECT_EQ(seen[id], 1) << id;
    EXPECT_EQ(seen.size(), d->acked.size());
  }
  // No hub-private crossed a level.
  std::vector<StoredEvent> none;
  EXPECT_TRUE(ReadWholeLog(province_->data_dir() + "/log", "hub-quan-a:hub-private", &none).ok());
  EXPECT_TRUE(none.empty());
}

TEST_F(ProvinceTest, ADistrictHubCannotPushAnotherDistrictsOffices) {
  Rate(&a_, "a", 5);
  ASSERT_TRUE(WaitUntil([&] { return ProvinceHasAll(&a_); }, std::chrono::seconds(60),
                        std::chrono::milliseconds(100)));
  // District B's hub pushes the origin district A's hub owns, naming one of
  // B's offices: refused, named, counted.
  HttpResponse res = province_->Push(kTokenB, a_.edge, "", {{"X-Hailong-Office", b_.office}});
  EXPECT_EQ(res.status, 403) << res.body;
  EXPECT_NE(res.body.find("belongs to district hub hub-quan-a"), std::string::npos) << res.body;

  // District A's hub pushes an edge origin of its own office whose rating
  // names district B's office: stored as evidence, refused by the table of
  // who may make which event, as for an edge at a district (forged_events).
  hailong::hub_test::ChainBuilder forged("edge-forger");
  hailong::hub_test::RatingSpec spec;
  spec.office = b_.office;
  spec.time_ms = now_;
  res = province_->Push(
      kTokenA, "edge-forger",
      hailong::hub_test::Frames({forged.Next(hailong::hub_test::Rating(spec), now_)}),
      {{"X-Hailong-Office", a_.office}});
  EXPECT_EQ(res.status, 200) << res.body;
  EXPECT_TRUE(WaitUntil(
      [&] {
        const json list = json::parse(
            province_->Get("/api/v1/alerts?status=all", admin_.Read()).body, nullptr, false);
        if (!list.is_object()) return false;
        for (const json& alert : list["alerts"]) {
          if (alert.value("kind", "") == "forged_events" &&
              alert.value("node", "") == "edge-forger") {
            return true;
          }
        }
        return false;
      },
      std::chrono::seconds(30), std::chrono::milliseconds(100)))
      << province_->Get("/api/v1/alerts?status=all", admin_.Read()).body;

  // District C's hub configured with an edge of district A's office: every
  // push of that edge's origin is refused.
  StartDistrict(&c_, "edge-rogue", a_.office);
  Rate(&c_, "rogue", 5);
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto nodes =
            json::parse(province_->Get("/api/v1/nodes", admin_.Read()).body, nullptr, false);
        if (!nodes.is_object()) return false;
        for (const json& n : nodes["nodes"]) {
          if (n.value("id", "") == "hub-quan-c" && n.value("refused", 0) >= 2 &&
              n.value("last_error", "")
                      .find("office pa of origin edge-rogue is not one of "
                            "district quan-c's offices") != std::string::npos) {
            return true;
          }
        }
        return false;
      },
      std::chrono::seconds(30), std::chrono::milliseconds(100)))
      << province_->Get("/api/v1/nodes", admin_.Read()).body;
  EXPECT_EQ(ProvinceAcked("edge-rogue"), 0u);
  // Its own hub's catalogue entry of office pa (StartDistrict) names
  // district A's office: kept as evidence, refused, alerted on naming it.
  EXPECT_TRUE(WaitUntil(
      [&] {
        const json row = NodeRow("hub-quan-c");
        return !ForgedAlert("hub-quan-c").is_null() && row.is_object() &&
               row.value("refused_events", 0) >= 1;
      },
      std::chrono::seconds(30), std::chrono::milliseconds(100)))
      << province_->Get("/api/v1/nodes", admin_.Read()).body;
  EXPECT_EQ(NodeRow("hub-quan-c")["last_refused_event"].value("type", ""), "CatalogueChanged");
  EXPECT_EQ(NodeRow("hub-quan-c")["last_refused_event"].value("office", ""), a_.office);
  // Its own hub origin is its own to push.
  EXPECT_TRUE(WaitUntil([&] { return ProvinceAcked("hub-quan-c:hub") > 0; },
                        std::chrono::seconds(30), std::chrono::milliseconds(100)));
  // District A's edge still reaches the province.
  Rate(&a_, "a-after", 5);
  EXPECT_TRUE(WaitUntil([&] { return ProvinceHasAll(&a_); }, std::chrono::seconds(60),
                        std::chrono::milliseconds(100)));
}

TEST_F(ProvinceTest, ADistrictHubsOwnEventsAreJudgedAgainstItsOffices) {
  Rate(&a_, "a", 5);
  ASSERT_TRUE(WaitUntil([&] { return ProvinceHasAll(&a_); }, std::chrono::seconds(60),
                        std::chrono::milliseconds(100)));
  const json a_before = Report("&group_by=office&office=" + a_.office);
  ASSERT_EQ(a_before["rows"].size(), 1u) << a_before.dump();

  // District D's edge: two ratings of its office pd (binds edge-pd to D).
  hailong::hub_test::ChainBuilder edge(d_.edge);
  hailong::hub_test::RatingSpec spec;
  spec.office = d_.office;
  spec.time_ms = now_;
  std::vector<std::string> ratings;
  for (int i = 0; i < 2; ++i) {
    spec.time_ms = now_ + i * 600000;  // ten minutes apart: no burst
    ratings.push_back(edge.Next(hailong::hub_test::Rating(spec), spec.time_ms));
  }
  HttpResponse res = province_->Push(kTokenD, d_.edge, hailong::hub_test::Frames(ratings),
                                     {{"X-Hailong-Office", d_.office}});
  ASSERT_EQ(res.status, 200) << res.body;

  // District D's own hub log: about its own office and ratings (applied),
  // then about district A's (refused).
  auto entry = [](const std::string& office, const std::string& name) {
    fb::CatalogueChangedT c;
    c.kind = fb::CatalogueKind::Office;
    c.id = office;
    c.name = name;
    fb::EventBodyUnion b;
    b.Set(std::move(c));
    return b;
  };
  auto void_of = [](const std::string& origin, uint64_t seq) {
    fb::RatingVoidedT v;
    v.rating_origin = origin;
    v.rating_seq = seq;
    v.by = "admin";
    fb::EventBodyUnion b;
    b.Set(std::move(v));
    return b;
  };
  auto follow_up = [](const std::string& id, const std::string& office, const std::string& origin,
                      uint64_t seq) {
    fb::FollowUpOpenedT f;
    f.follow_up_id = id;
    f.office = office;
    f.rating_origin = origin;
    f.rating_seq = seq;
    f.reason = "checked";
    fb::EventBodyUnion b;
    b.Set(std::move(f));
    return b;
  };
  hailong::hub_test::ChainBuilder hub("hub");
  std::vector<std::string> own = {
      hub.Next(entry(d_.office, "Phường D"), now_),
      hub.Next(void_of(d_.edge, 1), now_),
      hub.Next(follow_up("fu-d", d_.office, d_.edge, 2), now_),
      hub.Next(void_of(a_.edge, 1), now_),
      hub.Next(follow_up("fu-forged", a_.office, a_.edge, 2), now_),
      hub.Next(entry(a_.office, "Giả mạo"), now_),
  };
  res = province_->Push(kTokenD, "hub", hailong::hub_test::Frames(own));
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(ProvinceAcked(d_.node + ":hub"), own.size());

  // The three about district A: counted in D's row, alerted on naming D.
  ASSERT_TRUE(WaitUntil(
      [&] {
        const json row = NodeRow(d_.node);
        const json alert = ForgedAlert(d_.node);
        return row.is_object() && row.value("refused_events", 0) == 3 && alert.is_object() &&
               alert.value("total", 0) == 3;
      },
      std::chrono::seconds(30), std::chrono::milliseconds(100)))
      << province_->Get("/api/v1/nodes", admin_.Read()).body << "\n"
      << province_->Get("/api/v1/alerts?status=all", admin_.Read()).body;
  const json row = NodeRow(d_.node);
  EXPECT_EQ(row.value("refused", 0), 3) << row.dump();
  EXPECT_EQ(row["last_refused_event"].value("type", ""), "CatalogueChanged");
  EXPECT_EQ(row["last_refused_event"].value("reason", ""), "other_office");
  EXPECT_EQ(row["last_refused_event"].value("office", ""), a_.office);
  ASSERT_TRUE(hailong::hub_test::WaitCaughtUp(*province_, admin_));

  // D's own: its rating 1 voided (excluded), its follow-up opened, its
  // office named.
  const json d_report = Report("&group_by=office&office=" + d_.office);
  ASSERT_EQ(d_report["rows"].size(), 1u) << d_report.dump();
  EXPECT_EQ(d_report["rows"][0]["ratings"], 1) << d_report.dump();
  EXPECT_EQ(d_report["rows"][0]["excluded"], 1) << d_report.dump();
  EXPECT_EQ(province_->Get("/api/v1/follow-ups/fu-d", admin_.Read()).status, 200);
  // A's: nothing changed; no follow-up; its office not renamed.
  EXPECT_EQ(province_->Get("/api/v1/follow-ups/fu-forged", admin_.Read()).status, 404);
  const json a_after = Report("&group_by=office&office=" + a_.office);
  EXPECT_EQ(a_after["rows"], a_before["rows"]);
  const json catalogue = json::parse(
      province_->Get("/api/v1/catalogue?kind=office", admin_.Read()).body, nullptr, false);
  ASSERT_TRUE(catalogue.is_object());
  bool named_d = false;
  for (const json& e : catalogue["entries"]) {
    if (e.value("id", "") == a_.office) EXPECT_NE(e.value("name", ""), "Giả mạo") << e.dump();
    if (e.value("id", "") == d_.office) named_d = e.value("name", "") == "Phường D";
  }
  EXPECT_TRUE(named_d) << catalogue.dump();
}

}  // namespace
}  // namespace hailong::replication::testing

namespace hailong::replication::testing {
namespace {

// A district's void and complaint change the province's figures as they
// change the district's (each is written twice at the district: in `hub`,
// which travels, and with its free text in `hub-private`, which does not),
// and the province never holds that text.
TEST_F(ProvinceTest, ADistrictsVoidsAndComplaintsReachTheProvinceWithoutTheirText) {
  std::vector<uint64_t> seqs;
  for (int i = 0; i < 3; ++i) {
    uint64_t seq = 0;
    ASSERT_TRUE(a_.cluster->PostRating("void-" + std::to_string(i), &seq).ok())
        << a_.cluster->Logs();
    seqs.push_back(seq);
  }
  ASSERT_TRUE(WaitUntil([&] { return ProvinceHasAll(&a_); }, std::chrono::seconds(60),
                        std::chrono::milliseconds(100)));
  ASSERT_TRUE(hailong::hub_test::WaitCaughtUp(*province_, admin_));
  // The edge counts the first of a phone's quick ratings; the others are
  // left out as misuse (excluded) already.
  const json before = Report("&group_by=office&office=" + a_.office);
  ASSERT_EQ(before["rows"].size(), 1u) << before.dump();
  const int counted = before["rows"][0]["ratings"].get<int>();
  const int excluded = before["rows"][0]["excluded"].get<int>();
  ASSERT_GE(counted, 1) << before.dump();

  const std::string reason = "Ông Nguyễn Văn Tư bấm nhầm, số 0912 345 678";
  const std::string target = "/api/v1/ratings/" + a_.edge + "/" + std::to_string(seqs[0]) + "/void";
  HttpResponse res = DistrictGet(&a_, target, json{{"reason", reason}}.dump());
  ASSERT_EQ(res.status, 200) << res.body;
  // Sent again (a retry after a lost answer): nothing doubles.
  res = DistrictGet(&a_, target, json{{"reason", reason}}.dump());
  ASSERT_EQ(res.status, 200) << res.body;
  const std::string note = "Bà Trần Thị Lan phản ánh qua đường dây nóng";
  res = DistrictGet(&a_, "/api/v1/complaints",
                    json{{"office", a_.office},
                         {"dossier", "HS-2026-0042"},
                         {"channel", "hotline"},
                         {"id", "k1"},
                         {"note", note}}
                        .dump());
  ASSERT_EQ(res.status, 200) << res.body;

  // The district's own figures: one rating left out, one complaint with its
  // note (its admin reads it).
  const json district = Report("&group_by=office&office=" + a_.office, &a_);
  ASSERT_EQ(district["rows"].size(), 1u) << district.dump();
  EXPECT_EQ(district["rows"][0]["excluded"], excluded + 1) << district.dump();
  EXPECT_EQ(district["rows"][0]["ratings"], counted - 1) << district.dump();
  const json district_complaints =
      json::parse(DistrictGet(&a_, "/api/v1/complaints?office=" + a_.office).body, nullptr, false);
  ASSERT_TRUE(district_complaints.is_object());
  ASSERT_EQ(district_complaints["complaints"].size(), 1u) << district_complaints.dump();
  EXPECT_EQ(district_complaints["complaints"][0].value("note", ""), note)
      << district_complaints.dump();

  // The province: the same figures once it holds the district's `hub`.
  ASSERT_TRUE(WaitUntil(
      [&] {
        if (!ProvinceHasAll(&a_)) return false;
        const json row = Report("&group_by=office&office=" + a_.office);
        return row["rows"].size() == 1 && row["rows"][0].value("excluded", 0) == excluded + 1;
      },
      std::chrono::seconds(60), std::chrono::milliseconds(100)))
      << Report("&group_by=office&office=" + a_.office).dump();
  ASSERT_TRUE(hailong::hub_test::WaitCaughtUp(*province_, admin_));
  const json province = Report("&group_by=office&office=" + a_.office);
  EXPECT_EQ(province["rows"][0]["ratings"], district["rows"][0]["ratings"]) << province.dump();
  EXPECT_EQ(province["rows"][0]["excluded"], excluded + 1) << province.dump();
  const json complaints = json::parse(
      province_->Get("/api/v1/complaints?office=" + a_.office, admin_.Read()).body, nullptr, false);
  ASSERT_TRUE(complaints.is_object());
  ASSERT_EQ(complaints["complaints"].size(), 1u) << complaints.dump();
  EXPECT_EQ(complaints["complaints"][0].value("dossier", ""), "HS-2026-0042");
  EXPECT_FALSE(complaints["complaints"][0].value("has_note", true)) << complaints.dump();
  EXPECT_FALSE(complaints["complaints"][0].contains("note")) << complaints.dump();
  // Nothing the province holds carries the reason or the note, and the
  // district's void raised no alarm there.
  const std::string everything =
      province_
          ->Get("/api/v1/ratings?office=" + a_.office + "&include_excluded=true", admin_.Read())
          .body +
      complaints.dump();
  EXPECT_EQ(everything.find("Nguyễn Văn Tư"), std::string::npos);
  EXPECT_EQ(everything.find("Trần Thị Lan"), std::string::npos);
  EXPECT_TRUE(ForgedAlert(a_.node).is_null()) << ForgedAlert(a_.node).dump();
  const json row = NodeRow(a_.node);
  ASSERT_TRUE(row.is_object());
  EXPECT_EQ(row.value("refused_events", 0), 0) << row.dump();
}

}  // namespace
}  // namespace hailong::replication::testing
