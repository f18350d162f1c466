// The example configurations the packages ship (ops/examples) are accepted
// by the daemons' own parsers once their placeholders are filled in, and
// point where the packages install things.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "hailong/edge/config.h"
#include "hailong/hub/config.h"
#include "hailong/ops/tokens.h"

namespace hailong::ops::testing {
namespace {

using nlohmann::json;

std::string ReadExample(const std::string& name) {
  std::ifstream in(std::string(HAILONG_OPS_EXAMPLES_DIR) + "/" + name);
  std::ostringstream text;
  text << in.rdbuf();
  EXPECT_FALSE(text.str().empty()) << name;
  return text.str();
}

TEST(Examples, EdgeJsonIsAValidEdgeConfiguration) {
  const std::string text = ReadExample("edge.json");
  edge::EdgeConfig config;
  const Status s = edge::ParseEdgeConfig(text, &config);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(config.data_dir, "/var/lib/hailong/edge");  // the unit's ReadWritePaths
  EXPECT_EQ(config.web_root, "/usr/share/hailong/edge/web");
  ASSERT_TRUE(config.hub.has_value());
  EXPECT_EQ(config.Origin(), config.hub->node_id);
  EXPECT_EQ(config.hub->token_file, "/etc/hailong/edge.token");
  // Dossiers stay closed (401) until the one-stop software's token is listed.
  EXPECT_TRUE(config.dossier_tokens_sha256.empty());
}

TEST(Examples, HubJsonIsAValidHubConfigurationOnceFilledIn) {
  json j = json::parse(ReadExample("hub.json"));
  // As shipped, the placeholders stop the hub with a message naming the key.
  hub::HubConfig config;
  Status s = hub::ParseHubConfig(j.dump(), &config);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("token_sha256"), std::string::npos) << s.message();

  std::string hash;
  ASSERT_TRUE(HashPassword("mật khẩu thử", &hash).ok());
  for (json& node : j["nodes"]) {
    NodeToken token;
    ASSERT_TRUE(NewNodeToken(&token).ok());
    node["token_sha256"] = token.sha256_hex;
  }
  for (json& user : j["users"]) user["password_hash"] = hash;
  s = hub::ParseHubConfig(j.dump(), &config);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(config.data_dir, "/var/lib/hailong/hub");
  EXPECT_EQ(config.web_root, "/usr/share/hailong/hub/web");
  EXPECT_EQ(config.nodes.size(), 2u);
  EXPECT_EQ(config.users.size(), 3u);
}

// The province hub (hub/README.md, "Province hub"): district hubs in nodes[].
TEST(Examples, ProvinceHubJsonIsAValidHubConfigurationOnceFilledIn) {
  json j = json::parse(ReadExample("province-hub.json"));
  hub::HubConfig config;
  EXPECT_FALSE(hub::ParseHubConfig(j.dump(), &config).ok());
  std::string hash;
  ASSERT_TRUE(HashPassword("mật khẩu thử", &hash).ok());
  for (json& node : j["nodes"]) {
    NodeToken token;
    ASSERT_TRUE(NewNodeToken(&token).ok());
    node["token_sha256"] = token.sha256_hex;
  }
  for (json& user : j["users"]) user["password_hash"] = hash;
  Status s = hub::ParseHubConfig(j.dump(), &config);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(config.nodes.size(), 2u);
  EXPECT_TRUE(config.HasDistricts());
  EXPECT_EQ(config.DistrictOf("phuong-12"), "quan-2");
}

}  // namespace
}  // namespace hailong::ops::testing
