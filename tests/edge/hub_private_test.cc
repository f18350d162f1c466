// Personal data stays at the hub, end to end: a real edge shipping to and
// pulling from a real hub; a phone rating taken at the hub (with a phone
// number and a comment) opens a follow-up that a manager notes and closes,
// and the district publishes a catalogue change. The edge pulls the hub's
// public origin (the catalogue change arrives) but its log never holds an
// event of origin "hub-private", a follow-up, or the phone number or the
// comment in any event's bytes.
#include <gtest/gtest.h>

#include "edge_harness.h"
#include "hailong/replication/event_log.h"
#include "hailong/schema/event.h"
#include "hailong/schema/time.h"
#include "hailong/testing/wait.h"
#include "hub_harness.h"

namespace hailong::edge_test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr char kToken[] = "token-of-edge-phuong-01-private-0123456789abc";
constexpr char kPhone[] = "0987654321";
constexpr char kComment[] = "Cán bộ Nguyễn Văn A hẹn lại ba lần";

json Body(const testing::HttpResponse& r) { return json::parse(r.body, nullptr, false); }

TEST(EdgeHubPrivateTest, TheEdgesPulledLogNeverHoldsHubPrivateEvents) {
  hub_test::HubProcess hub(
      hub_test::HubOptions{{{"nodes",
                             {{{"id", kOrigin},
                               {"office_id", kOffice},
                               {"token_sha256", schema::HexEncode(schema::Sha256(kToken))}}}}}});
  hub.Start();
  EdgeHarness office;
  ASSERT_TRUE(office.StartBroker().ok());
  const std::string token = office.dir().WriteFile("edge.token", std::string(kToken) + "\n");
  ASSERT_TRUE(office
                  .StartEdge({{"hub",
                               {{"url", "http://127.0.0.1:" + std::to_string(hub.port())},
                                {"node_id", kOrigin},
                                {"token_file", token}}}})
                  .ok())
      << office.EdgeLog();

  // A phone rating at the hub, unsatisfied, with a phone number and a comment.
  auto r = hub.Post(std::string("/public/v1/survey/") + kOffice + "/q1",
                    json{{"id", "p-1"},
                         {"answers", {{"level", "unsatisfied"}}},
                         {"phone", kPhone},
                         {"consent", true},
                         {"comment", kComment}}
                        .dump());
  ASSERT_EQ(r.status, 200) << r.body;
  hub_test::Session admin = hub_test::Login(hub, "admin");
  json fu;
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        json list = Body(hub.Get("/api/v1/follow-ups?status=open", admin.Read()));
        if (!list.is_object() || list["follow_ups"].empty()) return false;
        fu = list["follow_ups"][0];
        return true;
      },
      20s));
  const std::string id = fu["id"];
  r = hub.Post("/api/v1/follow-ups/" + id + "/note",
               json{{"action", "called_back"}, {"note", std::string("Đã gọi ") + kPhone}}.dump(),
               admin.Write());
  ASSERT_EQ(r.status, 200) << r.body;
  r = hub.Post("/api/v1/follow-ups/" + id + "/close",
               json{{"resolution", "Công dân đã hài lòng"}}.dump(), admin.Write());
  ASSERT_EQ(r.status, 200) << r.body;
  // And something public for the edge to pull.
  r = hub.Post(
      "/api/v1/catalogue",
      json{{"kind", "counter"}, {"id", "q9"}, {"name", "Quầy 9"}, {"office", kOffice}}.dump(),
      admin.Write());
  ASSERT_EQ(r.status, 200) << r.body;
  json status = Body(hub.Get("/api/v1/status", admin.Read()));
  uint64_t hub_head = 0, private_head = 0;
  for (const auto& o : status["origins"]) {
    if (o["origin"] == "hub") hub_head = o["head_seq"];
    if (o["origin"] == "hub-private") private_head = o["head_seq"];
  }
  ASSERT_GE(hub_head, 1u) << status.dump();
  ASSERT_GE(private_head, 4u) << status.dump();  // rating, opened, noted, closed

  // The edge pulls every event of origin "hub".
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        return Body(office.Get("/api/v1/status")).value("pulled_seq", uint64_t{0}) >= hub_head;
      },
      30s))
      << office.Get("/api/v1/status").body << "\n"
      << office.EdgeLog();
  ASSERT_EQ(office.StopEdge(), 0);

  replication::EventLogOptions o;
  o.origin = kOrigin;
  std::unique_ptr<replication::EventLog> log;
  ASSERT_TRUE(replication::EventLog::Open(o, office.data_dir() + "/log", &log).ok());
  const auto origins = log->Origins();
  EXPECT_NE(std::find(origins.begin(), origins.end(), "hub"), origins.end());
  EXPECT_EQ(std::find(origins.begin(), origins.end(), "hub-private"), origins.end());
  size_t events = 0;
  for (const std::string& origin : origins) {
    ASSERT_TRUE(log->Scan(origin, 1,
                          [&](uint64_t seq, std::string_view bytes, const fb::Event& e) {
                            ++events;
                            const std::string type = schema::EventTypeName(e.body_type());
                            EXPECT_EQ(type.rfind("follow_up", 0), std::string::npos)
                                << origin << ":" << seq;
                            EXPECT_EQ(bytes.find(kPhone), std::string_view::npos)
                                << origin << ":" << seq << " " << type;
                            EXPECT_EQ(bytes.find(kComment), std::string_view::npos)
                                << origin << ":" << seq << " " << type;
                            if (origin == "hub") {
                              EXPECT_NE(e.body_type(), fb::EventBody::RatingSubmitted) << seq;
                            }
                            return true;
                          })
                    .ok());
  }
  EXPECT_GE(events, hub_head);
}

}  // namespace
}  // namespace hailong::edge_test
