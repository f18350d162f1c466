// Report filters (field, procedure, counter, officer, channel and
// group_by=channel) against a real hub, over ratings and dossiers with
// hand-computed answers: each filter alone, two combined, grouping by
// channel, a filtered CSV, unknown and bad values, a role-scoped user, and
// a filter that selects everything giving the unfiltered report.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hub_harness.h"

namespace hailong::hub_test {
namespace {

using json = nlohmann::json;

constexpr int64_t kDayMs = 24 * 3600 * 1000;
const std::string kPeriod = "from=2026-11-01&to=2026-11-30";

// Office p1 (edge-p1), seq in brackets:
//   [1] D1 received 11-10 q1/o1 HT/HT-01, due +2 d; [10] returned 11-11 at q1/o1 (on time)
//   [2] D2 received 11-10 q2/o2 DD/DD-01, due +1 d
//   [3] D3 received 11-12 q1/o2 HT/HT-02
//   [4] r1 11-10 q1/o1 HT/HT-01 touchscreen satisfied about D1
//   [5] r2 11-10 q2/o2 DD/DD-01 phone unsatisfied about D2
//   [6] r3 11-11 q2/o2 DD/DD-01 button_box neutral
//   [7] r4 11-12 q1/o2 HT/HT-02 web satisfied about D3
//   [8] r5 11-10 q1/o1 HT/HT-01 touchscreen satisfied, suspected misuse
//   [9] r6 11-10 q1/o1 HT/HT-01 phone satisfied (voided by the test)
std::vector<std::string> OfficeP1(ChainBuilder* c) {
  std::vector<std::string> e;
  auto dossier = [&](const auto&... args) { e.push_back(NextDossier(c, args...)); };
  auto rating = [&](const std::string& counter, const std::string& officer,
                    const std::string& field, const std::string& procedure, fb::Channel channel,
                    fb::Classification cls, const std::string& receipt, int64_t at,
                    bool misuse = false) {
    RatingSpec r;
    r.counter = counter;
    r.officer = officer;
    r.field = field;
    r.procedure = procedure;
    r.channel = channel;
    r.classification = cls;
    r.dossier = receipt;
    r.time_ms = at;
    r.misuse = misuse;
    e.push_back(c->Next(Rating(r), at));
  };
  const int64_t t0 = VnTime("2026-11-10", 8);
  dossier("D1", "q1", "o1", "HT", "HT-01", t0 + 2 * kDayMs, t0, false);
  dossier("D2", "q2", "o2", "DD", "DD-01", t0 + kDayMs, t0 + 60000, false);
  dossier("D3", "q1", "o2", "HT", "HT-02", 0, VnTime("2026-11-12", 8), false);
  using C = fb::Classification;
  using Ch = fb::Channel;
  rating("q1", "o1", "HT", "HT-01", Ch::Touchscreen, C::Satisfied, "D1", VnTime("2026-11-10", 9));
  rating("q2", "o2", "DD", "DD-01", Ch::Phone, C::Unsatisfied, "D2", VnTime("2026-11-10", 10));
  rating("q2", "o2", "DD", "DD-01", Ch::ButtonBox, C::Neutral, "", VnTime("2026-11-11", 9));
  rating("q1", "o2", "HT", "HT-02", Ch::Web, C::Satisfied, "D3", VnTime("2026-11-12", 9));
  rating("q1", "o1", "HT", "HT-01", Ch::Touchscreen, C::Satisfied, "", VnTime("2026-11-10", 11),
         true);
  rating("q1", "o1", "HT", "HT-01", Ch::Phone, C::Satisfied, "", VnTime("2026-11-10", 12));
  dossier("D1", "q1", "o1", "HT", "HT-01", 0, t0 + kDayMs, true);
  return e;
}

// Office p2 (edge-p2): everything at q1/o1 HT/HT-01.
//   E1 received 11-10 due +1 d, returned 11-13 (late); a satisfied touchscreen
//   rating about E1, a suspected-misuse one and an unsatisfied phone one.
std::vector<std::string> OfficeP2(ChainBuilder* c) {
  std::vector<std::string> e;
  const int64_t t0 = VnTime("2026-11-10", 8);
  DossierSpec d;
  d.office = "p2";
  d.receipt = "E1";
  d.field = "HT";
  d.procedure = "HT-01";
  d.due_ms = t0 + kDayMs;
  d.at_ms = t0;
  e.push_back(c->Next(Dossier(d), d.at_ms));
  RatingSpec r;
  r.office = "p2";
  r.field = "HT";
  r.procedure = "HT-01";
  r.dossier = "E1";
  r.time_ms = VnTime("2026-11-10", 9);
  e.push_back(c->Next(Rating(r), r.time_ms));
  r.dossier = "";
  r.misuse = true;
  r.time_ms = VnTime("2026-11-10", 10);
  e.push_back(c->Next(Rating(r), r.time_ms));
  r.misuse = false;
  r.classification = fb::Classification::Unsatisfied;
  r.channel = fb::Channel::Phone;
  r.time_ms = VnTime("2026-11-11", 10);
  e.push_back(c->Next(Rating(r), r.time_ms));
  d.returned = true;
  d.at_ms = t0 + 3 * kDayMs;
  e.push_back(c->Next(Dossier(d), d.at_ms));
  return e;
}

class HubReportFilterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    hub_ = new HubProcess();
    hub_->Start();
    admin_ = new Session(Login(*hub_, "admin"));
    ChainBuilder p1("edge-p1");
    auto res = hub_->Push(kTokenP1, "edge-p1", Frames(OfficeP1(&p1)));
    ASSERT_EQ(res.status, 200) << res.body;
    ChainBuilder p2("edge-p2");
    res = hub_->Push(kTokenP2, "edge-p2", Frames(OfficeP2(&p2)));
    ASSERT_EQ(res.status, 200) << res.body;
    ASSERT_TRUE(WaitCaughtUp(*hub_, *admin_));
    res = hub_->Post("/api/v1/ratings/edge-p1/9/void", json{{"reason", "nhập nhầm"}}.dump(),
                     admin_->Write());
    ASSERT_EQ(res.status, 200) << res.body;
    ASSERT_TRUE(WaitCaughtUp(*hub_, *admin_));
  }
  static void TearDownTestSuite() {
    delete admin_;
    delete hub_;
  }

  static json Report(const std::string& query, const Session& s) {
    auto res = hub_->Get("/api/v1/report?" + kPeriod + "&" + query, s.Read());
    EXPECT_EQ(res.status, 200) << query << ": " << res.body;
    return json::parse(res.body, nullptr, false);
  }
  static json Report(const std::string& query) { return Report(query, *admin_); }

  static const json* Row(const json& report, const std::string& key, const std::string& value) {
    return ReportRow(report, key, value);
  }

  // ratings, satisfied, neutral, unsatisfied, excluded of a row.
  static std::vector<int> Ratings(const json& row) {
    return {row["ratings"].get<int>(), row["satisfied"].get<int>(), row["neutral"].get<int>(),
            row["unsatisfied"].get<int>(), row["excluded"].get<int>()};
  }
  // dossiers, rated_dossiers, unsatisfied_dossiers (-1 = null).
  static std::vector<int> Dossiers(const json& row) {
    std::vector<int> out;
    for (const char* k : {"dossiers", "rated_dossiers", "unsatisfied_dossiers"}) {
      out.push_back(row[k].is_null() ? -1 : row[k].get<int>());
    }
    return out;
  }

  static HubProcess* hub_;
  static Session* admin_;
};

HubProcess* HubReportFilterTest::hub_ = nullptr;
Session* HubReportFilterTest::admin_ = nullptr;

TEST_F(HubReportFilterTest, UnfilteredBaseline) {
  json r = Report("office=p1");
  ASSERT_EQ(r["rows"].size(), 1u) << r.dump(2);
  EXPECT_EQ(Ratings(r["rows"][0]), (std::vector<int>{4, 2, 1, 1, 2}));
  EXPECT_EQ(Dossiers(r["rows"][0]), (std::vector<int>{3, 3, 1}));
  EXPECT_EQ(r["rows"][0]["returned"], 1);
}

TEST_F(HubReportFilterTest, EachFilterAlone) {
  json r = Report("office=p1&field=HT");
  ASSERT_EQ(r["rows"].size(), 1u) << r.dump(2);
  EXPECT_EQ(Ratings(r["rows"][0]), (std::vector<int>{2, 2, 0, 0, 2}));
  EXPECT_EQ(Dossiers(r["rows"][0]), (std::vector<int>{2, 2, 0}));
  EXPECT_DOUBLE_EQ(r["rows"][0]["participation_rate"].get<double>(), 1.0);
  EXPECT_EQ(r["rows"][0]["returned"], 1);
  EXPECT_EQ(r["rows"][0]["returned_on_time"], 1);

  r = Report("office=p1&procedure=DD-01");
  ASSERT_EQ(r["rows"].size(), 1u) << r.dump(2);
  EXPECT_EQ(Ratings(r["rows"][0]), (std::vector<int>{2, 0, 1, 1, 0}));
  EXPECT_EQ(Dossiers(r["rows"][0]), (std::vector<int>{1, 1, 1}));
  EXPECT_EQ(r["rows"][0]["returned"], 0);

  // Returns count at the return's own counter (the dossier record keeps
  // it): D1 was returned at q1, on time.
  r = Report("office=p1&counter=q1");
  ASSERT_EQ(r["rows"].size(), 1u) << r.dump(2);
  EXPECT_EQ(Ratings(r["rows"][0]), (std::vector<int>{2, 2, 0, 0, 2}));
  EXPECT_EQ(Dossiers(r["rows"][0]), (std::vector<int>{2, 2, 0}));
  EXPECT_EQ(r["rows"][0]["returned"], 1);
  EXPECT_EQ(r["rows"][0]["on_time_rate"], 1.0);

  r = Report("office=p1&officer=o2");
  ASSERT_EQ(r["rows"].size(), 1u) << r.dump(2);
  EXPECT_EQ(Ratings(r["rows"][0]), (std::vector<int>{3, 1, 1, 1, 0}));
  EXPECT_EQ(Dossiers(r["rows"][0]), (std::vector<int>{2, 2, 1}));

  // Dossiers have no channel: their figures are null, not wrong.
  r = Report("office=p1&channel=phone");
  ASSERT_EQ(r["rows"].size(), 1u) << r.dump(2);
  EXPECT_EQ(Ratings(r["rows"][0]), (std::vector<int>{1, 0, 0, 1, 1}));
  EXPECT_EQ(Dossiers(r["rows"][0]), (std::vector<int>{-1, -1, -1}));
  EXPECT_TRUE(r["rows"][0]["participation_rate"].is_null());
  EXPECT_TRUE(r["rows"][0]["decision766_rate"].is_null());
  EXPECT_TRUE(r["totals"]["dossiers"].is_null());

  // Every office: p2's q1 ratings join p1's.
  r = Report("counter=q1");
  ASSERT_EQ(r["rows"].size(), 2u) << r.dump(2);
  EXPECT_EQ(Ratings(*Row(r, "office", "p2")), (std::vector<int>{2, 1, 0, 1, 1}));
  EXPECT_EQ(r["totals"]["ratings"], 4);
}

TEST_F(HubReportFilterTest, TwoFiltersCombined) {
  json r = Report("office=p1&counter=q1&officer=o2");
  ASSERT_EQ(r["rows"].size(), 1u) << r.dump(2);
  // The hub echoes the filters it applied (the dashboard relies on it).
  EXPECT_EQ(r["filters"], (json{{"counter", "q1"}, {"officer", "o2"}}));
  EXPECT_FALSE(Report("office=p1").contains("filters"));
  EXPECT_EQ(Ratings(r["rows"][0]), (std::vector<int>{1, 1, 0, 0, 0}));
  EXPECT_EQ(Dossiers(r["rows"][0]), (std::vector<int>{1, 1, 0}));

  r = Report("office=p1&field=HT&channel=touchscreen");
  ASSERT_EQ(r["rows"].size(), 1u) << r.dump(2);
  EXPECT_EQ(Ratings(r["rows"][0]), (std::vector<int>{1, 1, 0, 0, 1}));

  // Grouped by day: ratings on their day, dossiers on their entry day,
  // returns on their return day.
  r = Report("office=p1&field=HT&group_by=day");
  ASSERT_EQ(r["rows"].size(), 3u) << r.dump(2);
  EXPECT_EQ(Ratings(*Row(r, "day", "2026-11-10")), (std::vector<int>{1, 1, 0, 0, 2}));
  EXPECT_EQ(Dossiers(*Row(r, "day", "2026-11-10")), (std::vector<int>{1, 1, 0}));
  EXPECT_EQ((*Row(r, "day", "2026-11-11"))["returned"], 1);
  EXPECT_EQ((*Row(r, "day", "2026-11-11"))["ratings"], 0);
  EXPECT_EQ(Ratings(*Row(r, "day", "2026-11-12")), (std::vector<int>{1, 1, 0, 0, 0}));

  r = Report("office=p1&officer=o2&group_by=counter");
  ASSERT_EQ(r["rows"].size(), 2u) << r.dump(2);
  EXPECT_EQ(Ratings(*Row(r, "counter", "q2")), (std::vector<int>{2, 0, 1, 1, 0}));
  EXPECT_EQ(Ratings(*Row(r, "counter", "q1")), (std::vector<int>{1, 1, 0, 0, 0}));
  EXPECT_EQ((*Row(r, "counter", "q1"))["office"], "p1");
}

TEST_F(HubReportFilterTest, GroupByChannel) {
  json r = Report("office=p1&group_by=channel");
  ASSERT_EQ(r["group_by"], "channel");
  ASSERT_EQ(r["rows"].size(), 4u) << r.dump(2);
  EXPECT_EQ(Ratings(*Row(r, "channel", "touchscreen")), (std::vector<int>{1, 1, 0, 0, 0}));
  EXPECT_EQ(Ratings(*Row(r, "channel", "phone")), (std::vector<int>{1, 0, 0, 1, 0}));
  EXPECT_EQ(Ratings(*Row(r, "channel", "button_box")), (std::vector<int>{1, 0, 1, 0, 0}));
  EXPECT_EQ(Ratings(*Row(r, "channel", "web")), (std::vector<int>{1, 1, 0, 0, 0}));
  EXPECT_TRUE((*Row(r, "channel", "web"))["dossiers"].is_null());

  r = Report("group_by=channel");
  EXPECT_EQ((*Row(r, "channel", "touchscreen"))["ratings"], 2);
  EXPECT_EQ((*Row(r, "channel", "phone"))["ratings"], 2);
  EXPECT_EQ(r["totals"]["ratings"], 6);

  r = Report("group_by=channel&procedure=HT-01");
  ASSERT_EQ(r["rows"].size(), 2u) << r.dump(2);
  EXPECT_EQ(Ratings(*Row(r, "channel", "touchscreen")), (std::vector<int>{2, 2, 0, 0, 0}));
  EXPECT_EQ(Ratings(*Row(r, "channel", "phone")), (std::vector<int>{1, 0, 0, 1, 0}));
}

TEST_F(HubReportFilterTest, UnknownValuesGiveNoRowsAndBadValuesA400) {
  for (const char* q : {"counter=zz", "field=XX", "officer=nobody", "procedure=P-9"}) {
    json r = Report(std::string("office=p1&") + q);
    EXPECT_TRUE(r["rows"].empty()) << q << ": " << r.dump(2);
    EXPECT_EQ(r["totals"]["ratings"], 0);
  }
  // A channel nobody used: a valid name, no rows.
  EXPECT_TRUE(Report("office=p2&channel=web")["rows"].empty());
  for (const char* q : {"channel=fax", "channel=unknown", "group_by=colour"}) {
    auto res = hub_->Get("/api/v1/report?" + kPeriod + "&" + q, admin_->Read());
    EXPECT_EQ(res.status, 400) << q;
    EXPECT_NE(res.body.find("phải là"), std::string::npos) << res.body;
    EXPECT_EQ(hub_->Get("/api/v1/report.csv?" + kPeriod + "&" + q, admin_->Read()).status, 400);
  }
}

TEST_F(HubReportFilterTest, FilteredCsv) {
  auto res = hub_->Get("/api/v1/report.csv?" + kPeriod + "&office=p1&counter=q2&group_by=officer",
                       admin_->Read());
  ASSERT_EQ(res.status, 200) << res.body;
  // office, officer, name, ratings, satisfied, neutral, unsatisfied, rate,
  // ci low, ci high, dossiers, rated, participation, returned (o2 returned
  // none: 0, 0, 0.0), unsatisfied dossiers, decision 766.
  const std::string& b = res.body;
  const size_t line = b.find("\r\np1,o2,,2,0,1,1,0.0,");
  ASSERT_NE(line, std::string::npos) << b;
  const std::string row = b.substr(line + 2, b.find("\r\n", line + 2) - line - 2);
  EXPECT_NE(row.find(",1,1,1.0,0,0,0.0,1,0.0"), std::string::npos) << row;
  EXPECT_EQ(b.find("\r\np1,o1,"), std::string::npos) << b;
  EXPECT_NE(b.find("\r\ntotal,"), std::string::npos);

  res = hub_->Get("/api/v1/report.csv?" + kPeriod + "&group_by=channel&lang=vi", admin_->Read());
  ASSERT_EQ(res.status, 200);
  EXPECT_NE(res.body.find("Kênh đánh giá"), std::string::npos);
  EXPECT_NE(res.body.find("\r\nbutton_box,1,0,1,0,"), std::string::npos) << res.body;

  res = hub_->Get("/api/v1/report.xlsx?" + kPeriod + "&channel=phone", admin_->Read());
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body.substr(0, 2), "PK");
}

TEST_F(HubReportFilterTest, RoleScopedUsersFilterOnlyTheirOffices) {
  Session viewer = Login(*hub_, "viewer");  // office p1 only
  json r = Report("counter=q1", viewer);
  ASSERT_EQ(r["rows"].size(), 1u) << r.dump(2);
  EXPECT_EQ(r["rows"][0]["office"], "p1");
  EXPECT_EQ(r["totals"]["ratings"], 2);
  // p1's only phone HT-01 rating is voided; p2's is not the viewer's.
  r = Report("group_by=channel&channel=phone&procedure=HT-01", viewer);
  EXPECT_TRUE(r["rows"].empty()) << r.dump(2);
  r = Report("group_by=counter&officer=o1", viewer);
  for (const auto& row : r["rows"]) EXPECT_EQ(row["office"], "p1") << r.dump(2);
  EXPECT_EQ(hub_->Get("/api/v1/report?" + kPeriod + "&office=p2&counter=q1", viewer.Read()).status,
            403);
  EXPECT_EQ(
      hub_->Get("/api/v1/report.csv?" + kPeriod + "&office=p2&channel=phone", viewer.Read()).status,
      403);
}

TEST_F(HubReportFilterTest, AFilterThatSelectsEverythingGivesTheUnfilteredReport) {
  // Every p2 event is at HT/HT-01, q1, o1.
  for (const char* group : {"office", "counter", "officer", "field", "procedure", "day", "month"}) {
    const std::string base = std::string("office=p2&group_by=") + group;
    const json plain = Report(base);
    ASSERT_FALSE(plain["rows"].empty()) << group;
    for (const char* filter :
         {"&field=HT&procedure=HT-01", "&counter=q1", "&officer=o1&field=HT"}) {
      const json filtered = Report(base + filter);
      auto same = [&](const json& a, const json& b) {
        for (const auto& [k, v] : a.items()) {
          if (v.is_null()) continue;  // not computable under this filter
          EXPECT_EQ(v, b[k]) << group << filter << " " << k;
        }
      };
      // Under a counter or officer filter returns are unknown: a day with
      // only a return has no row.
      if (std::string(filter).find("procedure") != std::string::npos) {
        ASSERT_EQ(filtered["rows"].size(), plain["rows"].size()) << group << filter;
      }
      ASSERT_FALSE(filtered["rows"].empty()) << group << filter;
      for (const auto& row : filtered["rows"]) {
        const json* match = nullptr;
        for (const auto& p : plain["rows"]) {
          if (p.value("office", "") == row.value("office", "") &&
              p.value(group, "") == row.value(group, "")) {
            match = &p;
          }
        }
        ASSERT_NE(match, nullptr) << group << filter << " " << row.dump();
        same(row, *match);
      }
      if (std::string(filter).find("procedure") != std::string::npos) {
        same(filtered["totals"], plain["totals"]);
      } else {
        EXPECT_EQ(filtered["totals"]["ratings"], plain["totals"]["ratings"]);
      }
    }
  }
  // With field and procedure, every figure is known.
  const json f = Report("office=p2&field=HT&procedure=HT-01");
  EXPECT_EQ(f["rows"][0]["returned"], 1);
  EXPECT_EQ(f["rows"][0]["returned_on_time"], 0);
  EXPECT_EQ(f["rows"][0]["unsatisfied_dossiers"], 1);
}

// The cached answers are keyed part by part: a field holding the key's
// separator is not the same query as a field and a procedure.
TEST_F(HubReportFilterTest, FilterValuesWithSeparatorsAreDistinctQueries) {
  const json a = Report("field=x%7Cy&procedure=z&office=p1");
  EXPECT_EQ(a["filters"], json({{"field", "x|y"}, {"procedure", "z"}})) << a.dump();
  const json b = Report("field=x&procedure=y%7Cz&office=p1");
  EXPECT_EQ(b["filters"], json({{"field", "x"}, {"procedure", "y|z"}})) << b.dump();
  const json c = Report("office=p1%2Cp2");
  EXPECT_EQ(c["office"], "p1,p2") << c.dump();
}

}  // namespace
}  // namespace hailong::hub_test
