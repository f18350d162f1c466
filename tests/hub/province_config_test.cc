// The province tier's configuration keys (hub/README.md, "Province hub"):
// a district hub in nodes[], a district hub's upstream, and the errors that
// name the key.
#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>

#include "hailong/hub/config.h"
#include "hailong/replication/origin_names.h"

namespace hailong::hub {
namespace {

using json = nlohmann::json;

const std::string kHash(64, 'a');

json Base() {
  return json{{"data_dir", "/tmp/p"},
              {"http", {{"listen", "127.0.0.1:9090"}}},
              {"nodes",
               {{{"id", "hub-quan-1"},
                 {"district", "quan-1"},
                 {"offices", {"phuong-01", "phuong-02"}},
                 {"token_sha256", kHash}},
                {{"id", "edge-tinh"}, {"office_id", "so-noi-vu"}, {"token_sha256", kHash}}}},
              {"users", json::array()}};
}

TEST(ProvinceConfigTest, ADistrictHubNodeNamesItsDistrictAndOffices) {
  HubConfig c;
  Status s = ParseHubConfig(Base().dump(), &c);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(c.nodes.size(), 2u);
  EXPECT_TRUE(c.nodes[0].IsDistrictHub());
  EXPECT_EQ(c.nodes[0].district, "quan-1");
  EXPECT_EQ(c.nodes[0].offices, (std::vector<std::string>{"phuong-01", "phuong-02"}));
  EXPECT_TRUE(c.nodes[0].office_id.empty());
  EXPECT_FALSE(c.nodes[1].IsDistrictHub());
  EXPECT_TRUE(c.HasDistricts());
  EXPECT_EQ(c.DistrictOf("phuong-02"), "quan-1");
  EXPECT_EQ(c.DistrictOf("so-noi-vu"), "");
  EXPECT_FALSE(c.upstream.enabled());
}

TEST(ProvinceConfigTest, UpstreamIsParsed) {
  json j = Base();
  j["upstream"] = {{"url", "https://tinh.example.vn"},
                   {"node_id", "hub-quan-1"},
                   {"token_file", "/etc/hailong/upstream.token"}};
  HubConfig c;
  Status s = ParseHubConfig(j.dump(), &c);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(c.upstream.enabled());
  EXPECT_EQ(c.upstream.node_id, "hub-quan-1");
  EXPECT_EQ(c.upstream.token_file, "/etc/hailong/upstream.token");
}

TEST(ProvinceConfigTest, ErrorsNameTheKey) {
  struct Case {
    std::function<void(json*)> change;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](json* j) { (*j)["nodes"][0].erase("offices"); }, "nodes[0].offices"},
      {[](json* j) { (*j)["nodes"][0]["offices"] = json::array(); }, "nodes[0].offices"},
      {[](json* j) { (*j)["nodes"][0]["office_id"] = "phuong-01"; }, "nodes[0].office_id"},
      {[](json* j) { (*j)["nodes"][0]["district"] = "quận 1"; }, "nodes[0].district"},
      {[](json* j) {
         (*j)["nodes"][0]["offices"] = {"a", "a"};
       },
       "repeats office"},
      {[](json* j) { (*j)["nodes"][1]["office_id"] = "phuong-01"; },
       "office \"phuong-01\" of edge edge-tinh"},
      {[](json* j) {
         (*j)["nodes"].push_back({{"id", "hub-quan-2"},
                                  {"district", "quan-2"},
                                  {"offices", {"phuong-01"}},
                                  {"token_sha256", kHash}});
       },
       "office \"phuong-01\" is listed by both hub-quan-1 and hub-quan-2"},
      {[](json* j) {
         (*j)["upstream"] = {{"url", "ftp://x"}, {"node_id", "a"}, {"token_file", "f"}};
       },
       "upstream.url"},
      {[](json* j) {
         (*j)["upstream"] = {{"url", "http://x"}, {"token_file", "f"}};
       },
       "upstream.node_id"},
      {[](json* j) {
         (*j)["upstream"] = {{"url", "http://x"}, {"node_id", "a"}, {"token_file", "f"}, {"x", 1}};
       },
       "upstream.x"},
  };
  for (const Case& c : cases) {
    json j = Base();
    c.change(&j);
    HubConfig config;
    Status s = ParseHubConfig(j.dump(), &config);
    EXPECT_FALSE(s.ok()) << j.dump();
    EXPECT_NE(s.message().find(c.message), std::string::npos) << s.message();
  }
}

TEST(ProvinceConfigTest, ADistrictHubsOwnOriginIsStoredUnderAnAlias) {
  EXPECT_EQ(replication::AliasedOrigin("hub-quan-1", "hub"), "hub-quan-1:hub");
  EXPECT_EQ(replication::EmbeddedOrigin("hub-quan-1:hub"), "hub");
  EXPECT_EQ(replication::EmbeddedOrigin("edge-phuong-01"), "edge-phuong-01");
}

}  // namespace
}  // namespace hailong::hub
