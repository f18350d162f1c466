// The hub side of the replication protocol against a real hub: pushes
// accepted, replays skipped, and every refusal (wrong token, another
// origin, gap, tampered event, truncated batch, oversize) storing nothing;
// the cursor, pulling the hub's own events, and the node list.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hailong/schema/time.h"
#include "hub_harness.h"

namespace hailong::hub_test {
namespace {

using json = nlohmann::json;

class HubReplicationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hub_.Start();
    admin_ = Login(hub_, "admin");
  }

  // Events 1..n of edge-p1: dossiers and ratings of 2026-11-10.
  std::vector<std::string> Events(ChainBuilder* chain, int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) {
      RatingSpec r;
      r.time_ms = VnTime("2026-11-10", 9, i);
      out.push_back(chain->Next(Rating(r), r.time_ms, "dev-1:" + std::to_string(chain->seq() + 1)));
    }
    return out;
  }

  uint64_t Acked(const std::string& origin) {
    auto res = hub_.Get("/api/v1/replication/cursor?origin=" + origin, admin_.Read());
    EXPECT_EQ(res.status, 200) << res.body;
    return json::parse(res.body, nullptr, false).value("acked_seq", uint64_t{999999});
  }

  HubProcess hub_;
  Session admin_;
};

TEST_F(HubReplicationTest, PushIsStoredOnceAndReplaysAreSkipped) {
  ChainBuilder chain("edge-p1");
  auto events = Events(&chain, 5);
  auto res = hub_.Push(kTokenP1, "edge-p1", Frames({events.begin(), events.begin() + 3}));
  ASSERT_EQ(res.status, 200) << res.body;
  json j = json::parse(res.body);
  EXPECT_EQ(j["origin"], "edge-p1");
  EXPECT_EQ(j["acked_seq"], 3);
  EXPECT_EQ(j["stored"], 3);
  EXPECT_EQ(j["skipped"], 0);
  // The same batch again: acknowledged, nothing stored.
  res = hub_.Push(kTokenP1, "edge-p1", Frames({events.begin(), events.begin() + 3}));
  ASSERT_EQ(res.status, 200) << res.body;
  j = json::parse(res.body);
  EXPECT_EQ(j["acked_seq"], 3);
  EXPECT_EQ(j["stored"], 0);
  EXPECT_EQ(j["skipped"], 3);
  // Overlapping: 2..5 stores 4 and 5.
  res = hub_.Push(kTokenP1, "edge-p1", Frames({events.begin() + 1, events.end()}));
  ASSERT_EQ(res.status, 200) << res.body;
  j = json::parse(res.body);
  EXPECT_EQ(j["acked_seq"], 5);
  EXPECT_EQ(j["stored"], 2);
  EXPECT_EQ(j["skipped"], 2);
  EXPECT_EQ(Acked("edge-p1"), 5u);
  // An empty push is a cursor probe.
  res = hub_.Push(kTokenP1, "edge-p1", "");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(json::parse(res.body)["acked_seq"], 5);
}

TEST_F(HubReplicationTest, WrongTokenIs401) {
  ChainBuilder chain("edge-p1");
  auto events = Events(&chain, 2);
  EXPECT_EQ(hub_.Push("not-a-token", "edge-p1", Frames(events)).status, 401);
  EXPECT_EQ(hub_.Post("/api/v1/replication/push", Frames(events), {{"X-Hailong-Origin", "edge-p1"}},
                      "application/octet-stream")
                .status,
            401);
  // A user session may not push either.
  EXPECT_EQ(hub_.Post("/api/v1/replication/push", Frames(events),
                      {{"Cookie", admin_.cookie},
                       {"X-CSRF-Token", admin_.csrf},
                       {"X-Hailong-Origin", "edge-p1"}},
                      "application/octet-stream")
                .status,
            403);
  EXPECT_EQ(Acked("edge-p1"), 0u);
}

TEST_F(HubReplicationTest, AnotherNodesOriginIs403) {
  ChainBuilder p2("edge-p2");
  auto events = Events(&p2, 2);
  // p1's token presenting p2's origin.
  auto res = hub_.Push(kTokenP1, "edge-p2", Frames(events));
  EXPECT_EQ(res.status, 403) << res.body;
  // p1's origin in the header, p2's events inside.
  res = hub_.Push(kTokenP1, "edge-p1", Frames(events));
  EXPECT_EQ(res.status, 403) << res.body;
  // Nobody may write the hub's own origin.
  ChainBuilder hub_chain("hub");
  res = hub_.Push(kTokenP1, "hub", Frames(Events(&hub_chain, 1)));
  EXPECT_EQ(res.status, 403);
  EXPECT_EQ(Acked("edge-p2"), 0u);
  // p2 itself may.
  EXPECT_EQ(hub_.Push(kTokenP2, "edge-p2", Frames(events)).status, 200);
}

TEST_F(HubReplicationTest, GapIs409WithTheAckedSeq) {
  ChainBuilder chain("edge-p1");
  auto events = Events(&chain, 6);
  ASSERT_EQ(hub_.Push(kTokenP1, "edge-p1", Frames({events[0], events[1]})).status, 200);
  auto res = hub_.Push(kTokenP1, "edge-p1", Frames({events[4], events[5]}));
  EXPECT_EQ(res.status, 409) << res.body;
  EXPECT_EQ(json::parse(res.body)["acked_seq"], 2);
  // A hole inside a batch too.
  res = hub_.Push(kTokenP1, "edge-p1", Frames({events[2], events[4]}));
  EXPECT_EQ(res.status, 409) << res.body;
  EXPECT_EQ(Acked("edge-p1"), 2u);
}

TEST_F(HubReplicationTest, ForkIs409) {
  ChainBuilder chain("edge-p1");
  auto events = Events(&chain, 2);
  ASSERT_EQ(hub_.Push(kTokenP1, "edge-p1", Frames(events)).status, 200);
  ChainBuilder other("edge-p1");
  RatingSpec r;
  r.counter = "q9";
  r.time_ms = VnTime("2026-11-10", 8);
  auto different = other.Next(Rating(r), r.time_ms);
  auto res = hub_.Push(kTokenP1, "edge-p1", Frames({different}));
  EXPECT_EQ(res.status, 409) << res.body;
  EXPECT_EQ(json::parse(res.body)["acked_seq"], 2);
}

TEST_F(HubReplicationTest, TamperedEventIs422AndNothingIsStored) {
  ChainBuilder chain("edge-p1");
  auto events = Events(&chain, 4);
  ASSERT_EQ(hub_.Push(kTokenP1, "edge-p1", Frames({events[0]})).status, 200);
  // Change the counter inside event 2: it still verifies, but event 3 no
  // longer links to it.
  std::string tampered = events[1];
  const size_t at = tampered.find("q1");
  ASSERT_NE(at, std::string::npos);
  tampered[at + 1] = '9';
  auto res = hub_.Push(kTokenP1, "edge-p1", Frames({tampered, events[2], events[3]}));
  EXPECT_EQ(res.status, 422) << res.body;
  EXPECT_EQ(json::parse(res.body)["seq"], 3);
  // Bytes that fail the FlatBuffers Verifier.
  std::string garbage = events[1];
  for (size_t i = 4; i < 16 && i < garbage.size(); ++i) garbage[i] = '\xff';
  res = hub_.Push(kTokenP1, "edge-p1", Frames({garbage}));
  EXPECT_EQ(res.status, 422) << res.body;
  EXPECT_EQ(json::parse(res.body)["seq"], 2);
  // A broken link to the hub's head.
  ChainBuilder other("edge-p1");
  RatingSpec r;
  r.time_ms = 1;
  other.Next(Rating(r), 1);  // a different seq 1
  auto unlinked = other.Next(Rating(r), 2);
  res = hub_.Push(kTokenP1, "edge-p1", Frames({unlinked}));
  EXPECT_EQ(res.status, 422) << res.body;
  EXPECT_EQ(Acked("edge-p1"), 1u);
  // The genuine events still go in.
  res = hub_.Push(kTokenP1, "edge-p1", Frames({events[1], events[2], events[3]}));
  EXPECT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(Acked("edge-p1"), 4u);
}

TEST_F(HubReplicationTest, TruncatedBatchIsRefusedWhole) {
  ChainBuilder chain("edge-p1");
  auto events = Events(&chain, 3);
  std::string body = Frames(events);
  auto res = hub_.Push(kTokenP1, "edge-p1", body.substr(0, body.size() - 7));
  EXPECT_EQ(res.status, 400) << res.body;
  res = hub_.Push(kTokenP1, "edge-p1", body + "\x05\x00");
  EXPECT_EQ(res.status, 400) << res.body;
  EXPECT_EQ(Acked("edge-p1"), 0u);
}

TEST_F(HubReplicationTest, OversizedPushIs413) {
  // The test hub takes pushes up to 1 MiB.
  ChainBuilder chain("edge-p1");
  std::vector<std::string> events;
  RatingSpec r;
  r.comment = std::string(64 * 1024, 'x');
  for (int i = 0; i < 20; ++i) {
    r.time_ms = VnTime("2026-11-10", 10, i);
    events.push_back(chain.Next(Rating(r), r.time_ms));
  }
  auto res = hub_.Push(kTokenP1, "edge-p1", Frames(events));
  EXPECT_EQ(res.status, 413) << res.body;
  EXPECT_EQ(Acked("edge-p1"), 0u);
  // Half of it fits.
  EXPECT_EQ(hub_.Push(kTokenP1, "edge-p1", Frames({events.begin(), events.begin() + 10})).status,
            200);
}

TEST_F(HubReplicationTest, EdgesPullTheHubsOwnEvents) {
  // A template published at the hub is an event of origin "hub".
  json tpl{{"id", "tpl-new"},
           {"name", "Mẫu mới"},
           {"criteria",
            {{{"id", "attitude"},
              {"label", "Thái độ"},
              {"options",
               {{{"id", "good"}, {"label", "Tốt"}, {"polarity", "positive"}},
                {{"id", "bad"}, {"label", "Kém"}, {"polarity", "negative"}}}}}}}};
  auto res = hub_.Post("/api/v1/templates", tpl.dump(), admin_.Write());
  ASSERT_EQ(res.status, 200) << res.body;
  const std::string token = std::string("Bearer ") + kTokenP1;
  res = hub_.Get("/api/v1/replication/pull?origin=hub&from=1&max_bytes=65536",
                 {{"Authorization", token}});
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.Header("x-hailong-head-seq"), "1");
  ASSERT_GT(res.body.size(), 4u);
  const uint32_t n = static_cast<unsigned char>(res.body[0]) |
                     (static_cast<unsigned char>(res.body[1]) << 8) |
                     (static_cast<unsigned char>(res.body[2]) << 16);
  ASSERT_EQ(res.body.size(), n + 4u);
  fb::EventT e;
  ASSERT_TRUE(schema::DecodeEvent(std::string_view(res.body).substr(4), &e).ok());
  EXPECT_EQ(e.origin, "hub");
  EXPECT_EQ(e.seq, 1u);
  ASSERT_EQ(e.body.type, fb::EventBody::TemplatePublished);
  EXPECT_EQ(e.body.AsTemplatePublished()->template_->name, "Mẫu mới");
  // Nothing after the head.
  res = hub_.Get("/api/v1/replication/pull?origin=hub&from=2", {{"Authorization", token}});
  EXPECT_EQ(res.status, 200);
  EXPECT_TRUE(res.body.empty());
  // Nodes may not pull other nodes' logs.
  EXPECT_EQ(
      hub_.Get("/api/v1/replication/pull?origin=edge-p2&from=1", {{"Authorization", token}}).status,
      403);
  EXPECT_EQ(
      hub_.Get("/api/v1/replication/cursor?origin=edge-p2", {{"Authorization", token}}).status,
      403);
}

TEST_F(HubReplicationTest, NodeListShowsProgressAndClockSkew) {
  ChainBuilder p1("edge-p1");
  auto events = Events(&p1, 3);
  const int64_t now = Clock::System()->NowMs();
  ASSERT_EQ(hub_.Push(kTokenP1, "edge-p1", Frames(events),
                      {{"X-Hailong-Head-Seq", "5"}, {"X-Hailong-Clock", std::to_string(now)}})
                .status,
            200);
  // edge-p2's clock runs two hours ahead.
  ChainBuilder p2("edge-p2");
  RatingSpec r;
  r.office = "p2";
  r.time_ms = now + 2 * 3600 * 1000;
  ASSERT_EQ(hub_.Push(kTokenP2, "edge-p2", Frames({p2.Next(Rating(r), r.time_ms)})).status, 200);
  auto res = hub_.Get("/api/v1/nodes", admin_.Read());
  ASSERT_EQ(res.status, 200);
  json nodes = json::parse(res.body)["nodes"];
  ASSERT_EQ(nodes.size(), 2u);
  for (const auto& n : nodes) {
    EXPECT_FALSE(n["last_seen"].is_null());
    if (n["id"] == "edge-p1") {
      EXPECT_EQ(n["office_id"], "p1");
      EXPECT_EQ(n["acked_seq"], 3);
      EXPECT_EQ(n["lag_events"], 2);
      EXPECT_EQ(n["clock_skew"], false);
    } else {
      EXPECT_EQ(n["id"], "edge-p2");
      EXPECT_EQ(n["acked_seq"], 1);
      EXPECT_EQ(n["clock_skew"], true);
    }
  }
  auto metrics = hub_.Get("/metrics").body;
  EXPECT_NE(metrics.find("hailong_hub_node_clock_skew{node=\"edge-p2\"} 1"), std::string::npos);
  EXPECT_NE(metrics.find("hailong_hub_push_events_total{result=\"stored\"} 4"), std::string::npos);
}

}  // namespace
}  // namespace hailong::hub_test
