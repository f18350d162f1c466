// Log shipping with real processes: a prefilled edge log reaches the hub
// exactly once and byte for byte; SIGKILL of either side at random moments
// (50 cycles) loses and doubles nothing; a hub outage while ratings keep
// coming; refused pushes store nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <thread>

#include "cluster.h"
#include "hailong/replication/shipper.h"
#include "hailong/testing/event_logs.h"
#include "hailong/testing/http_client.h"
#include "hailong/testing/ports.h"
#include "hailong/testing/process.h"
#include "hailong/testing/tls.h"
#include "hailong/testing/wait.h"

namespace hailong::replication::testing {
namespace {

using hailong::testing::HttpRequest;
using hailong::testing::HttpResponse;
using hailong::testing::TempDir;
using hailong::testing::WaitUntil;
using json = nlohmann::json;

// Waits until the hub has acknowledged `seq` events of kNode.
bool WaitForHub(Cluster& c, uint64_t seq, std::chrono::seconds timeout) {
  return WaitUntil(
      [&] {
        uint64_t acked = 0;
        return c.HubAcked(&acked).ok() && acked >= seq;
      },
      timeout);
}

// The hub's copy equals the edge's log event for event.
void ExpectSameLogs(Cluster& c, uint64_t expected_events) {
  std::vector<StoredEvent> edge, hub;
  Status s = hailong::testing::ReadOrigin(c.edge_log_dir(), kNode, &edge);
  ASSERT_TRUE(s.ok()) << s.ToString();
  s = hailong::testing::ReadOrigin(c.hub_log_dir(), kNode, &hub);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(edge.size(), expected_events);
  ASSERT_EQ(hub.size(), edge.size());
  for (size_t i = 0; i < edge.size(); ++i) {
    ASSERT_EQ(hub[i].seq, i + 1);
    ASSERT_EQ(hub[i].bytes, edge[i].bytes) << "seq " << i + 1;
  }
}

TEST(ReplicationTest, HundredThousandEventsReachTheHubExactlyOnce) {
  TempDir tmp("repl-100k");
  Cluster c(tmp);
  ASSERT_TRUE(c.PrefillEdgeLog(100000).ok());
  ASSERT_TRUE(c.StartBroker().ok());
  ASSERT_TRUE(c.StartHub().ok()) << c.Logs();
  ASSERT_TRUE(c.StartEdge().ok()) << c.Logs();
  ASSERT_TRUE(WaitForHub(c, 100000, std::chrono::seconds(300))) << c.Logs();
  json st;
  ASSERT_TRUE(
      WaitUntil([&] { return c.EdgeStatus(&st).ok() && st.value("replicated_seq", 0u) == 100000u; },
                std::chrono::seconds(30)))
      << st.dump();
  EXPECT_EQ(st["hub_reachable"], true);
  c.StopEdge();
  c.StopHub();
  ExpectSameLogs(c, 100000);
}

TEST(ReplicationTest, SigkillOfEitherSideFiftyTimesLosesAndDoublesNothing) {
  TempDir tmp("repl-kill");
  Cluster c(tmp);
  ASSERT_TRUE(c.PrefillEdgeLog(60000).ok());
  ASSERT_TRUE(c.StartBroker().ok());
  ASSERT_TRUE(c.StartHub().ok()) << c.Logs();
  ASSERT_TRUE(c.StartEdge().ok()) << c.Logs();
  std::mt19937 rng(std::random_device{}());
  uint64_t edge_seq = 60000;
  int posted = 0;
  for (int cycle = 0; cycle < 50; ++cycle) {
    // New ratings keep arriving while the logs move.
    for (int i = 0; i < 40; ++i) {
      uint64_t seq = 0;
      Status s = c.PostRating("k" + std::to_string(cycle) + "-" + std::to_string(i), &seq);
      ASSERT_TRUE(s.ok()) << "cycle " << cycle << ": " << s.ToString() << c.Logs();
      EXPECT_GT(seq, edge_seq - (i == 0 ? 0 : 1));
      edge_seq = std::max(edge_seq, seq);
      ++posted;
    }
    // The thing tested: a SIGKILL at a random moment of the shipping.
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 300));
    if (rng() % 2 == 0) {
      c.KillHub();
      ASSERT_TRUE(c.StartHub().ok()) << "cycle " << cycle << c.Logs();
    } else {
      c.KillEdge();
      ASSERT_TRUE(c.StartEdge().ok()) << "cycle " << cycle << c.Logs();
    }
  }
  ASSERT_TRUE(WaitForHub(c, edge_seq, std::chrono::seconds(300))) << c.Logs();
  c.StopEdge();
  c.StopHub();
  ExpectSameLogs(c, 60000 + posted);
}

// The hub loses its whole copy (restored from nothing) while the edge keeps
// running: the edge's pipelined pushes after its old cursor are refused as a
// gap (409 naming acked_seq 0), and it ships everything again from seq 1,
// several batches in flight, exactly once.
TEST(ReplicationTest, HubThatLostItsCopyGetsEverythingAgain) {
  TempDir tmp("repl-lost");
  Cluster c(tmp);
  ASSERT_TRUE(c.PrefillEdgeLog(30000).ok());  // ~6 pushes of 2 MiB
  ASSERT_TRUE(c.StartBroker().ok());
  ASSERT_TRUE(c.StartHub().ok()) << c.Logs();
  ASSERT_TRUE(c.StartEdge().ok()) << c.Logs();
  ASSERT_TRUE(WaitForHub(c, 30000, std::chrono::seconds(300))) << c.Logs();
  c.StopHub();
  std::filesystem::remove_all(c.hub_log_dir());
  ASSERT_TRUE(c.StartHub().ok()) << c.Logs();
  uint64_t acked = 1;
  ASSERT_TRUE(c.HubAcked(&acked).ok());
  ASSERT_EQ(acked, 0u);
  uint64_t seq = 0;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(c.PostRating("after-loss-" + std::to_string(i), &seq).ok()) << c.Logs();
  }
  ASSERT_EQ(seq, 30005u);
  ASSERT_TRUE(WaitForHub(c, 30005, std::chrono::seconds(300))) << c.Logs();
  c.StopEdge();
  c.StopHub();
  ExpectSameLogs(c, 30005);
}

TEST(ReplicationTest, HubOutageWhileRatingsArriveThenCatchUp) {
  TempDir tmp("repl-outage");
  Cluster c(tmp);
  ASSERT_TRUE(c.StartBroker().ok());
  ASSERT_TRUE(c.StartHub().ok()) << c.Logs();
  ASSERT_TRUE(c.StartEdge().ok()) << c.Logs();
  uint64_t seq = 0;
  ASSERT_TRUE(c.PostRating("before", &seq).ok());
  ASSERT_TRUE(WaitForHub(c, seq, std::chrono::seconds(60))) << c.Logs();
  c.KillHub();
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(c.PostRating("during-" + std::to_string(i), &seq).ok());
  json st;
  ASSERT_TRUE(WaitUntil([&] { return c.EdgeStatus(&st).ok() && st["hub_reachable"] == false; },
                        std::chrono::seconds(60)))
      << st.dump();
  EXPECT_EQ(st["log_seq"], seq);
  EXPECT_GE(st.value("lag_events", 0u), 300u) << st.dump();
  ASSERT_TRUE(c.StartHub().ok()) << c.Logs();
  ASSERT_TRUE(WaitForHub(c, seq, std::chrono::seconds(120))) << c.Logs();
  ASSERT_TRUE(WaitUntil(
      [&] {
        return c.EdgeStatus(&st).ok() && st["hub_reachable"] == true &&
               st.value("replicated_seq", 0u) == seq;
      },
      std::chrono::seconds(60)))
      << st.dump();
  c.StopEdge();
  c.StopHub();
  ExpectSameLogs(c, seq);
}

// TLS: the edge's Shipper speaks TLS (Beast SSL stream over OpenSSL) to an
// https:// hub URL and verifies the certificate against hub.ca_file. The
// hub sits behind a TLS terminator (socat, as nginx would in production).
class TlsTest : public ::testing::Test {
 protected:
  // Self-signed certificate for 127.0.0.1 in tmp/<name>.{crt,key}.
  std::string MakeCert(const std::string& name) {
    std::string crt;
    const Status s = hailong::testing::MakeSelfSignedCert(tmp_.path(), name, &crt);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return crt;
  }
  void StartTerminator(const std::string& crt) {
    const std::string key = crt.substr(0, crt.size() - 4) + ".key";
    const Status s = hailong::testing::StartTlsTerminator(
        crt, key, c_.hub_port(), tmp_.Join("socat.log"), &tls_port_, &terminator_);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  TempDir tmp_{"repl-tls"};
  Cluster c_{tmp_};
  uint16_t tls_port_ = 0;
  std::unique_ptr<hailong::testing::Process> terminator_;
};

TEST_F(TlsTest, ShipsOverTlsWithTheConfiguredCa) {
  const std::string crt = MakeCert("hub");
  ASSERT_TRUE(c_.StartBroker().ok());
  ASSERT_TRUE(c_.StartHub().ok()) << c_.Logs();
  StartTerminator(crt);
  c_.SetEdgeHubUrl("https://127.0.0.1:" + std::to_string(tls_port_), crt);
  ASSERT_TRUE(c_.StartEdge().ok()) << c_.Logs();
  uint64_t seq = 0;
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(c_.PostRating("tls-" + std::to_string(i), &seq).ok());
  ASSERT_TRUE(WaitForHub(c_, seq, std::chrono::seconds(60))) << c_.Logs();
  json st;
  ASSERT_TRUE(c_.EdgeStatus(&st).ok());
  EXPECT_EQ(st["hub_url"], "https://127.0.0.1:" + std::to_string(tls_port_));
}

TEST_F(TlsTest, RefusesAHubWhoseCertificateTheCaDidNotSign) {
  const std::string real = MakeCert("hub");
  const std::string other = MakeCert("other-ca");
  ASSERT_TRUE(c_.StartBroker().ok());
  ASSERT_TRUE(c_.StartHub().ok()) << c_.Logs();
  StartTerminator(real);
  c_.SetEdgeHubUrl("https://127.0.0.1:" + std::to_string(tls_port_), other);
  ASSERT_TRUE(c_.StartEdge().ok()) << c_.Logs();
  uint64_t seq = 0;
  ASSERT_TRUE(c_.PostRating("untrusted", &seq).ok());
  json st;
  ASSERT_TRUE(WaitUntil(
      [&] {
        return c_.EdgeStatus(&st).ok() &&
               st.value("hub_last_error", std::string()).find("TLS") != std::string::npos;
      },
      std::chrono::seconds(30)))
      << st.dump();
  EXPECT_EQ(st["hub_reachable"], false) << st.dump();
  uint64_t acked = 99;
  ASSERT_TRUE(c_.HubAcked(&acked).ok());
  EXPECT_EQ(acked, 0u);  // nothing reached the hub
}

// Raw pushes that the hub must refuse without storing anything.
class RefusalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(c_.PrefillEdgeLog(10).ok());
    ASSERT_TRUE(hailong::testing::ReadOrigin(c_.edge_log_dir(), kNode, &events_).ok());
    ASSERT_TRUE(c_.StartHub().ok()) << c_.Logs();
  }
  int Push(const std::string& body, const std::string& token, const std::string& origin,
           json* answer) {
    HttpRequest req;
    req.method = "POST";
    req.target = "/api/v1/replication/push";
    req.content_type = "application/octet-stream";
    req.body = body;
    req.headers = {{"Authorization", "Bearer " + token}, {"X-Hailong-Origin", origin}};
    HttpResponse res;
    EXPECT_TRUE(hailong::testing::SendHttp("127.0.0.1", c_.hub_port(), req, &res).ok());
    *answer = json::parse(res.body, nullptr, false);
    return res.status;
  }
  std::string Frames(size_t from, size_t to) {
    std::string body;
    for (size_t i = from; i < to; ++i) AppendFrame(&body, events_[i].bytes);
    return body;
  }
  uint64_t Acked() {
    uint64_t a = 99;
    EXPECT_TRUE(c_.HubAcked(&a).ok());
    return a;
  }

  TempDir tmp_{"repl-refuse"};
  Cluster c_{tmp_};
  std::vector<StoredEvent> events_;
};

TEST_F(RefusalTest, WrongTokenIsUnauthorized) {
  json a;
  EXPECT_EQ(Push(Frames(0, 3), "not-the-token", kNode, &a), 401);
  EXPECT_EQ(Acked(), 0u);
}

TEST_F(RefusalTest, AnotherNodesOriginIsForbidden) {
  json a;
  EXPECT_EQ(Push(Frames(0, 3), c_.token(), "edge-other", &a), 403) << a.dump();
  EXPECT_EQ(Acked(), 0u);
}

TEST_F(RefusalTest, GapIsAConflictNamingTheCursor) {
  json a;
  ASSERT_EQ(Push(Frames(0, 3), c_.token(), kNode, &a), 200) << a.dump();
  EXPECT_EQ(a["acked_seq"], 3u);
  EXPECT_EQ(Push(Frames(4, 6), c_.token(), kNode, &a), 409) << a.dump();
  EXPECT_EQ(a["acked_seq"], 3u);
  EXPECT_EQ(Acked(), 3u);
  // The same batch again is acknowledged without storing twice.
  ASSERT_EQ(Push(Frames(0, 3), c_.token(), kNode, &a), 200) << a.dump();
  EXPECT_EQ(a["acked_seq"], 3u);
  EXPECT_EQ(a["stored"], 0u);
  EXPECT_EQ(a["skipped"], 3u);
}

TEST_F(RefusalTest, TamperedEventIsRefused) {
  std::string body;
  AppendFrame(&body, events_[0].bytes);
  std::string changed = events_[1].bytes;
  const size_t at = changed.find("pre-1");
  ASSERT_NE(at, std::string::npos);
  changed[at] = 'X';  // passes the Verifier, breaks the chain at seq 3
  AppendFrame(&body, changed);
  AppendFrame(&body, events_[2].bytes);
  json a;
  EXPECT_EQ(Push(body, c_.token(), kNode, &a), 422) << a.dump();
  EXPECT_EQ(Acked(), 0u);
  std::string garbage;
  AppendFrame(&garbage, "definitely not a flatbuffer");
  EXPECT_EQ(Push(garbage, c_.token(), kNode, &a), 422) << a.dump();
  EXPECT_EQ(Acked(), 0u);
}

TEST_F(RefusalTest, TruncatedBatchIsRefused) {
  const std::string body = Frames(0, 3);
  json a;
  const int code = Push(body.substr(0, body.size() - 7), c_.token(), kNode, &a);
  EXPECT_TRUE(code == 400 || code == 422) << code << " " << a.dump();
  EXPECT_EQ(Acked(), 0u);
}

}  // namespace
}  // namespace hailong::replication::testing
