// Simulator: simulated button boxes and touchscreens that speak the device
// MQTT protocol v1 (payload.h) against a real broker, and the load generator
// behind `hailong-devsim`.
//
// Each simulated device is one MQTT client (client id = username = device
// id, QoS 1, persistent session unless clean_session) that
//  - connects with the will "offline" (retained) on its status topic and
//    publishes "online" (retained) on every (re)connect;
//  - subscribes to its ack topic (and, with follow_session, to its counter's
//    session topic);
//  - presses at its rate: publishes a rating with a fresh unique id and the
//    press time as "at", and keeps it pending (in memory and, with a
//    state_dir, in an on-disk outbox) until a "stored" or "rejected" ack with
//    that id arrives;
//  - publishes at most max_in_flight unanswered ratings at a time, in press
//    order (more presses wait on the device);
//  - resends a published rating when no answer came within
//    resend_timeout_ms, then 2x, 4x and 8x that after each further resend
//    (so an overloaded edge is not buried under copies), always with the
//    SAME id and payload (so the edge can deduplicate), and all of them at
//    once right after a reconnect;
//  - reconnects with backoff (250 ms doubling to 5 s) when the broker is
//    unreachable, and keeps pressing meanwhile (presses queue up as pending).
// With misuse_fraction, a press is followed by a second one 300 ms later (by
// device time), which the edge should store flagged as suspected misuse.
// With bad_fraction, a press is replaced by a deliberately bad payload (one
// of several kinds, see BadPayloadKinds) that the edge must reject; bad
// payloads are never resent.
//
// The run ends when `count` ratings were pressed, `duration_s` passed, or
// Stop() was called; then it drains: keeps resending until nothing is
// pending or drain_timeout_ms passes. Finally devices publish "offline" and
// disconnect.
//
// Thread safety: Run() is called once, from one thread. Stop() may be called
// from any thread or a signal handler (it only stores an atomic flag).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hailong/schema/status.h"
#include "hailong/survey/survey_template.h"

namespace hailong::devices {

// A procedure the simulated one-stop software posts dossiers for.
struct SimProcedure {
  std::string code;   // procedure code, e.g. "HT-01"
  std::string field;  // field (lĩnh vực) code, e.g. "HT"
};

struct SimulatorOptions {
  std::string broker = "tcp://127.0.0.1:1883";  // Paho server URI
  std::string office = "phuong-01";
  int devices = 1;                     // number of simulated devices, >= 1
  std::string device_prefix = "sim-";  // device i (1-based) is "<prefix><i>"
  // Counters the devices stand at: device i uses counters[(i-1) % size].
  // Empty = "q1".
  std::vector<std::string> counters;
  // Device credentials: device i uses username "<username_prefix><i>" and
  // `password`, or with `password_dir` its own password, the first line of
  // "<password_dir>/<username>.password" (make-office-broker's devices/
  // directory). "" = connect without credentials.
  std::string username_prefix;
  std::string password;
  std::string password_dir;
  // An ssl:// or mqtts:// broker: PEM file of the CA that signed the
  // broker's certificate ("" = the system's CAs).
  std::string ca_file;
  // Presses per second per device; total_rate > 0 overrides it with
  // total_rate / devices. Presses of one device are evenly spaced; devices
  // are staggered.
  double rate = 1.0;
  double total_rate = 0;
  uint64_t count = 0;             // total presses (all devices) then stop; 0 = no limit
  double duration_s = 0;          // stop pressing after this; 0 = no limit
  survey::SurveyTemplate survey;  // what the devices ask (default: smiley-4)
  // Subscribe to the counter's retained session topic and ask the template
  // it names (falling back to `survey`), tying ratings to the dossier being
  // served, as a counter touchscreen does.
  bool follow_session = false;
  double misuse_fraction = 0;   // 0..1, see above
  double bad_fraction = 0;      // 0..1, see above
  double dossier_fraction = 0;  // 0..1: share of ratings tied to a receipt number
  // Before pressing starts, wait up to this long for every device to
  // connect (devices that are still down press anyway, and queue).
  int connect_wait_ms = 10000;
  int resend_timeout_ms = 5000;
  // Ratings a device has published and not yet seen answered; further
  // presses wait on the device (their latency still counts from the press).
  // Keeps the MQTT client's queue short under overload.
  int max_in_flight = 32;
  int drain_timeout_ms = 30000;
  // Directory for the devices' outboxes ("<device>.outbox"); pending ratings
  // from an earlier run are resent first. "" = memory only.
  std::string state_dir;
  // File that gets one line "<device>:<rating id>" per rating acked
  // "stored" (appended, line-buffered; for the chaos soak). "" = none.
  std::string acked_file;
  bool clean_session = false;
  // A rating counts as answered ("stored") once the broker acknowledges its
  // publication (PUBACK), without an edge's ack: the devices' side of
  // Mosquitto's own QoS 1 publish-to-subscriber rate (the benchmark's
  // ceiling, with `--responder --responder-count-only` subscribed).
  bool publish_only = false;
  uint64_t seed = 0;  // random answers; 0 = from the clock
  // An edge's HTTP base URL ("http://127.0.0.1:8080"); "" = none. With it,
  // devices stand at the edge's counters (GET /api/v1/counters) unless
  // `counters` is given, each asks its counter's template (GET
  // /api/v1/templates) unless `survey` is given, and the dossiers that
  // ratings are tied to are first posted to POST /api/v1/dossiers (devsim
  // then also plays the one-stop software).
  std::string edge_url;
  // The one-stop software's bearer token for POST /api/v1/dossiers (its
  // sha256 in the edge's dossier_tokens_sha256); "" = none (the edge
  // answers 401 and the dossiers count as failed).
  std::string dossier_token;
  // History mode (needs edge_url): instead of pressing live, write the last
  // `history_days` days before today of the office's life, weekdays in
  // office hours (Asia/Ho_Chi_Minh): about `history_dossiers_per_day`
  // dossiers per device and day received, most returned by their due date,
  // ~90% of intakes and ~85% of returns rated at their historical times;
  // then drain and end.
  int history_days = 0;
  int history_dossiers_per_day = 12;
  // Procedures for the dossiers; empty = a few of shared/catalogue-sample.csv.
  std::vector<SimProcedure> procedures;
  bool progress = false;  // a line per second on stderr
  bool english = false;   // progress and messages in English
};

struct SimulatorReport {
  uint64_t sent = 0;              // distinct good ratings published (incl. misuse presses)
  uint64_t misuse_sent = 0;       // of which second presses 300 ms after the first
  uint64_t restored = 0;          // pending ratings loaded from the state dir
  uint64_t bad_sent = 0;          // deliberately bad payloads
  uint64_t resent = 0;            // republications of pending ratings (same id)
  uint64_t acked_stored = 0;      // distinct ratings acked "stored"
  uint64_t duplicate_acks = 0;    // further acks for ratings already answered
  uint64_t rejected = 0;          // "rejected" acks matched to our payloads (incl. id null)
  uint64_t rejected_good = 0;     // of which for good ratings (a failure)
  uint64_t bad_unanswered = 0;    // bad payloads never answered
  uint64_t bad_stored = 0;        // bad payloads the edge acked "stored" (an edge defect)
  uint64_t bad_other_reason = 0;  // bad payloads rejected with an unexpected reason
  uint64_t unacked = 0;           // good ratings still pending at the end (a failure)
  uint64_t unknown_acks = 0;      // acks for ids this run never sent
  uint64_t dossiers_posted = 0;   // POST /api/v1/dossiers answered 200
  uint64_t dossier_errors = 0;    // ... answered otherwise
  uint64_t publish_errors = 0;    // publications the MQTT client refused (retried later)
  double elapsed_s = 0;           // from start to end of drain
  double acked_per_s = 0;         // acked_stored / seconds until the last ack
  double latency_p50_ms = 0;      // first publish -> stored ack
  double latency_p99_ms = 0;
  double latency_max_ms = 0;
  // Exit status for hailong-devsim: 0 when nothing is unacked and no good
  // rating was rejected, else 1.
  int ExitCode() const { return unacked == 0 && rejected_good == 0 ? 0 : 1; }
  // {"sent":..,"acked_stored":..,"rejected":..,"unacked":..,
  //  "latency_ms":{"p50":..,"p99":..,"max":..}, ...every field above}
  nlohmann::json ToJson() const;
};

// The kinds of bad payload the simulator sends, in rotation; each names the
// rejection reason an edge is expected to give (payload.h).
struct BadPayloadKind {
  const char* name;
  const char* expected_reason_prefix;
};
const std::vector<BadPayloadKind>& BadPayloadKinds();

class Simulator {
 public:
  // Validates the options (InvalidArgument naming the option) and opens the
  // outboxes.
  static Status Create(SimulatorOptions options, std::unique_ptr<Simulator>* out);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // Runs to the end (see above) and fills *report. Unavailable if the
  // broker URI is unusable; otherwise OK even when ratings stay unacked
  // (see SimulatorReport::ExitCode).
  Status Run(SimulatorReport* report);

  // Ends the pressing phase (the drain still runs). Async-signal-safe.
  void Stop() { stop_.store(true); }
  // Ends the drain too.
  void Abort() {
    stop_.store(true);
    abort_.store(true);
  }

 private:
  class Impl;
  explicit Simulator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> abort_{false};
};

}  // namespace hailong::devices
