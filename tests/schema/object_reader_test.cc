// ObjectReader: the configuration reader the edge and the hub share. Every
// message names the key by its dotted path.
#include "hailong/schema/object_reader.h"

#include <gtest/gtest.h>

namespace hailong::schema {
namespace {

using json = nlohmann::json;

TEST(ObjectReaderTest, ReadsKnownKeysAndRejectsUnknownOnes) {
  const json j = json::parse(R"({"name":"q1","port":8080,"ratio":0.5,"on":true,
                                 "tags":["a","b"],"extra":1})");
  ObjectReader r(j, "http.");
  std::string name;
  int port = 0;
  double ratio = 0;
  bool on = false;
  std::vector<std::string> tags;
  ASSERT_TRUE(r.String("name", true, &name).ok());
  ASSERT_TRUE(r.Int("port", 1, 65535, &port).ok());
  ASSERT_TRUE(r.Double("ratio", 0, 1, &ratio).ok());
  ASSERT_TRUE(r.Bool("on", &on).ok());
  ASSERT_TRUE(r.StringArray("tags", false, &tags).ok());
  EXPECT_EQ(name, "q1");
  EXPECT_EQ(port, 8080);
  EXPECT_EQ(ratio, 0.5);
  EXPECT_TRUE(on);
  EXPECT_EQ(tags, (std::vector<std::string>{"a", "b"}));
  const Status s = r.RejectUnknown();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("\"http.extra\""), std::string::npos) << s.ToString();
}

TEST(ObjectReaderTest, AbsentOptionalKeysKeepTheirDefaults) {
  const json j = json::object();
  ObjectReader r(j, "");
  int64_t n = 42;
  std::string text = "default";
  const json* section = &j;
  EXPECT_TRUE(r.Int("n", 0, 100, &n).ok());
  EXPECT_TRUE(r.String("text", false, &text).ok());
  EXPECT_TRUE(r.Object("section", false, &section).ok());
  EXPECT_EQ(n, 42);
  EXPECT_EQ(text, "default");
  EXPECT_EQ(section, nullptr);
  EXPECT_TRUE(r.RejectUnknown().ok());
}

TEST(ObjectReaderTest, EachErrorNamesTheKeyAndWhy) {
  const json j = json::parse(R"({"port":-5,"high":70000,"big":18446744073709551615,"name":"",
                                 "mqtt":"x","count":"3"})");
  ObjectReader r(j, "hub.");
  int port = 0;
  int64_t big = 0, count = 0;
  std::string name, missing;
  const json* mqtt = nullptr;
  auto message = [](const Status& s) { return s.ToString(); };
  EXPECT_NE(
      message(r.Int("port", 1, 65535, &port)).find("\"hub.port\" must be between 1 and 65535"),
      std::string::npos);
  EXPECT_NE(message(r.Int("high", 1, 65535, &port)).find("\"hub.high\" must be at most 65535"),
            std::string::npos);
  EXPECT_NE(message(r.Int("big", 0, 10, &big)).find("\"hub.big\" must be at most 10"),
            std::string::npos);
  EXPECT_NE(message(r.String("name", true, &name)).find("\"hub.name\" must not be empty"),
            std::string::npos);
  EXPECT_NE(message(r.String("url", true, &missing)).find("missing required key \"hub.url\""),
            std::string::npos);
  EXPECT_NE(message(r.Object("mqtt", false, &mqtt)).find("\"hub.mqtt\" must be an object"),
            std::string::npos);
  EXPECT_NE(message(r.Int("count", 0, 10, &count)).find("\"hub.count\" must be an integer"),
            std::string::npos);
  EXPECT_EQ(port, 0);
  EXPECT_EQ(count, 0);
}

}  // namespace
}  // namespace hailong::schema
