// HubConfig: the hailong-hub configuration file (JSON). Every key is listed
// in hub/README.md; the required ones are those of shared/interfaces.md §3.
// Parsing does no I/O, so it is tested without files.
//
// Thread safety: plain values; ParseHubConfig keeps no state.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "hailong/hub/periodic_config.h"
#include "hailong/schema/status.h"

namespace hailong::hub {

enum class Role { kAdmin, kManager, kViewer };
const char* RoleName(Role role);

// An edge (or any replicating node) allowed to push its own origin; or, at
// a province hub, a district hub (`district` set) allowed to push the
// origins of its offices' edges and its own "hub" origin (stored as
// "<id>:hub"; replication/README.md, "The province tier").
struct NodeConfig {
  std::string id;                    // the node's origin id, e.g. "edge-phuong-01"
  std::string office_id;             // the office the node serves ("" for a district hub)
  std::string token_sha256;          // lowercase hex SHA-256 of the bearer token (64 chars)
  std::string district;              // a district hub: the district's id ("" for an edge)
  std::vector<std::string> offices;  // a district hub: its offices

  bool IsDistrictHub() const { return !district.empty(); }
};

// "upstream": the hub above this one (a district hub's province hub), to
// which this hub ships every origin it holds except "hub-private".
struct UpstreamConfig {
  std::string url;         // "http://host:port" or "https://..."; "" = no upstream
  std::string node_id;     // this hub's node id at the upstream hub
  std::string token_file;  // file holding the bearer token (first line)
  std::string ca_file;     // CA bundle for https ("" = the system's)
  bool enabled() const { return !url.empty(); }
};

struct UserConfig {
  std::string name;
  Role role = Role::kViewer;
  std::vector<std::string> offices;  // office ids, or "*" for every office
  std::string password_hash;         // Argon2id string from crypto_pwhash_str

  bool AllOffices() const;
  bool MaySee(std::string_view office) const;
};

struct HttpConfig {
  // "host:port" to listen on (port 0 = any free port). Required.
  std::string listen;
  std::string host;   // parsed from listen
  uint16_t port = 0;  // parsed from listen
  // Threads doing socket I/O. Default 2.
  int threads = 2;
  // Threads running request handlers (they may wait for fsync). Default 4.
  int workers = 4;
  // Connections served at once; more are refused with 503. Default 1024.
  int max_connections = 1024;
  // Deadline for reading one request (headers and body), seconds. Default 30.
  int request_timeout_s = 30;
  // A keep-alive connection idle this long is closed, seconds. Default 60.
  int idle_timeout_s = 60;
  // Largest request body except replication pushes, KiB. Default 64.
  int max_body_kib = 64;
  // Largest replication push body, MiB. Default 8.
  int max_push_mib = 8;
  // Addresses of reverse proxies whose X-Forwarded-For header is believed
  // ("http.trusted_proxies": ["127.0.0.1"]). The client address (survey and
  // login rate limits, audit log) is then the right-most X-Forwarded-For
  // entry that is not itself a trusted proxy. Other peers' header is
  // ignored. Default: none.
  std::vector<std::string> trusted_proxies;
};

// "alerts": every check is off unless its section is present.
struct AlertsConfig {
  // "alerts.unsatisfied_share": an office whose share of unsatisfied
  // ratings (voided and suspected misuse left out) over the last window_s
  // seconds reaches `threshold`, with at least min_ratings ratings.
  bool unsatisfied_enabled = false;
  int64_t unsatisfied_window_s = 3600;  // default 1 h
  double unsatisfied_threshold = 0.30;  // default 30%
  int64_t unsatisfied_min_ratings = 10;
  // "alerts.open_follow_ups": an office with at least `threshold` open follow-ups.
  bool follow_ups_enabled = false;
  int64_t follow_ups_threshold = 20;
  // "alerts.replication_lag": a node at least `events` events or `seconds`
  // seconds behind (as GET /api/v1/nodes reports lag_events, lag_seconds);
  // 0 = that measure is not checked.
  bool lag_enabled = false;
  int64_t lag_events = 0;
  int64_t lag_seconds = 3600;
  // "alerts.check_interval_s": how often every check runs besides after
  // each applied batch. Default 30.
  int64_t check_interval_s = 30;
  // "alerts.webhook": POSTed a JSON object for every raised, acknowledged
  // and closed alert ("url" http:// or https://; "ca_file" for a private
  // CA; "timeout_ms" per attempt, default 5000; "retries" after the first
  // attempt, default 5; "backoff_ms" first wait, doubled each retry up to
  // 60 s, default 1000; "headers": extra request headers, e.g. a token).
  std::string webhook_url;
  std::string webhook_ca_file;
  int64_t webhook_timeout_ms = 5000;
  int64_t webhook_retries = 5;
  int64_t webhook_backoff_ms = 1000;
  std::map<std::string, std::string> webhook_headers;
};

// Satisfaction and participation targets, fractions 0..1.
struct Targets {
  // Reached only strictly above it (HCMC: "trên 80%"): exactly 80 % is below.
  double satisfaction = 0.80;   // satisfaction_rate (satisfaction_neutral's policy)
  double participation = 0.40;  // rated dossiers / dossiers, reached at or above ("ít nhất")
  double decision766 = 0.0;     // decision766_rate, reached at or above; 0 = no target
  // Participation by stage and by visits (report_participation.md),
  // reached at or above; 0 = no target. Bình Thạnh reports intake and
  // return apart; an office with a queue system may be held to visits.
  double participation_intake = 0.0;  // dossiers rated at intake / dossiers
  double participation_return = 0.0;  // returned dossiers rated at return / returned
  double participation_visits = 0.0;  // ratings / visits
};

// How neutral ("Bình thường") ratings count in satisfaction_rate
// (config key satisfaction_neutral; report_decision766.md).
enum class NeutralPolicy {
  kNotSatisfied,  // "not_satisfied" (default): in the ratings, not satisfied
  kExcluded,      // "excluded": left out of both (satisfied / (ratings - neutral))
  kSatisfied,     // "satisfied": counted as satisfied
};
const char* NeutralPolicyName(NeutralPolicy p);

struct HubConfig {
  // Directory of the event log (data_dir/log) and the read models. Required.
  std::string data_dir;
  HttpConfig http;
  std::vector<NodeConfig> nodes;
  std::vector<UserConfig> users;
  // Dashboard files ("" = the compiled-in hub/web source directory).
  std::string web_root;
  // Default targets and per-office overrides ("targets": {"satisfaction",
  // "participation", "offices": {"<office>": {...}}}).
  Targets targets;
  std::map<std::string, Targets> office_targets;
  // The district's policy on neutral answers in satisfaction_rate.
  NeutralPolicy satisfaction_neutral = NeutralPolicy::kNotSatisfied;
  // A node whose clock differs from the hub's by more than this is flagged
  // in GET /api/v1/nodes. Default 300 s.
  int64_t clock_skew_limit_s = 300;
  // A node whose newest event is older than this (while it still pushes) is
  // reported as lagging in /metrics and the node list. Default 3600 s.
  int64_t lag_warning_s = 3600;
  // An open follow-up older than this is overdue. Default 72 h.
  int64_t follow_up_due_hours = 72;
  // A session unused for this long expires. Default 8 h.
  int64_t session_ttl_s = 8 * 3600;
  // Mark the session cookie Secure (set when served over HTTPS). Default false.
  bool cookie_secure = false;
  // Login attempts allowed per client address per minute. Default 20.
  int login_attempts_per_minute = 20;
  // Failed logins allowed per (user name, client address) per 15 minutes;
  // then that address waits, not the account's other users. Default 10.
  int login_failures_per_name = 10;
  // Failed logins of one user name from all addresses per 24 hours after
  // which each further attempt from an address the account has not logged in
  // from waits 2^(failures - this + 1) s after the latest failure (at most
  // 15 min): a distributed guesser is slowed, the account is never locked.
  // Default 50.
  int login_backstop_failures = 50;
  // Phone-survey ratings accepted per client address per hour. Default 30.
  int survey_ratings_per_address_per_hour = 30;
  // Template of the phone survey when the counter names none. Default "gia-lam-phone".
  std::string survey_template = "gia-lam-phone";
  AlertsConfig alerts;
  // File holding the hub's personal-data secret (64 hex digits; created,
  // mode 0600, on the first start): edges seal data keys to its public key,
  // the hub's key store is wrapped under it (replication/doc/personal_data.md).
  // Keep it outside data_dir and out of data_dir's backups. Default:
  // "<data_dir>.personal_data.key", beside data_dir.
  std::string personal_data_key_file;
  // Personal text (comments, phone numbers, notes) older than this many days
  // is erased automatically, except what belongs to an open follow-up.
  // Default 365.
  int64_t personal_data_days = 365;
  // How often the retention sweep runs. Default 3600 s.
  int64_t personal_data_sweep_s = 3600;
  // The public results (GET /ket-qua, /public/v1/results): offices'
  // aggregates month by month, without signing in. Default true.
  bool public_results = true;
  // Heading of the public page, e.g. "UBND quận Bình Thạnh". Default "".
  std::string public_title;
  // The periodic report as a document (periodic_config.h).
  PeriodicReportConfig periodic_report;

  // The hub above this one, if any.
  UpstreamConfig upstream;

  const Targets& TargetsFor(std::string_view office) const;
  // The district of an office at a province hub ("" if no district hub
  // lists it).
  std::string DistrictOf(std::string_view office) const;
  // True if some node is a district hub (this hub is a province hub).
  bool HasDistricts() const;
};

// Parses the configuration text. Unknown keys, wrong JSON types, missing
// required keys and invalid values are InvalidArgument with a message that
// names the key ("nodes[0].token_sha256: ...").
Status ParseHubConfig(std::string_view json_text, HubConfig* out);

// Reads and parses a configuration file (IOError if it cannot be read).
Status LoadHubConfig(const std::string& path, HubConfig* out);

// 1 to 64 characters of letters, digits, '-', '_' and '.'.
bool IsValidId(std::string_view id);

}  // namespace hailong::hub
