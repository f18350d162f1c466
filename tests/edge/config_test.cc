// hailong-edge's command line and configuration file, run for real: a bad
// configuration stops it with exit status 2 and a message naming the key.
#include <gtest/gtest.h>

#include "edge_harness.h"
#include "hailong/schema/version.h"
#include "hailong/testing/process.h"
#include "hailong/testing/programs.h"
#include "hailong/testing/temp_dir.h"

namespace hailong::edge_test {
namespace {

using nlohmann::json;
using testing::CommandResult;
using testing::RunCommand;
using testing::TempDir;

json GoodConfig(const TempDir& dir) {
  return {{"office_id", "phuong-01"},
          {"data_dir", dir.Join("data")},
          {"mqtt", {{"url", "tcp://127.0.0.1:1"}}},
          {"http", {{"listen", "127.0.0.1:0"}}}};
}

CommandResult RunWithConfig(const TempDir& dir, const std::string& text) {
  const std::string file = dir.WriteFile("edge.json", text);
  CommandResult r;
  Status s =
      RunCommand({hailong::testing::EdgeProgram(), "--config", file}, &r, std::chrono::seconds(20));
  EXPECT_TRUE(s.ok()) << s.ToString() << r.output;
  return r;
}

struct BadConfig {
  const char* name;
  json patch;             // merged into the good configuration (null removes)
  const char* key_named;  // must appear in the message
};

void PrintTo(const BadConfig& bad, std::ostream* os) { *os << bad.name; }

class ConfigErrorTest : public ::testing::TestWithParam<BadConfig> {};

TEST_P(ConfigErrorTest, ExitsTwoNamingTheKey) {
  TempDir dir;
  json config = GoodConfig(dir);
  config.merge_patch(GetParam().patch);
  CommandResult r = RunWithConfig(dir, config.dump());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(GetParam().key_named), std::string::npos) << r.output;
}

INSTANTIATE_TEST_SUITE_P(
    Edge, ConfigErrorTest,
    ::testing::Values(
        BadConfig{"MissingOfficeId", {{"office_id", nullptr}}, "\"office_id\""},
        BadConfig{"MissingDataDir", {{"data_dir", nullptr}}, "\"data_dir\""},
        BadConfig{"MissingMqtt", {{"mqtt", nullptr}}, "\"mqtt\""},
        BadConfig{"MissingMqttUrl", {{"mqtt", {{"url", nullptr}}}}, "\"mqtt.url\""},
        BadConfig{"MissingHttpListen", {{"http", {{"listen", nullptr}}}}, "\"http.listen\""},
        BadConfig{"UnknownTopLevelKey", {{"ofice_id", "x"}}, "\"ofice_id\""},
        BadConfig{"UnknownNestedKey", {{"mqtt", {{"usr", "x"}}}}, "\"mqtt.usr\""},
        BadConfig{"ListenNotAString", {{"http", {{"listen", 8080}}}}, "\"http.listen\""},
        BadConfig{"ListenWithoutPort", {{"http", {{"listen", "localhost"}}}}, "\"http.listen\""},
        BadConfig{"OfficeIdNotAString", {{"office_id", 7}}, "\"office_id\""},
        BadConfig{"OfficeIdWithSlash", {{"office_id", "a/b"}}, "\"office_id\""},
        BadConfig{"HubWithoutToken",
                  {{"hub", {{"url", "http://127.0.0.1:9"}, {"node_id", "edge-phuong-01"}}}},
                  "\"hub.token_file\""},
        BadConfig{"HubNotAnObject", {{"hub", "http://127.0.0.1:9"}}, "\"hub\""},
        BadConfig{"MisuseIntervalNegative", {{"misuse_interval_ms", -1}}, "\"misuse_interval_ms\""},
        BadConfig{"MinFreeNotANumber", {{"min_free_mb", "64"}}, "\"min_free_mb\""},
        BadConfig{"MqttUrlScheme", {{"mqtt", {{"url", "http://127.0.0.1:1"}}}}, "\"mqtt.url\""},
        BadConfig{"MqttCaFileWithoutTls",
                  {{"mqtt", {{"ca_file", "/etc/ssl/certs/ca-certificates.crt"}}}},
                  "\"mqtt.ca_file\""},
        BadConfig{"MqttCaFileMissing",
                  {{"mqtt", {{"url", "ssl://127.0.0.1:1"}, {"ca_file", "/nonexistent/ca.crt"}}}},
                  "\"mqtt.ca_file\""},
        BadConfig{"PublicUrlScheme", {{"public_url", "ftp://x"}}, "\"public_url\""},
        BadConfig{
            "AdminTokenNotASha256", {{"admin_token_sha256", "secret"}}, "\"admin_token_sha256\""},
        BadConfig{"DossierTokensNotAList",
                  {{"dossier_tokens_sha256", std::string(64, 'a')}},
                  "\"dossier_tokens_sha256\""},
        BadConfig{"DossierTokenNotASha256",
                  {{"dossier_tokens_sha256", {std::string(64, 'a'), "the-token-itself"}}},
                  "\"dossier_tokens_sha256[1]\""},
        BadConfig{
            "PhoneLimitNegative", {{"phone_limit_per_address", -1}}, "\"phone_limit_per_address\""},
        BadConfig{"PhoneWindowZero", {{"phone_limit_window_s", 0}}, "\"phone_limit_window_s\""},
        BadConfig{
            "EnrollmentTtlZero", {{"kiosk_enrollment_ttl_s", 0}}, "\"kiosk_enrollment_ttl_s\""}),
    [](const ::testing::TestParamInfo<BadConfig>& info) { return info.param.name; });

TEST(EdgeConfigTest, NotJsonExitsTwo) {
  TempDir dir;
  CommandResult r = RunWithConfig(dir, "{\"office_id\": ");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("not valid JSON"), std::string::npos) << r.output;
}

TEST(EdgeConfigTest, MissingFileExitsTwo) {
  TempDir dir;
  CommandResult r;
  ASSERT_TRUE(
      RunCommand({hailong::testing::EdgeProgram(), "--config", dir.Join("nope.json")}, &r).ok());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("nope.json"), std::string::npos) << r.output;
}

TEST(EdgeConfigTest, NoConfigOptionExitsTwo) {
  CommandResult r;
  ASSERT_TRUE(RunCommand({hailong::testing::EdgeProgram()}, &r).ok());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--config"), std::string::npos) << r.output;
}

TEST(EdgeConfigTest, VersionAndHelp) {
  CommandResult r;
  ASSERT_TRUE(RunCommand({hailong::testing::EdgeProgram(), "--version"}, &r).ok());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find(kVersion), std::string::npos) << r.output;
  ASSERT_TRUE(RunCommand({hailong::testing::EdgeProgram(), "--help"}, &r).ok());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("--config"), std::string::npos) << r.output;
}

TEST(EdgeConfigTest, BadCatalogueFileExitsTwoNamingTheEntry) {
  TempDir dir;
  json config = GoodConfig(dir);
  config["catalogue_file"] = dir.WriteFile(
      "catalogue.json", R"({"counters":[{"id":"q1","name":"Quầy 1"},{"id":"q2","nmae":"x"}]})");
  CommandResult r = RunWithConfig(dir, config.dump());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("counters[1]"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("nmae"), std::string::npos) << r.output;
}

TEST(EdgeConfigTest, HttpAddressInUseExitsOne) {
  TempDir dir;
  EdgeHarness office;
  ASSERT_TRUE(office.StartBroker().ok());
  ASSERT_TRUE(office.StartEdge().ok()) << office.EdgeLog();
  json config = GoodConfig(dir);
  config["http"]["listen"] = "127.0.0.1:" + std::to_string(office.http_port());
  CommandResult r = RunWithConfig(dir, config.dump());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("cannot listen"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace hailong::edge_test
