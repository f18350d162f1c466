// The public results (GET /public/v1/results, the /ket-qua pages) against a
// real hub: anyone may read them without signing in; they hold the offices'
// figures month by month, hand-computed below, and nothing else: no phone
// number, comment, counter or officer; an unknown office is 404; a new
// rating shows as soon as it is projected; the district can switch them off.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <set>

#include "hailong/schema/time.h"
#include "hub_harness.h"

namespace hailong::hub_test {
namespace {

using json = nlohmann::json;

constexpr int64_t kDayMs = 24 * 3600 * 1000;
constexpr char kPhone[] = "0987654321";
constexpr char kComment[] = "Cán bộ Trần Văn Bình trả hồ sơ chậm";

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "YYYY-MM-15" of the month before the month of `day`.
std::string MiddleOfPreviousMonth(const std::string& day) {
  int year = std::stoi(day.substr(0, 4));
  int month = std::stoi(day.substr(5, 2)) - 1;
  if (month == 0) {
    month = 12;
    --year;
  }
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-15", year, month);
  return buf;
}

class PublicResultsTest : public ::testing::Test {
 protected:
  void StartHub(const json& extra) {
    HubOptions o;
    o.extra = extra;
    hub_ = std::make_unique<HubProcess>(o);
    hub_->dir().WriteFile("web/public.html", "<script src=\"/assets/public.js\"></script>\n");
    hub_->Start();
    admin_ = Login(*hub_, "admin");
  }

  // Office p1 this month: dossiers D1 and D2 received (due in 30 days, so
  // neither is overdue), 3 satisfied ratings (one about D1) and 1
  // unsatisfied about D2 with a phone number and a comment; last month: 1
  // satisfied and 1 unsatisfied. Office p2 this month: 1 satisfied.
  //   p1 this month: ratings 4, satisfaction 3/4 = 0.75, dossiers 2, rated 2,
  //                  participation 1.0, Decision 766 (2 - 1 bad) / 2 = 0.5
  //   p1 last month: ratings 2, satisfaction 0.5
  //   district this month: ratings 5, satisfaction 4/5 = 0.8
  void PushScenario() {
    const std::string today = VietnamDay(NowMs());
    const int64_t now = VnTime(today, 0) + 60'000;  // today, whatever the hour
    const int64_t last_month = VnTime(MiddleOfPreviousMonth(today), 10);
    ChainBuilder p1("edge-p1");
    std::vector<std::string> e;
    e.push_back(NextDossier(&p1, "D1", "q1", "o1", "HT", "HT-01", now + 30 * kDayMs, now, false));
    e.push_back(NextDossier(&p1, "D2", "q1", "o1", "HT", "HT-01", now + 30 * kDayMs, now, false));
    RatingSpec r;
    r.time_ms = now + 1000;
    r.dossier = "D1";
    e.push_back(p1.Next(Rating(r), r.time_ms));
    r.dossier.clear();
    e.push_back(p1.Next(Rating(r), r.time_ms));
    e.push_back(p1.Next(Rating(r), r.time_ms));
    r.classification = fb::Classification::Unsatisfied;
    r.dossier = "D2";
    r.phone = kPhone;
    r.comment = kComment;
    e.push_back(p1.Next(Rating(r), r.time_ms));
    RatingSpec old;
    old.time_ms = last_month;
    e.push_back(p1.Next(Rating(old), old.time_ms));
    old.classification = fb::Classification::Unsatisfied;
    e.push_back(p1.Next(Rating(old), old.time_ms));
    auto res = hub_->Push(kTokenP1, "edge-p1", Frames(e));
    ASSERT_EQ(res.status, 200) << res.body;
    PushP2(now + 2000);
  }

  void PushP2(int64_t time_ms) {
    RatingSpec r;
    r.office = "p2";
    r.time_ms = time_ms;
    auto res = hub_->Push(kTokenP2, "edge-p2", Frames({p2_.Next(Rating(r), r.time_ms)}));
    ASSERT_EQ(res.status, 200) << res.body;
    ASSERT_TRUE(WaitCaughtUp(*hub_, admin_));
  }

  // Anonymous GET (no cookie, no token).
  json Results(const std::string& query = "") {
    auto res = hub_->Get("/public/v1/results" + query);
    EXPECT_EQ(res.status, 200) << res.body;
    EXPECT_NE(res.body.find("\"months\""), std::string::npos);
    last_body_ = res.body;
    return json::parse(res.body, nullptr, false);
  }

  static const json* Month(const json& doc, const std::string& month) {
    for (const auto& m : doc["months"]) {
      if (m.value("month", "") == month) return &m;
    }
    return nullptr;
  }

  std::unique_ptr<HubProcess> hub_;
  Session admin_;
  ChainBuilder p2_{"edge-p2"};
  std::string last_body_;
};

TEST_F(PublicResultsTest, AnyoneSeesTheOfficesFiguresAndNothingPersonal) {
  StartHub(json{{"public_title", "UBND quận Thử Nghiệm"},
                {"targets", {{"offices", {{"p1", {{"satisfaction", 0.75}}}}}}}});
  PushScenario();
  const std::string today = VietnamDay(NowMs());
  const std::string this_month = today.substr(0, 7);
  const std::string last_month = MiddleOfPreviousMonth(today).substr(0, 7);

  // One office, month by month.
  json p1 = Results("?office=p1");
  EXPECT_EQ(p1["title"], "UBND quận Thử Nghiệm");
  EXPECT_EQ(p1["office"]["id"], "p1");
  EXPECT_DOUBLE_EQ(p1["targets"]["satisfaction"].get<double>(), 0.75);
  const json* now = Month(p1, this_month);
  ASSERT_NE(now, nullptr) << p1.dump();
  EXPECT_EQ((*now)["ratings"], 4);
  EXPECT_DOUBLE_EQ((*now)["satisfaction_rate"].get<double>(), 0.75);
  EXPECT_EQ((*now)["dossiers"], 2);
  EXPECT_EQ((*now)["rated_dossiers"], 2);
  EXPECT_DOUBLE_EQ((*now)["participation_rate"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ((*now)["decision766_rate"].get<double>(), 0.5);
  const json* before = Month(p1, last_month);
  ASSERT_NE(before, nullptr) << p1.dump();
  EXPECT_EQ((*before)["ratings"], 2);
  EXPECT_DOUBLE_EQ((*before)["satisfaction_rate"].get<double>(), 0.5);
  EXPECT_EQ(p1["totals"]["ratings"], 6);

  // Only the whitelisted figures, never a person or a place inside an office.
  const std::set<std::string> allowed = {"month",
                                         "ratings",
                                         "very_satisfied",
                                         "satisfied",
                                         "neutral",
                                         "unsatisfied",
                                         "satisfaction_rate",
                                         "dossiers",
                                         "rated_dossiers",
                                         "participation_rate",
                                         "returned",
                                         "returned_on_time",
                                         "on_time_rate",
                                         "decision766_rate",
                                         "target_satisfaction",
                                         "target_participation"};
  for (const auto& m : p1["months"]) {
    for (const auto& [key, value] : m.items()) EXPECT_TRUE(allowed.count(key)) << key;
  }
  for (const std::string& secret : {std::string(kPhone), std::string(kComment), std::string("o1"),
                                    std::string("q1"), std::string("edge-p1")}) {
    EXPECT_EQ(last_body_.find(secret), std::string::npos) << secret;
  }

  // The district: the offices side by side, this month and last.
  json district = Results();
  EXPECT_EQ(district["current_month"], this_month);
  EXPECT_EQ(district["previous_month"], last_month);
  ASSERT_EQ(district["offices"].size(), 2u) << district.dump();
  const json& o1 = district["offices"][0];
  EXPECT_EQ(o1["id"], "p1");
  EXPECT_EQ(o1["current"]["ratings"], 4);
  EXPECT_EQ(o1["previous"]["ratings"], 2);
  EXPECT_EQ(district["offices"][1]["id"], "p2");
  EXPECT_EQ(district["offices"][1]["current"]["ratings"], 1);
  EXPECT_FALSE(district["offices"][1].contains("previous"));
  const json* all_now = Month(district, this_month);
  ASSERT_NE(all_now, nullptr);
  EXPECT_EQ((*all_now)["ratings"], 5);
  EXPECT_DOUBLE_EQ((*all_now)["satisfaction_rate"].get<double>(), 0.8);
  for (const std::string& secret : {std::string(kPhone), std::string(kComment)}) {
    EXPECT_EQ(last_body_.find(secret), std::string::npos) << secret;
  }

  // Cacheable by a proxy for a minute, but a new rating shows once projected.
  auto raw = hub_->Get("/public/v1/results");
  EXPECT_EQ(raw.Header("cache-control"), "public, max-age=60");
  PushP2(NowMs());
  district = Results();
  EXPECT_EQ(district["offices"][1]["current"]["ratings"], 2);

  // Unknown or malformed offices.
  EXPECT_EQ(hub_->Get("/public/v1/results?office=p9").status, 404);
  EXPECT_EQ(hub_->Get("/public/v1/results?office=..%2Fp1").status, 404);
  EXPECT_EQ(hub_->Post("/public/v1/results", "{}").status, 405);

  // The pages.
  auto page = hub_->Get("/ket-qua/p1");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("/assets/public.js"), std::string::npos);
  EXPECT_EQ(hub_->Get("/ket-qua").status, 200);
  EXPECT_EQ(hub_->Get("/ket-qua/p1/x").status, 404);
}

TEST_F(PublicResultsTest, ADistrictCanSwitchThemOff) {
  StartHub(json{{"public_results", false}});
  EXPECT_EQ(hub_->Get("/public/v1/results").status, 404);
  EXPECT_EQ(hub_->Get("/ket-qua").status, 404);
  EXPECT_EQ(hub_->Get("/ket-qua/p1").status, 404);
}

}  // namespace
}  // namespace hailong::hub_test
