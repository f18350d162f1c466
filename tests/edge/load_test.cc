// The edge under the real device simulator (hailong-devsim: devices that
// keep unacknowledged ratings and resend them with the same id): the broker
// is restarted and the edge killed with SIGKILL while devices keep rating;
// every acknowledged rating ends up in the log exactly once. Counts only,
// no timing assertions.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <set>
#include <thread>

#include "edge_harness.h"
#include "hailong/testing/devsim.h"
#include "hailong/testing/wait.h"

namespace hailong::edge_test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class EdgeLoadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(office_.StartBroker().ok());
    ASSERT_TRUE(office_.StartEdge().ok()) << office_.EdgeLog();
  }

  // Starts the simulator: 4 devices, `rate` ratings per second each, for
  // `seconds`, then waits for the last acks.
  void StartDevices(double rate, int seconds) {
    std::filesystem::create_directories(office_.dir().Join("devsim-state"));
    ASSERT_TRUE(testing::StartDevsim(office_.broker_url(), kOffice,
                                     {"--devices",
                                      "4",
                                      "--username-prefix",
                                      "box-",
                                      "--password-dir",
                                      office_.device_password_dir(),
                                      "--counters",
                                      "3",
                                      "--rate",
                                      std::to_string(rate),
                                      "--duration",
                                      std::to_string(seconds),
                                      "--resend-timeout-ms",
                                      "2000",
                                      "--drain-timeout-ms",
                                      "60000",
                                      "--state-dir",
                                      office_.dir().Join("devsim-state"),
                                      "--report-json",
                                      "--quiet",
                                      "--lang",
                                      "en"},
                                     office_.dir().Join("devsim.log"), &devsim_)
                    .ok());
  }

  // Waits for the simulator and returns its report (the last JSON line).
  json FinishDevices() {
    int code = -1;
    EXPECT_TRUE(devsim_->Wait(120s, &code).ok());
    const std::string out = testing::ReadFileOrEmpty(office_.dir().Join("devsim.log"));
    json report = testing::LastJsonLine(out);
    EXPECT_TRUE(report.is_object() && report.contains("acked_stored")) << out;
    if (!report.is_object()) return json::object();
    EXPECT_EQ(code, 0) << out.substr(out.size() > 3000 ? out.size() - 3000 : 0);
    return report;
  }

  // Distinct (device, rating id) of the log and the number of rating events.
  std::pair<size_t, size_t> CountRatings() {
    EXPECT_EQ(office_.StopEdge(), 0) << office_.EdgeLog();
    std::vector<fb::EventT> events;
    EXPECT_TRUE(office_.ReadLog(&events).ok());
    std::set<std::string> keys;
    size_t ratings = 0;
    for (const auto& e : events) {
      if (auto* r = e.body.AsRatingSubmitted()) {
        ++ratings;
        keys.insert(r->device + ":" + r->rating_id);
      }
    }
    return {keys.size(), ratings};
  }

  EdgeHarness office_;
  std::unique_ptr<testing::Process> devsim_;
};

TEST_F(EdgeLoadTest, TheBrokerRestartsUnderLoadAndNothingIsLostOrDoubled) {
  StartDevices(20, 6);
  // Under load: ratings are flowing and being stored.
  ASSERT_TRUE(office_.WaitLogSeq(40, 30s)) << office_.EdgeLog();
  ASSERT_TRUE(office_.RestartBroker().ok());
  json report = FinishDevices();
  EXPECT_EQ(report.value("unacked", -1), 0) << report.dump();
  EXPECT_EQ(report.value("rejected", -1), 0) << report.dump();
  const size_t acked = report.value("acked_stored", 0);
  EXPECT_GT(acked, 0u);
  auto [distinct, events] = CountRatings();
  EXPECT_EQ(distinct, events) << "a rating was stored twice";
  EXPECT_EQ(events, acked) << report.dump();
}

TEST_F(EdgeLoadTest, AnEdgeKilledUnderLoadLosesNothingAndDoublesNothing) {
  StartDevices(20, 6);
  // Under load: ratings are flowing and being stored.
  ASSERT_TRUE(office_.WaitLogSeq(30, 30s)) << office_.EdgeLog();
  office_.KillEdge();
  // The thing tested: the edge stays down a while (about 80 ratings queue
  // at the broker) before it comes back.
  std::this_thread::sleep_for(1000ms);
  ASSERT_TRUE(office_.StartEdge().ok()) << office_.EdgeLog();
  json report = FinishDevices();
  EXPECT_EQ(report.value("unacked", -1), 0) << report.dump();
  const size_t acked = report.value("acked_stored", 0);
  auto [distinct, events] = CountRatings();
  EXPECT_EQ(distinct, events) << "a rating was stored twice";
  EXPECT_EQ(events, acked) << report.dump();
}

}  // namespace
}  // namespace hailong::edge_test
