// Citizens' comments of a month against a real hub: grouped by office and
// the criterion rated lowest, for managers and admins only (viewers 403 and
// no sheet), every response that shows them audited, the workbook's monthly
// sheet with the Vietnamese text exact, and a suggestion a manager follows
// up without it counting as a complaint (Decision 766).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hailong/testing/process.h"
#include "hub_harness.h"

namespace hailong::hub_test {
namespace {

using json = nlohmann::json;

constexpr char kDay[] = "2026-11-10";
constexpr char kC1[] = "Cán bộ hướng dẫn tận tình; nên có thêm ghế chờ cho người cao tuổi";
constexpr char kC2[] = "Phải đi lại ba lần mới xong hồ sơ, \"trễ hẹn\" không báo trước";
constexpr char kC3[] = "Chờ quá lâu, không ai hướng dẫn";
constexpr char kC4[] = "Rất hài lòng với thái độ phục vụ";

using Answers = std::vector<std::pair<std::string, std::string>>;

// Office p1 in November 2026 (seq in the edge-p1 log):
//   1 dossier HS-1 received
//   2 C1 binh-thanh-return, every answer positive, about HS-1  → "Ý kiến chung"
//   3 C2 binh-thanh-return, visits three_or_more and late (negative), unsatisfied → visits
//   4 C3 gia-lam-phone unsatisfied                              → level
//   5 C4 gia-lam-phone very_satisfied                           → level (one criterion)
//   6 suspected misuse with a comment                           → left out
//   7 a comment of December                                     → another month
// Office p2: one comment (the manager of p1 never sees it).
class CommentsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hub_ = std::make_unique<HubProcess>();
    hub_->Start();
    admin_ = Login(*hub_, "admin");
    manager_ = Login(*hub_, "manager");
    viewer_ = Login(*hub_, "viewer");
    ChainBuilder p1("edge-p1");
    std::vector<std::string> e;
    e.push_back(NextDossier(&p1, "HS-1", "q1", "o1", "HT", "HT-01", VnTime(kDay, 8) + 86400000,
                            VnTime(kDay, 8), false));
    auto rating = [&](const std::string& tpl, Answers answers, fb::Classification c,
                      const std::string& comment, int64_t at, bool misuse = false,
                      const std::string& dossier = "") {
      RatingSpec r;
      r.template_id = tpl;
      r.answers = std::move(answers);
      r.classification = c;
      r.comment = comment;
      r.time_ms = at;
      r.misuse = misuse;
      r.dossier = dossier;
      e.push_back(p1.Next(Rating(r), at));
    };
    const Answers good = {{"attitude", "good"},    {"complaint_handling", "good"},
                          {"visits", "once"},      {"resolved", "resolved"},
                          {"timeliness", "early"}, {"overall", "satisfied"}};
    Answers bad = good;
    bad[2].second = "three_or_more";
    bad[4].second = "late";
    bad[5].second = "unsatisfied";
    rating("binh-thanh-return", good, fb::Classification::Satisfied, kC1, VnTime(kDay, 9), false,
           "HS-1");
    rating("binh-thanh-return", bad, fb::Classification::Unsatisfied, kC2, VnTime(kDay, 9, 30));
    rating("gia-lam-phone", {{"level", "unsatisfied"}}, fb::Classification::Unsatisfied, kC3,
           VnTime("2026-11-12", 10));
    rating("gia-lam-phone", {{"level", "very_satisfied"}}, fb::Classification::Satisfied, kC4,
           VnTime("2026-11-13", 10));
    rating("gia-lam-phone", {{"level", "unsatisfied"}}, fb::Classification::Unsatisfied,
           "bị lạm dụng", VnTime("2026-11-13", 11), true);
    rating("gia-lam-phone", {{"level", "satisfied"}}, fb::Classification::Satisfied, "tháng sau",
           VnTime("2026-12-02", 10));
    // HS-1 returned on time (last, so the ratings keep their seqs): it is
    // neither overdue nor pending past due for Decision 766.
    e.push_back(NextDossier(&p1, "HS-1", "q1", "o1", "HT", "HT-01", 0, VnTime(kDay, 16), true));
    auto res = hub_->Push(kTokenP1, "edge-p1", Frames(e));
    ASSERT_EQ(res.status, 200) << res.body;
    ChainBuilder p2("edge-p2");
    RatingSpec other;
    other.office = "p2";
    other.template_id = "gia-lam-phone";
    other.answers = {{"level", "satisfied"}};
    other.comment = "ý kiến của đơn vị khác";
    other.time_ms = VnTime(kDay, 14);
    res = hub_->Push(kTokenP2, "edge-p2", Frames({p2.Next(Rating(other), other.time_ms)}));
    ASSERT_EQ(res.status, 200) << res.body;
    ASSERT_TRUE(WaitCaughtUp(*hub_, admin_));
  }

  json Audit() { return json::parse(hub_->Get("/api/v1/audit", admin_.Read()).body)["entries"]; }

  std::unique_ptr<HubProcess> hub_;
  Session admin_, manager_, viewer_;
};

TEST_F(CommentsTest, ManagerSeesTheMonthGroupedByOfficeAndCriterionAndIsAudited) {
  auto res = hub_->Get("/api/v1/comments?month=2026-11", manager_.Read());
  ASSERT_EQ(res.status, 200) << res.body;
  const json j = json::parse(res.body);
  EXPECT_EQ(j["month"], "2026-11");
  EXPECT_EQ(j["count"], 4);
  ASSERT_EQ(j["offices"].size(), 1u) << j.dump(2);  // p1 only
  const json& p1 = j["offices"][0];
  EXPECT_EQ(p1["office"], "p1");
  ASSERT_EQ(p1["criteria"].size(), 3u) << p1.dump(2);
  // binh-thanh-return: visits (the first negative answer), then general.
  EXPECT_EQ(p1["criteria"][0]["template"], "binh-thanh-return");
  EXPECT_EQ(p1["criteria"][0]["criterion"], "visits");
  EXPECT_EQ(p1["criteria"][0]["label"], "Số lần Ông/Bà liên hệ để hoàn tất thủ tục hành chính");
  ASSERT_EQ(p1["criteria"][0]["comments"].size(), 1u);
  EXPECT_EQ(p1["criteria"][0]["comments"][0]["comment"], kC2);
  EXPECT_EQ(p1["criteria"][0]["comments"][0]["option_label"], "Ba lần trở lên");
  // An unsatisfied rating with a comment has the projector's follow-up.
  EXPECT_EQ(p1["criteria"][0]["comments"][0]["follow_up"]["reason"], "unsatisfied_with_comment");
  EXPECT_EQ(p1["criteria"][1]["criterion"], "");
  EXPECT_EQ(p1["criteria"][1]["label"], "Ý kiến chung");
  EXPECT_EQ(p1["criteria"][1]["comments"][0]["comment"], kC1);
  EXPECT_TRUE(p1["criteria"][1]["comments"][0]["follow_up"].is_null());
  // gia-lam-phone has one criterion: both comments under it, oldest first.
  EXPECT_EQ(p1["criteria"][2]["criterion"], "level");
  ASSERT_EQ(p1["criteria"][2]["comments"].size(), 2u);
  EXPECT_EQ(p1["criteria"][2]["comments"][0]["comment"], kC3);
  EXPECT_EQ(p1["criteria"][2]["comments"][1]["comment"], kC4);
  EXPECT_EQ(p1["criteria"][2]["comments"][1]["option_label"], "Rất hài lòng");
  // The audit entry names the four ratings shown.
  bool found = false;
  for (const auto& a : Audit()) {
    if (a["user"] == "manager" && a["action"] == "comments.list") {
      found = true;
      EXPECT_EQ(a["detail"]["ratings"].size(), 4u) << a.dump();
      EXPECT_EQ(a["detail"]["month"], "2026-11");
    }
  }
  EXPECT_TRUE(found);
  // The admin sees p2 as well; another month has its own comment.
  res = hub_->Get("/api/v1/comments?month=2026-11", admin_.Read());
  EXPECT_EQ(json::parse(res.body)["count"], 5);
  res = hub_->Get("/api/v1/comments?month=2026-12&office=p1", manager_.Read());
  EXPECT_EQ(json::parse(res.body)["count"], 1);
  // Bad month, another office.
  EXPECT_EQ(hub_->Get("/api/v1/comments?month=2026-13", manager_.Read()).status, 400);
  EXPECT_EQ(hub_->Get("/api/v1/comments?month=2026-11&office=p2", manager_.Read()).status, 403);
}

TEST_F(CommentsTest, ViewerIsRefusedAndItsWorkbookHasNoCommentSheet) {
  auto res = hub_->Get("/api/v1/comments?month=2026-11", viewer_.Read());
  EXPECT_EQ(res.status, 403) << res.body;
  EXPECT_NE(json::parse(res.body)["error_en"].get<std::string>().find("managers and admins"),
            std::string::npos);
  res = hub_->Get("/api/v1/report.xlsx?from=2026-11-01&to=2026-11-30&office=p1", viewer_.Read());
  ASSERT_EQ(res.status, 200);
  const std::string path = hub_->dir().WriteFile("viewer.xlsx", res.body);
  testing::CommandResult book, strings;
  ASSERT_TRUE(testing::RunCommand({"unzip", "-p", path, "xl/workbook.xml"}, &book).ok());
  EXPECT_EQ(book.output.find("Ý kiến"), std::string::npos) << book.output;
  ASSERT_TRUE(testing::RunCommand({"unzip", "-p", path, "xl/sharedStrings.xml"}, &strings).ok());
  EXPECT_EQ(strings.output.find("ghế chờ"), std::string::npos);
  for (const auto& a : Audit()) EXPECT_NE(a["user"], "viewer") << a.dump();
}

TEST_F(CommentsTest, WorkbookHasTheMonthlySheetWithExactTextAndIsAudited) {
  auto res =
      hub_->Get("/api/v1/report.xlsx?from=2026-11-01&to=2026-11-30&office=p1", manager_.Read());
  ASSERT_EQ(res.status, 200) << res.body;
  const std::string path = hub_->dir().WriteFile("manager.xlsx", res.body);
  testing::CommandResult book, strings;
  ASSERT_TRUE(testing::RunCommand({"unzip", "-p", path, "xl/workbook.xml"}, &book).ok());
  EXPECT_NE(book.output.find("Ý kiến 11-2026"), std::string::npos) << book.output;
  // Every shared string read back (XML unescaped), one per line: a cell's
  // text must equal the comment exactly.
  ASSERT_TRUE(testing::RunCommand(
                  {"python3", "-c",
                   "import sys,zipfile,xml.etree.ElementTree as E\n"
                   "ns='{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'\n"
                   "x=E.fromstring(zipfile.ZipFile(sys.argv[1]).read('xl/sharedStrings.xml'))\n"
                   "for si in x.iter(ns+'si'):\n"
                   "  print(''.join(t.text or '' for t in si.iter(ns+'t')).replace('\\n',' '))",
                   path},
                  &strings)
                  .ok());
  ASSERT_EQ(strings.exit_code, 0) << strings.output;
  for (const std::string text :
       {std::string(kC1), std::string(kC2), std::string(kC3), std::string(kC4),
        std::string("TỔNG HỢP Ý KIẾN CỦA NGƯỜI DÂN, TỔ CHỨC THÁNG 11/2026"),
        std::string("Số ý kiến: 4"), std::string("Ý kiến chung"), std::string("Đang theo dõi")}) {
    EXPECT_NE(("\n" + strings.output).find("\n" + text + "\n"), std::string::npos) << text;
  }
  EXPECT_EQ(strings.output.find("bị lạm dụng"), std::string::npos);
  bool found = false;
  for (const auto& a : Audit()) {
    if (a["user"] == "manager" && a["action"] == "report.comments") {
      found = true;
      EXPECT_EQ(a["detail"]["ratings"].size(), 4u) << a.dump();
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(CommentsTest, ManagerFollowsUpASuggestionWithoutItCountingAsAComplaint) {
  // C1 is edge-p1 seq 2, satisfied, about HS-1.
  auto res = hub_->Post("/api/v1/comments/edge-p1/2/follow-up", "{}", viewer_.Write());
  EXPECT_EQ(res.status, 403) << res.body;
  res = hub_->Post("/api/v1/comments/edge-p1/2/follow-up", "{}", manager_.Write());
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(json::parse(res.body)["id"], "fu-edge-p1-2");
  EXPECT_EQ(hub_->Post("/api/v1/comments/edge-p1/2/follow-up", "{}", manager_.Write()).status, 409);
  // C2 has the projector's follow-up already; p2's rating is not the manager's.
  EXPECT_EQ(hub_->Post("/api/v1/comments/edge-p1/3/follow-up", "{}", manager_.Write()).status, 409);
  EXPECT_EQ(hub_->Post("/api/v1/comments/edge-p2/1/follow-up", "{}", manager_.Write()).status, 403);
  EXPECT_EQ(hub_->Post("/api/v1/comments/edge-p1/99/follow-up", "{}", manager_.Write()).status,
            404);
  // It is in the follow-up list, open, reason "suggestion" (a viewer sees the code).
  res = hub_->Get("/api/v1/follow-ups/fu-edge-p1-2", viewer_.Read());
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(json::parse(res.body)["reason"], "suggestion");
  EXPECT_EQ(json::parse(res.body)["status"], "open");
  // HS-1 stays satisfied for Decision 766: one dossier, none unsatisfied.
  res = hub_->Get("/api/v1/report?from=2026-11-01&to=2026-11-30&office=p1", manager_.Read());
  const json report = json::parse(res.body);
  EXPECT_EQ(report["rows"][0]["dossiers"], 1);
  EXPECT_EQ(report["rows"][0]["unsatisfied_dossiers"], 0) << report.dump(2);
  EXPECT_DOUBLE_EQ(report["rows"][0]["decision766_rate"].get<double>(), 1.0);
  // The monthly list shows it followed up.
  res = hub_->Get("/api/v1/comments?month=2026-11", manager_.Read());
  const json j = json::parse(res.body);
  EXPECT_EQ(j["offices"][0]["criteria"][1]["comments"][0]["follow_up"]["status"], "open");
  bool audited = false;
  for (const auto& a : Audit()) audited |= a["action"] == "comment.follow_up";
  EXPECT_TRUE(audited);
}

}  // namespace
}  // namespace hailong::hub_test
