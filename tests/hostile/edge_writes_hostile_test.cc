// A hostile client on the office LAN against the edge's write endpoints
// (issue 14): without its credential every write answers 401 or 403, a
// body that is not JSON 415, and nothing is stored: /api/v1/status keeps
// log_seq 0, no kiosk appears, and `hailongctl log cat` of the stopped edge
// shows no event of its origin. A web page elsewhere on the LAN cannot
// post blind either: its text/plain "simple request" is 415 and a CORS
// preflight is never granted.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hailong/testing/http_client.h"
#include "hailong/testing/process.h"
#include "hailong/testing/programs.h"
#include "nodes.h"

namespace hailong::hostile {
namespace {

using hailong::testing::HttpRequest;
using hailong::testing::HttpResponse;
using hailong::testing::TempDir;
using json = nlohmann::json;

json Rating(const std::string& id, const std::string& channel) {
  return {{"id", id},
          {"counter", "q1"},
          {"template", "smiley-4"},
          {"answers", {{"level", "unsatisfied"}}},
          {"at", "2026-01-05T08:00:00+07:00"},
          {"channel", channel}};
}

struct Write {
  const char* what;
  std::string method, target, body, content_type, bearer;
  std::vector<int> refused;  // acceptable answers
};

class EdgeWritesHostileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Status s = nodes_.Start();
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  HttpResponse Send(const Write& w,
                    const std::vector<std::pair<std::string, std::string>>& extra = {}) {
    HttpRequest req;
    req.method = w.method;
    req.target = w.target;
    req.body = w.body;
    req.content_type = w.content_type;
    if (!w.bearer.empty()) req.headers.emplace_back("Authorization", "Bearer " + w.bearer);
    for (const auto& h : extra) req.headers.push_back(h);
    HttpResponse res;
    EXPECT_TRUE(hailong::testing::SendHttp("127.0.0.1", nodes_.edge_port(), req, &res).ok());
    return res;
  }
  uint64_t LogSeq() {
    HttpResponse res;
    EXPECT_TRUE(hailong::testing::HttpGet(nodes_.edge_port(), "/api/v1/status", &res).ok());
    return json::parse(res.body, nullptr, false).value("log_seq", uint64_t{999});
  }

  TempDir tmp_{"hostile-edge-writes"};
  HostileNodes nodes_{tmp_};
};

TEST_F(EdgeWritesHostileTest, EveryWriteWithoutItsCredentialIsRefusedAndStoresNothing) {
  const std::string json_type = "application/json";
  const std::string dossier = json{{"receipt", "000666"}, {"event", "received"}}.dump();
  const std::string forged_kiosk = "kiosk-q1-1." + std::string(64, '0');
  const std::vector<Write> writes = {
      {"dossier, no token", "POST", "/api/v1/dossiers", dossier, json_type, "", {401}},
      {"dossier, made-up token", "POST", "/api/v1/dossiers", dossier, json_type, "letmein", {401}},
      {"dossier, the node's hub token",
       "POST",
       "/api/v1/dossiers",
       dossier,
       json_type,
       nodes_.token(),
       {401}},
      {"dossier, the admin token",
       "POST",
       "/api/v1/dossiers",
       dossier,
       json_type,
       nodes_.edge_admin_token(),
       {401}},
      // A made-up queue number would bend participation by visits.
      {"visit, no token", "POST", "/api/v1/visits", R"({"id":"A666"})", json_type, "", {401}},
      {"visit, the node's hub token",
       "POST",
       "/api/v1/visits",
       R"({"id":"A667"})",
       json_type,
       nodes_.token(),
       {401}},
      {"visit as a form",
       "POST",
       "/api/v1/visits",
       "id=A668",
       "application/x-www-form-urlencoded",
       nodes_.dossier_token(),
       {415}},
      {"kiosk rating, no credential",
       "POST",
       "/api/v1/ratings",
       Rating("h-1", "touchscreen").dump(),
       json_type,
       "",
       {401}},
      {"kiosk rating, forged credential",
       "POST",
       "/api/v1/ratings",
       Rating("h-2", "touchscreen").dump(),
       json_type,
       forged_kiosk,
       {401}},
      {"kiosk rating, the dossier token",
       "POST",
       "/api/v1/ratings",
       Rating("h-3", "touchscreen").dump(),
       json_type,
       nodes_.dossier_token(),
       {401}},
      {"new kiosk, no admin token",
       "POST",
       "/api/v1/admin/kiosks",
       R"({"counter":"q1"})",
       json_type,
       "",
       {401}},
      {"new kiosk, the dossier token",
       "POST",
       "/api/v1/admin/kiosks",
       R"({"counter":"q1"})",
       json_type,
       nodes_.dossier_token(),
       {401}},
      {"kiosk list, no admin token", "GET", "/api/v1/admin/kiosks", "", json_type, "", {401}},
      {"revoke, no admin token",
       "DELETE",
       "/api/v1/admin/kiosks?kiosk=kiosk-q1-1",
       "",
       json_type,
       "",
       {401}},
      {"enrollment, guessed code",
       "POST",
       "/api/v1/kiosks/enroll",
       json{{"code", std::string(32, '0')}}.dump(),
       json_type,
       "",
       {403}},
      {"checkpoint, no admin token",
       "POST",
       "/api/v1/admin/checkpoint",
       "{}",
       json_type,
       "",
       {401}},
      // Right credentials, wrong body type: what a page can send without a preflight.
      {"dossier as text/plain",
       "POST",
       "/api/v1/dossiers",
       dossier,
       "text/plain",
       nodes_.dossier_token(),
       {415}},
      {"dossier as a form",
       "POST",
       "/api/v1/dossiers",
       "receipt=000666&event=received",
       "application/x-www-form-urlencoded",
       nodes_.dossier_token(),
       {415}},
      {"phone rating as text/plain",
       "POST",
       "/api/v1/ratings",
       Rating("h-4", "phone").dump(),
       "text/plain;charset=UTF-8",
       "",
       {415}},
      {"phone rating as multipart",
       "POST",
       "/api/v1/ratings",
       Rating("h-5", "phone").dump(),
       "multipart/form-data; boundary=x",
       "",
       {415}},
      {"sign-in as text/plain",
       "POST",
       "/api/v1/counters/q1/sign-in",
       R"({"officer":"cb-x"})",
       "text/plain",
       "",
       {415}},
      {"sign-out as text/plain",
       "POST",
       "/api/v1/counters/q1/sign-out",
       "{}",
       "text/plain",
       "",
       {415}},
      {"new kiosk as text/plain",
       "POST",
       "/api/v1/admin/kiosks",
       R"({"counter":"q1"})",
       "text/plain",
       nodes_.edge_admin_token(),
       {415}},
  };
  for (const Write& w : writes) {
    HttpResponse res = Send(w, {{"Origin", "http://192.168.1.66"}});
    EXPECT_TRUE(std::find(w.refused.begin(), w.refused.end(), res.status) != w.refused.end())
        << w.what << ": HTTP " << res.status << " " << res.body;
    EXPECT_TRUE(res.Header("access-control-allow-origin").empty()) << w.what;
  }
  // A preflight for a JSON post from another origin is never granted.
  HttpResponse pre = Send({"preflight", "OPTIONS", "/api/v1/ratings", "", json_type, "", {}},
                          {{"Origin", "http://192.168.1.66"},
                           {"Access-Control-Request-Method", "POST"},
                           {"Access-Control-Request-Headers", "content-type"}});
  EXPECT_GE(pre.status, 400) << pre.body;
  EXPECT_TRUE(pre.Header("access-control-allow-origin").empty());
  EXPECT_TRUE(pre.Header("access-control-allow-headers").empty());

  EXPECT_EQ(LogSeq(), 0u);
  HttpResponse kiosks =
      Send({"kiosks", "GET", "/api/v1/admin/kiosks", "", json_type, nodes_.edge_admin_token(), {}});
  ASSERT_EQ(kiosks.status, 200) << kiosks.body;
  EXPECT_EQ(json::parse(kiosks.body)["kiosks"].size(), 0u) << kiosks.body;

  // The log itself, read by the technicians' tool once the edge is stopped.
  nodes_.Stop();
  hailong::testing::CommandResult cat;
  ASSERT_TRUE(hailong::testing::RunCommand({hailong::testing::CtlProgram(), "log", "cat",
                                            "--data-dir", nodes_.edge_data_dir()},
                                           &cat)
                  .ok());
  ASSERT_EQ(cat.exit_code, 0) << cat.output;
  EXPECT_EQ(cat.output.find("\"origin\":\"edge-p1\""), std::string::npos) << cat.output;
  EXPECT_EQ(cat.output.find("000666"), std::string::npos) << cat.output;
}

}  // namespace
}  // namespace hailong::hostile
