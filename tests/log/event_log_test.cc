#include "hailong/replication/event_log.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "hailong/testing/temp_dir.h"
#include "keys.h"
#include "test_events.h"

namespace hailong::replication {
namespace {

using testing::RatingDraft;

class FixedClock : public Clock {
 public:
  int64_t NowMs() const override { return now; }
  int64_t now = 1795000000000;
};

class EventLogTest : public ::testing::Test {
 protected:
  void Open(const std::string& origin = "edge-a") {
    log_.reset();
    EventLogOptions o;
    o.origin = origin;
    o.clock = &clock_;
    ASSERT_TRUE(EventLog::Open(o, tmp_.Join("log"), &log_).ok());
  }
  // Opens the raw store (log closed) for tampering.
  std::unique_ptr<Store> RawStore() {
    log_.reset();
    std::unique_ptr<Store> s;
    EXPECT_TRUE(Store::Open(StoreOptions(), tmp_.Join("log"), &s).ok());
    return s;
  }
  // Appends n events to edge-a's log, closes it and opens a hub's log;
  // *events are edge-a's events.
  void EdgeEventsAndAHub(int n, std::vector<StoredEvent>* events, std::unique_ptr<EventLog>* hub) {
    Open("edge-a");
    AppendN(n);
    ASSERT_TRUE(log_->Read("edge-a", 1, 100, 1 << 20, events).ok());
    log_.reset();
    EventLogOptions o;
    o.origin = "hub";
    ASSERT_TRUE(EventLog::Open(o, tmp_.Join("hub"), hub).ok());
  }
  // `bytes` with the first letter of its comment ("Rất ...") replaced by
  // `c`: still passes the Verifier, but no longer what the chain holds.
  static std::string ChangedComment(std::string bytes, char c) {
    const size_t at = bytes.find("Rất");
    EXPECT_NE(at, std::string::npos);
    if (at != std::string::npos) bytes[at] = c;
    return bytes;
  }
  void AppendN(int n) {
    for (int i = 1; i <= n; ++i) {
      AppendResult r;
      ASSERT_TRUE(log_->Append(RatingDraft("r" + std::to_string(i)), &r).ok());
    }
  }

  hailong::testing::TempDir tmp_{"event-log"};
  FixedClock clock_;
  std::unique_ptr<EventLog> log_;
};

TEST_F(EventLogTest, AppendAssignsGaplessSeqsAndChains) {
  Open();
  AppendN(5);
  EXPECT_EQ(log_->Head("edge-a").seq, 5u);
  std::vector<StoredEvent> events;
  ASSERT_TRUE(log_->Read("edge-a", 1, 100, 1 << 20, &events).ok());
  ASSERT_EQ(events.size(), 5u);
  schema::Hash h = schema::kZeroHash;
  for (size_t i = 0; i < events.size(); ++i) {
    const fb::Event* e = nullptr;
    ASSERT_TRUE(schema::VerifyEvent(events[i].bytes, &e).ok());
    EXPECT_EQ(e->seq(), i + 1);
    EXPECT_EQ(e->origin()->str(), "edge-a");
    EXPECT_EQ(e->time_ms(), clock_.now);
    EXPECT_EQ(schema::HashFromVector(e->prev_hash()), h);
    h = schema::ChainHash(h, events[i].bytes);
  }
  EXPECT_EQ(log_->Head("edge-a").hash, h);
  VerifyResult vr;
  EXPECT_TRUE(log_->Verify("edge-a", &vr).ok());
  EXPECT_EQ(vr.events_checked, 5u);
  EXPECT_EQ(vr.first_bad_seq, 0u);
}

TEST_F(EventLogTest, VietnameseTextComesBackByteForByte) {
  Open();
  AppendResult r;
  ASSERT_TRUE(
      log_->Append(RatingDraft("vn", "Cán bộ Nguyễn Thị Hương hướng dẫn tận tình"), &r).ok());
  fb::EventT e;
  std::vector<StoredEvent> events;
  ASSERT_TRUE(log_->Read("edge-a", r.seq, 1, 1 << 20, &events).ok());
  ASSERT_TRUE(schema::DecodeEvent(events[0].bytes, &e).ok());
  EXPECT_EQ(e.body.AsRatingSubmitted()->comment, "Cán bộ Nguyễn Thị Hương hướng dẫn tận tình");
}

TEST_F(EventLogTest, RepeatedIdempotencyIdWritesNothingAlsoAfterReopen) {
  Open();
  AppendResult first, again;
  ASSERT_TRUE(log_->Append(RatingDraft("x1"), &first).ok());
  ASSERT_TRUE(log_->Append(RatingDraft("x2"), &again).ok());
  ASSERT_TRUE(log_->Append(RatingDraft("x1"), &again).ok());
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.seq, first.seq);
  EXPECT_EQ(log_->Head("edge-a").seq, 2u);
  Open();
  ASSERT_TRUE(log_->Append(RatingDraft("x1"), &again).ok());
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.seq, first.seq);
  EXPECT_EQ(log_->Head("edge-a").seq, 2u);
  uint64_t seq = 0;
  ASSERT_TRUE(log_->FindIdempotent("edge-a", "box-1:x2", &seq).ok());
  EXPECT_EQ(seq, 2u);
  EXPECT_TRUE(log_->FindIdempotent("edge-a", "box-1:nope", &seq).IsNotFound());
}

TEST_F(EventLogTest, DuplicatesInsideOneBatchGetOneSeq) {
  Open();
  std::vector<EventDraft> drafts;
  drafts.push_back(RatingDraft("d1"));
  drafts.push_back(RatingDraft("d1"));
  drafts.push_back(RatingDraft(""));  // no idempotency id
  drafts.push_back(RatingDraft(""));
  std::vector<AppendResult> rs;
  ASSERT_TRUE(log_->AppendBatch(std::move(drafts), &rs).ok());
  ASSERT_EQ(rs.size(), 4u);
  EXPECT_EQ(rs[0].seq, 1u);
  EXPECT_FALSE(rs[0].duplicate);
  EXPECT_EQ(rs[1].seq, 1u);
  EXPECT_TRUE(rs[1].duplicate);
  EXPECT_EQ(rs[2].seq, 2u);
  EXPECT_EQ(rs[3].seq, 3u);
}

TEST_F(EventLogTest, ConcurrentAppendersShareGroupsAndStayGapless) {
  Open();
  constexpr int kThreads = 16, kEach = 200;
  std::vector<std::thread> threads;
  std::vector<std::vector<uint64_t>> seqs(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        AppendResult r;
        ASSERT_TRUE(
            log_->Append(RatingDraft(std::to_string(t) + "-" + std::to_string(i)), &r).ok());
        seqs[t].push_back(r.seq);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<uint64_t> all;
  for (auto& v : seqs) {
    for (size_t i = 1; i < v.size(); ++i) EXPECT_LT(v[i - 1], v[i]);  // per-thread order
    all.insert(v.begin(), v.end());
  }
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kEach));
  EXPECT_EQ(*all.begin(), 1u);
  EXPECT_EQ(*all.rbegin(), static_cast<uint64_t>(kThreads * kEach));
  VerifyResult vr;
  EXPECT_TRUE(log_->Verify("edge-a", &vr).ok()) << vr.reason;
}

TEST_F(EventLogTest, ListenerHearsEveryDurableWrite) {
  Open();
  std::atomic<uint64_t> last{0};
  const uint64_t id = log_->AddListener([&](std::string_view o, uint64_t seq) {
    if (o == "edge-a") last = seq;
  });
  AppendN(3);
  EXPECT_EQ(last.load(), 3u);
  log_->RemoveListener(id);
  AppendResult r;
  ASSERT_TRUE(log_->Append(RatingDraft("after"), &r).ok());
  EXPECT_EQ(last.load(), 3u);
}

TEST_F(EventLogTest, ReadHonoursLimitsAndScanStops) {
  Open();
  AppendN(10);
  std::vector<StoredEvent> events;
  ASSERT_TRUE(log_->Read("edge-a", 4, 3, 1 << 20, &events).ok());
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].seq, 4u);
  ASSERT_TRUE(log_->Read("edge-a", 1, 100, 1, &events).ok());
  EXPECT_EQ(events.size(), 1u);  // at least one even over max_bytes
  ASSERT_TRUE(log_->Read("edge-a", 11, 100, 1 << 20, &events).ok());
  EXPECT_TRUE(events.empty());
  ASSERT_TRUE(log_->Read("edge-other", 1, 100, 1 << 20, &events).ok());
  EXPECT_TRUE(events.empty());
  int visited = 0;
  ASSERT_TRUE(log_->Scan("edge-a", 2,
                         [&](uint64_t seq, std::string_view, const fb::Event& e) {
                           EXPECT_EQ(e.seq(), seq);
                           return ++visited < 4;
                         })
                  .ok());
  EXPECT_EQ(visited, 4);
}

TEST_F(EventLogTest, IngestCopiesAnotherLogAndSkipsWhatItHolds) {
  Open("edge-a");
  AppendN(6);
  std::vector<StoredEvent> events;
  ASSERT_TRUE(log_->Read("edge-a", 1, 100, 1 << 20, &events).ok());
  log_.reset();

  EventLogOptions o;
  o.origin = "hub";
  std::unique_ptr<EventLog> hub;
  ASSERT_TRUE(EventLog::Open(o, tmp_.Join("hub"), &hub).ok());
  std::vector<std::string_view> first(4), all(6);
  for (int i = 0; i < 6; ++i) all[i] = events[i].bytes;
  std::copy(all.begin(), all.begin() + 4, first.begin());
  IngestResult r;
  ASSERT_TRUE(hub->Ingest("edge-a", first, &r).ok());
  EXPECT_EQ(r.stored, 4u);
  ASSERT_TRUE(hub->Ingest("edge-a", all, &r).ok());
  EXPECT_EQ(r.stored, 2u);
  EXPECT_EQ(r.skipped, 4u);
  EXPECT_EQ(r.head.seq, 6u);
  ASSERT_TRUE(hub->Ingest("edge-a", all, &r).ok());
  EXPECT_EQ(r.stored, 0u);
  EXPECT_EQ(r.skipped, 6u);
  EXPECT_EQ(hub->Origins(), (std::vector<std::string>{"edge-a"}));
  VerifyResult vr;
  EXPECT_TRUE(hub->Verify("edge-a", &vr).ok());
}

// A province stores a district hub's own origin under an alias
// ("hub-quan-1:hub", replication/include/hailong/replication/origin_names.h):
// the events keep the origin they were written under, the chain checks
// compare with the alias's embedded origin, and an alias of another
// origin is refused.
TEST_F(EventLogTest, AnAliasedOriginHoldsTheEventsOfItsEmbeddedOrigin) {
  std::vector<StoredEvent> events;
  std::unique_ptr<EventLog> province;
  EdgeEventsAndAHub(5, &events, &province);
  std::vector<std::string_view> all;
  for (const StoredEvent& e : events) all.push_back(e.bytes);
  IngestResult r;
  ASSERT_TRUE(province->Ingest("hub-quan-1:edge-a", all, &r).ok());
  EXPECT_EQ(r.stored, 5u);
  ASSERT_TRUE(province->Ingest("hub-quan-1:edge-a", all, &r).ok());
  EXPECT_EQ(r.skipped, 5u);
  VerifyResult vr;
  EXPECT_TRUE(province->Verify("hub-quan-1:edge-a", &vr).ok());
  EXPECT_EQ(vr.events_checked, 5u);
  Status s = province->Ingest("hub-quan-1:hub", all, &r);
  EXPECT_EQ(r.refusal, IngestRefusal::kForeignOrigin) << s.ToString();
  EXPECT_EQ(province->Head("hub-quan-1:hub").seq, 0u);
  EXPECT_EQ(province->Head("edge-a").seq, 0u);
}

TEST_F(EventLogTest, ReplacementNodeReplaysItsPredecessorsLogWithIdempotency) {
  Open("edge-a");
  AppendN(4);
  std::vector<StoredEvent> events;
  ASSERT_TRUE(log_->Read("edge-a", 1, 100, 1 << 20, &events).ok());
  log_.reset();
  EventLogOptions o;
  o.origin = "edge-a";  // the replacement box keeps the node's identity
  std::unique_ptr<EventLog> replacement;
  ASSERT_TRUE(EventLog::Open(o, tmp_.Join("new"), &replacement).ok());
  std::vector<std::string_view> views;
  for (const auto& e : events) views.push_back(e.bytes);
  IngestResult r;
  ASSERT_TRUE(replacement->Ingest("edge-a", views, &r).ok());
  EXPECT_EQ(r.stored, 4u);
  // A device resending an old rating gets its original seq.
  AppendResult again;
  ASSERT_TRUE(replacement->Append(RatingDraft("r3"), &again).ok());
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.seq, 3u);
  // New ratings continue the chain.
  ASSERT_TRUE(replacement->Append(RatingDraft("r5"), &again).ok());
  EXPECT_EQ(again.seq, 5u);
  VerifyResult vr;
  EXPECT_TRUE(replacement->Verify("edge-a", &vr).ok()) << vr.reason;
}

TEST_F(EventLogTest, IngestRefusesGapsForksTamperingAndForeignOrigins) {
  std::vector<StoredEvent> ev;
  std::unique_ptr<EventLog> hub;
  EdgeEventsAndAHub(5, &ev, &hub);
  IngestResult r;
  // Gap: 1, 2, 4.
  Status s = hub->Ingest("edge-a", {ev[0].bytes, ev[1].bytes, ev[3].bytes}, &r);
  EXPECT_TRUE(s.IsConflict()) << s.ToString();
  EXPECT_EQ(hub->Head("edge-a").seq, 0u);  // nothing of the refused batch
  // Another origin's events under this origin.
  s = hub->Ingest("edge-b", {ev[0].bytes}, &r);
  EXPECT_EQ(s.code(), Status::Code::kPermissionDenied) << s.ToString();
  // Tampered bytes (verifier fails) and a truncated event.
  std::string bad = ev[0].bytes;
  bad[4] ^= 0x55;
  s = hub->Ingest("edge-a", {bad}, &r);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  s = hub->Ingest("edge-a", {std::string_view(ev[0].bytes).substr(0, 20)}, &r);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  // A changed comment passes the verifier but breaks the next link.
  const std::string changed = ChangedComment(ev[1].bytes, 'X');
  s = hub->Ingest("edge-a", {ev[0].bytes, changed, ev[2].bytes}, &r);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_EQ(hub->Head("edge-a").seq, 0u);
  // Fork: seq 1..2 held, then a different seq 2.
  ASSERT_TRUE(hub->Ingest("edge-a", {ev[0].bytes, ev[1].bytes}, &r).ok());
  s = hub->Ingest("edge-a", {changed}, &r);
  EXPECT_TRUE(s.IsConflict()) << s.ToString();
  EXPECT_EQ(hub->Head("edge-a").seq, 2u);
}

// The refusal is data: its kind and the refused seq, with the head the call
// saw, so a caller needs no error text and no chain walk of its own.
TEST_F(EventLogTest, IngestResultNamesTheRefusalAndTheRefusedSeq) {
  std::vector<StoredEvent> ev;
  std::unique_ptr<EventLog> hub;
  EdgeEventsAndAHub(5, &ev, &hub);
  IngestResult r;
  ASSERT_TRUE(hub->Ingest("edge-a", {ev[0].bytes, ev[1].bytes}, &r).ok());
  EXPECT_EQ(r.refusal, IngestRefusal::kNone);
  EXPECT_EQ(r.first_stored_seq, 1u);
  EXPECT_EQ(r.last_seq, 2u);
  EXPECT_GT(r.newest_time_ms, 0);

  // Gap: held up to 2, then 2 (skipped) and 4.
  EXPECT_TRUE(hub->Ingest("edge-a", {ev[1].bytes, ev[3].bytes}, &r).IsConflict());
  EXPECT_EQ(r.refusal, IngestRefusal::kGap);
  EXPECT_EQ(r.refused_seq, 3u);  // the seq that should have come
  EXPECT_EQ(r.head.seq, 2u);
  EXPECT_EQ(r.stored, 0u);

  // Fork: a different seq 2 than the one held.
  const std::string changed = ChangedComment(ev[1].bytes, 'X');
  EXPECT_TRUE(hub->Ingest("edge-a", {changed}, &r).IsConflict());
  EXPECT_EQ(r.refusal, IngestRefusal::kFork);
  EXPECT_EQ(r.refused_seq, 2u);
  EXPECT_EQ(r.head.seq, 2u);

  // A changed seq 3 passes the Verifier; seq 4 then does not link.
  const std::string changed3 = ChangedComment(ev[2].bytes, 'Y');
  EXPECT_TRUE(hub->Ingest("edge-a", {changed3, ev[3].bytes}, &r).IsCorruption());
  EXPECT_EQ(r.refusal, IngestRefusal::kCorrupt);
  EXPECT_EQ(r.refused_seq, 4u);
  EXPECT_EQ(r.head.seq, 2u);

  // An unverifiable frame after seq 3 is refused where seq 4 belongs.
  EXPECT_TRUE(hub->Ingest("edge-a", {ev[2].bytes, "not an event"}, &r).IsCorruption());
  EXPECT_EQ(r.refusal, IngestRefusal::kCorrupt);
  EXPECT_EQ(r.refused_seq, 4u);

  // Another origin's event.
  EXPECT_EQ(hub->Ingest("edge-b", {ev[0].bytes}, &r).code(), Status::Code::kPermissionDenied);
  EXPECT_EQ(r.refusal, IngestRefusal::kForeignOrigin);
  EXPECT_EQ(r.refused_seq, 1u);
  EXPECT_EQ(hub->Head("edge-a").seq, 2u);  // nothing of a refused batch

  // An empty push tells the head.
  ASSERT_TRUE(hub->Ingest("edge-a", {}, &r).ok());
  EXPECT_EQ(r.head.seq, 2u);
  EXPECT_EQ(r.stored + r.skipped + r.last_seq, 0u);
}

TEST_F(EventLogTest, StorageFloorRefusesAppendsAndWritesNothing) {
  log_.reset();
  EventLogOptions o;
  o.origin = "edge-a";
  o.min_free_bytes = uint64_t{1} << 62;  // more than any disk
  ASSERT_TRUE(EventLog::Open(o, tmp_.Join("log"), &log_).ok());
  AppendResult r;
  Status s = log_->Append(RatingDraft("full"), &r);
  EXPECT_TRUE(s.IsStorageFull()) << s.ToString();
  EXPECT_NE(s.message().find("storage full"), std::string::npos);
  EXPECT_EQ(log_->Head("edge-a").seq, 0u);
  EXPECT_GT(log_->FreeDiskBytes(), 0u);
}

TEST_F(EventLogTest, AppendsToAnExtraOriginWithItsOwnChainAndIds) {
  log_.reset();
  EventLogOptions o;
  o.origin = "hub";
  o.extra_origins = {"hub-private"};
  ASSERT_TRUE(EventLog::Open(o, tmp_.Join("log"), &log_).ok());
  std::vector<EventDraft> drafts;
  drafts.push_back(RatingDraft("a"));
  drafts.push_back(RatingDraft("a"));
  drafts.back().origin = "hub-private";  // same id, other origin: not a duplicate
  drafts.push_back(RatingDraft("b"));
  drafts.back().origin = "hub-private";
  std::vector<AppendResult> rs;
  ASSERT_TRUE(log_->AppendBatch(std::move(drafts), &rs).ok());
  EXPECT_EQ(rs[0].seq, 1u);
  EXPECT_EQ(rs[1].seq, 1u);
  EXPECT_FALSE(rs[1].duplicate);
  EXPECT_EQ(rs[2].seq, 2u);
  EXPECT_EQ(log_->Head("hub").seq, 1u);
  EXPECT_EQ(log_->Head("hub-private").seq, 2u);
  AppendResult again;
  EventDraft d = RatingDraft("b");
  d.origin = "hub-private";
  ASSERT_TRUE(log_->Append(std::move(d), &again).ok());
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.seq, 2u);
  VerifyResult vr;
  EXPECT_TRUE(log_->Verify("hub", &vr).ok()) << vr.reason;
  EXPECT_TRUE(log_->Verify("hub-private", &vr).ok()) << vr.reason;
  EventDraft foreign = RatingDraft("c");
  foreign.origin = "edge-x";
  EXPECT_TRUE(log_->Append(std::move(foreign), &again).IsInvalidArgument());
}

TEST_F(EventLogTest, RejectsDraftWithoutBody) {
  Open();
  AppendResult r;
  EXPECT_TRUE(log_->Append(EventDraft{}, &r).IsInvalidArgument());
}

// --- Tampering inside the RocksDB data -----------------------------------

TEST_F(EventLogTest, VerifyNamesAnAlteredEvent) {
  Open();
  AppendN(10);
  {
    auto store = RawStore();
    std::string v;
    ASSERT_TRUE(store->Get(keys::EventKey("edge-a", 6), &v).ok());
    const size_t at = v.find("Rất");
    ASSERT_NE(at, std::string::npos);
    v[at] = 'Z';  // still a valid FlatBuffer
    WriteBatch b;
    b.Put(keys::EventKey("edge-a", 6), v);
    ASSERT_TRUE(store->Write(b, true).ok());
  }
  Open();
  VerifyResult vr;
  Status s = log_->Verify("edge-a", &vr);
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_EQ(vr.first_bad_seq, 6u) << vr.reason;
}

TEST_F(EventLogTest, VerifyNamesAnAlteredLastEvent) {
  Open();
  AppendN(4);
  {
    auto store = RawStore();
    std::string v;
    ASSERT_TRUE(store->Get(keys::EventKey("edge-a", 4), &v).ok());
    v[v.find("Rất")] = 'Z';
    WriteBatch b;
    b.Put(keys::EventKey("edge-a", 4), v);
    ASSERT_TRUE(store->Write(b, true).ok());
  }
  Open();
  VerifyResult vr;
  EXPECT_TRUE(log_->Verify("edge-a", &vr).IsCorruption());
  EXPECT_EQ(vr.first_bad_seq, 4u) << vr.reason;
}

TEST_F(EventLogTest, VerifyNamesARemovedEvent) {
  Open();
  AppendN(10);
  {
    auto store = RawStore();
    WriteBatch b;
    b.Delete(keys::EventKey("edge-a", 7));
    ASSERT_TRUE(store->Write(b, true).ok());
  }
  Open();
  VerifyResult vr;
  EXPECT_TRUE(log_->Verify("edge-a", &vr).IsCorruption());
  EXPECT_EQ(vr.first_bad_seq, 7u) << vr.reason;
}

TEST_F(EventLogTest, VerifyNamesARemovedLastEvent) {
  Open();
  AppendN(10);
  {
    auto store = RawStore();
    WriteBatch b;
    b.Delete(keys::EventKey("edge-a", 10));
    ASSERT_TRUE(store->Write(b, true).ok());
  }
  Open();
  VerifyResult vr;
  EXPECT_TRUE(log_->Verify("edge-a", &vr).IsCorruption());
  EXPECT_EQ(vr.first_bad_seq, 10u) << vr.reason;
}

TEST_F(EventLogTest, VerifyNamesAnEventThatFailsTheVerifier) {
  Open();
  AppendN(5);
  {
    auto store = RawStore();
    WriteBatch b;
    b.Put(keys::EventKey("edge-a", 3), "not a flatbuffer at all");
    ASSERT_TRUE(store->Write(b, true).ok());
  }
  Open();
  VerifyResult vr;
  EXPECT_TRUE(log_->Verify("edge-a", &vr).IsCorruption());
  EXPECT_EQ(vr.first_bad_seq, 3u) << vr.reason;
  // Reads stop at the damaged event with an error naming it.
  std::vector<StoredEvent> events;
  Status s = log_->Read("edge-a", 1, 100, 1 << 20, &events);
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_NE(s.message().find("seq 3"), std::string::npos) << s.ToString();
}

TEST_F(EventLogTest, VerifyNamesAnEventWithARewrittenPrevHash) {
  Open();
  AppendN(8);
  {
    auto store = RawStore();
    std::string v;
    ASSERT_TRUE(store->Get(keys::EventKey("edge-a", 5), &v).ok());
    fb::EventT e;
    ASSERT_TRUE(schema::DecodeEvent(v, &e).ok());
    e.prev_hash[0] ^= 0xff;
    WriteBatch b;
    b.Put(keys::EventKey("edge-a", 5), schema::SerializeEvent(e));
    ASSERT_TRUE(store->Write(b, true).ok());
  }
  Open();
  VerifyResult vr;
  EXPECT_TRUE(log_->Verify("edge-a", &vr).IsCorruption());
  EXPECT_EQ(vr.first_bad_seq, 5u) << vr.reason;
}

}  // namespace
}  // namespace hailong::replication
