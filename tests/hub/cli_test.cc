// The hailong-hub command line: --help, --version, and the configuration
// errors that stop it with exit status 2 and name the key.
#include <gtest/gtest.h>

#include "hailong/schema/version.h"
#include "hailong/testing/process.h"
#include "hailong/testing/temp_dir.h"
#include "hub_harness.h"

namespace hailong::hub_test {
namespace {

testing::CommandResult RunHub(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {HAILONG_HUB_BIN};
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

}  // namespace
}  // namespace hailong::hub_test
