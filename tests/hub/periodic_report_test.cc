// The periodic report as a document (issue 16 item 6) from a real
// hailong-hub: GET /api/v1/report/periodic checked figure by figure against
// hand-computed values for the period AND the previous one, the header
// (Decree 30 form) with the request's and the configuration's values, the
// roles and the refusals; and GET /api/v1/report/periodic.pdf turned into
// text (pdftotext: the exact Vietnamese) and into page images (pdftoppm)
// read back by OCR (tesseract -l vie).
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "hailong/testing/process.h"
#include "hub_harness.h"

namespace hailong::hub_test {
namespace {

using json = nlohmann::json;

constexpr int64_t kDayMs = 24 * 3600 * 1000;
const char kP1Name[] = "Phường Bến Nghé";
const char kP2Name[] = "Xã Đông Dư";

// Fixture (smiley-4 ratings, criterion "level"; satisfaction_neutral is
// the default not_satisfied):
// October 2025, office p1: dossiers A1-A4 received 10-15 08:00, due 10-17
// 08:00; A1, A3, A4 returned 10-16, A2 returned 10-20 (late). Ratings on
// 10-15: very satisfied ×2 (one about A1), satisfied ×1, neutral ×1,
// unsatisfied ×1 (about A3).
//   ratings 5 = 2 + 1 + 1 + 1; satisfaction 3/5 = 60,0 %;
//   dossiers 4, rated A1 A3 = 2 -> participation 50,0 %;
//   unsatisfied dossiers A2 (late) A3 (rated) = 2 -> Decision 766 2/4 = 50,0 %.
//   criterion level: 5 answers, worst (unsatisfied) 1 -> 20,0 %.
// November 2025, office p1: dossiers B1-B5 received 11-10 08:00, due 11-12,
// all returned 11-11. Ratings on 11-10: very satisfied ×3 (B1, B2, -),
// satisfied ×4 (B3, -, -, -), unsatisfied ×1 (B4).
//   ratings 8; satisfaction 7/8 = 87,5 %; dossiers 5, rated B1-B4 = 4 ->
//   80,0 %; unsatisfied dossiers B4 -> 766 4/5 = 80,0 %.
// November 2025, office p2: satisfied ×1, neutral ×1, no dossiers:
//   ratings 2, satisfaction 1/2 = 50,0 %, participation and 766 "–".
// Totals November: ratings 10 = 3 + 5 + 1 + 1, satisfaction 8/10 = 80,0 %,
// dossiers 5, participation 80,0 %, 766 80,0 %; criterion 10 answers,
// worst 1 -> 10,0 %. Totals October = p1's October.
// Quarter IV 2025 = October + November: 15 ratings; quarter III: none.
std::vector<std::string> OfficeP1(ChainBuilder* c) {
  std::vector<std::string> e;
  auto dossiers = [&](const std::string& prefix, const std::string& day, int n) {
    const int64_t t0 = VnTime(day, 8);
    for (int i = 1; i <= n; ++i) {
      e.push_back(NextDossier(c, prefix + std::to_string(i), "q1", "o1", "HT", "HT-01",
                              t0 + 2 * kDayMs, t0, false));
    }
  };
  auto returned = [&](const std::string& receipt, const std::string& day) {
    e.push_back(NextDossier(c, receipt, "q5", "o5", "HT", "HT-01", 0, VnTime(day, 10), true));
  };
  dossiers("A", "2025-10-15", 4);
  dossiers("B", "2025-11-10", 5);
  int minute = 0;
  auto rating = [&](const std::string& day, const std::string& option, const std::string& dossier) {
    RatingSpec r;
    r.template_id = "smiley-4";
    r.classification = option == "unsatisfied" ? fb::Classification::Unsatisfied
                       : option == "neutral"   ? fb::Classification::Neutral
                                               : fb::Classification::Satisfied;
    r.dossier = dossier;
    r.field = "HT";
    r.procedure = "HT-01";
    r.time_ms = VnTime(day, 9, minute++);
    fb::EventBodyUnion body = Rating(r);
    body.AsRatingSubmitted()->answers[0]->criterion = "level";
    body.AsRatingSubmitted()->answers[0]->option = option;
    e.push_back(c->Next(std::move(body), r.time_ms));
  };
  rating("2025-10-15", "very_satisfied", "A1");
  rating("2025-10-15", "very_satisfied", "");
  rating("2025-10-15", "satisfied", "");
  rating("2025-10-15", "neutral", "");
  rating("2025-10-15", "unsatisfied", "A3");
  for (const char* d : {"A1", "A3", "A4"}) returned(d, "2025-10-16");
  returned("A2", "2025-10-20");
  rating("2025-11-10", "very_satisfied", "B1");
  rating("2025-11-10", "very_satisfied", "B2");
  rating("2025-11-10", "very_satisfied", "");
  rating("2025-11-10", "satisfied", "B3");
  for (int i = 0; i < 3; ++i) rating("2025-11-10", "satisfied", "");
  rating("2025-11-10", "unsatisfied", "B4");
  for (const char* d : {"B1", "B2", "B3", "B4", "B5"}) returned(d, "2025-11-11");
  return e;
}

std::vector<std::string> OfficeP2(ChainBuilder* c) {
  std::vector<std::string> e;
  int minute = 0;
  for (const char* option : {"satisfied", "neutral"}) {
    RatingSpec r;
    r.office = "p2";
    r.template_id = "smiley-4";
    r.classification = std::string(option) == "neutral" ? fb::Classification::Neutral
                                                        : fb::Classification::Satisfied;
    r.time_ms = VnTime("2025-11-20", 14, minute++);
    fb::EventBodyUnion body = Rating(r);
    body.AsRatingSubmitted()->answers[0]->criterion = "level";
    body.AsRatingSubmitted()->answers[0]->option = option;
    e.push_back(c->Next(std::move(body), r.time_ms));
  }
  return e;
}

class PeriodicReportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    HubOptions o;
    o.extra = {{"periodic_report",
                {{"parent_body", "ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH"},
                 {"issuer", "ỦY BAN NHÂN DÂN QUẬN 1"},
                 {"place", "Quận 1"},
                 {"signer_authority", "TM. ỦY BAN NHÂN DÂN"},
                 {"signer_title", "CHỦ TỊCH"},
                 {"signer_name", "Nguyễn Văn Ấn"},
                 {"copies_to", {"Như trên", "Sở Nội vụ", "Lưu: VT"}}}}};
    hub_ = new HubProcess(o);
    hub_->Start();
    admin_ = Login(*hub_, "admin");
    for (const auto& [id, name] : {std::pair("p1", kP1Name), std::pair("p2", kP2Name)}) {
      auto r =
          hub_->Post("/api/v1/catalogue",
                     json{{"kind", "office"}, {"id", id}, {"name", name}}.dump(), admin_.Write());
      ASSERT_EQ(r.status, 200) << r.body;
    }
    ChainBuilder p1("edge-p1"), p2("edge-p2");
    auto res = hub_->Push(kTokenP1, "edge-p1", Frames(OfficeP1(&p1)));
    ASSERT_EQ(res.status, 200) << res.body;
    res = hub_->Push(kTokenP2, "edge-p2", Frames(OfficeP2(&p2)));
    ASSERT_EQ(res.status, 200) << res.body;
    ASSERT_TRUE(WaitCaughtUp(*hub_, admin_));
  }
  static void TearDownTestSuite() {
    delete hub_;
    hub_ = nullptr;
  }

  static json Get(const std::string& query, const Session& s = admin_) {
    auto res = hub_->Get("/api/v1/report/periodic?" + query, s.Read());
    EXPECT_EQ(res.status, 200) << res.body;
    return json::parse(res.body, nullptr, false);
  }
  static const json* Office(const json& doc, const std::string& id) {
    for (const auto& o : doc["figures"]["offices"]) {
      if (o["office"] == id) return &o;
    }
    return nullptr;
  }
  static const json* TableRow(const json& table, const std::string& label) {
    for (const auto& r : table["rows"]) {
      if (r["label"] == label) return &r;
    }
    return nullptr;
  }

  static HubProcess* hub_;
  static Session admin_;
};
HubProcess* PeriodicReportTest::hub_ = nullptr;
Session PeriodicReportTest::admin_;

void ExpectFigures(const json& f, int64_t ratings, int64_t very, int64_t sat_only, int64_t neutral,
                   int64_t unsat, double satisfaction, int64_t dossiers, int64_t rated,
                   double participation, double d766) {
  EXPECT_EQ(f["ratings"], ratings) << f.dump();
  EXPECT_EQ(f["very_satisfied"], very) << f.dump();
  EXPECT_EQ(f["satisfied_only"], sat_only) << f.dump();
  EXPECT_EQ(f["neutral"], neutral) << f.dump();
  EXPECT_EQ(f["unsatisfied"], unsat) << f.dump();
  EXPECT_DOUBLE_EQ(f["satisfaction_rate"].get<double>(), satisfaction) << f.dump();
  EXPECT_EQ(f["dossiers"], dossiers) << f.dump();
  EXPECT_EQ(f["rated_dossiers"], rated) << f.dump();
  EXPECT_DOUBLE_EQ(f["participation_rate"].get<double>(), participation) << f.dump();
  EXPECT_DOUBLE_EQ(f["decision766_rate"].get<double>(), d766) << f.dump();
}

TEST_F(PeriodicReportTest, MonthFiguresBesideThePreviousMonthMatchTheHandComputedValues) {
  json doc = Get("period=2025-11");
  EXPECT_EQ(doc["period"], "2025-11");
  EXPECT_EQ(doc["previous_period"], "2025-10");
  const json& figures = doc["figures"];
  EXPECT_EQ(figures["period"]["from"], "2025-11-01");
  EXPECT_EQ(figures["period"]["to"], "2025-11-30");
  EXPECT_EQ(figures["previous"]["from"], "2025-10-01");
  EXPECT_EQ(figures["previous"]["to"], "2025-10-31");
  const json* p1 = Office(doc, "p1");
  const json* p2 = Office(doc, "p2");
  ASSERT_NE(p1, nullptr) << figures.dump(2);
  ASSERT_NE(p2, nullptr) << figures.dump(2);
  EXPECT_EQ((*p1)["name"], kP1Name);
  ExpectFigures((*p1)["current"], 8, 3, 4, 0, 1, 7.0 / 8, 5, 4, 4.0 / 5, 4.0 / 5);
  ExpectFigures((*p1)["previous"], 5, 2, 1, 1, 1, 3.0 / 5, 4, 2, 2.0 / 4, 2.0 / 4);
  ExpectFigures((*p2)["current"], 2, 0, 1, 1, 0, 1.0 / 2, 0, 0, 0, 0);
  ExpectFigures((*p2)["previous"], 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  ExpectFigures(figures["totals"]["current"], 10, 3, 5, 1, 1, 8.0 / 10, 5, 4, 4.0 / 5, 4.0 / 5);
  ExpectFigures(figures["totals"]["previous"], 5, 2, 1, 1, 1, 3.0 / 5, 4, 2, 2.0 / 4, 2.0 / 4);
  ASSERT_EQ(figures["criteria"].size(), 1u) << figures.dump(2);
  const json& level = figures["criteria"][0];
  EXPECT_EQ(level["criterion"], "level");
  EXPECT_EQ(level["current"]["answers"], 10);
  EXPECT_EQ(level["current"]["worst_label"], "Không hài lòng");
  EXPECT_DOUBLE_EQ(level["current"]["worst_share"].get<double>(), 1.0 / 10);
  EXPECT_EQ(level["previous"]["answers"], 5);
  EXPECT_DOUBLE_EQ(level["previous"]["worst_share"].get<double>(), 1.0 / 5);

  // The document's tables: each figure, then the previous period's.
  const json& d = doc["document"];
  ASSERT_EQ(d["tables"].size(), 3u);
  const json& t1 = d["tables"][0];
  EXPECT_EQ(t1["current_label"], "Kỳ này");
  EXPECT_EQ(t1["previous_label"], "Kỳ trước");
  ASSERT_NE(TableRow(t1, kP1Name), nullptr) << t1.dump(2);
  EXPECT_EQ((*TableRow(t1, kP1Name))["cells"],
            json({"8", "5", "3", "2", "4", "1", "0", "1", "1", "1"}));
  EXPECT_EQ((*TableRow(t1, "Tổng cộng"))["cells"],
            json({"10", "5", "3", "2", "5", "1", "1", "1", "1", "1"}));
  const json& t2 = d["tables"][1];
  EXPECT_EQ((*TableRow(t2, kP1Name))["cells"],
            json({"87,5%", "60,0%", "5", "4", "80,0%", "50,0%", "80,0%", "50,0%"}));
  EXPECT_EQ((*TableRow(t2, kP2Name))["cells"], json({"50,0%", "–", "0", "0", "–", "–", "–", "–"}));
  EXPECT_EQ((*TableRow(t2, "Tổng cộng"))["cells"],
            json({"80,0%", "60,0%", "5", "4", "80,0%", "50,0%", "80,0%", "50,0%"}));
  const json& t3 = d["tables"][2];
  ASSERT_EQ(t3["rows"].size(), 1u);
  EXPECT_EQ(t3["rows"][0]["cells"], json({"10", "5", "10,0%", "20,0%"}));
}

TEST_F(PeriodicReportTest, HeaderFollowsDecree30WithConfigAndRequestValues) {
  json d = Get(
      "period=2025-11&number=15&date=2025-12-05&recipient=Ph%C3%B2ng%20N%E1%BB%99i%20v%E1%BB%A5")
      ["document"];
  EXPECT_EQ(d["nation"], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
  EXPECT_EQ(d["motto"], "Độc lập - Tự do - Hạnh phúc");
  EXPECT_EQ(d["parent_body"], "ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH");
  EXPECT_EQ(d["issuer"], "ỦY BAN NHÂN DÂN QUẬN 1");
  EXPECT_EQ(d["number_line"], "Số: 15/BC-UBND");
  EXPECT_EQ(d["place_date"], "Quận 1, ngày 05 tháng 12 năm 2025");
  EXPECT_EQ(d["title"], "BÁO CÁO");
  EXPECT_EQ(d["subject"],
            "Kết quả đo lường sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan "
            "hành chính nhà nước tháng 11 năm 2025");
  EXPECT_EQ(d["recipient_line"], "Kính gửi: Phòng Nội vụ.");
  EXPECT_EQ(d["copies_label"], "Nơi nhận:");
  EXPECT_EQ(d["copies_to"], json({"- Như trên;", "- Sở Nội vụ;", "- Lưu: VT."}));
  EXPECT_EQ(d["signer_authority"], "TM. ỦY BAN NHÂN DÂN");
  EXPECT_EQ(d["signer_title"], "CHỦ TỊCH");
  EXPECT_EQ(d["signer_name"], "Nguyễn Văn Ấn");
  // The configured recipient when the request names none; months 1 and 2 take a zero.
  json dflt = Get("period=2025-11&date=2026-02-09")["document"];
  EXPECT_EQ(dflt["recipient_line"], "Kính gửi: Sở Nội vụ.");
  EXPECT_EQ(dflt["number_line"], "Số:       /BC-UBND");
  EXPECT_EQ(dflt["place_date"], "Quận 1, ngày 09 tháng 02 năm 2026");
  // English.
  json en = Get("period=2025-11&lang=en")["document"];
  EXPECT_EQ(en["nation"], "SOCIALIST REPUBLIC OF VIET NAM");
  EXPECT_EQ(en["tables"][1]["rows"][0]["cells"][0], "87.5%");
}

TEST_F(PeriodicReportTest, QuarterAndYearCompareWithTheQuarterAndYearBefore) {
  json q = Get("period=2025-Q4");
  EXPECT_EQ(q["previous_period"], "2025-Q3");
  EXPECT_EQ(q["figures"]["period"]["from"], "2025-10-01");
  EXPECT_EQ(q["figures"]["period"]["to"], "2025-12-31");
  EXPECT_EQ(q["figures"]["previous"]["from"], "2025-07-01");
  EXPECT_EQ(q["figures"]["previous"]["to"], "2025-09-30");
  EXPECT_EQ(q["figures"]["totals"]["current"]["ratings"], 15);
  EXPECT_EQ(q["figures"]["totals"]["current"]["dossiers"], 9);
  EXPECT_EQ(q["figures"]["totals"]["previous"]["ratings"], 0);
  EXPECT_NE(q["document"]["subject"].get<std::string>().find("quý IV năm 2025"), std::string::npos);
  EXPECT_NE(q["document"]["paragraphs"][0].get<std::string>().find("so sánh với quý trước (quý III "
                                                                   "năm 2025)"),
            std::string::npos)
      << q["document"]["paragraphs"][0];
  json jan = Get("period=2026-01");
  EXPECT_EQ(jan["previous_period"], "2025-12");
  json y = Get("period=2026");
  EXPECT_EQ(y["previous_period"], "2025");
  EXPECT_EQ(y["figures"]["totals"]["current"]["ratings"], 0);
  EXPECT_EQ(y["figures"]["totals"]["previous"]["ratings"], 15);
  const std::string subject = y["document"]["subject"];
  EXPECT_EQ(subject.substr(subject.size() - std::string("năm 2026").size()), "năm 2026");
}

TEST_F(PeriodicReportTest, RolesAndRefusals) {
  Session viewer = Login(*hub_, "viewer");
  Session manager = Login(*hub_, "manager");
  // Viewers and managers of p1 see p1 only.
  for (const Session* s : {&viewer, &manager}) {
    json doc = Get("period=2025-11", *s);
    ASSERT_EQ(doc["figures"]["offices"].size(), 1u) << doc.dump();
    EXPECT_EQ(doc["figures"]["offices"][0]["office"], "p1");
    EXPECT_EQ(doc["figures"]["totals"]["current"]["ratings"], 8);
    EXPECT_EQ(hub_->Get("/api/v1/report/periodic?period=2025-11&office=p2", s->Read()).status, 403);
  }
  json one = Get("period=2025-11&office=p1");
  EXPECT_NE(one["document"]["paragraphs"][0].get<std::string>().find(kP1Name), std::string::npos);
  EXPECT_EQ(hub_->Get("/api/v1/report/periodic?period=2025-11").status, 401);
  EXPECT_EQ(hub_->Get("/api/v1/report/periodic.pdf?period=2025-11").status, 401);
  for (const char* bad :
       {"period=2025-13", "period=2025-Q5", "period=25", "period=2025-11&from=2025-01-01",
        "period=2025-11&field=HT", "period=2025-11&date=05/12/2025", "period=2025-11&lang=fr"}) {
    auto r = hub_->Get(std::string("/api/v1/report/periodic?") + bad, admin_.Read());
    EXPECT_EQ(r.status, 400) << bad << " " << r.body;
    EXPECT_TRUE(json::parse(r.body, nullptr, false).contains("error_en")) << r.body;
  }
  auto longer = hub_->Get(
      "/api/v1/report/periodic?period=2025-11&signer_name=" + std::string(201, 'a'), admin_.Read());
  EXPECT_EQ(longer.status, 400) << longer.body;
  EXPECT_EQ(hub_->Post("/api/v1/report/periodic", "{}", admin_.Write()).status, 405);
}

// Runs a tool; fails the test when it cannot.
std::string Tool(const std::vector<std::string>& argv) {
  testing::CommandResult r;
  Status s = testing::RunCommand(argv, &r, std::chrono::seconds(120));
  EXPECT_TRUE(s.ok()) << argv[0] << ": " << s.ToString();
  EXPECT_EQ(r.exit_code, 0) << argv[0] << ": " << r.output;
  return r.output;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Letters only, lower case, Vietnamese diacritics folded (OCR's tolerance).
std::string Fold(const std::string& s) {
  static const std::vector<std::pair<std::string, char>> kMap = [] {
    std::vector<std::pair<std::string, char>> m;
    const std::vector<std::pair<const char*, char>> groups = {
        {"àáảãạăằắẳẵặâầấẩẫậÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ", 'a'},
        {"èéẻẽẹêềếểễệÈÉẺẼẸÊỀẾỂỄỆ", 'e'},
        {"ìíỉĩịÌÍỈĨỊ", 'i'},
        {"òóỏõọôồốổỗộơờớởỡợÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ", 'o'},
        {"ùúủũụưừứửữựÙÚỦŨỤƯỪỨỬỮỰ", 'u'},
        {"ỳýỷỹỵỲÝỶỸỴ", 'y'},
        {"đĐ", 'd'}};
    for (const auto& [letters, base] : groups) {
      const std::string text = letters;
      for (size_t i = 0; i < text.size();) {
        size_t n = (static_cast<unsigned char>(text[i]) >= 0xE0) ? 3 : 2;
        m.emplace_back(text.substr(i, n), base);
        i += n;
      }
    }
    return m;
  }();
  std::string out;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (std::isalpha(c)) out += static_cast<char>(std::tolower(c));
      ++i;
      continue;
    }
    bool found = false;
    for (const auto& [seq, base] : kMap) {
      if (s.compare(i, seq.size(), seq) == 0) {
        out += base;
        i += seq.size();
        found = true;
        break;
      }
    }
    if (!found) ++i;
  }
  return out;
}

TEST_F(PeriodicReportTest, PdfPagesCarryTheVietnameseTextAsTextAndAsImages) {
  auto res = hub_->Get(
      "/api/v1/report/periodic.pdf?period=2025-11&number=15&date=2025-12-05&recipient=Ph%C3%B2ng%20"
      "N%E1%BB%99i%20v%E1%BB%A5",
      admin_.Read());
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.Header("content-type"), "application/pdf");
  ASSERT_EQ(res.body.rfind("%PDF-", 0), 0u);
  const std::string pdf = hub_->dir().Join("report.pdf");
  {
    std::ofstream out(pdf, std::ios::binary);
    out << res.body;
  }
  // The text layer, exact (pdftotext -layout keeps each line's words together).
  Tool({HAILONG_PDFTOTEXT, "-layout", "-enc", "UTF-8", pdf, pdf + ".txt"});
  const std::string text = ReadFile(pdf + ".txt");
  for (const char* want :
       {"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: 15/BC-UBND",
        "Quận 1, ngày 05 tháng 12 năm 2025", "BÁO CÁO", "Kính gửi: Phòng Nội vụ.", kP1Name, kP2Name,
        "87,5%", "60,0%", "Tổng cộng", "Nơi nhận:", "Nguyễn Văn Ấn"}) {
    EXPECT_NE(text.find(want), std::string::npos) << "missing \"" << want << "\" in\n" << text;
  }
  const std::string info = Tool({HAILONG_PDFINFO, pdf});
  EXPECT_NE(info.find("595.276 x 841.89 pts (A4)"), std::string::npos) << info;
  // The first page as an image, read back by OCR.
  Tool({HAILONG_PDFTOPPM, "-r", "300", "-gray", "-f", "1", "-l", "1", "-png", pdf,
        hub_->dir().Join("page")});
  const std::string png = hub_->dir().Join("page-1.png");
  const std::string ocr = Tool({HAILONG_TESSERACT, png, "stdout", "-l", "vie", "--psm", "4"});
  // Diacritics first; OCR may miss a mark, so the folded form also counts.
  const bool exact = ocr.find("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") != std::string::npos;
  const std::string folded = Fold(ocr);
  EXPECT_TRUE(exact || folded.find("conghoaxahoichunghiavietnam") != std::string::npos) << ocr;
  EXPECT_NE(folded.find("doclaptudohanhphuc"), std::string::npos) << ocr;
  EXPECT_NE(folded.find("baocao"), std::string::npos) << ocr;
  EXPECT_NE(folded.find("kinhguiphongnoivu"), std::string::npos) << ocr;
  std::cout << "OCR of the national header: "
            << (exact ? "exact, with diacritics" : "matched without diacritics") << "\n";
}

TEST_F(PeriodicReportTest, PdfLimitsArePagesNotPartialDocuments) {
  // This report needs more than one page: with max_pages 1 it is 413, never a cut PDF.
  HubOptions o;
  o.extra = {{"periodic_report", {{"max_pages", 1}, {"copies_to", json::array()}}}};
  HubProcess small(o);
  small.Start();
  Session s = Login(small, "admin");
  ChainBuilder p1("edge-p1");
  ASSERT_EQ(small.Push(kTokenP1, "edge-p1", Frames(OfficeP1(&p1))).status, 200);
  ASSERT_TRUE(WaitCaughtUp(small, s));
  auto res = small.Get("/api/v1/report/periodic.pdf?period=2025-11", s.Read());
  EXPECT_EQ(res.status, 413) << res.body;
  EXPECT_TRUE(json::parse(res.body, nullptr, false).contains("error_en")) << res.body;
}

}  // namespace
}  // namespace hailong::hub_test
