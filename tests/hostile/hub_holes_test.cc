// The hub's smaller holes (issue 14 item 5), tried against a real
// hailong-hub over real HTTP: a viewer reads no personal text (follow-up
// notes and resolutions, void reasons, alert notes) in any API and cannot
// pull raw events; an edge pulling `hub` sees no void reason; an anonymous
// 8 MiB push is refused from its header without the hub's memory growing;
// the metrics' route label stays bounded under random paths; a live-update
// stream ends at logout; login and every JSON write refuse text/plain; and
// behind a trusted proxy, login limits are per client and a guesser slows
// an account (exponentially) instead of locking it for everyone.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "hailong/schema/time.h"
#include "hailong/testing/wait.h"
#include "hub_harness.h"

namespace hailong::hub_test {
namespace {

using json = nlohmann::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

// Phone numbers planted in every kind of personal text.
constexpr char kCitizenPhone[] = "0912345678";
constexpr char kNotePhone[] = "0933444555";
constexpr char kResolutionPhone[] = "0944555666";
constexpr char kVoidPhone[] = "0955666777";
constexpr char kAlertPhone[] = "0966777888";
const std::vector<std::string> kPersonal = {kCitizenPhone, kNotePhone, kResolutionPhone, kVoidPhone,
                                            kAlertPhone};

// VmRSS or VmHWM of a process, in KiB (0 if unreadable).
uint64_t ProcKib(int pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0)
      return std::strtoull(line.c_str() + field.size() + 1, nullptr, 10);
  }
  return 0;
}

int Connect(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// A live-update stream read over a raw socket.
class Stream {
 public:
  Stream(uint16_t port, const std::string& cookie) : fd_(Connect(port)) {
    const std::string req =
        "GET /api/v1/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + cookie +
        "\r\nAccept: text/event-stream\r\n\r\n";
    EXPECT_EQ(::send(fd_, req.data(), req.size(), MSG_NOSIGNAL), static_cast<ssize_t>(req.size()));
  }
  ~Stream() { ::close(fd_); }
  // Reads for up to 200 ms; false once the hub closed the stream.
  bool Poll() {
    if (closed_) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) return true;
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    text_.append(buf, static_cast<size_t>(n));
    return true;
  }
  bool WaitFor(const std::string& needle) {
    return testing::WaitUntil(
        [&] {
          Poll();
          return text_.find(needle) != std::string::npos;
        },
        std::chrono::seconds(20));
  }
  bool WaitClosed(std::chrono::seconds timeout = std::chrono::seconds(10)) {
    return testing::WaitUntil([&] { return !Poll(); }, timeout);
  }
  const std::string& text() const { return text_; }

 private:
  int fd_;
  bool closed_ = false;
  std::string text_;
};

void ExpectNoPersonalText(const std::string& what, const std::string& body) {
  for (const std::string& p : kPersonal) {
    EXPECT_EQ(body.find(p), std::string::npos) << what << " shows " << p << ": " << body;
  }
}

json Parse(const testing::HttpResponse& res) { return json::parse(res.body, nullptr, false); }

// --- personal text ---------------------------------------------------------

class HubPersonalTextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HubOptions o;
    o.extra = json{{"alerts", {{"open_follow_ups", {{"threshold", 1}}}, {"check_interval_s", 1}}}};
    hub_ = std::make_unique<HubProcess>(o);
    hub_->Start();
    admin_ = Login(*hub_, "admin");
    manager_ = Login(*hub_, "manager");
    viewer_ = Login(*hub_, "viewer");
    // An unhappy citizen with a phone number and a comment (seq 1: opens a
    // follow-up), and a satisfied rating (seq 2: voided below).
    ChainBuilder chain("edge-p1");
    const int64_t now = Clock::System()->NowMs();
    RatingSpec unhappy;
    unhappy.classification = fb::Classification::Unsatisfied;
    unhappy.phone = kCitizenPhone;
    unhappy.comment = std::string("gọi tôi ở số ") + kCitizenPhone;
    unhappy.time_ms = now - 60000;
    RatingSpec happy;
    happy.time_ms = now - 50000;
    auto res = hub_->Push(kTokenP1, "edge-p1",
                          Frames({chain.Next(Rating(unhappy), unhappy.time_ms),
                                  chain.Next(Rating(happy), happy.time_ms)}));
    ASSERT_EQ(res.status, 200) << res.body;
    ASSERT_TRUE(testing::WaitUntil(
        [&] {
          json f = Parse(hub_->Get("/api/v1/follow-ups", manager_.Read()));
          return f.is_object() && f["follow_ups"].size() == 1;
        },
        std::chrono::seconds(20)))
        << hub_->LogTail();
    follow_up_ = Parse(hub_->Get("/api/v1/follow-ups", manager_.Read()))["follow_ups"][0]["id"];
  }

  // The manager's alert note (the open follow-up raised the alert), note
  // and resolution, and the admin's void.
  void WritePersonalText() {
    ASSERT_TRUE(testing::WaitUntil(
        [&] {
          json a = Parse(hub_->Get("/api/v1/alerts?status=open", manager_.Read()));
          return a.is_object() && !a["alerts"].empty();
        },
        std::chrono::seconds(20)))
        << hub_->LogTail();
    const std::string alert =
        Parse(hub_->Get("/api/v1/alerts?status=open", manager_.Read()))["alerts"][0]["id"];
    auto res = hub_->Post("/api/v1/alerts/" + alert + "/ack",
                          json{{"note", std::string("đã báo ông A, ") + kAlertPhone}}.dump(),
                          manager_.Write());
    ASSERT_EQ(res.status, 200) << res.body;
    res = hub_->Post(
        "/api/v1/follow-ups/" + follow_up_ + "/note",
        json{{"action", "called_back"}, {"note", std::string("đã gọi, số mới ") + kNotePhone}}
            .dump(),
        manager_.Write());
    ASSERT_EQ(res.status, 200) << res.body;
    res = hub_->Post("/api/v1/follow-ups/" + follow_up_ + "/close",
                     json{{"resolution", std::string("xin lỗi qua số ") + kResolutionPhone}}.dump(),
                     manager_.Write());
    ASSERT_EQ(res.status, 200) << res.body;
    ASSERT_NE(res.body.find(kResolutionPhone), std::string::npos) << "the manager sees it";
    res = hub_->Post("/api/v1/ratings/edge-p1/2/void",
                     json{{"reason", std::string("khách nhờ hủy, gọi ") + kVoidPhone}}.dump(),
                     admin_.Write());
    ASSERT_EQ(res.status, 200) << res.body;
  }

  std::unique_ptr<HubProcess> hub_;
  Session admin_, manager_, viewer_;
  std::string follow_up_;
};

TEST_F(HubPersonalTextTest, ViewerReadsNoPersonalTextInAnyApi) {
  Stream viewer_stream(hub_->port(), viewer_.cookie);
  ASSERT_TRUE(viewer_stream.WaitFor(": connected")) << viewer_stream.text();
  WritePersonalText();
  ASSERT_TRUE(viewer_stream.WaitFor("\"step\":\"acknowledged\"")) << viewer_stream.text();
  ASSERT_TRUE(WaitCaughtUp(*hub_, admin_));

  const std::string day = VietnamDay(Clock::System()->NowMs());
  const std::vector<std::string> reads = {
      "/api/v1/follow-ups",
      "/api/v1/follow-ups?status=closed",
      "/api/v1/follow-ups/" + follow_up_,
      "/api/v1/ratings?include_excluded=true",
      "/api/v1/ratings?has_comment=true",
      "/api/v1/alerts",
      "/api/v1/alerts?status=all",
      "/api/v1/report?from=" + day + "&to=" + day,
      "/api/v1/report.csv?from=" + day + "&to=" + day,
      "/api/v1/report.csv?from=" + day + "&to=" + day + "&lang=vi&group_by=officer",
      "/api/v1/report.xlsx?from=" + day + "&to=" + day,
      "/api/v1/report/periodic?period=" + day.substr(0, 7),
      "/api/v1/catalogue",
      "/api/v1/nodes",
      "/api/v1/status",
      "/api/v1/me",
  };
  for (const std::string& target : reads) {
    auto res = hub_->Get(target, viewer_.Read());
    EXPECT_EQ(res.status, 200) << target << ": " << res.body;
    ExpectNoPersonalText("viewer " + target, res.body);
  }
  // The follow-up keeps what is not personal: status, who closed it, actions.
  json f = Parse(hub_->Get("/api/v1/follow-ups/" + follow_up_, viewer_.Read()));
  EXPECT_EQ(f["status"], "closed") << f.dump();
  EXPECT_EQ(f["closed_by"], "manager") << f.dump();
  EXPECT_FALSE(f.contains("resolution")) << f.dump();
  ASSERT_EQ(f["notes"].size(), 1u) << f.dump();
  EXPECT_EQ(f["notes"][0]["action"], "called_back");
  EXPECT_FALSE(f["notes"][0].contains("note"));
  // The viewer's live-update stream carried the steps, none of the texts.
  viewer_stream.Poll();
  ExpectNoPersonalText("viewer's event stream", viewer_stream.text());

  // Managers still read what their work needs.
  json m = Parse(hub_->Get("/api/v1/follow-ups/" + follow_up_, manager_.Read()));
  EXPECT_NE(m.dump().find(kResolutionPhone), std::string::npos) << m.dump();
  EXPECT_NE(m.dump().find(kNotePhone), std::string::npos) << m.dump();

  // Raw events: neither a viewer nor a manager pulls any origin.
  for (const Session* s : {&viewer_, &manager_}) {
    for (const char* origin : {"hub", "hub-private", "edge-p1"}) {
      auto res = hub_->Get(std::string("/api/v1/replication/pull?origin=") + origin, s->Read());
      EXPECT_EQ(res.status, 403) << origin << ": " << res.body;
      ExpectNoPersonalText(std::string("pull ") + origin, res.body);
    }
  }
}

TEST_F(HubPersonalTextTest, EdgesPullingHubSeeNoVoidReason) {
  WritePersonalText();
  ASSERT_TRUE(WaitCaughtUp(*hub_, admin_));
  // The void counts: the rating is excluded from every figure.
  json ratings = Parse(hub_->Get("/api/v1/ratings?include_excluded=true", admin_.Read()));
  bool voided = false;
  for (const auto& r : ratings["ratings"]) {
    if (r["origin"] == "edge-p1" && r["seq"] == 2) voided = r["voided"].get<bool>();
  }
  EXPECT_TRUE(voided) << ratings.dump();
  // Every edge pulls `hub`: all of it, no personal text.
  for (const char* token : {kTokenP1, kTokenP2}) {
    auto res = hub_->Get("/api/v1/replication/pull?origin=hub&from=1",
                         {{"Authorization", std::string("Bearer ") + token}});
    ASSERT_EQ(res.status, 200) << res.body;
    ExpectNoPersonalText("an edge's pull of hub", res.body);
    EXPECT_EQ(res.body.find("khách nhờ hủy"), std::string::npos);
    res = hub_->Get("/api/v1/replication/pull?origin=hub-private&from=1",
                    {{"Authorization", std::string("Bearer ") + token}});
    EXPECT_EQ(res.status, 403) << res.body;
  }
  // The reason is kept at the hub only (hub-private, which admins may
  // export), and there only encrypted (replication/doc/personal_data.md).
  auto res = hub_->Get("/api/v1/replication/pull?origin=hub-private&from=1", admin_.Read());
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_NE(res.body.find("void:edge-p1:2"), std::string::npos);
  EXPECT_EQ(res.body.find(kVoidPhone), std::string::npos);
}

// --- an anonymous push is refused from its header ---------------------------

TEST(HubPushAuthTest, AnonymousBigPushesAreRefusedBeforeTheirBodyIsRead) {
  HubOptions o;
  o.extra = json{{"http", {{"max_push_mib", 8}, {"max_connections", 200}}}};
  HubProcess hub(o);
  hub.Start();
  const int pid = hub.pid();
  ASSERT_GT(pid, 0);
  const uint64_t rss_before = ProcKib(pid, "VmRSS");
  const uint64_t hwm_before = ProcKib(pid, "VmHWM");
  ASSERT_GT(rss_before, 0u);

  // 40 connections at once, each an 8 MiB push without a token (as the
  // issue tried it), and as many with a wrong one.
  const std::string body(size_t{8} << 20, 'x');
  constexpr int kConnections = 40;
  std::vector<int> statuses(2 * kConnections, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < 2 * kConnections; ++i) {
    threads.emplace_back([&, i] {
      const int fd = Connect(hub.port());
      if (fd < 0) return;
      std::string head =
          "POST /api/v1/replication/push HTTP/1.1\r\nHost: x\r\n"
          "Content-Type: application/octet-stream\r\nX-Hailong-Origin: edge-p1\r\n"
          "Content-Length: " +
          std::to_string(body.size()) + "\r\n";
      if (i % 2 == 1) head += "Authorization: Bearer not-a-node-token\r\n";
      head += "\r\n";
      ::send(fd, head.data(), head.size(), MSG_NOSIGNAL);
      // Send the body while reading: the answer comes before the body is read.
      std::string reply;
      size_t sent = 0;
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{fd, static_cast<short>(POLLIN | (sent < body.size() ? POLLOUT : 0)), 0};
        if (::poll(&p, 1, 100) <= 0) continue;
        if (p.revents & POLLOUT) {
          const ssize_t n =
              ::send(fd, body.data() + sent, std::min<size_t>(body.size() - sent, 1 << 16),
                     MSG_NOSIGNAL | MSG_DONTWAIT);
          if (n > 0) sent += static_cast<size_t>(n);
          if (n < 0 && errno != EAGAIN) sent = body.size();
        }
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
          char buf[4096];
          const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
          if (n > 0) reply.append(buf, static_cast<size_t>(n));
          if (n == 0 || (n < 0 && errno != EAGAIN)) break;
          if (reply.find("\r\n\r\n") != std::string::npos) break;  // the answer: enough
        }
      }
      ::close(fd);
      if (reply.rfind("HTTP/1.1 ", 0) == 0) statuses[i] = std::atoi(reply.c_str() + 9);
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < 2 * kConnections; ++i) EXPECT_EQ(statuses[i], 401) << "connection " << i;

  const uint64_t rss_after = ProcKib(pid, "VmRSS");
  const uint64_t hwm_after = ProcKib(pid, "VmHWM");
  std::cout << "hub RSS before " << rss_before / 1024.0 << " MiB, after " << rss_after / 1024.0
            << " MiB; peak before " << hwm_before / 1024.0 << " MiB, after " << hwm_after / 1024.0
            << " MiB (80 anonymous 8 MiB pushes)\n";
  ::testing::Test::RecordProperty("rss_before_kib", std::to_string(rss_before));
  ::testing::Test::RecordProperty("hwm_after_kib", std::to_string(hwm_after));
  // Reading the bodies would have held 40 x 8 MiB = 320 MiB at once.
  EXPECT_LT(hwm_after, hwm_before + 32 * 1024) << "the hub's peak memory grew";

  // A node's push of that size is still read (and refused for its content).
  auto res = hub.Push(kTokenP1, "edge-p1", std::string(size_t{4} << 20, 'x'));
  EXPECT_EQ(res.status, 400) << res.body;
  auto metrics = hub.Get("/metrics");
  EXPECT_NE(
      metrics.body.find(
          "hailong_hub_http_requests_total{route=\"/api/v1/replication/push\",code=\"401\"} 80"),
      std::string::npos)
      << metrics.body;
}

// --- bounded metrics --------------------------------------------------------

TEST(HubMetricsTest, RouteSeriesStayBoundedUnderRandomPaths) {
  HubProcess hub;
  hub.Start();
  std::mt19937 rng(14);
  auto word = [&] {
    std::string w;
    for (int i = 0; i < 12; ++i) w.push_back(static_cast<char>('a' + rng() % 26));
    return w;
  };
  const std::vector<std::string> shapes = {"/{}",
                                           "/api/v1/{}",
                                           "/api/{}",
                                           "/api/v1/follow-ups/{}",
                                           "/assets/{}.js",
                                           "/api/v1/alerts/{}/ack",
                                           "/api/v1/{}/{}/{}",
                                           "/public/v1/survey/{}/{}",
                                           "/s/{}/{}",
                                           "/api/v1/ratings/{}/{}/void",
                                           "/{}/{}"};
  std::set<std::string> planted;
  for (int i = 0; i < 1000; ++i) {
    std::string path = shapes[i % shapes.size()];
    for (size_t at; (at = path.find("{}")) != std::string::npos;) {
      const std::string w = word();
      planted.insert(w);
      path.replace(at, 2, w);
    }
    auto res = hub.Get(path);
    ASSERT_NE(res.status, 0) << path;
  }
  auto res = hub.Get("/metrics");
  ASSERT_EQ(res.status, 200);
  size_t series = 0;
  std::istringstream lines(res.body);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("hailong_hub_http_requests_total{", 0) == 0) ++series;
  }
  // A handful of templates times a handful of status codes.
  EXPECT_LE(series, 20u) << res.body;
  EXPECT_GT(series, 0u);
  for (const std::string& w : planted) {
    ASSERT_EQ(res.body.find(w), std::string::npos) << w << " became a label:\n" << res.body;
  }
  EXPECT_NE(res.body.find("route=\"other\""), std::string::npos) << res.body;
  EXPECT_NE(res.body.find("route=\"/api/v1/follow-ups/{id}\""), std::string::npos) << res.body;
}

// --- streams end with the session -----------------------------------------

TEST(HubStreamTest, StreamEndsAtLogoutAndOnlyThatSessions) {
  HubProcess hub;
  hub.Start();
  Session first = Login(hub, "viewer");
  Session second = Login(hub, "viewer");
  Stream a(hub.port(), first.cookie);
  Stream b(hub.port(), second.cookie);
  ASSERT_TRUE(a.WaitFor(": connected")) << a.text();
  ASSERT_TRUE(b.WaitFor(": connected")) << b.text();
  auto res = hub.Post("/api/v1/logout", "{}", first.Write());
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_TRUE(a.WaitClosed()) << "the logged-out session's stream is still open: " << a.text();
  // The other session's stream still delivers.
  ChainBuilder chain("edge-p1");
  RatingSpec r;
  r.time_ms = Clock::System()->NowMs();
  ASSERT_EQ(hub.Push(kTokenP1, "edge-p1", Frames({chain.Next(Rating(r), r.time_ms)})).status, 200);
  EXPECT_TRUE(b.WaitFor("event: update")) << b.text();
  // The logged-out cookie opens no new stream.
  EXPECT_EQ(hub.Get("/api/v1/events/stream", first.Read()).status, 401);
}

TEST(HubStreamTest, StreamEndsWhenItsSessionExpires) {
  HubOptions o;
  o.extra = json{{"session_ttl_s", 60}};  // the shortest the configuration allows
  HubProcess hub(o);
  hub.Start();
  Session viewer = Login(hub, "viewer");
  const auto opened = std::chrono::steady_clock::now();
  Stream stream(hub.port(), viewer.cookie);
  ASSERT_TRUE(stream.WaitFor(": connected")) << stream.text();
  // Nothing else uses the session: it expires 60 s after the stream opened
  // it, and the stream (which does not keep it alive) ends with it.
  EXPECT_TRUE(stream.WaitClosed(std::chrono::seconds(90))) << stream.text();
  EXPECT_GE(std::chrono::steady_clock::now() - opened, std::chrono::seconds(59));
  EXPECT_EQ(hub.Get("/api/v1/me", viewer.Read()).status, 401);
}

// --- JSON only ---------------------------------------------------------------

TEST(HubJsonOnlyTest, LoginAndWritesRefuseCrossSiteContentTypes) {
  HubProcess hub;
  hub.Start();
  const std::string login = json{{"name", "admin"}, {"password", kPassword}}.dump();
  for (const char* type : {"text/plain", "text/plain;charset=UTF-8",
                           "application/x-www-form-urlencoded", "multipart/form-data", ""}) {
    auto res = hub.Post("/api/v1/login", login, {}, type);
    EXPECT_EQ(res.status, 415) << type << ": " << res.body;
    EXPECT_EQ(res.Header("set-cookie"), "") << type;
  }
  EXPECT_EQ(hub.Post("/api/v1/login", login, {}, "Application/JSON; charset=utf-8").status, 200);
  Session admin = Login(hub, "admin");
  // A session's write with its CSRF token but a form's type is refused too.
  auto res = hub.Post("/api/v1/catalogue",
                      json{{"kind", "office"}, {"id", "p9"}, {"name", "Phường 9"}}.dump(),
                      admin.Write(), "text/plain");
  EXPECT_EQ(res.status, 415) << res.body;
  res = hub.Post("/public/v1/survey/p1/q1", json{{"answers", {{"level", "satisfied"}}}}.dump(), {},
                 "text/plain");
  EXPECT_EQ(res.status, 415) << res.body;
  EXPECT_EQ(Parse(hub.Get("/api/v1/catalogue?kind=office", admin.Read()))["entries"].size(), 0u);
}

// --- login limits behind a trusted proxy ------------------------------------

testing::HttpResponse LoginFrom(HubProcess& hub, const std::string& name,
                                const std::string& password, const std::string& address) {
  return hub.Post("/api/v1/login", json{{"name", name}, {"password", password}}.dump(),
                  {{"X-Forwarded-For", address}});
}

TEST(HubProxyLimitsTest, AGuesserAtOneAddressDoesNotLockTheAccountForAnother) {
  HubOptions o;
  o.extra = json{{"http", {{"trusted_proxies", {"127.0.0.1"}}}},
                 {"login_failures_per_name", 3},
                 {"login_attempts_per_minute", 6},
                 {"survey_ratings_per_address_per_hour", 1}};
  HubProcess hub(o);
  hub.Start();
  const std::string guesser = "203.0.113.66", owner = "198.51.100.20";
  for (int i = 0; i < 3; ++i) EXPECT_EQ(LoginFrom(hub, "manager", "sai", guesser).status, 401);
  auto res = LoginFrom(hub, "manager", kPassword, guesser);
  EXPECT_EQ(res.status, 429) << "the guesser's address waits, even with the password";
  EXPECT_FALSE(res.Header("retry-after").empty());
  EXPECT_EQ(LoginFrom(hub, "manager", kPassword, owner).status, 200)
      << "the account works from the owner's address";
  // The per-address attempt limit: six attempts at other names from one
  // client do not limit a second client behind the same proxy.
  for (int i = 0; i < 6; ++i) LoginFrom(hub, "khong-co", "sai", "203.0.113.77");
  EXPECT_EQ(LoginFrom(hub, "khong-co", "sai", "203.0.113.77").status, 429);
  EXPECT_EQ(LoginFrom(hub, "viewer", kPassword, "203.0.113.78").status, 200);
  // Survey limits are per client too.
  auto survey = [&](const std::string& address) {
    return hub
        .Post("/public/v1/survey/p1/q1", json{{"answers", {{"level", "satisfied"}}}}.dump(),
              {{"X-Forwarded-For", address}})
        .status;
  };
  const int first = survey("203.0.113.90");
  EXPECT_NE(first, 429);
  EXPECT_EQ(survey("203.0.113.90"), 429);
  EXPECT_EQ(survey("203.0.113.91"), first) << "another client's survey is not limited";
}

TEST(HubProxyLimitsTest, ADistributedGuesserSlowsTheAccountButNeverLocksIt) {
  HubOptions o;
  o.extra = json{{"http", {{"trusted_proxies", {"127.0.0.1"}}}},
                 {"login_failures_per_name", 100},
                 {"login_backstop_failures", 3}};
  HubProcess hub(o);
  hub.Start();
  const std::string owner = "198.51.100.20";
  ASSERT_EQ(LoginFrom(hub, "manager", kPassword, owner).status, 200);
  // Three failures, each from another address: the backstop starts.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(LoginFrom(hub, "manager", "sai", "203.0.113." + std::to_string(10 + i)).status, 401);
  }
  auto res = LoginFrom(hub, "manager", "sai", "203.0.113.20");
  ASSERT_EQ(res.status, 429) << res.body;
  const int first_wait = std::atoi(res.Header("retry-after").c_str());
  EXPECT_GE(first_wait, 1);
  EXPECT_LE(first_wait, 3) << "slowed, not locked";
  // The owner's known address is not slowed.
  EXPECT_EQ(LoginFrom(hub, "manager", kPassword, owner).status, 200);
  // Once the delay passed, a new address may try again: one more failure,
  // and the next delay is longer (doubling).
  int next = 30;
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        return LoginFrom(hub, "manager", "sai", "203.0.113." + std::to_string(next++)).status ==
               401;
      },
      std::chrono::seconds(10)));
  res = LoginFrom(hub, "manager", "sai", "203.0.113.99");
  ASSERT_EQ(res.status, 429) << res.body;
  EXPECT_GE(std::atoi(res.Header("retry-after").c_str()), 3) << "the delay doubled";
  EXPECT_LE(std::atoi(res.Header("retry-after").c_str()), 900);
}

}  // namespace
}  // namespace hailong::hub_test
