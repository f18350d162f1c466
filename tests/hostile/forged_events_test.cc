// A node that speaks for another office or makes the hub's own events
// (issue 14 items 1 and 2), against a real hailong-hub over real HTTP with
// events hash-chained by the real schema library (tests/hub/hub_harness):
//  - a node whose configuration claims another office pushes, with its own
//    token, ratings naming that office: none reaches the office's figures;
//  - each hub-only event type (void, follow-up open/note/close, catalogue,
//    template, alert raise/ack/close) pushed by a node is refused;
// (a template a node publishes is kept and never applied, without alarm);
// each refusal shows in GET /api/v1/nodes (`refused`), in the alerts (one
// forged_events alert naming the node) and in the audit log; the events
// stay in the log (`hailongctl log verify` passes), honest events after
// them still count, and --rebuild gives the same figures and no second
// alert or audit entry. Two offices with the same counter id keep their
// own names and templates in reports and the phone survey.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hailong/schema/time.h"
#include "hailong/testing/process.h"
#include "hailong/testing/programs.h"
#include "hailong/testing/wait.h"
#include "hub_harness.h"

namespace hailong::hub_test {
namespace {

using json = nlohmann::json;

constexpr char kDay[] = "2026-11-10";

class ForgedEventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hub_.Start();
    admin_ = Login(hub_, "admin");
  }

  json GetJson(const std::string& target) {
    auto res = hub_.Get(target, admin_.Read());
    EXPECT_EQ(res.status, 200) << target << ": " << res.body;
    return json::parse(res.body, nullptr, false);
  }

  json OfficeTotals(const std::string& office) {
    return GetJson(std::string("/api/v1/report?from=") + kDay + "&to=" + kDay +
                   "&office=" + office)["totals"];
  }

  json Node(const std::string& id) {
    const json list = GetJson("/api/v1/nodes");
    for (const json& n : list["nodes"]) {
      if (n.value("id", "") == id) return n;
    }
    return nullptr;
  }

  std::vector<json> ForgedAlerts() {
    std::vector<json> out;
    const json list = GetJson("/api/v1/alerts?status=all");
    for (const json& a : list["alerts"]) {
      if (a.value("kind", "") == "forged_events") out.push_back(a);
    }
    return out;
  }

  // Audit entries of refused events, and how many events they cover.
  uint64_t AuditedRefusals(const std::string& node, size_t* entries) {
    uint64_t events = 0;
    *entries = 0;
    const json list = GetJson("/api/v1/audit");
    for (const json& e : list["entries"]) {
      if (e.value("action", "") != "events.refused" || e.value("target", "") != node) continue;
      ++*entries;
      events += e["detail"].value("refused_events", uint64_t{0});
    }
    return events;
  }

  // Waits until the node's refused events reach `n`, and its alert and
  // audit entry are there.
  void WaitRefused(const std::string& node, uint64_t n) {
    ASSERT_TRUE(testing::WaitUntil(
        [&] {
          json j = Node(node);
          size_t entries = 0;
          return j.is_object() && j.value("refused_events", uint64_t{0}) == n &&
                 !ForgedAlerts().empty() && AuditedRefusals(node, &entries) == n;
        },
        std::chrono::seconds(20), std::chrono::milliseconds(50)))
        << Node(node).dump() << hub_.LogTail();
  }

  HubProcess hub_;
  Session admin_;
};

RatingSpec At(const std::string& office, int minute,
              fb::Classification c = fb::Classification::Satisfied) {
  RatingSpec r;
  r.office = office;
  r.classification = c;
  r.time_ms = VnTime(kDay, 9, minute);
  return r;
}

TEST_F(ForgedEventsTest, ANodeClaimingAnotherOfficeCountsNowhere) {
  // Office p2's own node: one unsatisfied rating.
  ChainBuilder p2("edge-p2");
  ASSERT_EQ(hub_.Push(kTokenP2, "edge-p2",
                      Frames({p2.Next(Rating(At("p2", 0, fb::Classification::Unsatisfied)),
                                      VnTime(kDay, 9))}))
                .status,
            200);
  // edge-p1, configured (by whoever holds it) as office p2, pushes 30
  // satisfied ratings naming p2 with its own token, then honest ones.
  ChainBuilder p1("edge-p1");
  std::vector<std::string> forged;
  for (int i = 0; i < 30; ++i) forged.push_back(p1.Next(Rating(At("p2", i)), VnTime(kDay, 10)));
  auto res = hub_.Push(kTokenP1, "edge-p1", Frames(forged));
  ASSERT_EQ(res.status, 200) << res.body;  // stored as evidence: honest traffic is not stalled
  EXPECT_EQ(json::parse(res.body)["stored"], 30);
  std::vector<std::string> honest;
  honest.push_back(p1.Next(Rating(At("p1", 40)), VnTime(kDay, 11)));
  honest.push_back(p1.Next(Rating(At("", 41)), VnTime(kDay, 11)));  // "" = the node's own office
  ASSERT_EQ(hub_.Push(kTokenP1, "edge-p1", Frames(honest)).status, 200);
  ASSERT_TRUE(WaitCaughtUp(hub_, admin_));
  WaitRefused("edge-p1", 30);

  json b = OfficeTotals("p2");
  EXPECT_EQ(b["ratings"], 1) << b.dump();
  EXPECT_EQ(b["satisfied"], 0);
  EXPECT_EQ(b["unsatisfied"], 1);
  json a = OfficeTotals("p1");
  EXPECT_EQ(a["ratings"], 2) << a.dump();
  // Not even in the rating list of the office.
  json ratings = GetJson(std::string("/api/v1/ratings?from=") + kDay + "&to=" + kDay +
                         "&office=p2&include_excluded=true");
  EXPECT_EQ(ratings["ratings"].size(), 1u) << ratings.dump();

  json node = Node("edge-p1");
  EXPECT_EQ(node["refused"], 30) << node.dump();
  EXPECT_EQ(node["refused_pushes"], 0);
  EXPECT_EQ(node["last_refused_event"]["reason"], "other_office");
  EXPECT_EQ(node["last_refused_event"]["office"], "p2");
  EXPECT_EQ(Node("edge-p2")["refused"], 0);
  auto alerts = ForgedAlerts();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0]["node"], "edge-p1");
  EXPECT_EQ(alerts[0]["office"], "p1");
  EXPECT_EQ(alerts[0]["count"], 30);
  EXPECT_NE(alerts[0]["message_en"].get<std::string>().find("edge-p1"), std::string::npos);
  size_t entries = 0;
  EXPECT_EQ(AuditedRefusals("edge-p1", &entries), 30u);
  EXPECT_EQ(entries, 1u);

  // More forged events while the alert is open: audited, no second alert;
  // once it is closed, the next ones raise a new one.
  ASSERT_EQ(
      hub_.Push(kTokenP1, "edge-p1", Frames({p1.Next(Rating(At("p2", 50)), VnTime(kDay, 12))}))
          .status,
      200);
  WaitRefused("edge-p1", 31);
  EXPECT_EQ(ForgedAlerts().size(), 1u);
  res = hub_.Post("/api/v1/alerts/" + alerts[0]["id"].get<std::string>() + "/close", "{}",
                  admin_.Write());
  ASSERT_EQ(res.status, 200) << res.body;
  ASSERT_TRUE(testing::WaitUntil([&] { return ForgedAlerts().size() == 2; },
                                 std::chrono::seconds(20), std::chrono::milliseconds(50)));
  EXPECT_EQ(OfficeTotals("p2")["ratings"], 1);
}

TEST_F(ForgedEventsTest, EveryHubOnlyEventFromANodeIsRefused) {
  // Office p2's rating, its follow-up-worthy unsatisfied rating, and its name.
  ChainBuilder p2("edge-p2");
  RatingSpec victim = At("p2", 0, fb::Classification::Unsatisfied);
  victim.comment = "quá chậm";
  ASSERT_EQ(
      hub_.Push(kTokenP2, "edge-p2", Frames({p2.Next(Rating(victim), VnTime(kDay, 9))})).status,
      200);
  ASSERT_EQ(hub_.Post("/api/v1/catalogue",
                      json{{"kind", "office"}, {"id", "p2"}, {"name", "Phường Hai"}}.dump(),
                      admin_.Write())
                .status,
            200);
  ASSERT_TRUE(WaitCaughtUp(hub_, admin_));
  const json templates_before = GetJson("/api/v1/templates");

  // edge-p1 makes every hub-only event.
  ChainBuilder p1("edge-p1");
  const int64_t t = VnTime(kDay, 10);
  std::vector<std::string> forged;
  {
    fb::RatingVoidedT v;
    v.rating_origin = "edge-p2";
    v.rating_seq = 1;
    v.reason = "forged";
    v.by = "admin";
    fb::EventBodyUnion b;
    b.Set(std::move(v));
    forged.push_back(p1.Next(std::move(b), t));
  }
  {
    fb::FollowUpOpenedT f;
    f.follow_up_id = "fu-forged";
    f.office = "p2";
    f.reason = "forged";
    fb::EventBodyUnion b;
    b.Set(std::move(f));
    forged.push_back(p1.Next(std::move(b), t));
  }
  {
    fb::FollowUpNotedT n;
    n.follow_up_id = "fu-edge-p2-1";
    n.author = "admin";
    n.note = "forged";
    fb::EventBodyUnion b;
    b.Set(std::move(n));
    forged.push_back(p1.Next(std::move(b), t));
  }
  {
    fb::FollowUpClosedT c;
    c.follow_up_id = "fu-edge-p2-1";
    c.author = "admin";
    c.resolution = "forged";
    fb::EventBodyUnion b;
    b.Set(std::move(c));
    forged.push_back(p1.Next(std::move(b), t));
  }
  {
    fb::CatalogueChangedT c;
    c.kind = fb::CatalogueKind::Office;
    c.id = "p2";
    c.name = "Renamed by edge-p1";
    fb::EventBodyUnion b;
    b.Set(std::move(c));
    forged.push_back(p1.Next(std::move(b), t));
  }
  {
    // A counter of another office (a node's catalogue_file names its own).
    fb::CatalogueChangedT c;
    c.kind = fb::CatalogueKind::Counter;
    c.id = "q1";
    c.office = "p2";
    c.name = "Renamed by edge-p1";
    fb::EventBodyUnion b;
    b.Set(std::move(c));
    forged.push_back(p1.Next(std::move(b), t));
  }
  {
    fb::AlertRaisedT r;
    r.alert_id = "al-forged";
    r.kind = fb::AlertKind::OpenFollowUps;
    r.office = "p2";
    fb::EventBodyUnion b;
    b.Set(std::move(r));
    forged.push_back(p1.Next(std::move(b), t));
  }
  {
    fb::AlertAcknowledgedT a;
    a.alert_id = "al-forged";
    fb::EventBodyUnion b;
    b.Set(std::move(a));
    forged.push_back(p1.Next(std::move(b), t));
  }
  {
    fb::AlertClosedT c;
    c.alert_id = "al-forged";
    fb::EventBodyUnion b;
    b.Set(std::move(c));
    forged.push_back(p1.Next(std::move(b), t));
  }
  const uint64_t kForged = forged.size();
  {
    // Replacing a built-in template district-wide: kept, never applied (the
    // hub's templates are its own; an edge's catalogue_file publishes
    // templates for itself, so this is no alarm).
    fb::TemplatePublishedT tp;
    tp.template_ = std::make_unique<fb::SurveyTemplateT>();
    tp.template_->id = "smiley-4";
    tp.template_->version = 999;
    tp.template_->name = "forged";
    fb::EventBodyUnion b;
    b.Set(std::move(tp));
    forged.push_back(p1.Next(std::move(b), t));
  }
  auto res = hub_.Push(kTokenP1, "edge-p1", Frames(forged));
  ASSERT_EQ(res.status, 200) << res.body;
  // Honest traffic after them keeps flowing and counting.
  ASSERT_EQ(
      hub_.Push(kTokenP1, "edge-p1", Frames({p1.Next(Rating(At("p1", 30)), VnTime(kDay, 11))}))
          .status,
      200);
  ASSERT_TRUE(WaitCaughtUp(hub_, admin_));
  WaitRefused("edge-p1", kForged);

  // Nothing of it took effect.
  json b = OfficeTotals("p2");
  EXPECT_EQ(b["ratings"], 1) << b.dump();
  EXPECT_EQ(b["unsatisfied"], 1);
  EXPECT_EQ(b["excluded"], 0);
  json follow_ups = GetJson("/api/v1/follow-ups?status=all");
  ASSERT_EQ(follow_ups["follow_ups"].size(), 1u) << follow_ups.dump();
  EXPECT_EQ(follow_ups["follow_ups"][0]["status"], "open");
  EXPECT_TRUE(follow_ups["follow_ups"][0]["notes"].empty());
  EXPECT_EQ(hub_.Get("/api/v1/follow-ups/fu-forged", admin_.Read()).status, 404);
  const json catalogue = GetJson("/api/v1/catalogue");
  for (const json& e : catalogue["entries"]) {
    EXPECT_NE(e["name"], "Renamed by edge-p1") << e.dump();
  }
  EXPECT_EQ(GetJson("/api/v1/templates"), templates_before);
  const json all_alerts = GetJson("/api/v1/alerts?status=all");
  for (const json& a : all_alerts["alerts"]) {
    EXPECT_NE(a["id"], "al-forged");
  }
  EXPECT_EQ(OfficeTotals("p1")["ratings"], 1);

  json node = Node("edge-p1");
  EXPECT_EQ(node["refused"], kForged) << node.dump();
  EXPECT_EQ(node["last_refused_event"]["reason"], "hub_only_event");
  EXPECT_EQ(node["last_refused_event"]["type"], "AlertClosed");
  EXPECT_EQ(node["refused_events"], kForged);
  auto alerts = ForgedAlerts();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0]["node"], "edge-p1");
  size_t entries = 0;
  ASSERT_EQ(AuditedRefusals("edge-p1", &entries), kForged);
  const json figures_p1 = OfficeTotals("p1"), figures_p2 = OfficeTotals("p2");

  // The events stay in the log as evidence: the chain still verifies.
  hub_.Stop();
  testing::CommandResult verify;
  ASSERT_TRUE(
      testing::RunCommand(
          {hailong::testing::CtlProgram(), "log", "verify", "--data-dir", hub_.data_dir()}, &verify)
          .ok());
  EXPECT_EQ(verify.exit_code, 0) << verify.output;

  // A rebuild refuses them again: the same figures, no second alert or audit entry.
  testing::CommandResult rebuild = hub_.Run({"--rebuild"});
  ASSERT_EQ(rebuild.exit_code, 0) << rebuild.output;
  hub_.Start();
  admin_ = Login(hub_, "admin");
  ASSERT_TRUE(WaitCaughtUp(hub_, admin_));
  EXPECT_EQ(OfficeTotals("p1"), figures_p1);
  EXPECT_EQ(OfficeTotals("p2"), figures_p2);
  EXPECT_EQ(Node("edge-p1")["refused_events"], kForged);
  // The alert thread has had a pass (an honest push wakes it) and raised nothing new.
  ASSERT_EQ(
      hub_.Push(kTokenP1, "edge-p1", Frames({p1.Next(Rating(At("p1", 31)), VnTime(kDay, 11))}))
          .status,
      200);
  ASSERT_TRUE(testing::WaitUntil([&] { return OfficeTotals("p1")["ratings"] == 2; },
                                 std::chrono::seconds(20), std::chrono::milliseconds(50)));
  EXPECT_EQ(ForgedAlerts().size(), 1u);
  EXPECT_EQ(AuditedRefusals("edge-p1", &entries), kForged);
  EXPECT_EQ(entries, 1u);
}

TEST_F(ForgedEventsTest, TwoOfficesWithTheSameCounterIdKeepTheirOwnNamesAndTemplates) {
  auto post = [&](const json& entry) {
    auto res = hub_.Post("/api/v1/catalogue", entry.dump(), admin_.Write());
    ASSERT_EQ(res.status, 200) << res.body;
  };
  post({{"kind", "office"}, {"id", "p1"}, {"name", "Phường Một"}});
  post({{"kind", "office"}, {"id", "p2"}, {"name", "Phường Hai"}});
  post({{"kind", "counter"},
        {"id", "q1"},
        {"office", "p1"},
        {"name", "Quầy hộ tịch P1"},
        {"attributes", {{"phone_template", "smiley-4"}}}});
  post({{"kind", "counter"},
        {"id", "q1"},
        {"office", "p2"},
        {"name", "Quầy đất đai P2"},
        {"attributes", {{"phone_template", "gia-lam-phone"}}}});
  // A field named for the district, and again by p2 for itself.
  post({{"kind", "field"}, {"id", "HT"}, {"name", "Hộ tịch"}});
  post({{"kind", "field"}, {"id", "HT"}, {"office", "p2"}, {"name", "Hộ tịch (P2)"}});
  ChainBuilder p1("edge-p1"), p2("edge-p2");
  RatingSpec r1 = At("p1", 0), r2 = At("p2", 1);
  r1.field = r2.field = "HT";
  ASSERT_EQ(hub_.Push(kTokenP1, "edge-p1", Frames({p1.Next(Rating(r1), r1.time_ms)})).status, 200);
  ASSERT_EQ(hub_.Push(kTokenP2, "edge-p2", Frames({p2.Next(Rating(r2), r2.time_ms)})).status, 200);
  ASSERT_TRUE(WaitCaughtUp(hub_, admin_));

  json rows = GetJson(std::string("/api/v1/report?from=") + kDay + "&to=" + kDay +
                      "&group_by=counter")["rows"];
  ASSERT_EQ(rows.size(), 2u) << rows.dump();
  for (const json& row : rows) {
    EXPECT_EQ(row["counter"], "q1");
    EXPECT_EQ(row["name"], row["office"] == "p1" ? "Quầy hộ tịch P1" : "Quầy đất đai P2")
        << row.dump();
  }
  auto field_name = [&](const std::string& office) {
    json f = GetJson(std::string("/api/v1/report?from=") + kDay + "&to=" + kDay +
                     "&group_by=field&office=" + office)["rows"];
    return f.size() == 1 ? f[0].value("name", "") : f.dump();
  };
  EXPECT_EQ(field_name("p1"), "Hộ tịch");
  EXPECT_EQ(field_name("p2"), "Hộ tịch (P2)");

  json s1 = json::parse(hub_.Get("/public/v1/survey/p1/q1").body, nullptr, false);
  json s2 = json::parse(hub_.Get("/public/v1/survey/p2/q1").body, nullptr, false);
  EXPECT_EQ(s1["counter_name"], "Quầy hộ tịch P1") << s1.dump();
  EXPECT_EQ(s2["counter_name"], "Quầy đất đai P2") << s2.dump();
  EXPECT_EQ(s1["office_name"], "Phường Một");
  EXPECT_EQ(s1["template"]["id"], "smiley-4");
  EXPECT_EQ(s2["template"]["id"], "gia-lam-phone");

  // Both entries are in the catalogue, each with its office.
  int counters = 0;
  const json counters_list = GetJson("/api/v1/catalogue?kind=counter");
  for (const json& e : counters_list["entries"]) {
    if (e["id"] == "q1") ++counters;
  }
  EXPECT_EQ(counters, 2);
}

}  // namespace
}  // namespace hailong::hub_test
