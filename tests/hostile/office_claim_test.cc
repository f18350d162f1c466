// A node whose own configuration claims another office (issue 14): a real
// hailong-edge configured as office p2 ships, with its own token as node
// edge-p1 (office p1 at the hub), a rating it took. The hub stores it (the
// edge is not stalled) but counts it nowhere, and says so in the node
// list, the alerts and the audit log.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hailong/schema/time.h"
#include "hailong/testing/http_client.h"
#include "hailong/testing/wait.h"
#include "nodes.h"

namespace hailong::hostile {
namespace {

using hailong::testing::HttpResponse;
using json = nlohmann::json;

json HubGet(uint16_t port, const std::string& cookie, const std::string& target) {
  hailong::testing::HttpRequest req;
  req.target = target;
  req.headers = {{"Cookie", cookie}};
  HttpResponse res;
  if (!hailong::testing::SendHttp("127.0.0.1", port, req, &res).ok() || res.status != 200) {
    return nullptr;
  }
  return json::parse(res.body, nullptr, false);
}

TEST(OfficeClaimTest, AnEdgeConfiguredForAnotherOfficeCountsNowhere) {
  hailong::testing::TempDir tmp("hostile-office-claim");
  HostileNodes nodes(tmp);
  nodes.set_edge_office("p2");
  ASSERT_TRUE(nodes.Start().ok());
  const int64_t now = Clock::System()->NowMs();
  const json rating = {{"id", "claim-1"},          {"counter", "q1"},
                       {"template", "smiley-4"},   {"answers", {{"level", "satisfied"}}},
                       {"at", FormatRfc3339(now)}, {"channel", "phone"}};
  HttpResponse res;
  ASSERT_TRUE(
      hailong::testing::HttpPost(nodes.edge_port(), "/api/v1/ratings", rating.dump(), &res).ok());
  ASSERT_EQ(res.status, 200) << res.body;
  std::string cookie;
  ASSERT_TRUE(nodes.Login(&cookie).ok());

  // The edge ships it; the hub refuses it as evidence.
  json node;
  ASSERT_TRUE(hailong::testing::WaitUntil(
      [&] {
        json list = HubGet(nodes.hub_port(), cookie, "/api/v1/nodes");
        if (!list.is_object() || list["nodes"].empty()) return false;
        node = list["nodes"][0];
        return node.value("refused_events", uint64_t{0}) >= 1;
      },
      std::chrono::seconds(30)))
      << node.dump() << nodes.HubLog();
  EXPECT_EQ(node["id"], "edge-p1");
  EXPECT_GE(node["refused"].get<uint64_t>(), 1u);
  EXPECT_EQ(node["last_refused_event"]["reason"], "other_office");
  EXPECT_EQ(node["last_refused_event"]["office"], "p2");
  EXPECT_EQ(node["last_error"], "");  // the push itself was accepted
  json alert;
  ASSERT_TRUE(hailong::testing::WaitUntil(
      [&] {
        json list = HubGet(nodes.hub_port(), cookie, "/api/v1/alerts?status=all");
        if (!list.is_object()) return false;
        for (const json& a : list["alerts"]) {
          if (a.value("kind", "") == "forged_events") alert = a;
        }
        return alert.is_object();
      },
      std::chrono::seconds(30)));
  EXPECT_EQ(alert["node"], "edge-p1");
  json audit = HubGet(nodes.hub_port(), cookie, "/api/v1/audit");
  ASSERT_TRUE(audit.is_object());
  bool audited = false;
  for (const json& e : audit["entries"]) {
    audited |= e.value("action", "") == "events.refused" && e.value("target", "") == "edge-p1";
  }
  EXPECT_TRUE(audited) << audit.dump();

  // No office's figures have it.
  const std::string day = VietnamDay(now);
  for (const char* office : {"p1", "p2"}) {
    json report = HubGet(nodes.hub_port(), cookie,
                         "/api/v1/report?from=" + day + "&to=" + day + "&office=" + office);
    ASSERT_TRUE(report.is_object());
    EXPECT_EQ(report["totals"]["ratings"], 0) << office << ": " << report.dump();
  }
}

}  // namespace
}  // namespace hailong::hostile
