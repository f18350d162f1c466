// Fuzz target: the hub's HTTP JSON bodies, through a real in-process
// hailong::hub::Hub on a loopback port: login, logout, catalogue entries and
// imports, templates, follow-up actions, rating voids, alert actions, the
// public phone survey, and replication pushes (with the node's token).
// Input: one byte choosing the route, then the body. Requests that need a
// session carry the admin's cookie and CSRF token from one login at start.
// A crash, a sanitizer report, or the hub not answering at all is a finding.
#include <sodium.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "hailong/hub/config.h"
#include "hailong/hub/hub.h"
#include "hailong/schema/event.h"
#include "hailong/testing/http_client.h"

using namespace hailong;
using nlohmann::json;

namespace {

constexpr char kPassword[] = "mat-khau-fuzz";
constexpr char kNodeToken[] = "fuzz-node-token-0123456789";

struct Route {
  const char* target;
  bool session;  // send the admin's cookie and CSRF token
  bool node;     // send the node's bearer token (replication)
};

// What the first input byte picks (modulo the count).
constexpr Route kRoutes[] = {
    {"/api/v1/login", false, false},
    {"/api/v1/logout", true, false},
    {"/api/v1/catalogue", true, false},
    {"/api/v1/catalogue/import", true, false},
    {"/api/v1/templates", true, false},
    {"/api/v1/follow-ups/fu-1/note", true, false},
    {"/api/v1/follow-ups/fu-1/assign", true, false},
    {"/api/v1/follow-ups/fu-1/close", true, false},
    {"/api/v1/ratings/edge-p1/1/void", true, false},
    {"/api/v1/alerts/al-1/acknowledge", true, false},
    {"/public/v1/survey/p1/q1", false, false},
    {"/api/v1/replication/push", false, true},
};
constexpr size_t kRouteCount = sizeof(kRoutes) / sizeof(kRoutes[0]);

struct Fixture {
  std::string dir;
  std::unique_ptr<hub::Hub> hub;
  uint16_t port = 0;
  std::string cookie, csrf;

  Fixture() {
    if (sodium_init() < 0) std::abort();
    dir =
        (std::filesystem::temp_directory_path() / ("hailong-fuzz-hub-" + std::to_string(getpid())))
            .string();
    std::filesystem::remove_all(dir);
    char hash[crypto_pwhash_STRBYTES];
    // Cheapest Argon2id parameters: the fuzzer tests parsing, not the hash.
    if (crypto_pwhash_str(hash, kPassword, sizeof(kPassword) - 1, crypto_pwhash_OPSLIMIT_MIN,
                          crypto_pwhash_MEMLIMIT_MIN) != 0) {
      std::abort();
    }
    const std::string token_hex = schema::HexEncode(schema::Sha256(kNodeToken));
    const json config = {
        {"data_dir", dir},
        {"http", {{"listen", "127.0.0.1:0"}, {"workers", 2}, {"threads", 1}}},
        {"nodes", {{{"id", "edge-p1"}, {"office_id", "p1"}, {"token_sha256", token_hex}}}},
        // Limits high enough that the fuzzer reaches the parsers behind them.
        {"login_attempts_per_minute", 100000},
        {"login_failures_per_name", 100000},
        {"survey_ratings_per_address_per_hour", 1000000},
        {"users",
         {{{"name", "admin"}, {"role", "admin"}, {"offices", {"*"}}, {"password_hash", hash}}}}};
    hub::HubConfig hc;
    Status s = hub::ParseHubConfig(config.dump(), &hc);
    if (s.ok()) s = hub::Hub::Open(hc, &hub);
    if (s.ok()) s = hub->Start();
    if (!s.ok()) {
      std::fprintf(stderr, "fuzz_hub_http: hub: %s\n", s.ToString().c_str());
      std::abort();
    }
    port = hub->port();
    testing::HttpResponse res;
    s = testing::HttpPost(port, "/api/v1/login",
                          json{{"name", "admin"}, {"password", kPassword}}.dump(), &res);
    if (!s.ok() || res.status != 200) {
      std::fprintf(stderr, "fuzz_hub_http: login failed (%d) %s\n", res.status, res.body.c_str());
      std::abort();
    }
    csrf = json::parse(res.body).value("csrf_token", "");
    cookie = res.Header("set-cookie");
    cookie = cookie.substr(0, cookie.find(';'));
    // An office with a counter, so the survey gets past "no such counter".
    Post("/api/v1/catalogue", json{{"kind", "office"}, {"id", "p1"}, {"name", "Phường 1"}});
    Post("/api/v1/catalogue", json{{"kind", "counter"},
                                   {"id", "q1"},
                                   {"name", "Quầy 1"},
                                   {"office", "p1"},
                                   {"attributes", {{"template", "smiley-4"}}}});
  }
  void Post(const std::string& target, const json& body) {
    testing::HttpRequest req;
    req.method = "POST";
    req.target = target;
    req.body = body.dump();
    req.headers = {{"Cookie", cookie}, {"X-CSRF-Token", csrf}};
    testing::HttpResponse res;
    if (!testing::SendHttp("127.0.0.1", port, req, &res).ok() || res.status != 200) {
      std::fprintf(stderr, "fuzz_hub_http: set-up %s: %d %s\n", target.c_str(), res.status,
                   res.body.c_str());
      std::abort();
    }
  }
  ~Fixture() {
    if (hub) hub->Stop();
    hub.reset();
    std::filesystem::remove_all(dir);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture* fixture = new Fixture();  // lives until exit, like a daemon
  if (size < 1) return 0;
  const Route& route = kRoutes[data[0] % kRouteCount];
  testing::HttpRequest req;
  req.method = "POST";
  req.target = route.target;
  req.body.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  if (route.session) {
    req.headers.push_back({"Cookie", fixture->cookie});
    req.headers.push_back({"X-CSRF-Token", fixture->csrf});
  }
  if (route.node) {
    req.content_type = "application/octet-stream";
    req.headers.push_back({"Authorization", std::string("Bearer ") + kNodeToken});
    req.headers.push_back({"X-Hailong-Origin", "edge-p1"});
  }
  testing::HttpResponse res;
  const Status s = testing::SendHttp("127.0.0.1", fixture->port, req, &res);
  // Each request is answered; a 5xx other than 503/507 means a handler failed.
  if (!s.ok()) {
    std::fprintf(stderr, "fuzz_hub_http: no answer on %s: %s\n", route.target,
                 s.ToString().c_str());
    std::abort();
  }
  if (res.status == 500) {
    std::fprintf(stderr, "fuzz_hub_http: 500 on %s: %s\n", route.target, res.body.c_str());
    std::abort();
  }
  return 0;
}
