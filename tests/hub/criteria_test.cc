// Per-criterion reports (group_by=criterion) against a real hub, over Bình
// Thạnh's return survey (binh-thanh-return, six criteria) with counts worked
// out by hand: JSON, CSV and the XLSX sheet.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hailong/testing/process.h"
#include "hub_harness.h"

namespace hailong::hub_test {
namespace {

using json = nlohmann::json;

constexpr char kDay[] = "2026-11-10";
constexpr char kPeriod[] = "from=2026-11-01&to=2026-11-30";

using Answers = std::vector<std::pair<std::string, std::string>>;

// Six answers in the template's order: attitude, complaint_handling,
// visits, resolved, timeliness, overall.
Answers Return(const char* attitude, const char* complaints, const char* visits,
               const char* resolved, const char* timeliness, const char* overall) {
  return {{"attitude", attitude}, {"complaint_handling", complaints}, {"visits", visits},
          {"resolved", resolved}, {"timeliness", timeliness},         {"overall", overall}};
}

// Office p1, four counted return ratings and one suspected misuse:
//   A  good     good       once           resolved      early    satisfied
//   B  good     dont_know  twice          resolved      on_time  satisfied
//   C  average  good       three_or_more  resolved      late     neutral
//   D  not_good not_good   three_or_more  not_resolved  late     unsatisfied
//   E  (misuse) not_good on every criterion: left out
// By hand, answers 4 per criterion; the worst option and its share:
//   attitude           not_good       1 / 4 = 0.25  (good 2, average 1)
//   complaint_handling not_good       1 / 4 = 0.25  (good 2, dont_know 1)
//   visits             three_or_more  2 / 4 = 0.5   (once 1, twice 1)
//   resolved           not_resolved   1 / 4 = 0.25  (resolved 3)
//   timeliness         late           2 / 4 = 0.5   (early 1, on_time 1)
//   overall            unsatisfied    1 / 4 = 0.25  (satisfied 2, neutral 1)
// Office p2: one rating A (district totals: 5 answers per criterion).
class CriteriaReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hub_ = std::make_unique<HubProcess>();
    hub_->Start();
    admin_ = Login(*hub_, "admin");
    ChainBuilder p1("edge-p1");
    std::vector<std::string> events;
    const std::vector<std::pair<Answers, fb::Classification>> ratings = {
        {Return("good", "good", "once", "resolved", "early", "satisfied"),
         fb::Classification::Satisfied},
        {Return("good", "dont_know", "twice", "resolved", "on_time", "satisfied"),
         fb::Classification::Satisfied},
        {Return("average", "good", "three_or_more", "resolved", "late", "neutral"),
         fb::Classification::Neutral},
        {Return("not_good", "not_good", "three_or_more", "not_resolved", "late", "unsatisfied"),
         fb::Classification::Unsatisfied},
    };
    int minute = 0;
    for (const auto& [answers, classification] : ratings) {
      RatingSpec r;
      r.template_id = "binh-thanh-return";
      r.answers = answers;
      r.classification = classification;
      r.time_ms = VnTime(kDay, 9, minute++);
      events.push_back(p1.Next(Rating(r), r.time_ms));
    }
    RatingSpec misuse;
    misuse.template_id = "binh-thanh-return";
    misuse.answers =
        Return("not_good", "not_good", "three_or_more", "not_resolved", "late", "unsatisfied");
    misuse.classification = fb::Classification::Unsatisfied;
    misuse.misuse = true;
    misuse.time_ms = VnTime(kDay, 10);
    events.push_back(p1.Next(Rating(misuse), misuse.time_ms));
    auto res = hub_->Push(kTokenP1, "edge-p1", Frames(events));
    ASSERT_EQ(res.status, 200) << res.body;
    ChainBuilder p2("edge-p2");
    RatingSpec other;
    other.office = "p2";
    other.template_id = "binh-thanh-return";
    other.answers = ratings[0].first;
    other.time_ms = VnTime(kDay, 14);
    res = hub_->Push(kTokenP2, "edge-p2", Frames({p2.Next(Rating(other), other.time_ms)}));
    ASSERT_EQ(res.status, 200) << res.body;
    ASSERT_TRUE(WaitCaughtUp(*hub_, admin_));
  }

  static const json* Criterion(const json& report, const std::string& id) {
    for (const auto& row : report["rows"]) {
      if (row.value("criterion", "") == id) return &row;
    }
    return nullptr;
  }

  std::unique_ptr<HubProcess> hub_;
  Session admin_;
};

TEST_F(CriteriaReportTest, JsonHasTheHandComputedCountsAndWorstShares) {
  auto res = hub_->Get(std::string("/api/v1/report?") + kPeriod + "&office=p1&group_by=criterion",
                       admin_.Read());
  ASSERT_EQ(res.status, 200) << res.body;
  const json report = json::parse(res.body);
  EXPECT_EQ(report["group_by"], "criterion");
  ASSERT_EQ(report["rows"].size(), 6u) << report.dump(2);
  // The template's criterion order.
  const char* order[] = {"attitude", "complaint_handling", "visits",
                         "resolved", "timeliness",         "overall"};
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(report["rows"][i]["criterion"], order[i]);
    EXPECT_EQ(report["rows"][i]["template"], "binh-thanh-return");
    EXPECT_EQ(report["rows"][i]["answers"], 4);
  }
  struct Expect {
    const char* criterion;
    const char* worst;
    int worst_count;
    std::vector<std::pair<const char*, int>> counts;
  };
  const Expect expected[] = {
      {"attitude", "not_good", 1, {{"good", 2}, {"average", 1}, {"not_good", 1}}},
      {"complaint_handling", "not_good", 1, {{"good", 2}, {"dont_know", 1}, {"not_good", 1}}},
      {"visits", "three_or_more", 2, {{"once", 1}, {"twice", 1}, {"three_or_more", 2}}},
      {"resolved", "not_resolved", 1, {{"resolved", 3}, {"not_resolved", 1}}},
      {"timeliness", "late", 2, {{"early", 1}, {"on_time", 1}, {"late", 2}}},
      {"overall", "unsatisfied", 1, {{"satisfied", 2}, {"neutral", 1}, {"unsatisfied", 1}}},
  };
  for (const Expect& e : expected) {
    const json* row = Criterion(report, e.criterion);
    ASSERT_NE(row, nullptr) << e.criterion;
    EXPECT_EQ((*row)["worst_option"], e.worst) << e.criterion;
    EXPECT_EQ((*row)["worst_count"], e.worst_count) << e.criterion;
    EXPECT_DOUBLE_EQ((*row)["worst_share"].get<double>(), e.worst_count / 4.0) << e.criterion;
    ASSERT_EQ((*row)["options"].size(), e.counts.size()) << e.criterion;
    for (size_t i = 0; i < e.counts.size(); ++i) {
      EXPECT_EQ((*row)["options"][i]["option"], e.counts[i].first) << e.criterion;
      EXPECT_EQ((*row)["options"][i]["count"], e.counts[i].second) << e.criterion;
    }
  }
  // Labels from the template, in Vietnamese.
  const json* visits = Criterion(report, "visits");
  EXPECT_EQ((*visits)["worst_label"], "Ba lần trở lên");
  EXPECT_EQ((*visits)["template_name"], "Bình Thạnh – quầy trả kết quả");
  // Negative answers: timeliness has 2 (late), attitude 1.
  EXPECT_EQ((*Criterion(report, "timeliness"))["negative_count"], 2);
  EXPECT_EQ(report["totals"]["answers"], 24);

  // The district: p2's rating adds one answer to each criterion.
  res = hub_->Get(std::string("/api/v1/report?") + kPeriod + "&group_by=criterion", admin_.Read());
  ASSERT_EQ(res.status, 200) << res.body;
  const json district = json::parse(res.body);
  const json* attitude = Criterion(district, "attitude");
  ASSERT_NE(attitude, nullptr);
  EXPECT_EQ((*attitude)["answers"], 5);
  EXPECT_EQ((*attitude)["options"][0]["count"], 3);
  EXPECT_DOUBLE_EQ((*attitude)["worst_share"].get<double>(), 0.2);
}

TEST_F(CriteriaReportTest, FiltersOtherThanOfficeAreRefused) {
  auto res = hub_->Get(std::string("/api/v1/report?") + kPeriod + "&group_by=criterion&counter=q1",
                       admin_.Read());
  EXPECT_EQ(res.status, 400) << res.body;
  const json j = json::parse(res.body);
  EXPECT_NE(j["error"].get<std::string>().find("tiêu chí"), std::string::npos);
  EXPECT_NE(j["error_en"].get<std::string>().find("criterion"), std::string::npos);
}

TEST_F(CriteriaReportTest, CsvHasOneLinePerCriterionWithOptionColumns) {
  auto res = hub_->Get(
      std::string("/api/v1/report.csv?") + kPeriod + "&office=p1&group_by=criterion&lang=vi",
      admin_.Read());
  ASSERT_EQ(res.status, 200) << res.body;
  const std::string& csv = res.body;
  EXPECT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(csv.find("Tiêu chí,Số lượt trả lời"), std::string::npos) << csv;
  // visits: 4 answers, worst three_or_more 2 (0.5), then the options.
  EXPECT_NE(csv.find("visits,Số lần Ông/Bà liên hệ để hoàn tất thủ tục hành chính,4,three_or_more,"
                     "Ba lần trở lên,2,0.5,0.5,Một lần,1,Hai lần,1,Ba lần trở lên,2\r\n"),
            std::string::npos)
      << csv;
  // resolved has two options: two empty cells pad it to three.
  EXPECT_NE(csv.find("Đã giải quyết xong,3,Chưa giải quyết xong,1,,\r\n"), std::string::npos)
      << csv;
  size_t lines = 0;
  for (char c : csv) lines += c == '\n';
  EXPECT_EQ(lines, 7u);  // header + six criteria
}

TEST_F(CriteriaReportTest, XlsxHasTheCriterionSheetFirstWhenAsked) {
  auto res =
      hub_->Get(std::string("/api/v1/report.xlsx?") + kPeriod + "&office=p1&group_by=criterion",
                admin_.Read());
  ASSERT_EQ(res.status, 200) << res.body;
  const std::string path = hub_->dir().WriteFile("criteria.xlsx", res.body);
  testing::CommandResult book;
  ASSERT_TRUE(testing::RunCommand({"unzip", "-p", path, "xl/workbook.xml"}, &book).ok());
  const size_t criterion = book.output.find("Theo tiêu chí");
  ASSERT_NE(criterion, std::string::npos) << book.output;
  EXPECT_LT(criterion, book.output.find("Theo đơn vị"));
  testing::CommandResult strings;
  ASSERT_TRUE(testing::RunCommand({"unzip", "-p", path, "xl/sharedStrings.xml"}, &strings).ok());
  for (const char* text : {"KẾT QUẢ ĐÁNH GIÁ THEO TỪNG TIÊU CHÍ", "Tỷ lệ phương án kém nhất",
                           "Ba lần trở lên", "Trễ hạn", "Bình Thạnh – quầy trả kết quả"}) {
    EXPECT_NE(strings.output.find(text), std::string::npos) << text;
  }
  // Without group_by the sheet comes after the groupings.
  res = hub_->Get(std::string("/api/v1/report.xlsx?") + kPeriod + "&office=p1", admin_.Read());
  ASSERT_EQ(res.status, 200);
  const std::string plain = hub_->dir().WriteFile("plain.xlsx", res.body);
  ASSERT_TRUE(testing::RunCommand({"unzip", "-p", plain, "xl/workbook.xml"}, &book).ok());
  EXPECT_GT(book.output.find("Theo tiêu chí"), book.output.find("Theo ngày"));
}

}  // namespace
}  // namespace hailong::hub_test
