// The offices' reporting questions answered by a real hub (issue 16, items
// 1, 3, 5, 9):
// Decision 766 on the clock (a dossier pending past due counts from the
// moment it passes due, seen at the report's "as of" time) with complaints
// recorded at the hub; the full four-level scale kept apart; "trên 80%" as
// a strict target and targets per indicator and office; a dossier's review
// (ratings by receipt, timeline). Figures are hand-computed below (also in
// hub/src/report_decision766.md).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hailong/testing/process.h"
#include "hub_harness.h"

namespace hailong::hub_test {
namespace {

using json = nlohmann::json;

constexpr char kDay[] = "2025-11-10";
constexpr int64_t kDayMs = 24 * 3600 * 1000;

// Office p1, all dossiers in field HT / procedure HT-01, received on
// 2025-11-10 08:00 at q1 by o1, due 2025-11-12 08:00, unless said:
//   D1 returned 11-11 (on time), rated very satisfied
//   D2 returned 11-14 (late)                        -> overdue (returned late)
//   D3 never returned                               -> overdue from 11-12 on (pending past due)
//   D4 returned 11-11, a complaint by letter        -> complained (recorded at the hub)
//   D5 returned 11-11, rated unsatisfied            -> unsatisfied
//   D8 never returned, rated unsatisfied            -> unsatisfied (counted once)
//   D9 received 11-29, due 2025-12-01, never returned: not yet due on 11-30,
//      overdue in a report whose period reaches 12-01
// Ratings on 2025-11-10 (a smiley scale): 3 very satisfied (one about D1),
// 5 satisfied, 2 unsatisfied (D5, D8): satisfaction 8 / 10 = exactly 80 %.
// November (as of 2025-11-30 23:59:59.999): 7 dossiers, unsatisfied D2 D3
// D4 D5 D8 = 5, Decision 766 = 2 / 7; one of them pending past due (D3).
// November-December (as of 2025-12-31): D9 too: 6, 1 / 7, two pending.
std::vector<std::string> Scenario(ChainBuilder* c) {
  std::vector<std::string> e;
  const int64_t t0 = VnTime(kDay, 8);
  const int64_t due = t0 + 2 * kDayMs;
  auto received = [&](const std::string& receipt, int64_t at, int64_t due_ms) {
    e.push_back(NextDossier(c, receipt, "q1", "o1", "HT", "HT-01", due_ms, at, false));
  };
  auto returned = [&](const std::string& receipt, int64_t at) {
    e.push_back(NextDossier(c, receipt, "q5", "o5", "HT", "HT-01", 0, at, true));
  };
  for (const char* d : {"D1", "D2", "D3", "D4", "D5", "D8"}) received(d, t0, due);
  received("D9", VnTime("2025-11-29", 8), VnTime("2025-12-01", 8));
  auto rating = [&](fb::Classification cls, const std::string& option, const std::string& dossier,
                    int minute) {
    RatingSpec r;
    r.template_id = "smiley-4";
    r.classification = cls;
    r.dossier = dossier;
    r.field = "HT";
    r.procedure = "HT-01";
    r.time_ms = VnTime(kDay, 9, minute);
    fb::EventBodyUnion body = Rating(r);
    body.AsRatingSubmitted()->answers[0]->criterion = "level";
    body.AsRatingSubmitted()->answers[0]->option = option;
    e.push_back(c->Next(std::move(body), r.time_ms));
  };
  const auto kSat = fb::Classification::Satisfied, kUnsat = fb::Classification::Unsatisfied;
  rating(kSat, "very_satisfied", "D1", 0);
  rating(kSat, "very_satisfied", "", 1);
  rating(kSat, "very_satisfied", "", 2);
  for (int i = 0; i < 5; ++i) rating(kSat, "satisfied", "", 10 + i);
  rating(kUnsat, "unsatisfied", "D5", 20);
  rating(kUnsat, "unsatisfied", "D8", 21);
  returned("D1", t0 + 1 * kDayMs);
  returned("D2", t0 + 4 * kDayMs);
  returned("D4", t0 + 1 * kDayMs);
  returned("D5", t0 + 1 * kDayMs);
  return e;
}

class ReportSeedsTest : public ::testing::Test {
 protected:
  void StartHub(json extra = json::object()) {
    HubOptions o;
    o.extra = std::move(extra);
    hub_ = std::make_unique<HubProcess>(o);
    hub_->Start();
    admin_ = Login(*hub_, "admin");
    manager_ = Login(*hub_, "manager");
    viewer_ = Login(*hub_, "viewer");
  }

  void PushScenario(std::vector<std::string> extra = {}) {
    ChainBuilder p1("edge-p1");
    std::vector<std::string> events = Scenario(&p1);
    auto res = hub_->Push(kTokenP1, "edge-p1", Frames(events));
    ASSERT_EQ(res.status, 200) << res.body;
    ASSERT_TRUE(WaitCaughtUp(*hub_, admin_));
  }

  testing::HttpResponse RecordComplaint(const Session& s, const json& body) {
    return hub_->Post("/api/v1/complaints", body.dump(), s.Write());
  }

  json Report(const std::string& query) { return GetReport(*hub_, admin_, query); }
  static const json* Row(const json& report, const std::string& key, const std::string& value) {
    return ReportRow(report, key, value);
  }

  std::unique_ptr<HubProcess> hub_;
  Session admin_, manager_, viewer_;
};

const json kLetter = {
    {"office", "p1"},
    {"dossier", "D4"},
    {"channel", "letter"},
    {"received_at", "2025-11-12"},
    {"note", "Ông Nguyễn Văn Ánh, 0912 345 678: hồ sơ bị yêu cầu bổ sung hai lần"}};

TEST_F(ReportSeedsTest, Decision766CountsPendingPastDueAndRecordedComplaintsAsOfThePeriodEnd) {
  StartHub();
  PushScenario();
  auto res = RecordComplaint(manager_, kLetter);
  ASSERT_EQ(res.status, 200) << res.body;
  json november = Report("from=2025-11-01&to=2025-11-30");
  const json* p1 = Row(november, "office", "p1");
  ASSERT_NE(p1, nullptr) << november.dump(2);
  EXPECT_EQ((*p1)["dossiers"], 7);
  EXPECT_EQ((*p1)["unsatisfied_dossiers"], 5);
  EXPECT_EQ((*p1)["overdue_pending_dossiers"], 1);
  EXPECT_DOUBLE_EQ((*p1)["decision766_rate"].get<double>(), 2.0 / 7);
  EXPECT_EQ(november["as_of"], "2025-11-30T16:59:59.999Z");
  // Through December, D9 passed its due (2025-12-01) while pending.
  json two = Report("from=2025-11-01&to=2025-12-31");
  p1 = Row(two, "office", "p1");
  ASSERT_NE(p1, nullptr);
  EXPECT_EQ((*p1)["unsatisfied_dossiers"], 6);
  EXPECT_EQ((*p1)["overdue_pending_dossiers"], 2);
  EXPECT_DOUBLE_EQ((*p1)["decision766_rate"].get<double>(), 1.0 / 7);
  EXPECT_EQ(two["totals"]["unsatisfied_dossiers"], 6);
  // The same by day (entry days), and through a filter (the dossier scan).
  json by_day = Report("from=2025-11-01&to=2025-11-30&group_by=day");
  ASSERT_NE(Row(by_day, "day", "2025-11-10"), nullptr) << by_day.dump(2);
  EXPECT_EQ((*Row(by_day, "day", "2025-11-10"))["unsatisfied_dossiers"], 5);
  EXPECT_EQ((*Row(by_day, "day", "2025-11-29"))["unsatisfied_dossiers"], 0);
  for (const char* q :
       {"from=2025-11-01&to=2025-11-30&field=HT", "from=2025-11-01&to=2025-11-30&group_by=counter",
        "from=2025-11-01&to=2025-11-30&group_by=procedure&procedure=HT-01"}) {
    json r = Report(q);
    EXPECT_EQ(r["totals"]["dossiers"], 7) << q;
    EXPECT_EQ(r["totals"]["unsatisfied_dossiers"], 5) << q;
    EXPECT_EQ(r["totals"]["overdue_pending_dossiers"], 1) << q;
  }
  json filtered = Report("from=2025-11-01&to=2025-12-31&field=HT");
  EXPECT_EQ(filtered["totals"]["unsatisfied_dossiers"], 6);
  // A second complaint about the same dossier changes no figure; one about
  // a dossier already unsatisfied neither.
  json again = kLetter;
  again["channel"] = "hotline";
  ASSERT_EQ(RecordComplaint(manager_, again).status, 200);
  again["dossier"] = "D5";
  ASSERT_EQ(RecordComplaint(manager_, again).status, 200);
  EXPECT_EQ(Row(Report("from=2025-11-01&to=2025-11-30"), "office", "p1")
                ->value("unsatisfied_dossiers", -1),
            5);
  // A complaint about D1 (satisfied, on time) makes it count.
  again["dossier"] = "D1";
  again["channel"] = "portal";
  ASSERT_EQ(RecordComplaint(manager_, again).status, 200);
  EXPECT_EQ(Row(Report("from=2025-11-01&to=2025-11-30"), "office", "p1")
                ->value("unsatisfied_dossiers", -1),
            6);
  // The rebuild gives the same figures.
  hub_->Stop();
  auto rebuilt = hub_->Run({"--rebuild"});
  ASSERT_EQ(rebuilt.exit_code, 0) << rebuilt.output;
  hub_->Start();
  admin_ = Login(*hub_, "admin");
  p1 = nullptr;
  json after = Report("from=2025-11-01&to=2025-12-31");
  EXPECT_EQ(Row(after, "office", "p1")->value("unsatisfied_dossiers", -1), 7);
  EXPECT_EQ(Row(after, "office", "p1")->value("overdue_pending_dossiers", -1), 2);
}

TEST_F(ReportSeedsTest, ComplaintsAreForManagersOfTheOfficeAndKeepTheirNoteSealed) {
  StartHub();
  PushScenario();
  // Viewers cannot record; a manager of another office cannot either.
  auto res = RecordComplaint(viewer_, kLetter);
  EXPECT_EQ(res.status, 403) << res.body;
  json other = kLetter;
  other["office"] = "p2";
  EXPECT_EQ(RecordComplaint(manager_, other).status, 403);
  json bad = kLetter;
  bad["channel"] = "pigeon";
  EXPECT_EQ(RecordComplaint(manager_, bad).status, 400);
  EXPECT_EQ(hub_->Post("/api/v1/complaints", kLetter.dump(), manager_.Write(), "text/plain").status,
            415);
  res = RecordComplaint(manager_, kLetter);
  ASSERT_EQ(res.status, 200) << res.body;
  const json recorded = json::parse(res.body);
  EXPECT_EQ(recorded["channel"], "letter");
  EXPECT_EQ(recorded["by"], "manager");
  // The note is in no log in clear.
  auto pull = hub_->Get("/api/v1/replication/pull?origin=hub-private&from=1&max_bytes=1000000",
                        admin_.Read());
  ASSERT_EQ(pull.status, 200);
  EXPECT_EQ(pull.body.find("Nguyễn Văn Ánh"), std::string::npos);
  EXPECT_EQ(pull.body.find("0912 345 678"), std::string::npos);
  // Managers read it, viewers do not.
  auto list = hub_->Get("/api/v1/complaints?office=p1&dossier=D4", manager_.Read());
  ASSERT_EQ(list.status, 200) << list.body;
  json l = json::parse(list.body);
  ASSERT_EQ(l["complaints"].size(), 1u);
  EXPECT_EQ(l["complaints"][0]["note"], kLetter["note"]);
  list = hub_->Get("/api/v1/complaints?office=p1&dossier=D4", viewer_.Read());
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body.find("Nguyễn"), std::string::npos) << list.body;
  EXPECT_TRUE(json::parse(list.body)["complaints"][0]["has_note"].get<bool>());
  // Audited: the record and the manager's reading.
  auto audit = hub_->Get("/api/v1/audit?from=2020-01-01&to=2099-12-31", admin_.Read());
  EXPECT_NE(audit.body.find("complaint.record"), std::string::npos);
  EXPECT_NE(audit.body.find("complaints.list"), std::string::npos);
}

TEST_F(ReportSeedsTest, TheFullScaleIsKeptApartAndEightyPercentIsNotAboveEighty) {
  StartHub(json{{"targets", {{"offices", {{"p1", {{"decision766", 0.5}}}}}}}});
  PushScenario();
  json r = Report("from=2025-11-01&to=2025-11-30");
  const json* p1 = Row(r, "office", "p1");
  ASSERT_NE(p1, nullptr);
  EXPECT_EQ((*p1)["ratings"], 10);
  EXPECT_EQ((*p1)["satisfied"],
            8);  // the report's contract (hub/README.md): every satisfied rating
  EXPECT_EQ((*p1)["very_satisfied"], 3);
  EXPECT_EQ((*p1)["satisfied_only"], 5);
  EXPECT_EQ((*p1)["neutral"], 0);
  EXPECT_EQ((*p1)["unsatisfied"], 2);
  EXPECT_DOUBLE_EQ((*p1)["satisfaction_rate"].get<double>(), 0.8);
  // HCMC: "trên 80%": exactly 80 % is not above the target.
  EXPECT_EQ((*p1)["target_satisfaction"], 0.8);
  EXPECT_TRUE((*p1)["below_satisfaction_target"].get<bool>());
  // Participation: D1, D5, D8 rated of 7 = 42.9 % >= 40 % ("ít nhất").
  EXPECT_FALSE((*p1)["below_participation_target"].get<bool>());
  // p1's own Decision 766 target: 2/7 < 50 %.
  EXPECT_EQ((*p1)["target_decision766"], 0.5);
  EXPECT_TRUE((*p1)["below_decision766_target"].get<bool>());
  EXPECT_EQ(r["satisfaction_neutral"], "not_satisfied");
  auto targets = hub_->Get("/api/v1/targets?from=2025-11-01&to=2025-11-30", admin_.Read());
  ASSERT_EQ(targets.status, 200);
  EXPECT_NE(json::parse(targets.body)["below_target"].dump().find("p1"), std::string::npos);
  // CSV and XLSX keep the levels apart, with exact Vietnamese text.
  ASSERT_EQ(
      hub_->Post("/api/v1/catalogue",
                 json{{"kind", "office"}, {"id", "p1"}, {"name", "Bộ phận một cửa xã Vạn Hưng"}}
                     .dump(),
                 admin_.Write())
          .status,
      200);
  auto csv = hub_->Get("/api/v1/report.csv?from=2025-11-01&to=2025-11-30&lang=vi", admin_.Read());
  ASSERT_EQ(csv.status, 200);
  for (const char* text :
       {"Rất hài lòng", "Hài lòng (không gồm rất hài lòng)", "Bình thường", "Không hài lòng",
        "Hồ sơ đang giải quyết đã quá hạn", "Bộ phận một cửa xã Vạn Hưng"}) {
    EXPECT_NE(csv.body.find(text), std::string::npos) << text;
  }
  EXPECT_NE(csv.body.find("p1,Bộ phận một cửa xã Vạn Hưng,10,8,0,2,0.8,"), std::string::npos)
      << csv.body;
  // Then: overdue pending (1), very satisfied (3), satisfied only (5), and
  // participation by stage and by visits (ratings of unknown stage, no visits).
  EXPECT_NE(csv.body.find(",1,3,5,0,0.0,0,0.0,0,0.0\r\n"), std::string::npos) << csv.body;
  auto xlsx =
      hub_->Get("/api/v1/report.xlsx?from=2025-11-01&to=2025-11-30&office=p1", admin_.Read());
  ASSERT_EQ(xlsx.status, 200);
  const std::string path = hub_->dir().WriteFile("seeds.xlsx", xlsx.body);
  testing::CommandResult unzip;
  ASSERT_TRUE(testing::RunCommand({"unzip", "-p", path, "xl/sharedStrings.xml"}, &unzip).ok());
  for (const char* text : {"Rất hài lòng", "Hài lòng (không gồm rất hài lòng)",
                           "Hồ sơ đang giải quyết đã quá hạn", "Bộ phận một cửa xã Vạn Hưng"}) {
    EXPECT_NE(unzip.output.find(text), std::string::npos) << text;
  }
}

TEST_F(ReportSeedsTest, TheNeutralPolicyIsTheDistrictsChoice) {
  // One neutral rating more: 3 very + 5 satisfied + 1 neutral + 2 unsatisfied.
  for (const char* policy : {"not_satisfied", "excluded", "satisfied"}) {
    StartHub(json{{"satisfaction_neutral", policy}});
    PushScenario();
    ChainBuilder p2("edge-p2");
    RatingSpec n;
    n.office = "p2";
    n.classification = fb::Classification::Neutral;
    n.time_ms = VnTime(kDay, 10);
    ASSERT_EQ(hub_->Push(kTokenP2, "edge-p2", Frames({p2.Next(Rating(n), n.time_ms)})).status, 200);
    ASSERT_TRUE(WaitCaughtUp(*hub_, admin_));
    json r = Report("from=2025-11-01&to=2025-11-30");
    EXPECT_EQ(r["satisfaction_neutral"], policy);
    const double rate = r["totals"]["satisfaction_rate"].get<double>();
    const std::string p(policy);
    // 8 satisfied, 1 neutral, 11 ratings.
    const double want = p == "not_satisfied" ? 8.0 / 11 : p == "excluded" ? 8.0 / 10 : 9.0 / 11;
    EXPECT_DOUBLE_EQ(rate, want) << policy;
    // p2's only rating is neutral.
    const json* p2row = Row(r, "office", "p2");
    ASSERT_NE(p2row, nullptr);
    EXPECT_DOUBLE_EQ((*p2row)["satisfaction_rate"].get<double>(), p == "satisfied" ? 1.0 : 0.0);
    hub_->Stop();
  }
}

TEST_F(ReportSeedsTest, ADossierIsReviewedByItsReceipt) {
  StartHub();
  PushScenario();
  ASSERT_EQ(RecordComplaint(manager_, kLetter).status, 200);
  // Ratings by receipt, whatever the period.
  auto res = hub_->Get("/api/v1/ratings?receipt=D1", manager_.Read());
  ASSERT_EQ(res.status, 200) << res.body;
  json ratings = json::parse(res.body)["ratings"];
  ASSERT_EQ(ratings.size(), 1u);
  EXPECT_EQ(ratings[0]["answers"]["level"], "very_satisfied");
  EXPECT_EQ(
      json::parse(hub_->Get("/api/v1/ratings?receipt=D2", manager_.Read()).body)["ratings"].size(),
      0u);
  // The timeline of D4: received, returned, the complaint; the reason it counts.
  res = hub_->Get("/api/v1/dossiers/p1/D4", manager_.Read());
  ASSERT_EQ(res.status, 200) << res.body;
  json t = json::parse(res.body);
  std::vector<std::string> kinds;
  for (const auto& s : t["steps"]) kinds.push_back(s["kind"]);
  EXPECT_EQ(kinds, (std::vector<std::string>{"received", "returned", "complaint"})) << t.dump(2);
  EXPECT_EQ(t["decision766_reasons"], json::array({"complaint_recorded"}));
  EXPECT_EQ(t["steps"][2]["complaint"]["note"], kLetter["note"]);
  // D3: pending past due. D8: rated unsatisfied and pending past due.
  t = json::parse(hub_->Get("/api/v1/dossiers/p1/D3", manager_.Read()).body);
  EXPECT_EQ(t["status"], "pending");
  EXPECT_EQ(t["decision766_reasons"], json::array({"pending_past_due"}));
  t = json::parse(hub_->Get("/api/v1/dossiers/p1/D8", viewer_.Read()).body);
  EXPECT_EQ(t["decision766_reasons"],
            json::array({"rated_unsatisfied_or_complained", "pending_past_due"}));
  // Viewers: no personal text.
  res = hub_->Get("/api/v1/dossiers/p1/D4", viewer_.Read());
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.body.find("Nguyễn"), std::string::npos) << res.body;
  // Other offices' dossiers and unknown ones are not found.
  EXPECT_EQ(hub_->Get("/api/v1/dossiers/p1/NONE", manager_.Read()).status, 404);
  EXPECT_EQ(hub_->Get("/api/v1/dossiers/p2/D4", manager_.Read()).status, 404);
}

}  // namespace
}  // namespace hailong::hub_test
