// RunReport over the tally pieces it keeps in a ReportCache gives the same
// rows as a plain sum of the office day pages, for every grouping, office
// set and period, with or without the cache, and again after new events
// arrive (a new generation): nothing from the older models is served.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "codec.h"
#include "hailong/hub/projector.h"
#include "hailong/hub/report.h"
#include "hailong/replication/event_log.h"
#include "hailong/schema/time.h"
#include "hailong/testing/temp_dir.h"
#include "hub_harness.h"
#include "projection_state.h"

namespace hailong::hub_test {
namespace {

using hub::GroupBy;
using hub::Report;
using hub::ReportCache;
using hub::ReportQuery;
using hub::Tally;
using Groups = std::map<std::pair<std::string, std::string>, Tally>;

constexpr int kOffices = 7;

std::string Day(int day_of_year) {  // 0 = 2026-01-01
  int64_t ms = 0;
  EXPECT_TRUE(ParseVietnamDay("2026-01-01", &ms).ok());
  return VietnamDay(ms + int64_t{day_of_year} * 86400000 + 12 * 3600000);
}

hub::Dimension DimOf(GroupBy g) {
  switch (g) {
    case GroupBy::kCounter:
      return hub::Dimension::kCounter;
    case GroupBy::kOfficer:
      return hub::Dimension::kOfficer;
    case GroupBy::kField:
      return hub::Dimension::kField;
    case GroupBy::kProcedure:
      return hub::Dimension::kProcedure;
    default:
      return hub::Dimension::kOffice;
  }
}

// The oracle: every office day page of the period, summed by group.
Groups Expected(replication::Store* store, const ReportQuery& q) {
  Groups out;
  std::vector<std::string> offices = q.offices;
  if (offices.empty()) {
    for (int o = 0; o < kOffices; ++o) offices.push_back("p" + std::to_string(o));
  }
  for (const std::string& office : offices) {
    const std::string prefix = hub::codec::TallyOfficePrefix(DimOf(q.group_by), office);
    EXPECT_TRUE(store
                    ->Scan(prefix + q.from, prefix + q.to + "0",
                           [&](std::string_view key, std::string_view value) {
                             const std::string day(key.substr(prefix.size()));
                             hub::TallyPage page;
                             EXPECT_TRUE(hub::DecodeTallyPage(value, &page));
                             for (const auto& [v, t] : page) {
                               std::pair<std::string, std::string> g;
                               switch (q.group_by) {
                                 case GroupBy::kOffice:
                                   g = {office, office};
                                   break;
                                 case GroupBy::kCounter:
                                 case GroupBy::kOfficer:
                                   g = {office, v};
                                   break;
                                 case GroupBy::kDay:
                                   g = {"", day};
                                   break;
                                 case GroupBy::kMonth:
                                   g = {"", day.substr(0, 7)};
                                   break;
                                 default:
                                   g = {"", v};
                                   break;
                               }
                               out[g].Add(t);
                             }
                             return true;
                           })
                    .ok());
  }
  for (auto& [g, t] : out) t.pending_with_due = 0;  // see Clockless
  return out;
}

// The tallies as summed, without Decision 766's clock (the dossiers pending
// past due that RunReport adds, tested in report_seeds_test.cc).
hub::Tally Clockless(hub::Tally t) {
  t.unsatisfied_dossiers -= t.pending_with_due;
  t.pending_with_due = 0;
  return t;
}

Groups Rows(const Report& r) {
  Groups out;
  for (const auto& row : r.rows) out[{row.office, row.key}] = Clockless(row.tally);
  return out;
}

class HubReportCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    replication::EventLogOptions o;
    o.origin = "hub";
    o.extra_origins = {"hub-private"};
    o.sync = false;
    ASSERT_TRUE(replication::EventLog::Open(o, dir_.Join("log"), &log_).ok());
    hub::ProjectorOptions po;
    po.log = log_.get();
    for (int i = 0; i < kOffices; ++i) {
      po.origin_office["edge-p" + std::to_string(i)] = "p" + std::to_string(i);
      chains_.emplace_back("edge-p" + std::to_string(i));
    }
    ASSERT_TRUE(hub::Projector::Open(po, &projector_).ok());
  }

  // `n` events per office over days [first, last] of 2026.
  void Add(int n, int first, int last) {
    for (int o = 0; o < kOffices; ++o) {
      std::vector<std::string> events;
      for (int i = 0; i < n; ++i) {
        const std::string day = Day(first + static_cast<int>(rng_() % (last - first + 1)));
        const int64_t at = VnTime(day, 8 + static_cast<int>(rng_() % 9));
        if (rng_() % 4 == 0) {
          DossierSpec d;
          d.office = "p" + std::to_string(o);
          d.receipt = d.office + "-" + std::to_string(++receipts_);
          d.counter = "q" + std::to_string(rng_() % 3);
          d.officer = "cb" + std::to_string(rng_() % 4);
          d.field = "F" + std::to_string(rng_() % 3);
          d.procedure = d.field + "-" + std::to_string(rng_() % 2);
          d.at_ms = at;
          d.due_ms = at + 86400000;
          events.push_back(chains_[o].Next(Dossier(d), at));
        } else {
          RatingSpec r;
          r.office = "p" + std::to_string(o);
          r.counter = "q" + std::to_string(rng_() % 3);
          r.officer = "cb" + std::to_string(rng_() % 4);
          r.classification = static_cast<fb::Classification>(1 + rng_() % 3);
          r.field = "F" + std::to_string(rng_() % 3);
          r.procedure = r.field + "-" + std::to_string(rng_() % 2);
          r.time_ms = at;
          events.push_back(chains_[o].Next(Rating(r), at));
        }
      }
      std::vector<std::string_view> views(events.begin(), events.end());
      replication::IngestResult result;
      ASSERT_TRUE(log_->Ingest(chains_[o].origin(), views, &result).ok());
    }
    ASSERT_TRUE(projector_->CatchUp().ok());
  }

  // Random periods, groupings and office sets: cached, uncached and the
  // oracle agree.
  void Check(int queries) {
    const GroupBy groups[] = {GroupBy::kOffice, GroupBy::kCounter,   GroupBy::kOfficer,
                              GroupBy::kField,  GroupBy::kProcedure, GroupBy::kDay,
                              GroupBy::kMonth};
    int answered = 0;
    for (int i = 0; i < queries; ++i) {
      ReportQuery q;
      int a = static_cast<int>(rng_() % 120), b = static_cast<int>(rng_() % 120);
      if (a > b) std::swap(a, b);
      q.from = Day(a);
      q.to = Day(b);
      q.group_by = groups[rng_() % 7];
      const int set = static_cast<int>(rng_() % 3);  // all, a few, many
      for (int o = 0; o < kOffices && set > 0; ++o) {
        if ((set == 1 && o % 3 == 1) || (set == 2 && o != 2)) {
          q.offices.push_back("p" + std::to_string(o));
        }
      }
      SCOPED_TRACE(q.from + ".." + q.to + " " + hub::GroupByName(q.group_by) + " " +
                   std::to_string(q.offices.size()) + " offices");
      const Groups want = Expected(log_->store(), q);
      if (!want.empty()) ++answered;
      Report plain, cached;
      ASSERT_TRUE(hub::RunReport(*log_->store(), q, &plain).ok());
      ASSERT_TRUE(hub::RunReport(*log_->store(), q, &cached, cache_.get(), projector_->instance(),
                                 projector_->generation())
                      .ok());
      EXPECT_EQ(Rows(plain), want);
      EXPECT_EQ(Rows(cached), want);
      Tally total;
      for (const auto& [k, t] : want) total.Add(t);
      EXPECT_EQ(Clockless(cached.totals), total);
    }
    EXPECT_GT(answered, queries / 2);  // most periods hold events
  }

  testing::TempDir dir_{"hailong-report-cache"};
  std::unique_ptr<replication::EventLog> log_;
  std::unique_ptr<hub::Projector> projector_;
  std::vector<ChainBuilder> chains_;
  std::mt19937_64 rng_{42};
  int receipts_ = 0;
  std::unique_ptr<ReportCache> cache_ = std::make_unique<ReportCache>();
};

TEST_F(HubReportCacheTest, PiecesGiveTheSumsOfTheDayPagesAcrossGenerations) {
  Add(300, 0, 110);
  Check(150);
  // New events in months and days already cached: a new generation.
  Add(40, 20, 80);
  Check(150);
}

// Reports of many threads share one cache while the generation moves on
// (the hub's workers): every answer is the oracle's (run under TSan by
// ops/test-sanitizers).
TEST_F(HubReportCacheTest, ThreadsShareTheCacheAcrossGenerations) {
  Add(150, 0, 110);
  std::atomic<uint64_t> generation{1};
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(t + 1);
      for (int i = 0; i < 60; ++i) {
        ReportQuery q;
        int a = static_cast<int>(rng() % 120), b = static_cast<int>(rng() % 120);
        if (a > b) std::swap(a, b);
        q.from = Day(a);
        q.to = Day(b);
        q.group_by = rng() % 2 ? GroupBy::kCounter : GroupBy::kDay;
        if (rng() % 3 == 0) q.offices = {"p2", "p5"};
        if (i % 10 == 0) generation.fetch_add(1);
        Report r;
        if (!hub::RunReport(*log_->store(), q, &r, cache_.get(), 1, generation.load()).ok() ||
            Rows(r) != Expected(log_->store(), q)) {
          wrong.fetch_add(1);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

// A cache too small for one piece still answers right (it keeps nothing).
TEST_F(HubReportCacheTest, ACacheTooSmallForAPieceStillAnswers) {
  Add(100, 0, 60);
  cache_ = std::make_unique<ReportCache>(64);
  Check(40);
}

// Row names are cached with the generation: a catalogue change (written by
// the projector, which then moves to a new generation) shows at once in the
// next generation's reports, never later.
TEST_F(HubReportCacheTest, NamesFollowTheGeneration) {
  Add(20, 0, 10);
  auto name_at = [&](uint64_t generation) {
    ReportQuery q;
    q.from = Day(0);
    q.to = Day(10);
    Report r;
    EXPECT_TRUE(hub::RunReport(*log_->store(), q, &r, cache_.get(), 1, generation).ok());
    for (const auto& row : r.rows) {
      if (row.office == "p1") return row.name;
    }
    return std::string("(no row)");
  };
  auto set_name = [&](const std::string& name) {
    replication::WriteBatch b;
    b.Put(hub::codec::CatalogueKey("office", "", "p1"), nlohmann::json{{"name", name}}.dump());
    ASSERT_TRUE(log_->store()->Write(b, false).ok());
  };
  set_name("Phường Một");
  EXPECT_EQ(name_at(5), "Phường Một");
  set_name("Phường 1");
  EXPECT_EQ(name_at(5), "Phường Một");  // the same generation: the same answer
  EXPECT_EQ(name_at(6), "Phường 1");
  EXPECT_EQ(name_at(5), "Phường 1");  // an older generation never brings back older names
}

// Pieces numbered by different id tables (the table starts again past its
// bound, here every few keys) meet in one report: keys are then matched
// by their text.
TEST_F(HubReportCacheTest, PiecesOfDifferentIdTablesStillAnswer) {
  Add(100, 0, 60);
  cache_ = std::make_unique<ReportCache>(size_t{128} << 20, 5);
  Check(60);
}

// Decision 766 on the clock through the cache: as "as of" moves past due
// times (and back), the cached slices of not-yet-due dossiers give the
// figures a report without a cache gives, row by row, and the same
// valid_until.
TEST_F(HubReportCacheTest, PendingSlicesFollowTheClock) {
  Add(300, 90, 110);
  const GroupBy groups[] = {GroupBy::kOffice, GroupBy::kCounter,   GroupBy::kOfficer,
                            GroupBy::kField,  GroupBy::kProcedure, GroupBy::kDay,
                            GroupBy::kMonth};
  int open_reports = 0;
  for (int step = 0; step < 120; ++step) {
    ReportQuery q;
    q.from = Day(static_cast<int>(rng_() % 100));
    q.to = Day(119);
    q.group_by = groups[rng_() % 7];
    if (rng_() % 2 == 0) q.offices = {"p1", "p4"};
    // Mostly forward through days 100..111 in quarter hours, sometimes back.
    const int quarter = step % 10 == 9 ? static_cast<int>(rng_() % (step + 1)) : step;
    q.now_ms = VnTime(Day(100 + quarter / 10), 8) + int64_t{quarter % 10} * 40 * 60000;
    SCOPED_TRACE(q.from + " " + hub::GroupByName(q.group_by) + " now " + std::to_string(q.now_ms));
    Report plain, cached;
    ASSERT_TRUE(hub::RunReport(*log_->store(), q, &plain).ok());
    ASSERT_TRUE(hub::RunReport(*log_->store(), q, &cached, cache_.get(), projector_->instance(),
                               projector_->generation())
                    .ok());
    ASSERT_EQ(plain.rows.size(), cached.rows.size());
    for (size_t i = 0; i < plain.rows.size(); ++i) {
      EXPECT_EQ(plain.rows[i].office, cached.rows[i].office);
      EXPECT_EQ(plain.rows[i].key, cached.rows[i].key);
      EXPECT_EQ(plain.rows[i].tally, cached.rows[i].tally);
    }
    EXPECT_EQ(plain.totals, cached.totals);
    EXPECT_EQ(plain.valid_until_ms, cached.valid_until_ms);
    if (plain.valid_until_ms != INT64_MAX) ++open_reports;
  }
  EXPECT_GT(open_reports, 60);  // most "as of" times have dossiers not yet due
}

}  // namespace
}  // namespace hailong::hub_test
