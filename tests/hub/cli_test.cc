// The hailong-hub command line: --help, --version, the configuration
// errors that stop it with exit status 2 and name the key, and --rebuild,
// also killed half way.
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "hailong/schema/version.h"
#include "hailong/testing/process.h"
#include "hailong/testing/programs.h"
#include "hailong/testing/temp_dir.h"
#include "hub_harness.h"

namespace hailong::hub_test {
namespace {

testing::CommandResult RunHub(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {hailong::testing::HubProgram()};
  argv.insert(argv.end(), args.begin(), args.end());
  testing::CommandResult r;
  EXPECT_TRUE(testing::RunCommand(argv, &r, std::chrono::seconds(30)).ok());
  return r;
}

TEST(HubCliTest, VersionAndHelp) {
  auto v = RunHub({"--version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_NE(v.output.find(kVersion), std::string::npos) << v.output;
  auto h = RunHub({"--help"});
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_NE(h.output.find("--config"), std::string::npos);
  EXPECT_NE(h.output.find("--rebuild"), std::string::npos);
}

TEST(HubCliTest, MissingConfigOptionExits2) {
  EXPECT_EQ(RunHub({}).exit_code, 2);
  EXPECT_EQ(RunHub({"--no-such-option"}).exit_code, 2);
}

TEST(HubCliTest, BadConfigurationsExit2NamingTheKey) {
  testing::TempDir dir("hailong-hub-cli");
  const std::string hash(64, 'a');
  const std::string base =
      R"("data_dir":")" + dir.Join("data") + R"(","http":{"listen":"127.0.0.1:0"})";
  struct Case {
    std::string text;
    std::string key;
  };
  const std::vector<Case> cases = {
      {"{" + base + R"(,"nodes":[],"users":[],"colour":"blue"})", "colour"},
      {"{" + base + R"(,"nodes":{},"users":[]})", "nodes"},
      {"{" + base + R"(,"users":[]})", "nodes"},
      {"{" + base + R"(,"nodes":[{"id":"e1","office_id":"p1","token_sha256":"xyz"}],"users":[]})",
       "nodes[0].token_sha256"},
      {"{" + base +
           R"(,"nodes":[],"users":[{"name":"a","role":"admin","offices":"*","password_hash":"$argon2id$x"}]})",
       "users[0].offices"},
      {R"({"http":{"listen":"127.0.0.1:0"},"nodes":[],"users":[]})", "data_dir"},
      {"{" + base + R"(,"nodes":[],"users":[],"clock_skew_limit_s":"5"})", "clock_skew_limit_s"},
      {"not json", ""},
  };
  int i = 0;
  for (const auto& c : cases) {
    const std::string path = dir.WriteFile("c" + std::to_string(i++) + ".json", c.text);
    auto r = RunHub({"--config", path});
    EXPECT_EQ(r.exit_code, 2) << c.text << "\n" << r.output;
    if (!c.key.empty()) {
      EXPECT_NE(r.output.find("\"" + c.key + "\""), std::string::npos)
          << r.output << " should name " << c.key;
    }
  }
  EXPECT_EQ(RunHub({"--config", dir.Join("missing.json")}).exit_code, 2);
}

TEST(HubCliTest, RebuildOnAnEmptyDataDirectory) {
  HubProcess hub;
  hub.Start();
  hub.Stop();
  auto r = hub.Run({"--rebuild"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("rebuilt read models"), std::string::npos) << r.output;
}

// A rebuild writes its read models without the write-ahead log and flushes
// them before it removes its marker. Killed at any point (SIGKILL: what was
// only in memory is gone), the hub finds the marker at its next start,
// rebuilds again, and its reports equal those it had before.
TEST(HubCliTest, ARebuildKilledHalfWayIsRedoneAtTheNextStart) {
  HubProcess hub;
  hub.Start();
  ChainBuilder chain("edge-p1");
  const int64_t start = VnTime("2026-01-05", 8);
  constexpr int kEvents = 100000, kPerPush = 2000;  // pushes under 1 MiB
  std::vector<std::string> events;
  for (int i = 0; i < kEvents; ++i) {
    RatingSpec r;
    r.counter = "q" + std::to_string(1 + i % 4);
    r.officer = "o" + std::to_string(1 + i % 7);
    r.classification = i % 5 == 0   ? fb::Classification::Unsatisfied
                       : i % 3 == 0 ? fb::Classification::Neutral
                                    : fb::Classification::Satisfied;
    r.time_ms = start + int64_t{i} * 97000;  // about 112 days
    events.push_back(chain.Next(Rating(r), r.time_ms, "dev-1:" + std::to_string(i)));
    if (events.size() == kPerPush || i + 1 == kEvents) {
      ASSERT_EQ(hub.Push(kTokenP1, "edge-p1", Frames(events)).status, 200);
      events.clear();
    }
  }
  const std::string report = "/api/v1/report?from=2026-01-01&to=2026-12-31&group_by=day";
  auto rows = [&] {
    Session admin = Login(hub, "admin");
    EXPECT_TRUE(WaitCaughtUp(hub, admin));
    auto r = hub.Get(report, admin.Read());
    EXPECT_EQ(r.status, 200) << r.body;
    return nlohmann::json::parse(r.body, nullptr, false)["rows"];
  };
  const nlohmann::json before = rows();
  ASSERT_GT(before.size(), 100u);
  hub.Stop();

  int killed_half_way = 0;
  for (int delay_ms : {60, 150, 300, 600, 1200}) {
    testing::ProcessOptions po;
    po.argv = {hailong::testing::HubProgram(), "--config", hub.config_path(), "--rebuild"};
    po.log_file = hub.dir().Join("rebuild-" + std::to_string(delay_ms) + ".log");
    std::unique_ptr<testing::Process> rebuild;
    ASSERT_TRUE(testing::Process::Start(po, &rebuild).ok());
    // The thing tested: a SIGKILL at this moment of the rebuild.
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    if (rebuild->Running()) {
      ++killed_half_way;
      rebuild->Signal(SIGKILL);
    }
    int code = 0;
    ASSERT_TRUE(rebuild->Wait(std::chrono::seconds(60), &code).ok());
    hub.Start();
    EXPECT_EQ(rows(), before) << "after a rebuild killed at " << delay_ms << " ms";
    hub.Stop();
  }
  // At least one kill came while it was still at work (a rebuild of 100,000
  // events takes longer than 60 ms).
  EXPECT_GE(killed_half_way, 1);
}

}  // namespace
}  // namespace hailong::hub_test
