// The report by district at a province hub (hub/README.md, "Province hub")
// in its CSV and XLSX exports, against a real hailong-hub: the same rows as
// the JSON report (keyed "district", field for field), the Vietnamese
// column header first, the sheet "Theo huyện" first in the workbook when
// asked for, and its totals summed with a formula.
//
// The province: office p1's edge pushes directly (district ""), district
// hub hub-a (quan-a) pushes office p2's edge, hub-b (quan-b) offices p3's
// and p4's edges.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hailong/testing/node_config.h"
#include "hailong/testing/process.h"
#include "hub_harness.h"

namespace hailong::hub_test {
namespace {

using json = nlohmann::json;

constexpr char kDay[] = "2026-11-10";
constexpr char kTokenB[] = "token-of-district-hub-b-0123456789abcdefghij";
constexpr char kPeriod[] = "from=2026-11-01&to=2026-11-30";

json DistrictHub(const std::string& id, const std::string& district,
                 const std::vector<std::string>& offices, const std::string& token) {
  return json{{"id", id},
              {"district", district},
              {"offices", offices},
              {"token_sha256", testing::Sha256Hex(token)}};
}

// Lines of a CSV answer (without the byte-order mark), split on CRLF.
std::vector<std::string> CsvLines(const std::string& body) {
  std::vector<std::string> lines;
  size_t at = body.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
  while (at < body.size()) {
    const size_t end = body.find("\r\n", at);
    if (end == std::string::npos) break;
    lines.push_back(body.substr(at, end - at));
    at = end + 2;
  }
  return lines;
}

std::vector<std::string> Cells(const std::string& line) {
  std::vector<std::string> cells;
  size_t at = 0;
  for (;;) {
    const size_t comma = line.find(',', at);
    cells.push_back(line.substr(at, comma - at));
    if (comma == std::string::npos) return cells;
    at = comma + 1;
  }
}

// The CSV cell the report's JSON value `v` is written as.
std::string CellOf(const json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

class DistrictExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HubOptions o;
    o.extra = json{{"nodes", json::array({testing::HubNodeEntry("edge-p1", "p1", kTokenP1),
                                          DistrictHub("hub-a", "quan-a", {"p2"}, kTokenP2),
                                          DistrictHub("hub-b", "quan-b", {"p3", "p4"}, kTokenB)})}};
    hub_ = std::make_unique<HubProcess>(o);
    hub_->Start();
    admin_ = Login(*hub_, "admin");
    // Ratings: p1 one satisfied; p2 satisfied and unsatisfied; p3 neutral;
    // p4 satisfied.
    Push(kTokenP1, "edge-p1", "", "p1", {fb::Classification::Satisfied});
    Push(kTokenP2, "edge-p2", "p2", "p2",
         {fb::Classification::Satisfied, fb::Classification::Unsatisfied});
    Push(kTokenB, "edge-p3", "p3", "p3", {fb::Classification::Neutral});
    Push(kTokenB, "edge-p4", "p4", "p4", {fb::Classification::Satisfied});
    ASSERT_TRUE(WaitCaughtUp(*hub_, admin_));
  }

  // `office_header`: the X-Hailong-Office a district hub names ("" = none).
  void Push(const std::string& token, const std::string& origin, const std::string& office_header,
            const std::string& office, const std::vector<fb::Classification>& ratings) {
    ChainBuilder chain(origin);
    std::vector<std::string> events;
    int minute = 0;
    for (fb::Classification c : ratings) {
      RatingSpec r;
      r.office = office;
      r.classification = c;
      r.time_ms = VnTime(kDay, 9, minute++);
      events.push_back(chain.Next(Rating(r), r.time_ms));
    }
    std::vector<std::pair<std::string, std::string>> extra;
    if (!office_header.empty()) extra.emplace_back("X-Hailong-Office", office_header);
    auto res = hub_->Push(token, origin, Frames(events), extra);
    ASSERT_EQ(res.status, 200) << res.body;
  }

  std::string Unzip(const std::string& path, const std::string& member) {
    testing::CommandResult out;
    EXPECT_TRUE(testing::RunCommand({"unzip", "-p", path, member}, &out).ok());
    EXPECT_EQ(out.exit_code, 0) << out.output;
    return out.output;
  }

  std::unique_ptr<HubProcess> hub_;
  Session admin_;
};

TEST_F(DistrictExportTest, CsvByDistrictHasTheJsonReportsRowsFieldForField) {
  const json report = GetReport(*hub_, admin_, std::string(kPeriod) + "&group_by=district");
  ASSERT_EQ(report["rows"].size(), 3u) << report.dump();
  auto res =
      hub_->Get(std::string("/api/v1/report.csv?") + kPeriod + "&group_by=district", admin_.Read());
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.Header("content-type").rfind("text/csv", 0), 0u);
  const std::vector<std::string> lines = CsvLines(res.body);
  ASSERT_EQ(lines.size(), 1 + report["rows"].size() + 1) << res.body;
  const std::vector<std::string> keys = Cells(lines[0]);
  ASSERT_GT(keys.size(), 10u);
  EXPECT_EQ(keys[0], "district");
  EXPECT_EQ(keys[1], "ratings");
  for (size_t i = 0; i < report["rows"].size(); ++i) {
    const json& row = report["rows"][i];
    const std::vector<std::string> cells = Cells(lines[1 + i]);
    ASSERT_EQ(cells.size(), keys.size()) << lines[1 + i];
    for (size_t c = 0; c < keys.size(); ++c) {
      ASSERT_TRUE(row.contains(keys[c])) << keys[c];
      EXPECT_EQ(cells[c], CellOf(row[keys[c]])) << "row " << i << ", column " << keys[c];
    }
  }
  // The hand-computed figures: quan-a 2 ratings (1 satisfied), quan-b 2
  // (1 satisfied, 1 neutral), p1's district "" 1.
  EXPECT_EQ(lines[1].rfind(",1,1,0,0,", 0), 0u) << lines[1];
  EXPECT_EQ(lines[2].rfind("quan-a,2,1,0,1,", 0), 0u) << lines[2];
  EXPECT_EQ(lines[3].rfind("quan-b,2,1,1,0,", 0), 0u) << lines[3];
  EXPECT_EQ(lines[4].rfind("total,5,3,1,1,", 0), 0u) << lines[4];

  auto vi = hub_->Get(std::string("/api/v1/report.csv?") + kPeriod + "&group_by=district&lang=vi",
                      admin_.Read());
  ASSERT_EQ(vi.status, 200) << vi.body;
  const std::vector<std::string> vi_lines = CsvLines(vi.body);
  ASSERT_EQ(vi_lines.size(), lines.size());
  EXPECT_EQ(vi_lines[0].rfind("Mã huyện,Số lượt đánh giá,", 0), 0u) << vi_lines[0];
  EXPECT_EQ(vi_lines[2], lines[2]);
  EXPECT_EQ(vi_lines[4].rfind("Tổng cộng,5,", 0), 0u) << vi_lines[4];
}

TEST_F(DistrictExportTest, XlsxByDistrictHasItsSheetFirstWithTotals) {
  auto res = hub_->Get(std::string("/api/v1/report.xlsx?") + kPeriod + "&group_by=district",
                       admin_.Read());
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.body.substr(0, 2), "PK");
  const std::string path = hub_->dir().WriteFile("by-district.xlsx", res.body);
  const std::string book = Unzip(path, "xl/workbook.xml");
  const size_t district_sheet = book.find("name=\"Theo huyện\"");
  ASSERT_NE(district_sheet, std::string::npos) << book;
  EXPECT_LT(district_sheet, book.find("name=\"Theo đơn vị\"")) << book;
  EXPECT_LT(district_sheet, book.find("name=\"Theo tiêu chí\"")) << book;
  const std::string strings = Unzip(path, "xl/sharedStrings.xml");
  for (const char* text : {"Mã huyện", "Tổng hợp theo: Huyện", "quan-a", "quan-b", "Tổng cộng"}) {
    EXPECT_NE(strings.find(text), std::string::npos) << text;
  }
  // Sheet 1: header row 6, districts in rows 7-9 ("", quan-a, quan-b), the
  // totals in row 10 sum the ratings (column B) with a formula.
  const std::string sheet = Unzip(path, "xl/worksheets/sheet1.xml");
  EXPECT_NE(sheet.find("<c r=\"B8\" s=\""), std::string::npos) << sheet;
  EXPECT_NE(sheet.find("<v>2</v>"), std::string::npos) << sheet;
  EXPECT_NE(sheet.find("<f>SUM(B7:B9)</f><v>5</v>"), std::string::npos) << sheet;

  // Without group_by=district the province's workbook still carries the
  // sheet, after the others.
  res = hub_->Get(std::string("/api/v1/report.xlsx?") + kPeriod, admin_.Read());
  ASSERT_EQ(res.status, 200) << res.body;
  const std::string other =
      Unzip(hub_->dir().WriteFile("by-office.xlsx", res.body), "xl/workbook.xml");
  ASSERT_NE(other.find("name=\"Theo huyện\""), std::string::npos) << other;
  EXPECT_GT(other.find("name=\"Theo huyện\""), other.find("name=\"Theo đơn vị\"")) << other;
}

}  // namespace
}  // namespace hailong::hub_test
