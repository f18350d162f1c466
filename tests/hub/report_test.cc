// Read models and reports against a real hub, over events with
// hand-computed answers: the JSON report by every grouping, voided and
// misuse ratings left out, Decision 766, follow-ups opened for unhappy
// citizens and worked through, personal data by role with its audit trail,
// CSV and XLSX, live updates, and a rebuild that equals the incremental
// models key for key.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "hailong/replication/store.h"
#include "hailong/testing/process.h"
#include "hailong/testing/raw_connection.h"
#include "hailong/testing/status.h"
#include "hub_harness.h"

namespace hailong::hub_test {
namespace {

using json = nlohmann::json;

constexpr char kDay[] = "2026-11-10";
constexpr int64_t kDayMs = 24 * 3600 * 1000;

// The scenario of office p1 (edge-p1), all on 2026-11-10 unless said:
//   R1 received (q1/o1, HT/HT-01, due +2 d), rated satisfied twice, returned +1 d (on time)
//   R2 received (q1/o1, HT/HT-01, due +1 d), rated unsatisfied with a comment and phone
//   R3 received (q2/o2, DD/DD-01, due +2 d), not rated, returned +3 d (late)
//   a neutral rating at q2 without dossier, and a misuse-flagged one (left out)
// Office p2 (edge-p2): one satisfied rating.
std::vector<std::string> OfficeP1(ChainBuilder* c) {
  std::vector<std::string> e;
  auto dossier = [&](const auto&... args) { e.push_back(NextDossier(c, args...)); };
  auto rating = [&](RatingSpec r) { e.push_back(c->Next(Rating(r), r.time_ms)); };
  const int64_t t0 = VnTime(kDay, 8);
  dossier("R1", "q1", "o1", "HT", "HT-01", t0 + 2 * kDayMs, VnTime(kDay, 8, 5), false);
  dossier("R2", "q1", "o1", "HT", "HT-01", t0 + 1 * kDayMs, VnTime(kDay, 8, 10), false);
  dossier("R3", "q2", "o2", "DD", "DD-01", t0 + 2 * kDayMs, VnTime(kDay, 8, 15), false);
  RatingSpec r;
  r.counter = "q1";
  r.officer = "o1";
  r.field = "HT";
  r.procedure = "HT-01";
  r.dossier = "R1";
  r.time_ms = VnTime(kDay, 9);
  rating(r);  // seq 4: satisfied about R1
  r.dossier = "R2";
  r.classification = fb::Classification::Unsatisfied;
  r.comment = "Chờ quá lâu <b>không</b> ai hướng dẫn";
  r.phone = "0912345678";
  r.time_ms = VnTime(kDay, 9, 30);
  rating(r);  // seq 5: unsatisfied about R2, opens a follow-up
  RatingSpec n;
  n.counter = "q2";
  n.officer = "o2";
  n.field = "DD";
  n.procedure = "DD-01";
  n.classification = fb::Classification::Neutral;
  n.channel = fb::Channel::ButtonBox;
  n.time_ms = VnTime(kDay, 10);
  rating(n);  // seq 6: neutral, no dossier
  n.classification = fb::Classification::Satisfied;
  n.misuse = true;
  n.time_ms = VnTime(kDay, 10, 1);
  rating(n);  // seq 7: suspected misuse, left out
  r = RatingSpec();
  r.counter = "q1";
  r.officer = "o1";
  r.field = "HT";
  r.procedure = "HT-01";
  r.dossier = "R1";
  r.time_ms = VnTime(kDay, 11);
  rating(r);  // seq 8: satisfied about R1 again
  dossier("R1", "q5", "o5", "HT", "HT-01", 0, t0 + 1 * kDayMs, true);  // seq 9: on time
  dossier("R3", "q5", "o5", "DD", "DD-01", 0, t0 + 3 * kDayMs, true);  // seq 10: late
  return e;
}

class HubReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HubOptions o;
    o.extra = json{{"targets", {{"offices", {{"p2", {{"satisfaction", 0.5}}}}}}}};
    hub_ = std::make_unique<HubProcess>(o);
    hub_->Start();
    admin_ = Login(*hub_, "admin");
  }

  void PushScenario() {
    ChainBuilder p1("edge-p1");
    auto res = hub_->Push(kTokenP1, "edge-p1", Frames(OfficeP1(&p1)));
    ASSERT_EQ(res.status, 200) << res.body;
    ChainBuilder p2("edge-p2");
    RatingSpec r;
    r.office = "p2";
    r.time_ms = VnTime(kDay, 14);
    res = hub_->Push(kTokenP2, "edge-p2", Frames({p2.Next(Rating(r), r.time_ms)}));
    ASSERT_EQ(res.status, 200) << res.body;
    ASSERT_TRUE(WaitCaughtUp(*hub_, admin_));
  }

  json Report(const std::string& query, const Session& s) {
    auto res = hub_->Get("/api/v1/report?" + query, s.Read());
    EXPECT_EQ(res.status, 200) << res.body;
    return json::parse(res.body, nullptr, false);
  }

  static const json* Row(const json& report, const std::string& key, const std::string& value) {
    return ReportRow(report, key, value);
  }

  std::unique_ptr<HubProcess> hub_;
  Session admin_;
};

TEST_F(HubReportTest, ReportByOfficeHasTheHandComputedFigures) {
  PushScenario();
  json report = Report("from=2026-11-01&to=2026-11-30", admin_);
  ASSERT_EQ(report["rows"].size(), 2u) << report.dump(2);
  const json* p1 = Row(report, "office", "p1");
  ASSERT_NE(p1, nullptr);
  EXPECT_EQ((*p1)["ratings"], 4);
  EXPECT_EQ((*p1)["satisfied"], 2);
  EXPECT_EQ((*p1)["neutral"], 1);
  EXPECT_EQ((*p1)["unsatisfied"], 1);
  EXPECT_DOUBLE_EQ((*p1)["satisfaction_rate"].get<double>(), 0.5);
  EXPECT_LT((*p1)["satisfaction_ci_low"].get<double>(), 0.5);
  EXPECT_GT((*p1)["satisfaction_ci_high"].get<double>(), 0.5);
  EXPECT_EQ((*p1)["dossiers"], 3);
  EXPECT_EQ((*p1)["rated_dossiers"], 2);
  EXPECT_NEAR((*p1)["participation_rate"].get<double>(), 2.0 / 3, 1e-12);
  EXPECT_EQ((*p1)["excluded"], 1);
  EXPECT_EQ((*p1)["returned"], 2);
  EXPECT_EQ((*p1)["returned_on_time"], 1);
  // Decision 766: R2 rated unsatisfied, R3 overdue -> (3 - 2) / 3.
  EXPECT_EQ((*p1)["unsatisfied_dossiers"], 2);
  EXPECT_NEAR((*p1)["decision766_rate"].get<double>(), 1.0 / 3, 1e-12);
  // Targets: p1 is below 80% satisfied; p2 has its own 50% target.
  EXPECT_EQ((*p1)["below_satisfaction_target"], true);
  EXPECT_EQ((*p1)["below_participation_target"], false);
  const json* p2 = Row(report, "office", "p2");
  ASSERT_NE(p2, nullptr);
  EXPECT_EQ((*p2)["ratings"], 1);
  EXPECT_DOUBLE_EQ((*p2)["target_satisfaction"].get<double>(), 0.5);
  EXPECT_EQ(report["totals"]["ratings"], 5);
  EXPECT_EQ(report["totals"]["dossiers"], 3);

  // Outside the period: nothing.
  json empty = Report("from=2026-12-01&to=2026-12-31", admin_);
  EXPECT_TRUE(empty["rows"].empty());
  EXPECT_EQ(hub_->Get("/api/v1/report?from=2026-11-31&to=2026-12-01", admin_.Read()).status, 400);
  EXPECT_EQ(hub_->Get("/api/v1/report?from=2026-11-01&to=2026-11-30&group_by=colour", admin_.Read())
                .status,
            400);
}

TEST_F(HubReportTest, ReportByEveryGrouping) {
  PushScenario();
  const std::string period = "from=2026-11-01&to=2026-11-30&office=p1";
  json counters = Report(period + "&group_by=counter", admin_);
  const json* q1 = Row(counters, "counter", "q1");
  const json* q2 = Row(counters, "counter", "q2");
  ASSERT_NE(q1, nullptr);
  ASSERT_NE(q2, nullptr);
  EXPECT_EQ((*q1)["office"], "p1");
  EXPECT_EQ((*q1)["ratings"], 3);
  EXPECT_EQ((*q1)["satisfied"], 2);
  EXPECT_EQ((*q1)["dossiers"], 2);
  EXPECT_EQ((*q1)["rated_dossiers"], 2);
  EXPECT_EQ((*q2)["ratings"], 1);
  EXPECT_EQ((*q2)["neutral"], 1);
  EXPECT_EQ((*q2)["dossiers"], 1);
  EXPECT_EQ((*q2)["rated_dossiers"], 0);
  // Returns count at the return counter.
  const json* q5 = Row(counters, "counter", "q5");
  ASSERT_NE(q5, nullptr);
  EXPECT_EQ((*q5)["returned"], 2);
  EXPECT_EQ((*q5)["ratings"], 0);

  json officers = Report(period + "&group_by=officer", admin_);
  ASSERT_NE(Row(officers, "officer", "o1"), nullptr);
  EXPECT_EQ((*Row(officers, "officer", "o1"))["unsatisfied"], 1);

  json fields = Report(period + "&group_by=field", admin_);
  ASSERT_NE(Row(fields, "field", "HT"), nullptr);
  EXPECT_EQ((*Row(fields, "field", "HT"))["ratings"], 3);
  EXPECT_EQ((*Row(fields, "field", "DD"))["ratings"], 1);
  EXPECT_EQ((*Row(fields, "field", "DD"))["unsatisfied_dossiers"], 1);  // R3 overdue

  json procedures = Report(period + "&group_by=procedure", admin_);
  EXPECT_EQ((*Row(procedures, "procedure", "HT-01"))["dossiers"], 2);

  json days = Report(period + "&group_by=day", admin_);
  ASSERT_EQ(days["rows"].size(), 3u) << days.dump(2);  // the 10th, the 11th and the 13th
  EXPECT_EQ((*Row(days, "day", "2026-11-10"))["ratings"], 4);
  EXPECT_EQ((*Row(days, "day", "2026-11-11"))["returned_on_time"], 1);
  EXPECT_EQ((*Row(days, "day", "2026-11-13"))["returned"], 1);

  // Periods that cut months read the days at their ends and the roll-ups between.
  json cut = Report("from=2026-11-09&to=2027-01-31&office=p1", admin_);
  EXPECT_EQ(cut["rows"][0]["ratings"], 4);
  EXPECT_EQ(cut["rows"][0]["returned"], 2);
  cut = Report("from=2026-11-11&to=2026-11-30&office=p1", admin_);
  EXPECT_EQ(cut["rows"][0]["ratings"], 0);
  EXPECT_EQ(cut["rows"][0]["returned"], 2);
  EXPECT_EQ(cut["rows"][0]["returned_on_time"], 1);
  cut = Report("from=2026-10-15&to=2026-11-10&group_by=field", admin_);
  EXPECT_EQ((*Row(cut, "field", "HT"))["ratings"], 3);

  json months = Report("from=2026-10-01&to=2026-12-31&group_by=month", admin_);
  ASSERT_EQ(months["rows"].size(), 1u);
  EXPECT_EQ(months["rows"][0]["month"], "2026-11");
  EXPECT_EQ(months["rows"][0]["ratings"], 5);
}

TEST_F(HubReportTest, VoidedRatingsLeaveEveryFigure) {
  PushScenario();
  // Void seq 4 (satisfied about R1); R1 still has seq 8.
  auto res = hub_->Post("/api/v1/ratings/edge-p1/4/void", json{{"reason", "nhập nhầm"}}.dump(),
                        admin_.Write());
  ASSERT_EQ(res.status, 200) << res.body;
  ASSERT_TRUE(WaitCaughtUp(*hub_, admin_));
  json report = Report("from=2026-11-01&to=2026-11-30&office=p1", admin_);
  const json& p1 = report["rows"][0];
  EXPECT_EQ(p1["ratings"], 3);
  EXPECT_EQ(p1["satisfied"], 1);
  EXPECT_EQ(p1["excluded"], 2);
  EXPECT_EQ(p1["rated_dossiers"], 2);
  // Void seq 8 too: R1 is no longer rated.
  ASSERT_EQ(
      hub_->Post("/api/v1/ratings/edge-p1/8/void", json{{"reason", "thử"}}.dump(), admin_.Write())
          .status,
      200);
  ASSERT_TRUE(WaitCaughtUp(*hub_, admin_));
  report = Report("from=2026-11-01&to=2026-11-30&office=p1", admin_);
  EXPECT_EQ(report["rows"][0]["ratings"], 2);
  EXPECT_EQ(report["rows"][0]["rated_dossiers"], 1);
  // Managers may not void.
  Session manager = Login(*hub_, "manager");
  EXPECT_EQ(
      hub_->Post("/api/v1/ratings/edge-p1/6/void", json{{"reason", "x"}}.dump(), manager.Write())
          .status,
      403);
}

TEST_F(HubReportTest, ViewersSeeAggregatesOfTheirOfficesOnly) {
  PushScenario();
  Session viewer = Login(*hub_, "viewer");
  json report = Report("from=2026-11-01&to=2026-11-30", viewer);
  ASSERT_EQ(report["rows"].size(), 1u);
  EXPECT_EQ(report["rows"][0]["office"], "p1");
  // Ratings without phone numbers or comments.
  auto res = hub_->Get("/api/v1/ratings?from=2026-11-01&to=2026-11-30", viewer.Read());
  ASSERT_EQ(res.status, 200) << res.body;
  json ratings = json::parse(res.body)["ratings"];
  ASSERT_EQ(ratings.size(), 4u);
  for (const auto& r : ratings) {
    EXPECT_FALSE(r.contains("phone")) << r.dump();
    EXPECT_FALSE(r.contains("comment")) << r.dump();
    EXPECT_EQ(r["office"], "p1");
  }
  EXPECT_EQ(res.body.find("0912345678"), std::string::npos);
  EXPECT_EQ(res.body.find("Chờ quá lâu"), std::string::npos);
  // Nor through follow-ups.
  res = hub_->Get("/api/v1/follow-ups", viewer.Read());
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.body.find("0912345678"), std::string::npos);
  EXPECT_EQ(res.body.find("Chờ quá lâu"), std::string::npos);
  // No audit entry for the viewer: nothing personal was shown.
  json audit = json::parse(hub_->Get("/api/v1/audit", admin_.Read()).body)["entries"];
  for (const auto& a : audit) EXPECT_NE(a["user"], "viewer");
}

TEST_F(HubReportTest, ManagersSeePersonalDataAndEveryAccessIsAudited) {
  PushScenario();
  Session manager = Login(*hub_, "manager");
  auto res = hub_->Get("/api/v1/ratings?from=2026-11-01&to=2026-11-30&classification=unsatisfied",
                       manager.Read());
  ASSERT_EQ(res.status, 200) << res.body;
  json ratings = json::parse(res.body)["ratings"];
  ASSERT_EQ(ratings.size(), 1u);
  EXPECT_EQ(ratings[0]["phone"], "0912345678");
  EXPECT_EQ(ratings[0]["comment"], "Chờ quá lâu <b>không</b> ai hướng dẫn");
  EXPECT_EQ(ratings[0]["dossier"], "R2");
  json audit = json::parse(hub_->Get("/api/v1/audit", admin_.Read()).body)["entries"];
  bool found = false;
  for (const auto& a : audit) {
    if (a["user"] == "manager" && a["action"] == "ratings.list") {
      found = true;
      EXPECT_EQ(a["detail"]["ratings"][0], "edge-p1:5");
    }
  }
  EXPECT_TRUE(found) << audit.dump(2);
  // The manager of p1 cannot list p2.
  EXPECT_EQ(hub_->Get("/api/v1/ratings?office=p2", manager.Read()).status, 403);
}

TEST_F(HubReportTest, UnhappyCitizensGetAFollowUpWorkedThroughByAManager) {
  PushScenario();
  Session manager = Login(*hub_, "manager");
  auto res = hub_->Get("/api/v1/follow-ups?status=open", manager.Read());
  ASSERT_EQ(res.status, 200) << res.body;
  json list = json::parse(res.body);
  ASSERT_EQ(list["follow_ups"].size(), 1u) << res.body;
  json f = list["follow_ups"][0];
  const std::string id = f["id"];
  EXPECT_EQ(id, "fu-edge-p1-5");
  EXPECT_EQ(f["office"], "p1");
  EXPECT_EQ(f["status"], "open");
  EXPECT_EQ(f["rating"]["phone"], "0912345678");
  // The rating events are from November 2026 but the follow-up was opened now.
  EXPECT_EQ(f["overdue"], false);

  Session viewer = Login(*hub_, "viewer");
  EXPECT_EQ(hub_->Post("/api/v1/follow-ups/" + id + "/note",
                       json{{"action", "called_back"}, {"note", "x"}}.dump(), viewer.Write())
                .status,
            403);
  res = hub_->Post("/api/v1/follow-ups/" + id + "/assign", json{{"assignee", "o1"}}.dump(),
                   manager.Write());
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(json::parse(res.body)["assignee"], "o1");
  res = hub_->Post("/api/v1/follow-ups/" + id + "/note",
                   json{{"action", "called_back"}, {"note", "Đã gọi lại, xin lỗi công dân"}}.dump(),
                   manager.Write());
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(json::parse(res.body)["notes"].size(), 2u);
  res = hub_->Post("/api/v1/follow-ups/" + id + "/close",
                   json{{"resolution", "Công dân đồng ý"}}.dump(), manager.Write());
  ASSERT_EQ(res.status, 200) << res.body;
  f = json::parse(res.body);
  EXPECT_EQ(f["status"], "closed");
  EXPECT_EQ(f["closed_by"], "manager");
  EXPECT_EQ(hub_->Post("/api/v1/follow-ups/" + id + "/close", json{{"resolution", "again"}}.dump(),
                       manager.Write())
                .status,
            409);
  // Every step is an event in the hub's private origin (never pulled by
  // edges): opened, assigned, noted, closed.
  auto cursor = hub_->Get("/api/v1/replication/cursor?origin=hub-private", admin_.Read());
  EXPECT_EQ(json::parse(cursor.body)["acked_seq"], 4);
  cursor = hub_->Get("/api/v1/replication/cursor?origin=hub", admin_.Read());
  EXPECT_EQ(json::parse(cursor.body)["acked_seq"], 0);
  EXPECT_EQ(json::parse(hub_->Get("/api/v1/follow-ups?status=open", manager.Read()).body)["open"],
            0);
}

TEST_F(HubReportTest, CsvIsExcelFriendlyAndSafe) {
  ASSERT_EQ(
      hub_->Post(
              "/api/v1/catalogue",
              json{{"kind", "office"}, {"id", "p1"}, {"name", "=HYPERLINK(\"http://x\")"}}.dump(),
              admin_.Write())
          .status,
      200);
  PushScenario();
  auto res = hub_->Get("/api/v1/report.csv?from=2026-11-01&to=2026-11-30", admin_.Read());
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.Header("content-type").rfind("text/csv", 0), 0u);
  EXPECT_NE(res.Header("content-disposition").find(".csv"), std::string::npos);
  EXPECT_EQ(res.body.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_EQ(res.body.substr(3, res.body.find("\r\n") - 3).rfind("office,name,ratings,satisfied", 0),
            0u)
      << res.body.substr(0, 200);
  EXPECT_NE(res.body.find("p1,\"'=HYPERLINK(\"\"http://x\"\")\",4,2,1,1,0.5,"), std::string::npos)
      << res.body;
  EXPECT_EQ(res.body.find(",=HYPERLINK"), std::string::npos);
  EXPECT_NE(res.body.find("\r\ntotal,"), std::string::npos);
  auto vi = hub_->Get("/api/v1/report.csv?from=2026-11-01&to=2026-11-30&lang=vi", admin_.Read());
  EXPECT_NE(vi.body.find("Số lượt đánh giá"), std::string::npos);
  EXPECT_NE(vi.body.find("Tổng cộng"), std::string::npos);
}

TEST_F(HubReportTest, XlsxIsAWorkbookWithVietnameseHeadersAndTotals) {
  ASSERT_EQ(hub_->Post("/api/v1/catalogue",
                       json{{"kind", "office"}, {"id", "p1"}, {"name", "Phường Bến Nghé"}}.dump(),
                       admin_.Write())
                .status,
            200);
  PushScenario();
  auto res =
      hub_->Get("/api/v1/report.xlsx?from=2026-11-01&to=2026-11-30&office=p1", admin_.Read());
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.body.substr(0, 2), "PK");
  EXPECT_NE(res.Header("content-type").find("spreadsheetml"), std::string::npos);
  const std::string path = hub_->dir().WriteFile("report.xlsx", res.body);
  testing::CommandResult unzip;
  ASSERT_TRUE(testing::RunCommand({"unzip", "-p", path, "xl/sharedStrings.xml"}, &unzip).ok());
  ASSERT_EQ(unzip.exit_code, 0) << unzip.output;
  for (const char* text : {"Số lượt đánh giá", "Tỷ lệ hài lòng", "Tổng cộng", "Phường Bến Nghé",
                           "Kỳ báo cáo: từ ngày 01/11/2026 đến ngày 30/11/2026", "Hài lòng"}) {
    EXPECT_NE(unzip.output.find(text), std::string::npos) << text;
  }
  testing::CommandResult book;
  ASSERT_TRUE(testing::RunCommand({"unzip", "-p", path, "xl/workbook.xml"}, &book).ok());
  for (const char* sheet : {"Theo đơn vị", "Theo quầy", "Theo cán bộ", "Theo lĩnh vực",
                            "Theo thủ tục", "Theo tháng", "Theo ngày"}) {
    EXPECT_NE(book.output.find(sheet), std::string::npos) << sheet;
  }
  // The totals row of the first sheet sums the ratings (4) with a formula.
  testing::CommandResult sheet;
  ASSERT_TRUE(testing::RunCommand({"unzip", "-p", path, "xl/worksheets/sheet1.xml"}, &sheet).ok());
  EXPECT_NE(sheet.output.find("<c r=\"A8\""), std::string::npos) << sheet.output;
  EXPECT_NE(sheet.output.find("<f>SUM(C7)</f><v>4</v>"), std::string::npos) << sheet.output;
}

TEST_F(HubReportTest, LiveUpdatesArriveAsServerSentEvents) {
  std::unique_ptr<testing::RawConnection> stream;
  ASSERT_OK(testing::RawConnection::Open(hub_->port(), &stream));
  ASSERT_OK(stream->Send(
      "GET /api/v1/events/stream HTTP/1.1\r\nHost: x\r\nCookie: " + admin_.cookie + "\r\n\r\n"));
  // The answer's head comes once the hub has subscribed the stream.
  ASSERT_OK(stream->ReadUntil("\r\n\r\n", std::chrono::seconds(10)));
  PushScenario();
  EXPECT_TRUE(stream->ReadUntil("\"origin\":\"edge-p1\"", std::chrono::seconds(10)).ok())
      << stream->received();
  const std::string reply = stream->received();
  EXPECT_NE(reply.find("200 OK"), std::string::npos) << reply;
  EXPECT_NE(reply.find("text/event-stream"), std::string::npos) << reply;
  EXPECT_NE(reply.find("event: update"), std::string::npos) << reply;
  // Without a session: 401.
  EXPECT_EQ(hub_->Get("/api/v1/events/stream").status, 401);
}

// Every read-model key and value (x/hub/p/) of a stopped hub's store.
std::map<std::string, std::string> ReadModels(const std::string& data_dir) {
  std::unique_ptr<replication::Store> store;
  replication::StoreOptions options;
  options.create_if_missing = false;
  Status s = replication::Store::Open(options, data_dir + "/log", &store);
  EXPECT_TRUE(s.ok()) << s.ToString();
  std::map<std::string, std::string> out;
  if (!s.ok()) return out;
  s = store->Scan("x/hub/p/", "x/hub/p0", [&](std::string_view k, std::string_view v) {
    out.emplace(std::string(k), std::string(v));
    return true;
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

TEST_F(HubReportTest, RebuildEqualsIncremental) {
  // Incremental: two pushes, a void, a follow-up worked on, catalogue and a template.
  ASSERT_EQ(
      hub_->Post("/api/v1/catalogue",
                 json{{"kind", "field"}, {"id", "HT"}, {"name", "Hộ tịch"}}.dump(), admin_.Write())
          .status,
      200);
  PushScenario();
  ASSERT_EQ(
      hub_->Post("/api/v1/ratings/edge-p1/8/void", json{{"reason", "thử"}}.dump(), admin_.Write())
          .status,
      200);
  ASSERT_EQ(hub_->Post("/api/v1/follow-ups/fu-edge-p1-5/note",
                       json{{"action", "apology"}, {"note", "Xin lỗi"}}.dump(), admin_.Write())
                .status,
            200);
  // Voiding an unknown rating is refused and records nothing.
  ASSERT_EQ(
      hub_->Post("/api/v1/ratings/edge-p2/2/void", json{{"reason", "x"}}.dump(), admin_.Write())
          .status,
      404);
  ASSERT_TRUE(WaitCaughtUp(*hub_, admin_));
  json before = Report("from=2026-11-01&to=2026-11-30&group_by=counter", admin_);
  hub_->Stop();
  const auto incremental = ReadModels(hub_->data_dir());
  ASSERT_GT(incremental.size(), 30u);

  auto r = hub_->Run({"--rebuild"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("rebuilt read models: "), std::string::npos) << r.output;
  const auto rebuilt = ReadModels(hub_->data_dir());
  EXPECT_EQ(rebuilt.size(), incremental.size());
  for (const auto& [k, v] : incremental) {
    auto it = rebuilt.find(k);
    if (it == rebuilt.end()) {
      ADD_FAILURE() << "missing after rebuild: " << k;
    } else {
      EXPECT_EQ(it->second, v) << "differs after rebuild: " << k;
    }
  }
  for (const auto& [k, v] : rebuilt) {
    if (!incremental.count(k)) ADD_FAILURE() << "new after rebuild: " << k;
  }
  // And the hub serves the same report afterwards (no follow-up opened twice).
  hub_->Start();
  Session admin = Login(*hub_, "admin");
  ASSERT_TRUE(WaitCaughtUp(*hub_, admin));
  EXPECT_EQ(Report("from=2026-11-01&to=2026-11-30&group_by=counter", admin), before);
  auto follow_ups = json::parse(hub_->Get("/api/v1/follow-ups", admin.Read()).body);
  EXPECT_EQ(follow_ups["follow_ups"].size(), 1u);
}

}  // namespace
}  // namespace hailong::hub_test
