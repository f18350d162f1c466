// EdgeConfig: the hailong-edge configuration file (JSON), see edge/README.md
// for every key. Parsing does no I/O, so it is tested without files.
//
// Thread safety: plain values; ParseEdgeConfig keeps no state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hailong/schema/status.h"

namespace hailong::edge {

struct MqttConfig {
  // Broker URL, "tcp://host:port" (or "ssl://..."). Required.
  std::string url;
  // User name at the broker; "" = anonymous.
  std::string username;
  // File whose first line is the broker password; "" = none.
  std::string password_file;
  // Fixed client id of the persistent session. Default "hailong-edge-<office_id>".
  // A broker with use_username_as_clientid (make-office-broker's) keeps the
  // session under the user name instead.
  std::string client_id;
  // With ssl:// or mqtts://: PEM file of the CA that signed the broker's
  // certificate; "" = the system's trusted CAs. The certificate must name
  // the URL's host.
  std::string ca_file;
  // MQTT keep-alive in seconds. Default 20.
  int keepalive_s = 20;
};

struct HttpConfig {
  // "host:port" to listen on. Required.
  std::string listen;
  std::string host;   // parsed from listen
  uint16_t port = 0;  // parsed from listen; 0 = any free port (tests)
  // Threads running the HTTP sessions. Default 2.
  int threads = 2;
  // Connections served at once; more wait in the kernel's backlog. Default 512.
  int max_connections = 512;
  // Whole-request deadline in seconds (headers and body). Default 15.
  int request_timeout_s = 15;
  // A keep-alive connection idle this long is closed. Default 60.
  int idle_timeout_s = 60;
};

// Where the edge ships its log (the replication shipper uses this).
struct HubConfig {
  std::string url;         // "http://host:port"
  std::string node_id;     // this edge's origin id at the hub
  std::string token_file;  // file holding the node's bearer token
  // CA bundle that signs the hub's certificate (https:// hub URLs); "" =
  // the system's default CAs.
  std::string ca_file;
};

struct EdgeConfig {
  // Office this edge serves: 1-64 of [a-z0-9-_] (it appears in MQTT topics). Required.
  std::string office_id;
  // Directory of the event log and local state. Required.
  std::string data_dir;
  MqttConfig mqtt;
  HttpConfig http;
  // Absent: the edge runs alone and keeps everything until a hub is configured.
  std::optional<HubConfig> hub;
  // Directory holding kiosk.html, survey.html and assets. "" = built-in default.
  std::string web_root;
  // Base URL printed in QR codes ("https://hailong.example.vn"). "" = "http://<listen>".
  std::string public_url;
  // Local catalogue (counters, officers, procedures, fields, templates) for an
  // office without a hub; applied at start as catalogue events. "" = none.
  std::string catalogue_file;
  // Officers' PIN hashes for an office without a hub (edge/README.md,
  // "Officer PINs"): {"officers":{"<id>":"<Argon2id hash>"}}. "" = none.
  std::string officer_pins_file;
  // Directory of officer photos "<officer id>.jpg|.png|.svg". "" = "<data_dir>/photos".
  std::string photo_dir;
  // Two ratings from one device closer than this (device time) are flagged
  // as suspected misuse. Default 2000 ms; 0 disables the flag.
  int64_t misuse_interval_ms = 2000;
  // Ratings and dossiers are refused ("storage full") when the data_dir file
  // system has less free space than this. Default 64 MiB; 0 = no floor.
  uint64_t min_free_mb = 64;
  // A rating whose device time is further than this ahead of the edge's
  // clock is rejected ("time in the future"). Default 600 s.
  int64_t max_clock_skew_s = 600;
  // Rating messages waiting for the ingest worker before producers block.
  // Default 65536.
  int ingest_queue = 65536;
  // Most ratings appended with one fsync. Default 4096.
  int ingest_batch = 4096;
  // Threads validating and appending ratings (their appends are group
  // committed together). Default 1: one worker already appends everything
  // queued with one fsync, and each worker publishes its acks through Paho,
  // whose calls all take one global lock; with 4 workers the edge spent
  // about 15% more CPU per acked rating in hailong-bench-edge.
  int ingest_threads = 1;

  // sha256 (hex) of the technicians' bearer token for the edge's admin
  // endpoints (POST/DELETE /api/v1/admin/checkpoint: online backups with
  // `hailongctl backup --url`); line 2 of `hailongctl new-token`. "" = the
  // admin endpoints answer 403.
  std::string admin_token_sha256;

  // sha256 (64 lower-case hex each) of the bearer tokens the one-stop
  // software posts POST /api/v1/dossiers with (edge/README.md, "Who may
  // call what"). Empty =
  // every dossier post answers 401.
  std::vector<std::string> dossier_tokens_sha256;

  // A kiosk enrollment code (`hailongctl kiosk enroll`) is good for this
  // long after it is made, once. Seconds; default 3600.
  int64_t kiosk_enrollment_ttl_s = 3600;

  // Unauthenticated ratings (channels "phone" and "web", the QR survey):
  // at most this many per client address, and per counter, within
  // `phone_limit_window_s`; more answer 429. 0 = no limit of that kind.
  int phone_limit_per_address = 5;
  int phone_limit_per_counter = 30;
  // The window of both limits in seconds. Default 600.
  int64_t phone_limit_window_s = 600;

  // The hub's X25519 public key (64 hex digits, `hailong-hub` prints it at
  // start) that comments and phone numbers are sealed to
  // (replication/doc/personal_data.md). "" = fetched from the hub.
  std::string personal_data_public_key;

  // origin of this edge's own events: hub.node_id, else "edge-<office_id>".
  std::string Origin() const;
};

// Parses the configuration text. Unknown keys, wrong JSON types, missing
// required keys and invalid values are InvalidArgument with a message that
// names the key ("mqtt.url: ...").
Status ParseEdgeConfig(std::string_view json_text, EdgeConfig* out);

// Reads and parses a configuration file (IOError if it cannot be read).
Status LoadEdgeConfig(const std::string& path, EdgeConfig* out);

// True if `id` is usable as an office, counter or device id: 1 to 64
// characters of letters, digits, '-' and '_' (max_len configurable).
bool IsValidId(std::string_view id, size_t max_len = 64);

}  // namespace hailong::edge
