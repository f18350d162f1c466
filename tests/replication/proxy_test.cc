// Log shipping through a faulty network: hailong-faultproxy sits between
// the edge and the hub and drops, delays, cuts and blackholes the link
// while ratings keep arriving at the edge; the edge's status shows the hub
// unreachable and the lag during the fault; once the link heals the hub
// holds exactly the edge's events, in order, with the chain intact.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "cluster.h"
#include "hailong/testing/event_logs.h"
#include "hailong/testing/ports.h"
#include "hailong/testing/process.h"
#include "hailong/testing/programs.h"
#include "hailong/testing/wait.h"

namespace hailong::replication::testing {
namespace {

using hailong::testing::Process;
using hailong::testing::TempDir;
using hailong::testing::WaitUntil;
using json = nlohmann::json;

class ProxyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    control_ = tmp_.Join("proxy.mode");
    SetMode("pass");
    ASSERT_TRUE(c_.StartBroker().ok());
    ASSERT_TRUE(c_.StartHub().ok()) << c_.Logs();
    proxy_port_ = hailong::testing::FreeTcpPort();
    hailong::testing::ProcessOptions po;
    po.argv = {hailong::testing::FaultProxyProgram(),
               "--listen",
               "127.0.0.1:" + std::to_string(proxy_port_),
               "--target",
               "127.0.0.1:" + std::to_string(c_.hub_port()),
               "--control",
               control_};
    po.log_file = tmp_.Join("proxy.log");
    ASSERT_TRUE(Process::Start(po, &proxy_).ok());
    ASSERT_TRUE(
        hailong::testing::WaitForTcpPort("127.0.0.1", proxy_port_, std::chrono::seconds(10)).ok());
    c_.SetEdgeHubUrl("http://127.0.0.1:" + std::to_string(proxy_port_), "");
    ASSERT_TRUE(c_.StartEdge().ok()) << c_.Logs();
  }

  // Writes the proxy's mode and, once it runs, waits until it logs the
  // change (it polls the control file).
  void SetMode(const std::string& mode) {
    const std::string logged = "faultproxy: mode '" + mode + "'";
    const size_t before = Count(hailong::testing::ReadFileOrEmpty(tmp_.Join("proxy.log")), logged);
    std::ofstream(control_, std::ios::trunc) << mode << "\n";
    if (!proxy_) return;
    ASSERT_TRUE(WaitUntil(
        [&] {
          return Count(hailong::testing::ReadFileOrEmpty(tmp_.Join("proxy.log")), logged) > before;
        },
        std::chrono::seconds(10)))
        << "the proxy never took mode " << mode;
  }
  static size_t Count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  }
  // Posts n ratings named prefix-i, a few milliseconds apart.
  void Rate(const std::string& prefix, int n) {
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(c_.PostRating(prefix + "-" + std::to_string(i), &seq_).ok()) << c_.Logs();
      // Pacing, not synchronisation: the ratings spread over the fault.
      if (i % 10 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  bool HubHas(uint64_t seq, std::chrono::seconds timeout) {
    return WaitUntil(
        [&] {
          uint64_t acked = 0;
          return c_.HubAcked(&acked).ok() && acked >= seq;
        },
        timeout, std::chrono::milliseconds(100));
  }
  std::string Logs() { return c_.Logs() + "\n--- proxy ---\n" + proxy_->LogTail(); }

  TempDir tmp_{"repl-proxy"};
  Cluster c_{tmp_};
  std::string control_;
  uint16_t proxy_port_ = 0;
  std::unique_ptr<Process> proxy_;
  uint64_t seq_ = 0;
};

TEST_F(ProxyTest, DropsDelaysCutsAndBlackholeThenHeals) {
  Rate("before", 20);
  ASSERT_TRUE(HubHas(seq_, std::chrono::seconds(60))) << Logs();

  // A flaky link: a third of the chunks reset their connection.
  SetMode("drop 30");
  Rate("flaky", 100);
  // A slow link: every byte 300 ms late both ways.
  SetMode("delay 300");
  Rate("slow", 100);
  ASSERT_TRUE(HubHas(seq_, std::chrono::seconds(90))) << Logs();

  // The link is cut: the edge keeps taking ratings and says the hub is gone.
  SetMode("cut");
  Rate("cut", 150);
  json st;
  ASSERT_TRUE(WaitUntil([&] { return c_.EdgeStatus(&st).ok() && st["hub_reachable"] == false; },
                        std::chrono::seconds(60)))
      << st.dump() << Logs();
  EXPECT_EQ(st["log_seq"], seq_);
  EXPECT_LT(st.value("replicated_seq", 0u), seq_);
  EXPECT_GE(st.value("lag_events", 0u), 1u) << st.dump();
  // Accepted and never answered.
  SetMode("blackhole");
  Rate("blackhole", 50);
  // The thing tested: the blackhole lasts a while (pushes hang unanswered)
  // before the link comes back.
  std::this_thread::sleep_for(std::chrono::seconds(2));

  SetMode("pass");
  ASSERT_TRUE(HubHas(seq_, std::chrono::seconds(120))) << Logs();
  ASSERT_TRUE(WaitUntil(
      [&] {
        return c_.EdgeStatus(&st).ok() && st["hub_reachable"] == true &&
               st.value("replicated_seq", 0u) == seq_ && st.value("lag_events", 1u) == 0u;
      },
      std::chrono::seconds(60)))
      << st.dump();
  c_.StopEdge();
  c_.StopHub();

  std::vector<StoredEvent> edge, hub;
  Status s = hailong::testing::ReadOrigin(c_.edge_log_dir(), kNode, &edge);
  ASSERT_TRUE(s.ok()) << s.ToString();
  s = hailong::testing::ReadOrigin(c_.hub_log_dir(), kNode, &hub);  // verifies the chain
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(edge.size(), seq_);
  ASSERT_EQ(hub.size(), edge.size());
  for (size_t i = 0; i < edge.size(); ++i) {
    ASSERT_EQ(hub[i].seq, i + 1);
    ASSERT_EQ(hub[i].bytes, edge[i].bytes) << "seq " << i + 1;
  }
}

}  // namespace
}  // namespace hailong::replication::testing
