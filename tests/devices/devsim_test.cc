// hailong-devsim against a real Mosquitto, with a small responder in the
// test (a real Paho client) that plays the edge: it validates each rating
// with ParseRating, acks "stored" (the same seq for a repeated id) or
// "rejected", and can ignore the first delivery of every id to force
// resends.
#include "hailong/testing/devsim.h"

#include <gtest/gtest.h>
#include <mqtt/async_client.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "hailong/devices/misuse.h"
#include "hailong/devices/payload.h"
#include "hailong/devsim/simulator.h"
#include "hailong/schema/time.h"
#include "hailong/survey/template_codec.h"
#include "hailong/survey/template_registry.h"
#include "hailong/testing/mosquitto.h"
#include "hailong/testing/process.h"
#include "hailong/testing/programs.h"
#include "hailong/testing/temp_dir.h"
#include "hailong/testing/wait.h"

namespace hailong::devices {
namespace {

using hailong::testing::CommandResult;
using hailong::testing::MosquittoBroker;
using hailong::testing::MosquittoOptions;
using hailong::testing::RunCommand;
using hailong::testing::TempDir;
using nlohmann::json;

constexpr char kOffice[] = "phuong-07";

class Responder {
 public:
  struct Options {
    bool ignore_first_delivery = false;
    bool ack = true;
  };

  Responder(const std::string& url, Options options)
      : options_(options),
        registry_(survey::TemplateRegistry::WithBuiltins()),
        client_(url, "test-responder") {
    client_.set_message_callback([this](mqtt::const_message_ptr m) { OnRating(*m); });
    auto opts = mqtt::connect_options_builder().clean_session(true).finalize();
    client_.connect(opts)->wait();
    client_.subscribe(RatingSubscription(kOffice), 1)->wait();
  }
  ~Responder() {
    try {
      client_.disconnect()->wait();
    } catch (const std::exception&) {
    }
  }

  size_t deliveries() {
    std::lock_guard<std::mutex> lock(mu_);
    return deliveries_;
  }
  std::set<std::string> ids_seen() {
    std::lock_guard<std::mutex> lock(mu_);
    std::set<std::string> ids;
    for (const auto& [key, n] : seen_) ids.insert(key);
    return ids;
  }
  size_t stored() {
    std::lock_guard<std::mutex> lock(mu_);
    return seq_of_.size();
  }
  size_t misuse_flagged() {
    std::lock_guard<std::mutex> lock(mu_);
    return misuse_flagged_;
  }
  std::map<std::string, size_t> reasons() {
    std::lock_guard<std::mutex> lock(mu_);
    return reasons_;
  }
  // Stored ratings, in arrival order.
  std::vector<survey::CheckedRating> ratings() {
    std::lock_guard<std::mutex> lock(mu_);
    return ratings_;
  }
  // "<template>/<dossier>" -> stored ratings.
  std::map<std::string, size_t> templates_and_dossiers() {
    std::lock_guard<std::mutex> lock(mu_);
    return templates_and_dossiers_;
  }

 private:
  void OnRating(const mqtt::message& m) {
    DeviceTopic topic;
    if (!ParseTopic(m.get_topic(), &topic).ok()) return;
    std::string reply;
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++deliveries_;
      survey::CheckedRating r;
      Status s =
          survey::ParseRating(m.get_payload_str(), *registry_, Clock::System()->NowMs(), {}, &r)
              .ToStatus();
      const std::string key = topic.device + ":" + r.id;
      if (!r.id.empty() && seen_[key]++ == 0 && options_.ignore_first_delivery) return;
      if (!options_.ack) return;
      if (!s.ok()) {
        ++reasons_[s.message()];
        reply = RejectedAckJson(r.id.empty() ? std::nullopt : std::optional<std::string>(r.id),
                                s.message());
      } else {
        auto it = seq_of_.find(key);
        if (it == seq_of_.end()) {
          it = seq_of_.emplace(key, seq_of_.size() + 1).first;
          MisuseVerdict v =
              misuse_.Judge(topic.device, r.id, r.device_time_ms, Clock::System()->NowMs());
          if (v.suspected_misuse) ++misuse_flagged_;
          ++templates_and_dossiers_[r.template_id + "/" + r.dossier];
          ratings_.push_back(r);
        }
        reply = StoredAckJson(r.id, it->second);
      }
    }
    client_.publish(AckTopic(topic.office, topic.device), reply.data(), reply.size(), 1, false);
  }

  Options options_;
  std::unique_ptr<survey::TemplateRegistry> registry_;
  MisuseDetector misuse_;
  mqtt::async_client client_;
  std::mutex mu_;
  size_t deliveries_ = 0;
  std::map<std::string, int> seen_;         // "<device>:<id>" -> deliveries
  std::map<std::string, uint64_t> seq_of_;  // "<device>:<id>" -> seq
  std::map<std::string, size_t> reasons_;
  size_t misuse_flagged_ = 0;
  std::map<std::string, size_t> templates_and_dossiers_;
  std::vector<survey::CheckedRating> ratings_;
};

// The last line of `output` that is a JSON object (devsim's report).
using hailong::testing::LastJsonLine;

// The HTTP side of an edge as devsim sees it: GET counters and templates,
// POST dossiers (recorded; with `dossier_token`, only those carrying it as
// a bearer token, as the edge's dossier_tokens_sha256 asks). One request
// per connection.
class EdgeHttpStandIn {
 public:
  explicit EdgeHttpStandIn(json counters, std::string dossier_token = "")
      : counters_(std::move(counters)), dossier_token_(std::move(dossier_token)), acceptor_(io_) {
    namespace net = boost::asio;
    net::ip::tcp::endpoint ep(net::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(ep.protocol());
    acceptor_.bind(ep);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { Serve(); });
  }
  ~EdgeHttpStandIn() {
    stop_ = true;
    try {  // wake the blocking accept
      boost::asio::io_context io;
      boost::asio::ip::tcp::socket s(io);
      s.connect({boost::asio::ip::make_address("127.0.0.1"), port_});
    } catch (const std::exception&) {
    }
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<json> dossiers() {
    std::lock_guard<std::mutex> lock(mu_);
    return dossiers_;
  }

 private:
  void Serve() {
    namespace http = boost::beast::http;
    while (!stop_) {
      boost::asio::ip::tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stop_) continue;
      boost::beast::flat_buffer buffer;
      http::request<http::string_body> req;
      http::read(socket, buffer, req, ec);
      if (ec) continue;
      http::response<http::string_body> res(http::status::ok, req.version());
      res.set(http::field::content_type, "application/json");
      if (req.target() == "/api/v1/counters") {
        res.body() = json{{"counters", counters_}}.dump();
      } else if (req.target() == "/api/v1/templates") {
        json list = json::array();
        for (const auto& t : survey::BuiltinTemplates()) list.push_back(survey::TemplateToJson(t));
        res.body() = json{{"templates", list}}.dump();
      } else if (req.target() == "/api/v1/dossiers" && req.method() == http::verb::post &&
                 !dossier_token_.empty() &&
                 req[http::field::authorization] != "Bearer " + dossier_token_) {
        res.result(http::status::unauthorized);
        res.body() = R"({"error":"a dossier token is needed"})";
      } else if (req.target() == "/api/v1/dossiers" && req.method() == http::verb::post) {
        json d = json::parse(req.body(), nullptr, false);
        std::lock_guard<std::mutex> lock(mu_);
        dossiers_.push_back(d);
        res.body() = json{{"status", "stored"}, {"seq", dossiers_.size()}}.dump();
      } else {
        res.result(http::status::not_found);
        res.body() = "{}";
      }
      res.prepare_payload();
      http::write(socket, res, ec);
    }
  }

  json counters_;
  std::string dossier_token_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::vector<json> dossiers_;
};

class DevsimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MosquittoOptions o;
    o.dir = dir_.path();
    ASSERT_TRUE(MosquittoBroker::Start(o, &broker_).ok());
  }

  // Runs hailong-devsim with `args` (plus broker, office, --report-json,
  // --quiet) and parses its JSON report (the last line of output).
  json RunDevsim(std::vector<std::string> args, int* exit_code) {
    args.insert(args.begin(), {"--report-json", "--quiet"});
    CommandResult result;
    json report;
    Status s = hailong::testing::RunDevsim(broker_->url(), kOffice, args, &result, &report);
    EXPECT_TRUE(s.ok()) << s.ToString() << "\n" << result.output;
    *exit_code = result.exit_code;
    EXPECT_FALSE(report.is_discarded()) << result.output;
    return report;
  }

  // The retained payload of `topic` ("" if none within 3 s).
  std::string Retained(const std::string& topic) {
    mqtt::async_client c(broker_->url(), "test-retained-reader");
    std::mutex mu;
    std::string payload;
    c.set_message_callback([&](mqtt::const_message_ptr m) {
      std::lock_guard<std::mutex> lock(mu);
      payload = m->get_payload_str();
    });
    c.connect(mqtt::connect_options_builder().clean_session(true).finalize())->wait();
    c.subscribe(topic, 1)->wait();
    hailong::testing::WaitUntil(
        [&] {
          std::lock_guard<std::mutex> lock(mu);
          return !payload.empty();
        },
        std::chrono::seconds(3));
    c.disconnect()->wait();
    std::lock_guard<std::mutex> lock(mu);
    return payload;
  }

  TempDir dir_{"devsim-test"};
  std::unique_ptr<MosquittoBroker> broker_;
};

TEST(DevsimCliTest, HelpAndVersion) {
  CommandResult r;
  ASSERT_TRUE(RunCommand({hailong::testing::DevsimProgram(), "--version"}, &r).ok());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("hailong-devsim "), std::string::npos);
  ASSERT_TRUE(RunCommand({hailong::testing::DevsimProgram(), "--help"}, &r).ok());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("--broker"), std::string::npos);
  EXPECT_NE(r.output.find("thiết bị"), std::string::npos) << "Vietnamese by default";
  ASSERT_TRUE(RunCommand({hailong::testing::DevsimProgram(), "--help", "--lang", "en"}, &r).ok());
  EXPECT_NE(r.output.find("simulated devices"), std::string::npos);
}

TEST(DevsimCliTest, BadArgumentsExitWithStatus2) {
  CommandResult r;
  ASSERT_TRUE(RunCommand({hailong::testing::DevsimProgram(), "--template", "five-stars"}, &r).ok());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("five-stars"), std::string::npos);
  ASSERT_TRUE(RunCommand({hailong::testing::DevsimProgram(), "--counters", "quầy 1"}, &r).ok());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("--counters"), std::string::npos);
  ASSERT_TRUE(RunCommand({hailong::testing::DevsimProgram(), "--no-such-flag"}, &r).ok());
  EXPECT_EQ(r.exit_code, 2);
}

TEST(DevsimCliTest, ListTemplatesPrintsTheBuiltins) {
  CommandResult r;
  ASSERT_TRUE(RunCommand({hailong::testing::DevsimProgram(), "--list-templates"}, &r).ok());
  ASSERT_EQ(r.exit_code, 0);
  json j = json::parse(r.output);
  EXPECT_EQ(j["templates"].size(), survey::BuiltinTemplates().size());
}

TEST_F(DevsimTest, AllAckedExitsZero) {
  Responder responder(broker_->url(), {});
  int code = -1;
  json report = RunDevsim({"--devices", "3", "--count", "30", "--rate", "20", "--counters", "2",
                           "--template", "binh-thanh-return", "--dossier-fraction", "0.5"},
                          &code);
  EXPECT_EQ(code, 0) << report.dump();
  EXPECT_EQ(report["sent"], 30);
  EXPECT_EQ(report["acked_stored"], 30);
  EXPECT_EQ(report["unacked"], 0);
  EXPECT_EQ(report["rejected"], 0);
  EXPECT_GT(report["latency_ms"]["p99"].get<double>(), 0);
  EXPECT_EQ(responder.stored(), 30u);
  EXPECT_EQ(Retained(StatusTopic(kOffice, "sim-1")), "offline");
}

TEST_F(DevsimTest, UnackedRatingsAreResentWithTheSameId) {
  Responder responder(broker_->url(), {.ignore_first_delivery = true, .ack = true});
  int code = -1;
  json report = RunDevsim(
      {"--devices", "2", "--count", "10", "--rate", "20", "--resend-timeout-ms", "300"}, &code);
  EXPECT_EQ(code, 0) << report.dump();
  EXPECT_EQ(report["acked_stored"], 10);
  EXPECT_GE(report["resent"].get<int>(), 10);
  EXPECT_EQ(report["unacked"], 0);
  // Every id was delivered at least twice, and no new ids appeared.
  EXPECT_EQ(responder.ids_seen().size(), 10u);
  EXPECT_GE(responder.deliveries(), 20u);
  EXPECT_EQ(responder.stored(), 10u);
}

TEST_F(DevsimTest, NothingAckedExitsNonZero) {
  Responder responder(broker_->url(), {.ignore_first_delivery = false, .ack = false});
  int code = -1;
  json report = RunDevsim({"--devices", "1", "--count", "4", "--rate", "50", "--resend-timeout-ms",
                           "200", "--drain-timeout-ms", "1000"},
                          &code);
  EXPECT_EQ(code, 1);
  EXPECT_EQ(report["unacked"], 4);
  EXPECT_EQ(report["acked_stored"], 0);
  EXPECT_GT(report["resent"].get<int>(), 0);
}

TEST_F(DevsimTest, BadPayloadsAreRejectedWithTheExpectedReasons) {
  Responder responder(broker_->url(), {});
  int code = -1;
  json report = RunDevsim({"--devices", "2", "--count", "80", "--rate", "40", "--bad-fraction",
                           "0.4", "--seed", "7", "--template", "gia-lam-phone"},
                          &code);
  EXPECT_EQ(code, 0) << report.dump();
  EXPECT_GT(report["bad_sent"].get<int>(), 9) << "every kind at least once";
  EXPECT_EQ(report["rejected"], report["bad_sent"]);
  EXPECT_EQ(report["bad_other_reason"], 0) << report.dump();
  EXPECT_EQ(report["bad_unanswered"], 0);
  EXPECT_EQ(report["bad_stored"], 0);
  EXPECT_EQ(report["rejected_good"], 0);
  EXPECT_EQ(report["acked_stored"].get<int>() + report["bad_sent"].get<int>(), 80);
  auto reasons = responder.reasons();
  EXPECT_EQ(reasons.size(), BadPayloadKinds().size()) << "every kind of rejection seen";
}

TEST_F(DevsimTest, MisusePressesAreFlaggedByDeviceTime) {
  Responder responder(broker_->url(), {});
  int code = -1;
  // One press per device every 4 s is never misuse (even if a loaded
  // machine delays a press by a second); the extra presses 300 ms later are.
  json report = RunDevsim({"--devices", "16", "--count", "24", "--rate", "0.25",
                           "--misuse-fraction", "0.5", "--seed", "11"},
                          &code);
  EXPECT_EQ(code, 0) << report.dump();
  EXPECT_GT(report["misuse_sent"].get<int>(), 0);
  EXPECT_EQ(responder.misuse_flagged(), report["misuse_sent"].get<size_t>());
}

TEST_F(DevsimTest, FollowSessionAsksTheCountersTemplateAndDossier) {
  // The edge's retained session for q1 (shape of EdgeNode's SessionJson).
  json session = {{"counter", "q1"},
                  {"officer", {{"id", "cb-01"}, {"name", "Nguyễn Thị Lan"}}},
                  {"dossier", {{"receipt", "000.00.21.H29-230101-0001"}}}};
  for (const survey::SurveyTemplate& t : survey::BuiltinTemplates()) {
    if (t.id == "ha-noi-2014") session["template"] = survey::TemplateToJson(t);
  }
  {
    mqtt::async_client edge(broker_->url(), "test-edge-session");
    edge.connect(mqtt::connect_options_builder().clean_session(true).finalize())->wait();
    edge.publish(SessionTopic(kOffice, "q1"), session.dump(), 1, true)->wait();
    edge.disconnect()->wait();
  }
  Responder responder(broker_->url(), {});
  int code = -1;
  // sim-1 stands at q1 (session), sim-2 at q2 (no session: smiley-4).
  json report = RunDevsim(
      {"--devices", "2", "--counters", "q1,q2", "--count", "8", "--rate", "20", "--follow-session"},
      &code);
  EXPECT_EQ(code, 0) << report.dump();
  auto seen = responder.templates_and_dossiers();
  EXPECT_EQ(seen["ha-noi-2014/000.00.21.H29-230101-0001"], 4u);
  EXPECT_EQ(seen["smiley-4/"], 4u);
}

TEST_F(DevsimTest, EdgeUrlTakesCountersTemplatesAndPostsDossiers) {
  EdgeHttpStandIn edge(
      json::array({{{"id", "q1"}, {"template", "binh-thanh-intake"}, {"officer", "cb-01"}},
                   {{"id", "q2"}, {"template", nullptr}, {"officer", nullptr}}}),
      "one-stop-token");
  hailong::testing::TempDir tmp("devsim-dossier-token");
  const std::string token_file = tmp.WriteFile("dossier.token", "one-stop-token\n");
  Responder responder(broker_->url(), {});
  int code = -1;
  json report =
      RunDevsim({"--devices", "2", "--count", "6", "--rate", "20", "--edge-url", edge.url(),
                 "--dossier-fraction", "1", "--dossier-token-file", token_file},
                &code);
  EXPECT_EQ(code, 0) << report.dump();
  EXPECT_EQ(report["dossiers_posted"], 12) << "received and returned for each rating";
  EXPECT_EQ(report["dossier_errors"], 0);
  std::set<std::string> returned;
  for (const json& d : edge.dossiers()) {
    if (d["event"] == "returned") returned.insert(d["receipt"].get<std::string>());
    if (d["counter"] == "q1") {
      EXPECT_EQ(d["officer"], "cb-01");
    }
    EXPECT_TRUE(d["procedure"].is_string());
    EXPECT_TRUE(d["field"].is_string());
  }
  for (const survey::CheckedRating& r : responder.ratings()) {
    EXPECT_EQ(returned.count(r.dossier), 1u) << r.dossier;
    EXPECT_EQ(r.template_id, r.counter == "q1" ? "binh-thanh-intake" : "smiley-4");
  }
}

TEST_F(DevsimTest, HistoryWritesPastWeekdaysOfDossiersAndRatings) {
  EdgeHttpStandIn edge(
      json::array({{{"id", "q1"}, {"template", "ha-noi-2014"}, {"officer", "cb-01"}}}));
  Responder responder(broker_->url(), {});
  int code = -1;
  json report = RunDevsim({"--devices", "2", "--edge-url", edge.url(), "--history-days", "7",
                           "--history-dossiers", "3", "--seed", "5"},
                          &code);
  EXPECT_EQ(code, 0) << report.dump();
  const int64_t now = Clock::System()->NowMs();
  int64_t today = 0;
  ASSERT_TRUE(ParseVietnamDay(VietnamDay(now), &today).ok());
  std::set<std::string> received;
  size_t returned = 0;
  for (const json& d : edge.dossiers()) {
    int64_t at = 0;
    ASSERT_TRUE(ParseRfc3339(d["at"].get<std::string>(), &at).ok());
    EXPECT_LT(at, now);
    if (d["event"] == "received") {
      received.insert(d["receipt"].get<std::string>());
      EXPECT_GE(at, today - 7LL * 24 * 3600 * 1000);
      EXPECT_LT(at, today);
      // Office hours in Vietnam, on a weekday.
      const int64_t local = at + kVietnamOffsetMs;
      const int64_t minute_of_day = (local / 60000) % (24 * 60);
      EXPECT_GE(minute_of_day, 7 * 60 + 30);
      EXPECT_LT(minute_of_day, 17 * 60);
      const int weekday = static_cast<int>((local / (24LL * 3600 * 1000) + 4) % 7);
      EXPECT_NE(weekday, 0);
      EXPECT_NE(weekday, 6);
    } else {
      ++returned;
    }
  }
  EXPECT_GE(received.size(), 2u * 5 * 2) << "5 weekdays x 2 devices x about 3";
  EXPECT_GT(returned, 0u);
  auto ratings = responder.ratings();
  EXPECT_EQ(report["acked_stored"].get<size_t>(), ratings.size());
  EXPECT_GT(ratings.size(), received.size() / 2);
  for (const survey::CheckedRating& r : ratings) {
    EXPECT_EQ(r.template_id, "ha-noi-2014");
    EXPECT_EQ(received.count(r.dossier), 1u) << r.dossier;
    EXPECT_LT(r.device_time_ms, now);
  }
}

TEST_F(DevsimTest, StateDirKeepsUnackedRatingsAcrossRuns) {
  TempDir state("devsim-state");
  std::set<std::string> first_ids;
  {
    Responder silent(broker_->url(), {.ignore_first_delivery = false, .ack = false});
    int code = -1;
    json report = RunDevsim({"--devices", "1", "--count", "5", "--rate", "50", "--state-dir",
                             state.path(), "--drain-timeout-ms", "500"},
                            &code);
    EXPECT_EQ(code, 1);
    EXPECT_EQ(report["unacked"], 5);
    first_ids = silent.ids_seen();
    ASSERT_EQ(first_ids.size(), 5u);
  }
  Responder responder(broker_->url(), {});
  int code = -1;
  json report = RunDevsim(
      {"--devices", "1", "--count", "1", "--rate", "50", "--state-dir", state.path()}, &code);
  EXPECT_EQ(code, 0) << report.dump();
  EXPECT_EQ(report["restored"], 5);
  EXPECT_EQ(report["acked_stored"], 6);
  std::set<std::string> second_ids = responder.ids_seen();
  for (const std::string& id : first_ids) {
    EXPECT_EQ(second_ids.count(id), 1u) << "resent with the same id: " << id;
  }
  // A third run finds nothing pending.
  json third = RunDevsim(
      {"--devices", "1", "--count", "1", "--rate", "50", "--state-dir", state.path()}, &code);
  EXPECT_EQ(third["restored"], 0);
}

TEST_F(DevsimTest, ResponderModeAcksEverything) {
  const std::string log = dir_.Join("responder.log");
  std::unique_ptr<hailong::testing::Process> responder;
  ASSERT_TRUE(hailong::testing::StartDevsim(
                  broker_->url(), kOffice,
                  {"--responder", "--responder-clients", "2", "--report-json", "--quiet"}, log,
                  &responder)
                  .ok());
  int code = -1;
  // A good rating is resent until acked: once it is, the responder has
  // subscribed, and no bad payload below can go unheard.
  json warmup = RunDevsim({"--devices", "1", "--count", "1", "--connect-wait-ms", "10000",
                           "--device-prefix", "warmup-"},
                          &code);
  ASSERT_EQ(code, 0) << warmup.dump() << responder->LogTail();
  json report = RunDevsim({"--devices", "3", "--count", "30", "--rate", "20", "--bad-fraction",
                           "0.2", "--seed", "3", "--connect-wait-ms", "10000"},
                          &code);
  EXPECT_EQ(code, 0) << report.dump() << responder->LogTail();
  EXPECT_EQ(report["bad_other_reason"], 0);
  EXPECT_EQ(responder->Stop(), 0);
  json totals = LastJsonLine(hailong::testing::ReadFileOrEmpty(log));
  EXPECT_EQ(totals["stored"].get<int>(), report["acked_stored"].get<int>() + 1) << totals.dump();
  EXPECT_EQ(totals["rejected"], report["bad_sent"]) << totals.dump();
}

// The largest "received=N" of a responder's progress lines; -1 if none.
long LastReceived(const std::string& log) {
  long last = -1;
  const std::string key = "received=";
  for (size_t at = log.find(key); at != std::string::npos; at = log.find(key, at + 1)) {
    last = std::max(last, std::strtol(log.c_str() + at + key.size(), nullptr, 10));
  }
  return last;
}

// The benchmark's ceiling: devices whose ratings are done at the broker's
// PUBACK, and a subscriber that only counts what arrives.
TEST_F(DevsimTest, PublishOnlyRatingsReachACountingSubscriber) {
  const std::string log_file = dir_.Join("subscriber.log");
  std::unique_ptr<hailong::testing::Process> subscriber;
  ASSERT_TRUE(hailong::testing::StartDevsim(broker_->url(), kOffice,
                                            {"--responder", "--lang", "en", "--responder-clients",
                                             "1", "--responder-count-only", "--report-json"},
                                            log_file, &subscriber)
                  .ok());
  ASSERT_TRUE(hailong::testing::WaitUntil(
      [&] {
        return hailong::testing::ReadFileOrEmpty(log_file).find("responder: ready") !=
               std::string::npos;
      },
      std::chrono::seconds(20)))
      << subscriber->LogTail();
  int code = -1;
  json report = RunDevsim({"--devices", "5", "--count", "200", "--total-rate", "100000",
                           "--publish-only", "--clean-session", "--connect-wait-ms", "10000"},
                          &code);
  EXPECT_EQ(code, 0) << report.dump();
  EXPECT_EQ(report["acked_stored"].get<int>(), 200) << report.dump();
  EXPECT_EQ(report["unacked"].get<int>(), 0) << report.dump();
  // Every publication the broker acknowledged reaches the subscriber: its
  // progress line (every second) counts them.
  EXPECT_TRUE(hailong::testing::WaitUntil(
      [&] { return LastReceived(hailong::testing::ReadFileOrEmpty(log_file)) >= 200; },
      std::chrono::seconds(20)))
      << subscriber->LogTail();
  EXPECT_EQ(subscriber->Stop(), 0);
  json totals = LastJsonLine(hailong::testing::ReadFileOrEmpty(log_file));
  EXPECT_GE(totals["received"].get<int>(), 200) << totals.dump();
  EXPECT_EQ(totals["stored"].get<int>(), 0) << totals.dump();
}

TEST_F(DevsimTest, SurvivesABrokerRestart) {
  Responder* responder = new Responder(broker_->url(), {});
  const std::string log_file = dir_.Join("devsim.log");
  std::unique_ptr<hailong::testing::Process> devsim;
  ASSERT_TRUE(
      hailong::testing::StartDevsim(broker_->url(), kOffice,
                                    {"--devices", "2", "--count", "40", "--rate", "5",
                                     "--resend-timeout-ms", "500", "--report-json", "--quiet"},
                                    log_file, &devsim)
          .ok());
  ASSERT_TRUE(hailong::testing::WaitUntil([&] { return responder->stored() >= 6; },
                                          std::chrono::seconds(20)));
  delete responder;
  broker_->Stop();
  // The thing tested: the broker stays away a while (the devices' resend
  // timer, 500 ms, fires against nothing) before it comes back.
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  ASSERT_TRUE(broker_->Restart().ok());
  Responder again(broker_->url(), {});
  int code = -1;
  ASSERT_TRUE(devsim->Wait(std::chrono::seconds(60), &code).ok()) << devsim->LogTail();
  EXPECT_EQ(code, 0) << devsim->LogTail();
  std::string log = hailong::testing::ReadFileOrEmpty(log_file);
  json report = LastJsonLine(log);
  ASSERT_FALSE(report.is_discarded()) << log;
  EXPECT_EQ(report["acked_stored"], 40);
  EXPECT_EQ(report["unacked"], 0);
}

}  // namespace
}  // namespace hailong::devices
