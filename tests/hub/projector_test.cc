// The projector over a real EventLog: the read models do not depend on the
// order in which origins arrive (a void or a complaint before its rating),
// a rebuild gives the same models, and a hub killed with SIGKILL while
// projecting resumes without applying anything twice or skipping anything.
#include "hailong/hub/projector.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "hailong/hub/read_model.h"
#include "hailong/replication/event_log.h"
#include "hailong/testing/temp_dir.h"
#include "hub_harness.h"
#include "projection_state.h"
#include "rebuild_scan.h"

namespace hailong::hub_test {
namespace {

using json = nlohmann::json;
using hub::Projector;
using hub::ProjectorOptions;
using hub::Tally;
using replication::EventLog;

// prefix followed by n (GCC 12 warns, -Wrestrict, about "literal" + a
// temporary std::string).
template <typename N>
std::string Id(const char* prefix, N n) {
  return std::string(prefix).append(std::to_string(n));
}

std::map<std::string, std::string> Models(replication::Store* store) {
  std::map<std::string, std::string> out;
  EXPECT_TRUE(store
                  ->Scan("x/hub/p/", "x/hub/p0",
                         [&](std::string_view k, std::string_view v) {
                           out.emplace(std::string(k), std::string(v));
                           return true;
                         })
                  .ok());
  return out;
}

// The office tally of (office, day): the "" value of its office page.
Tally OfficeTally(replication::Store* store, const std::string& office, const std::string& day) {
  std::string v;
  hub::TallyPage page;
  if (store->Get("x/hub/p/a/office/" + office + "/" + day, &v).ok()) {
    EXPECT_TRUE(hub::DecodeTallyPage(v, &page));
  }
  auto it = page.find("");
  return it == page.end() ? Tally() : it->second;
}

std::unique_ptr<EventLog> OpenLog(const std::string& dir) {
  replication::EventLogOptions o;
  o.origin = "hub";
  o.extra_origins = {"hub-private"};
  o.sync = false;
  std::unique_ptr<EventLog> log;
  Status s = EventLog::Open(o, dir, &log);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return log;
}

std::vector<std::string> EdgeEvents() {
  ChainBuilder c("edge-p1");
  std::vector<std::string> e;
  DossierSpec d;
  d.receipt = "R1";
  d.field = "HT";
  d.at_ms = VnTime("2026-11-10", 8);
  e.push_back(c.Next(Dossier(d), d.at_ms));
  RatingSpec r;
  r.dossier = "R1";
  r.field = "HT";
  r.time_ms = VnTime("2026-11-10", 9);
  e.push_back(c.Next(Rating(r), r.time_ms));  // seq 2: voided by the hub
  r.time_ms = VnTime("2026-11-10", 10);
  e.push_back(c.Next(Rating(r), r.time_ms));  // seq 3: complained about
  RatingSpec n;
  n.classification = fb::Classification::Neutral;
  n.time_ms = VnTime("2026-11-10", 11);
  e.push_back(c.Next(Rating(n), n.time_ms));  // seq 4
  return e;
}

void AppendHubEvents(EventLog* log) {
  replication::EventDraft v;
  v.time_ms = VnTime("2026-11-11", 8);
  fb::RatingVoidedT voided;
  voided.rating_origin = "edge-p1";
  voided.rating_seq = 2;
  voided.reason = "nhầm";
  v.body.Set(std::move(voided));
  replication::EventDraft f;
  f.time_ms = VnTime("2026-11-11", 9);
  fb::FollowUpOpenedT opened;
  opened.follow_up_id = "manual-1";
  opened.office = "p1";
  opened.rating_origin = "edge-p1";
  opened.rating_seq = 3;
  opened.reason = "complaint by phone";
  f.body.Set(std::move(opened));
  std::vector<replication::AppendResult> results;
  std::vector<replication::EventDraft> drafts;
  drafts.push_back(std::move(v));
  drafts.push_back(std::move(f));
  Status s = log->AppendBatch(std::move(drafts), &results);
  ASSERT_TRUE(s.ok()) << s.ToString();
}

void Ingest(EventLog* log, const std::vector<std::string>& events) {
  std::vector<std::string_view> views(events.begin(), events.end());
  replication::IngestResult result;
  Status s = log->Ingest("edge-p1", views, &result);
  ASSERT_TRUE(s.ok()) << s.ToString();
}

std::unique_ptr<Projector> NewProjector(EventLog* log) {
  ProjectorOptions o;
  o.log = log;
  o.origin_office["edge-p1"] = "p1";
  std::unique_ptr<Projector> p;
  EXPECT_TRUE(Projector::Open(o, &p).ok());
  return p;
}

TEST(ProjectorTest, ModelsDoNotDependOnTheOrderOriginsArrive) {
  testing::TempDir dir("hailong-projector");
  const auto edge = EdgeEvents();

  // A: the ratings first, then the hub's void and complaint.
  auto a = OpenLog(dir.Join("a"));
  auto pa = NewProjector(a.get());
  Ingest(a.get(), edge);
  ASSERT_TRUE(pa->CatchUp().ok());
  AppendHubEvents(a.get());
  ASSERT_TRUE(pa->CatchUp().ok());

  // B: the void and the complaint arrive before the ratings they name.
  auto b = OpenLog(dir.Join("b"));
  auto pb = NewProjector(b.get());
  AppendHubEvents(b.get());
  ASSERT_TRUE(pb->CatchUp().ok());
  Ingest(b.get(), edge);
  ASSERT_TRUE(pb->CatchUp().ok());

  const auto ma = Models(a->store());
  EXPECT_EQ(ma, Models(b->store()));
  // And a rebuild of A gives the same again.
  ASSERT_TRUE(pa->Rebuild().ok());
  EXPECT_EQ(ma, Models(a->store()));

  // The hand-computed figures: seq 2 voided, seq 3 and 4 count; R1 is rated
  // and, complained about, unsatisfied for Decision 766.
  Tally t = OfficeTally(a->store(), "p1", "2026-11-10");
  EXPECT_EQ(t.ratings, 2);
  EXPECT_EQ(t.satisfied, 1);
  EXPECT_EQ(t.neutral, 1);
  EXPECT_EQ(t.excluded, 1);
  EXPECT_EQ(t.dossiers, 1);
  EXPECT_EQ(t.rated_dossiers, 1);
  EXPECT_EQ(t.unsatisfied_dossiers, 1);
  std::string fu;
  ASSERT_TRUE(a->store()->Get("x/hub/p/fu/manual-1", &fu).ok());
  EXPECT_EQ(json::parse(fu)["status"], "open");
}

// A rebuild writes its tallies only at the end, under a marker key: one that
// died half way (cursors at the heads, tallies missing) starts again at
// Open, so no event ends up applied zero times.
TEST(ProjectorTest, AnInterruptedRebuildStartsAgainAtOpen) {
  testing::TempDir dir("hailong-projector");
  auto log = OpenLog(dir.Join("log"));
  Ingest(log.get(), EdgeEvents());
  AppendHubEvents(log.get());
  std::map<std::string, std::string> expected;
  {
    auto p = NewProjector(log.get());
    ASSERT_TRUE(p->CatchUp().ok());
    expected = Models(log->store());
  }
  replication::WriteBatch crashed;
  crashed.Put("x/hub/rebuilding", "1");
  size_t dropped = 0;
  for (const auto& [key, value] : expected) {
    if (key.rfind("x/hub/p/a/", 0) == 0 || key.rfind("x/hub/p/t/", 0) == 0 ||
        key.rfind("x/hub/p/m/", 0) == 0) {
      crashed.Delete(key);
      ++dropped;
    }
  }
  ASSERT_GT(dropped, 0u);
  ASSERT_TRUE(log->store()->Write(crashed, false).ok());
  auto p = NewProjector(log.get());
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(Models(log->store()), expected);
  std::string marker;
  EXPECT_TRUE(log->store()->Get("x/hub/rebuilding", &marker).IsNotFound());
  EXPECT_EQ(OfficeTally(log->store(), "p1", "2026-11-10").ratings, 2);
}

// Months of dossiers and ratings (some misuse, voided or complained about,
// with comments and phones), projected in small incremental batches, then
// rebuilt twice: with the default bounds (everything in memory until the
// end) and with bounds so small that the rebuild writes its tallies, dossier
// states and rating chunks out after every batch and adds to them later.
TEST(ProjectorTest, ARebuildWithinTinyMemoryBoundsEqualsIncrementalProjection) {
  testing::TempDir dir("hailong-projector");
  auto log = OpenLog(dir.Join("log"));
  ChainBuilder c("edge-p1");
  std::mt19937 rng(5);
  std::vector<std::string> events;
  std::vector<uint64_t> rating_seqs;
  for (int n = 0; n < 3000; ++n) {
    const int64_t at = VnTime("2026-01-28", 8) + int64_t{n} * 1800000;  // into March
    if (n % 6 == 0) {
      DossierSpec d;
      d.receipt = Id("R", n / 6 - static_cast<int>(rng() % 3 == 0 ? 5 : 0));
      d.returned = rng() % 3 == 0;
      d.counter = Id("q", rng() % 3);
      d.officer = Id("o", rng() % 5);
      d.field = Id("F", rng() % 4);
      d.procedure = d.field + Id("-", rng() % 3);
      d.due_ms = at + static_cast<int64_t>(rng() % 3) * 43200000;
      d.at_ms = at;
      events.push_back(c.Next(Dossier(d), at));
      continue;
    }
    RatingSpec r;
    r.counter = Id("q", rng() % 3);
    r.officer = rng() % 7 == 0 ? "" : Id("o", rng() % 5);
    r.classification = static_cast<fb::Classification>(rng() % 4);
    if (rng() % 2 == 0) r.dossier = Id("R", n / 6);
    r.field = Id("F", rng() % 4);
    if (rng() % 9 == 0) r.comment = "chờ lâu";
    if (rng() % 11 == 0) r.phone = "0900";
    r.misuse = rng() % 31 == 0;
    r.channel = rng() % 2 ? fb::Channel::Touchscreen : fb::Channel::Phone;
    // Now and then edge-p1 speaks for p2: refused (event_authorization.h),
    // and some voids and complaints below name those refused ratings.
    if (n % 13 == 5) r.office = "p2";
    r.time_ms = at + static_cast<int64_t>(rng() % 7200000) - 3600000;
    events.push_back(c.Next(Rating(r), r.time_ms));
    rating_seqs.push_back(events.size());
  }
  ProjectorOptions o;
  o.log = log.get();
  o.origin_office["edge-p1"] = "p1";
  o.batch_events = 64;
  std::unique_ptr<Projector> p;
  ASSERT_TRUE(Projector::Open(o, &p).ok());
  // Half the ratings arrive before the hub voids and complains about some.
  const size_t half = events.size() / 2;
  Ingest(log.get(), std::vector<std::string>(events.begin(), events.begin() + half));
  ASSERT_TRUE(p->CatchUp().ok());
  std::vector<replication::EventDraft> drafts;
  for (size_t i = 0; i < rating_seqs.size(); i += 37) {
    replication::EventDraft draft;
    draft.time_ms = VnTime("2026-03-05", 8);
    if (i % 2 == 0) {
      fb::RatingVoidedT v;
      v.rating_origin = "edge-p1";
      v.rating_seq = rating_seqs[i];
      v.reason = "nhầm";
      draft.body.Set(std::move(v));
    } else {
      fb::FollowUpOpenedT f;
      f.follow_up_id = Id("manual-", i);
      f.office = "p1";
      f.rating_origin = "edge-p1";
      f.rating_seq = rating_seqs[i];
      f.reason = "complaint by phone";
      draft.body.Set(std::move(f));
    }
    drafts.push_back(std::move(draft));
  }
  std::vector<replication::AppendResult> results;
  ASSERT_TRUE(log->AppendBatch(std::move(drafts), &results).ok());
  ASSERT_TRUE(p->CatchUp().ok());
  Ingest(log.get(), std::vector<std::string>(events.begin() + half, events.end()));
  ASSERT_TRUE(p->CatchUp().ok());
  const auto incremental = Models(log->store());
  ASSERT_GT(incremental.size(), 500u);
  ASSERT_EQ(incremental.count("x/hub/p/rn/edge-p1"), 1u);
  ASSERT_GT(std::stoull(incremental.at("x/hub/p/rn/edge-p1")), 100u);
  for (const auto& [key, value] : incremental) {
    EXPECT_TRUE(key.find("/p2/") == std::string::npos && !key.ends_with("/p2")) << key;
  }

  ASSERT_TRUE(p->Rebuild().ok());
  EXPECT_EQ(Models(log->store()), incremental);
  p.reset();
  o.rebuild_batch_events = 97;
  o.rebuild_max_cells = 10;
  o.rebuild_max_bytes = 1;
  ASSERT_TRUE(Projector::Open(o, &p).ok());
  ASSERT_TRUE(p->Rebuild().ok());
  const auto rebuilt = Models(log->store());
  EXPECT_EQ(rebuilt.size(), incremental.size());
  size_t differing = 0;
  for (const auto& [k, v] : incremental) {
    auto it = rebuilt.find(k);
    if (it == rebuilt.end() || it->second != v) {
      if (++differing <= 5) ADD_FAILURE() << "differs after a bounded rebuild: " << k;
    }
  }
  EXPECT_EQ(differing, 0u);
}

// The rebuild's read-ahead hands over every event of an origin in seq order,
// across many blocks, from any starting seq; one dropped half way stops its
// thread.
TEST(ProjectorTest, ScanAheadHandsOverEveryEventInOrderAndStopsWhenDropped) {
  testing::TempDir dir("hailong-projector");
  auto log = OpenLog(dir.Join("log"));
  ChainBuilder c("edge-p1");
  std::vector<std::string> events;
  // More than the queue holds (8 blocks of 2048).
  for (int n = 0; n < 20000; ++n) {
    RatingSpec r;
    r.counter = Id("q", n);
    r.time_ms = VnTime("2026-11-10", 8) + n;
    events.push_back(c.Next(Rating(r), r.time_ms));
  }
  Ingest(log.get(), events);
  for (uint64_t from : {uint64_t{1}, uint64_t{4097}, uint64_t{20001}}) {
    hub::ScanAhead scan(log.get(), "edge-p1", from);
    uint64_t seq = 0, expected = from;
    const fb::Event* e = nullptr;
    while (scan.Next(&seq, &e)) {
      ASSERT_EQ(seq, expected);
      const auto* r = e->body_as_RatingSubmitted();
      ASSERT_NE(r, nullptr);
      ASSERT_EQ(r->counter()->str(), Id("q", seq - 1));
      ++expected;
    }
    EXPECT_EQ(expected, 20001u);
    EXPECT_TRUE(scan.finished());
    EXPECT_TRUE(scan.status().ok());
    EXPECT_FALSE(scan.Next(&seq, &e));
  }
  {
    hub::ScanAhead scan(log.get(), "edge-p1", 1);
    uint64_t seq = 0;
    const fb::Event* e = nullptr;
    ASSERT_TRUE(scan.Next(&seq, &e));
    EXPECT_EQ(scan.next_seq(), 2u);
  }  // the scanning thread, blocked on a full queue, stops
  hub::ScanAhead none(log.get(), "edge-unknown", 1);
  uint64_t seq = 0;
  const fb::Event* e = nullptr;
  EXPECT_FALSE(none.Next(&seq, &e));
  EXPECT_TRUE(none.status().ok());
}

TEST(ProjectorTest, UnsatisfiedRatingWithPhoneOpensOneFollowUpEvenAfterRebuild) {
  testing::TempDir dir("hailong-projector");
  auto log = OpenLog(dir.Join("log"));
  auto p = NewProjector(log.get());
  ChainBuilder c("edge-p1");
  RatingSpec r;
  r.classification = fb::Classification::Unsatisfied;
  r.phone = "0900000001";
  r.time_ms = VnTime("2026-11-10", 9);
  Ingest(log.get(), {c.Next(Rating(r), r.time_ms)});
  ASSERT_TRUE(p->CatchUp().ok());
  // Follow-ups live in the hub's private origin, which edges never pull.
  EXPECT_EQ(log->Head("hub-private").seq, 1u);
  EXPECT_EQ(log->Head("hub").seq, 0u);
  ASSERT_TRUE(p->Rebuild().ok());
  ASSERT_TRUE(p->Rebuild().ok());
  EXPECT_EQ(log->Head("hub-private").seq, 1u);
  std::string fu;
  ASSERT_TRUE(log->store()->Get("x/hub/p/fu/fu-edge-p1-1", &fu).ok());
  EXPECT_EQ(json::parse(fu)["reason"], "unsatisfied_with_phone");
}

TEST(ProjectorTest, SigkillWhileProjectingNeverAppliesTwiceOrSkips) {
  HubProcess hub;
  hub.Start();
  ChainBuilder chain("edge-p1");
  std::mt19937 rng(20261110);
  std::uniform_int_distribution<int> cls(1, 3), pause_ms(0, 40);
  constexpr int kBatches = 12, kPerBatch = 2000;
  int64_t expected_ratings = 0;
  for (int b = 0; b < kBatches; ++b) {
    std::vector<std::string> events;
    for (int i = 0; i < kPerBatch; ++i) {
      const int n = b * kPerBatch + i;
      if (n % 10 == 0) {
        DossierSpec d;
        d.receipt = std::string(1, 'R').append(std::to_string(n));
        d.field = n % 20 == 0 ? "HT" : "DD";
        d.at_ms = VnTime("2026-11-01", 8) + int64_t{n} * 60000;
        events.push_back(chain.Next(Dossier(d), d.at_ms));
        continue;
      }
      RatingSpec r;
      r.counter = std::string(1, 'q').append(std::to_string(n % 4));
      r.officer = std::string(1, 'o').append(std::to_string(n % 7));
      r.classification = static_cast<fb::Classification>(cls(rng));
      if (n % 3 == 0) r.dossier = std::string(1, 'R').append(std::to_string(n - n % 10));
      if (r.classification == fb::Classification::Unsatisfied && n % 5 == 0) r.phone = "0900";
      r.misuse = n % 97 == 0;
      r.time_ms = VnTime("2026-11-01", 8) + int64_t{n} * 60000;
      if (!r.misuse) ++expected_ratings;
      events.push_back(chain.Next(Rating(r), r.time_ms));
    }
    auto res = hub.Push(kTokenP1, "edge-p1", Frames(events));
    ASSERT_EQ(res.status, 200) << res.body;
    // Crash at a random moment while the projector works on the batch.
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(rng)));
    hub.Kill();
    hub.Start();
  }
  Session admin = Login(hub, "admin");
  ASSERT_TRUE(WaitCaughtUp(hub, admin)) << hub.LogTail();
  auto report = json::parse(
      hub.Get("/api/v1/report?from=2026-10-01&to=2026-12-31&office=p1", admin.Read()).body);
  EXPECT_EQ(report["rows"][0]["ratings"].get<int64_t>(), expected_ratings);
  hub.Stop();

  std::map<std::string, std::string> incremental;
  {
    std::unique_ptr<replication::Store> store;
    replication::StoreOptions o;
    o.create_if_missing = false;
    ASSERT_TRUE(replication::Store::Open(o, hub.data_dir() + "/log", &store).ok());
    incremental = Models(store.get());
  }
  auto r = hub.Run({"--rebuild"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::printf("%s", r.output.c_str());
  std::unique_ptr<replication::Store> store;
  replication::StoreOptions o;
  o.create_if_missing = false;
  ASSERT_TRUE(replication::Store::Open(o, hub.data_dir() + "/log", &store).ok());
  const auto rebuilt = Models(store.get());
  EXPECT_EQ(incremental.size(), rebuilt.size());
  size_t differing = 0;
  for (const auto& [k, v] : incremental) {
    auto it = rebuilt.find(k);
    if (it == rebuilt.end() || it->second != v) {
      if (++differing <= 5) ADD_FAILURE() << "differs after crashes: " << k;
    }
  }
  EXPECT_EQ(differing, 0u);
}

// Models of an older layout (format 2: catalogue keyed without the office)
// are rebuilt when the hub starts: the old keys go, the entries come back
// keyed by office, and the format marker says 3.
TEST(ProjectorTest, ModelsOfTheLayoutBeforeOfficeScopedCataloguesAreRebuiltAtOpen) {
  testing::TempDir dir("hailong-projector");
  auto log = OpenLog(dir.Join("log"));
  std::vector<replication::EventDraft> drafts(2);
  for (int i = 0; i < 2; ++i) {
    fb::CatalogueChangedT c;
    c.kind = fb::CatalogueKind::Counter;
    c.id = "q1";
    c.office = i == 0 ? "p1" : "p2";
    c.name = "Quầy 1 " + c.office;
    drafts[i].body.Set(std::move(c));
  }
  std::vector<replication::AppendResult> results;
  ASSERT_TRUE(log->AppendBatch(std::move(drafts), &results).ok());
  Ingest(log.get(), EdgeEvents());
  {
    auto p = NewProjector(log.get());
    ASSERT_TRUE(p->CatchUp().ok());
  }
  // What a format-2 hub had written.
  replication::WriteBatch old;
  old.Put("x/hub/model_format", "2");
  old.Put("x/hub/p/cat/counter/q1", R"({"kind":"counter","id":"q1","name":"Quầy 1 p2"})");
  ASSERT_TRUE(log->store()->Write(old, true).ok());

  auto p = NewProjector(log.get());
  const auto models = Models(log->store());
  EXPECT_EQ(models.count("x/hub/p/cat/counter/q1"), 0u);
  ASSERT_EQ(models.count("x/hub/p/cat/counter/p1/q1"), 1u);
  EXPECT_EQ(json::parse(models.at("x/hub/p/cat/counter/p1/q1"))["name"], "Quầy 1 p1");
  EXPECT_EQ(json::parse(models.at("x/hub/p/cat/counter/p2/q1"))["name"], "Quầy 1 p2");
  std::string format;
  ASSERT_TRUE(log->store()->Get("x/hub/model_format", &format).ok());
  EXPECT_EQ(format, "5");  // the current layout (codec.h kModelFormat)
  EXPECT_GT(OfficeTally(log->store(), "p1", "2026-11-10").ratings, 0);
}

}  // namespace
}  // namespace hailong::hub_test
