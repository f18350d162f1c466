// Officers' names from the edges' sign-in events: an officer the catalogue
// does not name appears in GET /api/v1/catalogue with the name signed in
// with (source "sign_in", for the dashboard's name lookups), only to users
// of that office; a catalogue entry for the officer takes precedence.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hailong/schema/time.h"
#include "hailong/testing/wait.h"
#include "hub_harness.h"

namespace hailong::hub_test {
namespace {

using json = nlohmann::json;

json Officers(HubProcess& hub, const Session& s) {
  auto res = hub.Get("/api/v1/catalogue?kind=officer", s.Read());
  EXPECT_EQ(res.status, 200) << res.body;
  const json body = json::parse(res.body);
  json out = json::object();
  for (const auto& e : body["entries"]) out[e["id"].get<std::string>()] = e;
  return out;
}

TEST(HubSignInNamesTest, OfficersWithoutCatalogueEntriesAreNamedFromSignIns) {
  HubProcess hub;
  hub.Start();
  Session admin = Login(hub, "admin");
  Session viewer = Login(hub, "viewer");  // office p1
  ChainBuilder p1("edge-p1"), p2("edge-p2");
  const int64_t now = Clock::System()->NowMs();
  fb::OfficerSignedInT in;
  in.counter = "q1";  // no office: the node's
  in.officer = "cb-9";
  in.officer_name = "Lê Thị Chín";
  fb::EventBodyUnion b1;
  b1.Set(in);
  ASSERT_EQ(hub.Push(kTokenP1, "edge-p1", Frames({p1.Next(b1, now)})).status, 200);
  in.officer = "cb-20";
  in.officer_name = "Phạm Văn Hai Mươi";
  fb::EventBodyUnion b2;
  b2.Set(in);
  ASSERT_EQ(hub.Push(kTokenP2, "edge-p2", Frames({p2.Next(b2, now)})).status, 200);

  json officers;
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        officers = Officers(hub, admin);
        return officers.contains("cb-9") && officers.contains("cb-20");
      },
      std::chrono::seconds(20)))
      << officers.dump() << hub.LogTail();
  EXPECT_EQ(officers["cb-9"]["name"], "Lê Thị Chín");
  EXPECT_EQ(officers["cb-9"]["office"], "p1");
  EXPECT_EQ(officers["cb-9"]["source"], "sign_in");
  EXPECT_EQ(officers["cb-20"]["office"], "p2");
  json seen = Officers(hub, viewer);
  EXPECT_TRUE(seen.contains("cb-9"));
  EXPECT_FALSE(seen.contains("cb-20")) << "office p2 is not the viewer's";

  // Reports by officer (JSON, CSV, XLSX) name them the same way.
  fb::RatingSubmittedT rating;
  rating.rating_id = "r-9";
  rating.counter = "q1";
  rating.officer = "cb-9";
  rating.template_id = "smiley-4";
  rating.classification = fb::Classification::Satisfied;
  fb::EventBodyUnion b3;
  b3.Set(rating);
  ASSERT_EQ(hub.Push(kTokenP1, "edge-p1", Frames({p1.Next(b3, now)})).status, 200);
  const std::string report =
      "/api/v1/report?group_by=officer&office=p1&from=" + VietnamDay(now - 86400000) +
      "&to=" + VietnamDay(now + 86400000);
  json row;
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        auto r = hub.Get(report, admin.Read());
        json rows = json::parse(r.body, nullptr, false);
        if (r.status != 200 || !rows.is_object()) return false;
        for (const json& x : rows["rows"]) {
          if (x.value("officer", "") == "cb-9") row = x;
        }
        return row.is_object();
      },
      std::chrono::seconds(20)))
      << hub.LogTail();
  EXPECT_EQ(row["name"], "Lê Thị Chín");
  EXPECT_EQ(row["ratings"], 1);

  auto res = hub.Post("/api/v1/catalogue",
                      json{{"kind", "officer"},
                           {"id", "cb-9"},
                           {"name", "Lê Thị Chín (tổ trưởng)"},
                           {"office", "p1"}}
                          .dump(),
                      admin.Write());
  ASSERT_EQ(res.status, 200) << res.body;
  officers = Officers(hub, admin);
  EXPECT_EQ(officers["cb-9"]["name"], "Lê Thị Chín (tổ trưởng)");
  EXPECT_FALSE(officers["cb-9"].contains("source"));
}

}  // namespace
}  // namespace hailong::hub_test
