// Fuzz target: the edge's HTTP JSON bodies, through a real in-process
// hailong::edge::EdgeNode on a loopback port (its MQTT broker is absent; the
// edge serves HTTP meanwhile): ratings from the web/phone pages, counter
// sign-in and sign-out, dossier records. The office has the demo catalogue
// (ops/demo/catalogue.json), the dossier route gets the one-stop
// software's token and phone ratings are not limited, so that the bodies
// reach their parsers. Input: one byte choosing the route, then the body.
// A crash, a sanitizer report, no answer, or a 500 is a finding.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "hailong/edge/config.h"
#include "hailong/edge/edge_node.h"
#include "hailong/schema/event.h"
#include "hailong/testing/http_client.h"

#ifndef HAILONG_SOURCE_DIR
#error "HAILONG_SOURCE_DIR must be defined (tests/fuzz/CMakeLists.txt)"
#endif

using namespace hailong;
using nlohmann::json;

namespace {

// What the first input byte picks (modulo the count).
constexpr const char* kRoutes[] = {
    "/api/v1/ratings",
    "/api/v1/counters/q1/sign-in",
    "/api/v1/counters/q1/sign-out",
    "/api/v1/dossiers",
};
constexpr size_t kRouteCount = sizeof(kRoutes) / sizeof(kRoutes[0]);
constexpr char kDossierToken[] = "fuzz-dossier-token";

struct Fixture {
  std::string dir;
  std::unique_ptr<edge::EdgeNode> node;
  uint16_t port = 0;

  Fixture() {
    dir =
        (std::filesystem::temp_directory_path() / ("hailong-fuzz-edge-" + std::to_string(getpid())))
            .string();
    std::filesystem::remove_all(dir);
    const json config = {
        {"office_id", "phuong-01"},
        {"data_dir", dir},
        // A port nobody listens on: the MQTT link keeps retrying.
        {"mqtt", {{"url", "tcp://127.0.0.1:9"}}},
        {"http", {{"listen", "127.0.0.1:0"}}},
        {"catalogue_file", std::string(HAILONG_SOURCE_DIR) + "/ops/demo/catalogue.json"},
        {"web_root", std::string(HAILONG_SOURCE_DIR) + "/edge/web"},
        {"min_free_mb", 0},
        {"dossier_tokens_sha256", {schema::HexEncode(schema::Sha256(kDossierToken))}},
        {"phone_limit_per_address", 0},
        {"phone_limit_per_counter", 0},
        {"ingest_threads", 2}};
    edge::EdgeConfig ec;
    Status s = edge::ParseEdgeConfig(config.dump(), &ec);
    if (s.ok()) s = edge::EdgeNode::Start(ec, edge::EdgeNodeOptions(), &node);
    if (!s.ok()) {
      std::fprintf(stderr, "fuzz_edge_http: edge: %s\n", s.ToString().c_str());
      std::abort();
    }
    port = node->http_port();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture* fixture = new Fixture();  // lives until exit, like a daemon
  if (size < 1) return 0;
  testing::HttpRequest req;
  req.method = "POST";
  req.target = kRoutes[data[0] % kRouteCount];
  req.body.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  if (req.target == std::string("/api/v1/dossiers")) {
    req.headers.emplace_back("Authorization", std::string("Bearer ") + kDossierToken);
  }
  testing::HttpResponse res;
  const Status s = testing::SendHttp("127.0.0.1", fixture->port, req, &res);
  if (!s.ok()) {
    std::fprintf(stderr, "fuzz_edge_http: no answer on %s: %s\n", req.target.c_str(),
                 s.ToString().c_str());
    std::abort();
  }
  if (res.status == 500) {
    std::fprintf(stderr, "fuzz_edge_http: 500 on %s: %s\n", req.target.c_str(), res.body.c_str());
    std::abort();
  }
  return 0;
}
