// Personal data (replication/doc/personal_data.md, issue 15) against real
// processes: a hailong-edge with its Mosquitto, a hailong-hub, and
// hailongctl. Phone numbers, comments and a manager's note, sent through
// the edge's phone survey and kiosk and the hub's phone survey, are nowhere
// in clear in any file of either data directory (raw bytes, and every key
// and value of every RocksDB read back, which also covers compressed
// blocks), nor in export files or backups; the manager still reads them;
// after an erasure by phone and by rating, and after the retention period
// (the hub restarted under libfaketime, 400 days later), no API, export or
// rebuild shows them, every report figure is unchanged, and `log verify`
// passes on every copy.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ctl_runner.h"
#include "hailong/replication/store.h"
#include "hailong/schema/event.h"
#include "hailong/schema/time.h"
#include "hailong/testing/http_client.h"
#include "hailong/testing/programs.h"
#include "hailong/testing/status.h"
#include "hailong/testing/temp_dir.h"
#include "hailong/testing/wait.h"
#include "node_processes.h"

namespace hailong::ops::testing {
namespace {

namespace fs = std::filesystem;
namespace ht = hailong::testing;
using json = nlohmann::json;

// What citizens and a manager wrote; none may appear in clear outside the hub's API.
const std::string kCommentPhone = "Cán bộ Trần Văn Bình ở quầy một hẹn tôi ba lần";
const std::string kPhoneEdge = "0912 345 678";
const std::string kCommentKiosk = "Chị Lê Thị Hoa hướng dẫn rất tận tình";
const std::string kPhoneKiosk = "0987654321";
const std::string kCommentHub = "Ông Phạm Quốc Dũng chưa trả hồ sơ đúng hẹn";
const std::string kPhoneHub = "0933111222";
const std::string kCommentHeld = "Bà Đỗ Thị Mai không nhận hồ sơ của tôi";
const std::string kNote = "Đã gọi lại cho ông Nguyễn Văn An, hẹn thứ hai";

std::vector<std::string> Needles() {
  return {kCommentPhone, kPhoneEdge, "0912345678", kCommentKiosk, kPhoneKiosk,
          kCommentHub,   kPhoneHub,  kCommentHeld, kNote};
}

// Every needle found in `bytes`, as "needle".
std::vector<std::string> Found(std::string_view bytes) {
  std::vector<std::string> found;
  for (const std::string& n : Needles()) {
    if (bytes.find(n) != std::string_view::npos) found.push_back(n);
  }
  return found;
}

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Needles in the raw bytes of every file under `dir`, and in every key and
// value of every RocksDB under it (read back: compressed blocks too).
std::vector<std::string> ClearTextUnder(const std::string& dir) {
  std::vector<std::string> hits;
  std::vector<fs::path> stores;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    for (const std::string& n : Found(ReadAll(entry.path()))) {
      hits.push_back(entry.path().string() + ": " + n);
    }
    if (entry.path().filename() == "CURRENT") stores.push_back(entry.path().parent_path());
  }
  // The log and the key store at least (each RocksDB read back below).
  EXPECT_GE(stores.size(), 2u) << dir;
  for (const fs::path& store_dir : stores) {
    replication::StoreOptions options;
    options.create_if_missing = false;
    std::unique_ptr<replication::Store> store;
    Status s = replication::Store::Open(options, store_dir.string(), &store);
    EXPECT_TRUE(s.ok()) << store_dir << ": " << s.ToString();
    if (!s.ok()) continue;
    s = store->Scan("", "", [&](std::string_view key, std::string_view value) {
      for (const std::string& n : Found(key)) hits.push_back(store_dir.string() + " key: " + n);
      for (const std::string& n : Found(value)) {
        hits.push_back(store_dir.string() + " value of " + std::string(key.substr(0, 40)) + ": " +
                       n);
      }
      return true;
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  return hits;
}

struct Session {
  std::string cookie, csrf;
};

class PersonalDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(hub_.Start(HubExtra()));
    ASSERT_OK(edge_.Start(
        kNodeOffice,
        {{"hub", {{"url", hub_.url()}, {"node_id", kNodeId}, {"token_file", hub_.token_file()}}},
         // A technician enrolls the counter's kiosk; every phone here is
         // 127.0.0.1, rating seconds apart (the limits and the misuse flag
         // have their own tests in tests/edge; a flagged rating opens no
         // follow-up).
         {"admin_token_sha256", schema::HexEncode(schema::Sha256(kEdgeAdminToken))},
         {"phone_limit_per_address", 0},
         {"phone_limit_per_counter", 0},
         {"misuse_interval_ms", 0}}));
  }

  static constexpr const char* kEdgeAdminToken = "personal-data-test-technician";

  // A kiosk credential for counter q1 (edge/README.md: kiosk enrollment).
  std::string KioskToken() {
    if (!kiosk_token_.empty()) return kiosk_token_;
    auto made = Request(edge_.port(), "POST", "/api/v1/admin/kiosks", nullptr,
                        json{{"counter", "q1"}}.dump(), kEdgeAdminToken);
    EXPECT_EQ(made.status, 200) << made.body;
    auto enrolled =
        Request(edge_.port(), "POST", "/api/v1/kiosks/enroll", nullptr,
                json{{"code", json::parse(made.body, nullptr, false).value("code", "")}}.dump());
    EXPECT_EQ(enrolled.status, 200) << enrolled.body;
    kiosk_token_ = json::parse(enrolled.body, nullptr, false).value("token", "");
    return kiosk_token_;
  }
  std::string kiosk_token_;

  static json HubExtra() { return json{{"personal_data_sweep_s", 1}}; }

  ht::HttpResponse Request(uint16_t port, const std::string& method, const std::string& target,
                           const Session* who, const std::string& body = "",
                           const std::string& bearer = "") {
    ht::HttpRequest req;
    req.method = method;
    req.target = target;
    req.body = body;
    if (who != nullptr) {
      req.headers = {{"Cookie", who->cookie}, {"X-CSRF-Token", who->csrf}};
    }
    if (!bearer.empty()) req.headers.emplace_back("Authorization", "Bearer " + bearer);
    ht::HttpResponse res;
    Status s = ht::SendHttp("127.0.0.1", port, req, &res, std::chrono::seconds(30));
    if (!s.ok()) res.status = -1;
    return res;
  }
  json HubGet(const std::string& target, const Session& who) {
    auto res = Request(hub_.port(), "GET", target, &who);
    EXPECT_EQ(res.status, 200) << target << ": " << res.body;
    return json::parse(res.body, nullptr, false);
  }
  Session Login(const std::string& name) {
    auto res = Request(hub_.port(), "POST", "/api/v1/login", nullptr,
                       json{{"name", name}, {"password", kAdminPassword}}.dump());
    EXPECT_EQ(res.status, 200) << res.body;
    Session s;
    const std::string set_cookie = res.Header("set-cookie");
    s.cookie = set_cookie.substr(0, set_cookie.find(';'));
    s.csrf = json::parse(res.body, nullptr, false).value("csrf_token", "");
    return s;
  }

  // Posts a rating to the edge until it is stored (503 until the edge has
  // the hub's public key); its seq.
  uint64_t EdgeRating(const json& rating) {
    uint64_t seq = 0;
    ht::HttpResponse last;
    EXPECT_TRUE(ht::WaitUntil(
        [&] {
          const bool kiosk = rating.value("channel", "") == "touchscreen";
          last = Request(edge_.port(), "POST", "/api/v1/ratings", nullptr, rating.dump(),
                         kiosk ? KioskToken() : "");
          if (last.status != 200) return false;
          seq = json::parse(last.body)["seq"];
          return true;
        },
        std::chrono::seconds(30), std::chrono::milliseconds(100)))
        << last.status << " " << last.body << edge_.LogTail();
    return seq;
  }

  static json Rating(const std::string& id, const std::string& channel, const std::string& level,
                     const std::string& comment, const std::string& phone) {
    json r{{"id", id},
           {"counter", "q1"},
           {"channel", channel},
           {"at", FormatRfc3339(Clock::System()->NowMs())}};
    if (channel == "phone") {
      r["template"] = "gia-lam-phone";
      r["answers"] = {{"level", level}};
    } else {
      // The form that takes a comment and a phone number (survey/: a
      // smiley form takes neither).
      r["template"] = "gia-lam-phone";
      r["answers"] = {{"level", level}};
      r["device"] = "web-00112233aabbccdd";
    }
    if (!comment.empty()) r["comment"] = comment;
    if (!phone.empty()) r["phone"] = phone;
    if (!phone.empty()) r["consent"] = true;  // a number is kept only with consent
    return r;
  }

  // The ratings of office p1 in the test's period, keyed "origin/seq".
  std::map<std::string, json> Ratings(const Session& who) {
    json j =
        HubGet("/api/v1/ratings?office=p1&include_excluded=true&" + period_ + "&limit=1000", who);
    std::map<std::string, json> out;
    for (const json& r : j["ratings"]) {
      out[r["origin"].get<std::string>() + "/" + std::to_string(r["seq"].get<uint64_t>())] = r;
    }
    return out;
  }

  // Every figure of every report the dashboard shows for office p1.
  json Figures(const Session& who) {
    json all = json::object();
    for (const std::string group : {"office", "counter", "officer", "channel", "day"}) {
      json r = HubGet("/api/v1/report?office=p1&" + period_ + "&group_by=" + group, who);
      r.erase("generated_at");
      r.erase("as_of");  // the clock's instant (Decision 766 is evaluated as of it)
      all[group] = r;
    }
    return all;
  }

  bool CaughtUp(const Session& who) {
    return ht::WaitUntil(
        [&] {
          auto res = Request(hub_.port(), "GET", "/api/v1/status", &who);
          if (res.status != 200) return false;
          json j = json::parse(res.body, nullptr, false);
          for (const json& o : j.value("origins", json::array())) {
            if (o["head_seq"] != o["applied_seq"]) return false;
          }
          return true;
        },
        std::chrono::seconds(30));
  }

  // Copies of the data: an export of each log and a backup of each data dir,
  // all with `log verify` passing and no clear text.
  void CheckCopies(const std::string& label) {
    for (const auto& [name, data] : std::vector<std::pair<std::string, std::string>>{
             {"edge", edge_.data_dir()}, {"hub", hub_.data_dir()}}) {
      SCOPED_TRACE(label + " " + name);
      CtlRun v = RunCtl({"log", "verify", "--data-dir", data});
      EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
      const std::string file = tmp_.Join(label + "-" + name + ".hlx");
      CtlRun e = RunCtl({"log", "export", "--data-dir", data, "--out", file});
      ASSERT_EQ(e.exit_code, 0) << e.out << e.err;
      EXPECT_EQ(Found(ReadAll(file)), std::vector<std::string>{});
      v = RunCtl({"log", "verify", file});
      EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
      const std::string backup = tmp_.Join(label + "-" + name + "-backup");
      CtlRun b = RunCtl({"backup", "--data-dir", data, "--out", backup});
      ASSERT_EQ(b.exit_code, 0) << b.out << b.err;
      EXPECT_EQ(ClearTextUnder(backup), std::vector<std::string>{});
      v = RunCtl({"log", "verify", "--data-dir", backup});
      EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
      EXPECT_EQ(ClearTextUnder(data), std::vector<std::string>{});
    }
  }

  ht::TempDir tmp_{"hailong-personal"};
  HubNode hub_;
  EdgeNode edge_;
  std::string period_ = "from=" + VietnamDay(Clock::System()->NowMs() - 86400000) +
                        "&to=" + VietnamDay(Clock::System()->NowMs() + 86400000);
};

TEST_F(PersonalDataTest, NeverInClearErasableAndKeptOnlyAsLongAsNeeded) {
  // Through the edge: the phone survey (unhappy, with a phone number: a
  // follow-up opens), the kiosk, and one more unhappy one whose follow-up
  // stays open through the retention period.
  const uint64_t e1 = EdgeRating(Rating("p-1", "phone", "unsatisfied", kCommentPhone, kPhoneEdge));
  const uint64_t e2 =
      EdgeRating(Rating("k-1", "touchscreen", "satisfied", kCommentKiosk, kPhoneKiosk));
  const uint64_t e3 = EdgeRating(Rating("p-2", "phone", "unsatisfied", kCommentHeld, ""));
  const uint64_t e4 = EdgeRating(Rating("k-2", "touchscreen", "satisfied", "", ""));
  const std::string r1 = std::string(kNodeId) + "/" + std::to_string(e1);
  const std::string r2 = std::string(kNodeId) + "/" + std::to_string(e2);
  const std::string r3 = std::string(kNodeId) + "/" + std::to_string(e3);
  const std::string r4 = std::string(kNodeId) + "/" + std::to_string(e4);

  const Session admin = Login(kAdmin);
  const Session manager = Login(kManager);
  // Through the hub's phone survey, once the hub knows office p1.
  std::string h1;
  ASSERT_TRUE(ht::WaitUntil(
      [&] {
        auto res = Request(hub_.port(), "POST", "/public/v1/survey/p1/q1", nullptr,
                           json{{"id", "web-1"},
                                {"answers", {{"level", "satisfied"}}},
                                {"comment", kCommentHub},
                                {"phone", kPhoneHub},
                                {"consent", true}}
                               .dump());
        if (res.status != 200) return false;
        h1 = "hub-private/" + std::to_string(json::parse(res.body)["seq"].get<uint64_t>());
        return true;
      },
      std::chrono::seconds(30), std::chrono::milliseconds(100)))
      << hub_.LogTail();

  // The manager reads every text once the edge's keys reached the hub.
  std::map<std::string, json> ratings;
  ASSERT_TRUE(ht::WaitUntil(
      [&] {
        ratings = Ratings(manager);
        return ratings.size() == 5 && ratings[r1].value("comment", "") == kCommentPhone &&
               ratings[r2].value("comment", "") == kCommentKiosk &&
               ratings[r3].value("comment", "") == kCommentHeld;
      },
      std::chrono::seconds(30), std::chrono::milliseconds(100)))
      << json(ratings).dump(1) << hub_.LogTail() << edge_.LogTail();
  // Numbers are kept as digits only (survey/: the one rating rule).
  const auto digits = [](std::string n) {
    std::erase_if(n, [](char c) { return c < '0' || c > '9'; });
    return n;
  };
  EXPECT_EQ(ratings[r1]["phone"], digits(kPhoneEdge));
  EXPECT_EQ(ratings[r2]["phone"], digits(kPhoneKiosk));
  EXPECT_EQ(ratings[h1]["comment"], kCommentHub);
  EXPECT_EQ(ratings[h1]["phone"], digits(kPhoneHub));
  EXPECT_FALSE(ratings[r4]["has_comment"].get<bool>());
  ASSERT_TRUE(CaughtUp(admin));

  // The follow-up of the first rating shows the citizen's data to the
  // manager, who writes a note that names people.
  json fus;
  std::string fu1, fu3;
  EXPECT_TRUE(ht::WaitUntil(
      [&] {
        fus = HubGet("/api/v1/follow-ups?office=p1", manager);
        for (const json& f : fus["follow_ups"]) {
          const std::string ref = f["rating_origin"].get<std::string>() + "/" +
                                  std::to_string(f["rating_seq"].get<uint64_t>());
          if (ref == r1) fu1 = f["id"];
          if (ref == r3) fu3 = f["id"];
        }
        return !fu1.empty() && !fu3.empty();
      },
      std::chrono::seconds(30), std::chrono::milliseconds(100)));
  ASSERT_FALSE(fu1.empty()) << fus.dump(1);
  ASSERT_FALSE(fu3.empty()) << fus.dump(1);
  auto res = Request(hub_.port(), "POST", "/api/v1/follow-ups/" + fu1 + "/note", &manager,
                     json{{"action", "called_back"}, {"note", kNote}}.dump());
  ASSERT_EQ(res.status, 200) << res.body;
  json fu = HubGet("/api/v1/follow-ups/" + fu1, manager);
  EXPECT_EQ(fu["rating"]["phone"], digits(kPhoneEdge));
  EXPECT_EQ(fu["rating"]["comment"], kCommentPhone);
  ASSERT_EQ(fu["notes"].size(), 1u) << fu.dump(1);
  EXPECT_EQ(fu["notes"][0]["note"], kNote);
  // Each response that showed them is audited, naming no text.
  json audit = HubGet("/api/v1/audit", admin);
  EXPECT_NE(audit.dump().find("follow_up.view"), std::string::npos);
  EXPECT_EQ(Found(audit.dump()), std::vector<std::string>{});
  const json figures = Figures(admin);
  ASSERT_TRUE(CaughtUp(admin));

  // Stopped (memtables flushed on close): nothing in clear in any file of
  // either data dir, in exports or in backups.
  hub_.Stop();
  edge_.Stop();
  CheckCopies("before");

  // Erasure by phone number, then by rating.
  ASSERT_OK(hub_.Start(HubExtra()));
  ASSERT_OK(edge_.Start(
      kNodeOffice,
      {{"hub", {{"url", hub_.url()}, {"node_id", kNodeId}, {"token_file", hub_.token_file()}}}}));
  const Session admin2 = Login(kAdmin);
  const Session manager2 = Login(kManager);
  res = Request(hub_.port(), "POST", "/api/v1/erasures", &manager2,
                json{{"phone", kPhoneEdge}, {"reason", "công dân yêu cầu"}}.dump());
  EXPECT_EQ(res.status, 403) << res.body;
  res =
      Request(hub_.port(), "POST", "/api/v1/erasures", &admin2,
              json{{"phone", "+84 912-345-678"}, {"reason", "công dân yêu cầu ngày 7/12"}}.dump());
  ASSERT_EQ(res.status, 200) << res.body;
  json erased = json::parse(res.body);
  EXPECT_EQ(erased["ratings"], json::array({r1})) << erased.dump();
  EXPECT_GE(erased["keys"].get<int>(), 2) << erased.dump();  // the rating's and the note's
  res = Request(hub_.port(), "POST", "/api/v1/erasures", &admin2,
                json{{"rating", h1}, {"reason", "yêu cầu qua điện thoại"}}.dump());
  ASSERT_EQ(res.status, 200) << res.body;
  res = Request(hub_.port(), "POST", "/api/v1/erasures", &admin2,
                json{{"rating", "edge-p1/999999"}, {"reason", "x"}}.dump());
  EXPECT_EQ(res.status, 404) << res.body;
  res = Request(hub_.port(), "POST", "/api/v1/erasures", &admin2, json{{"rating", r2}}.dump());
  EXPECT_EQ(res.status, 400) << res.body;

  ratings = Ratings(admin2);
  EXPECT_EQ(ratings[r1]["comment"], "");
  EXPECT_EQ(ratings[r1]["phone"], "");
  EXPECT_EQ(ratings[r1]["comment_state"], "erased");
  EXPECT_TRUE(ratings[r1]["has_comment"].get<bool>());  // still counted
  EXPECT_EQ(ratings[h1]["comment_state"], "erased");
  EXPECT_EQ(ratings[r2]["comment"], kCommentKiosk);  // not this citizen's
  fu = HubGet("/api/v1/follow-ups/" + fu1, manager2);
  EXPECT_EQ(fu["rating"]["phone"], "");
  EXPECT_EQ(fu["notes"][0]["note"], "");
  EXPECT_EQ(fu["notes"][0]["note_state"], "erased");
  EXPECT_EQ(Figures(admin2), figures);
  json list = HubGet("/api/v1/erasures", admin2);
  ASSERT_EQ(list["erasures"].size(), 2u) << list.dump();
  EXPECT_EQ(list["erasures"][0]["scope"], "rating");
  EXPECT_EQ(list["erasures"][1]["scope"], "phone");
  EXPECT_EQ(Found(list.dump()), std::vector<std::string>{});

  // A rebuild of the read models brings nothing back.
  hub_.Stop();
  const std::string rebuild_cmd = std::string(hailong::testing::HubProgram()) + " --config " +
                                  hub_.config_file() + " --rebuild";
  ASSERT_EQ(std::system(rebuild_cmd.c_str()), 0);
  // 400 days later (libfaketime): retention erases the kiosk rating's text;
  // the open follow-up's rating keeps its comment.
  ASSERT_OK(hub_.Start(HubExtra(), {"LD_PRELOAD=" HAILONG_LIBFAKETIME, "FAKETIME=+400d",
                                    // Timed waits (steady clock) stay real.
                                    "FAKETIME_DONT_FAKE_MONOTONIC=1"}));
  const Session admin3 = Login(kAdmin);
  ASSERT_TRUE(ht::WaitUntil(
      [&] {
        json l = HubGet("/api/v1/erasures", admin3);
        return l["erasures"].size() == 3u && l["erasures"][0]["scope"] == "retention";
      },
      std::chrono::seconds(30), std::chrono::milliseconds(100)))
      << hub_.LogTail();
  ratings = Ratings(admin3);
  EXPECT_EQ(ratings[r1]["comment_state"], "erased");
  EXPECT_EQ(ratings[h1]["comment_state"], "erased");
  EXPECT_EQ(ratings[r2]["comment_state"], "erased");
  EXPECT_EQ(ratings[r2]["phone_state"], "erased");
  EXPECT_EQ(ratings[r3]["comment"], kCommentHeld);  // its follow-up is still open
  EXPECT_EQ(Figures(admin3), figures);
  // Once that follow-up closes, the next sweep erases it too.
  res = Request(hub_.port(), "POST", "/api/v1/follow-ups/" + fu3 + "/close", &admin3,
                json{{"resolution", "đã xin lỗi công dân"}}.dump());
  ASSERT_EQ(res.status, 200) << res.body;
  ASSERT_TRUE(ht::WaitUntil([&] { return Ratings(admin3)[r3]["comment_state"] == "erased"; },
                            std::chrono::seconds(30), std::chrono::milliseconds(100)));
  for (const auto& [ref, r] : Ratings(admin3)) {
    EXPECT_EQ(Found(r.dump()), std::vector<std::string>{}) << ref;
  }
  hub_.Stop();
  edge_.Stop();
  CheckCopies("after");
}

}  // namespace
}  // namespace hailong::ops::testing
