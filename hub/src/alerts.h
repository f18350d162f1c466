// Alerts: the hub's threshold checks (hub/README.md, "Alerts"):
//  - unsatisfied_share: an office's share of unsatisfied ratings over the
//    last window (read from the rating index the projector keeps);
//  - open_follow_ups: an office's open follow-ups;
//  - replication_lag: a node's lag as the NodeRegistry reports it;
//  - forged_events: a node sent events it may not make (refused by the
//    projector, event_authorization.h); always on. Raised when the node's
//    refused events outnumber the `total` of its last forged_events alert
//    (so neither a restart nor a rebuild raises it twice). Each refused
//    event also gets an audit entry (written once: a marker
//    x/hub/refused_audited/<origin> is written with the entry).
// A check that passes its threshold raises an alert unless one for the
// same check and office (node) is still open; after an alert is closed the
// check must first be seen below its threshold before it raises again.
//
// Every step is an event of the hub's private origin (AlertRaised,
// AlertAcknowledged, AlertClosed: notes may name people), so the alert
// list is rebuilt from the log at start and survives restarts and
// rebuilds. Each step is also pushed to live-update streams ("alert") and
// to the webhook.
//
// Threads: checks run on the Alerts thread (woken after each applied batch
// and every check_interval_s); Act runs on the caller's thread.
//
// Thread safety: every public method may be called from any thread.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "audit.h"
#include "hailong/hub/config.h"
#include "hailong/hub/projector.h"
#include "hailong/replication/event_log.h"
#include "live_updates.h"
#include "metrics.h"
#include "node_registry.h"
#include "webhook.h"

namespace hailong::hub {

class PersonalKeys;

class Alerts {
 public:
  // `audit` may be null (no audit entries for refused events).
  Alerts(const HubConfig* config, const Clock* clock, replication::EventLog* log,
         NodeRegistry* nodes, Metrics* metrics, AuditLog* audit);
  ~Alerts();

  // Notes are written encrypted under keys of `keys` and decrypted for
  // View (replication/doc/personal_data.md). Before Load; may stay unset.
  void SetPersonalKeys(PersonalKeys* keys) { keys_ = keys; }
  // Reads every alert event of the private origin (before Start).
  Status Load();
  // Starts the check thread and the webhook; `live` may be null.
  void Start(LiveUpdates* live);
  void Stop();
  // After each projection batch (projector thread): notes the offices to check.
  void OnApplied(const AppliedBatch& batch);

  // Alerts visible to `may_see` (by office), newest first. status: "open"
  // (raised or acknowledged), "closed" or "all". Notes only when `notes`.
  nlohmann::json List(const std::string& status, bool notes,
                      const std::function<bool(const std::string&)>& may_see) const;
  // The office an alert concerns ("" when unknown: NotFound).
  Status OfficeOf(const std::string& id, std::string* office) const;
  // Acknowledges (close=false) or closes an alert. NotFound, or
  // FailedPrecondition when already closed (or already acknowledged).
  Status Act(const std::string& id, bool close, const std::string& author, const std::string& note,
             nlohmann::json* view);

 private:
  struct Step {
    std::string action;        // raised, acknowledged, closed
    std::string author, note;  // note: in clear (events written before encryption)
    nlohmann::json sealed;     // the note's sealed form (PersonalKeys::SealedJson)
    int64_t at_ms = 0;
    uint64_t seq = 0;
  };
  struct Alert {
    std::string id, kind, office, node, threshold, message;
    uint64_t count = 0, total = 0;
    int64_t seconds = 0;
    std::string status = "open";  // open, acknowledged, closed
    std::vector<Step> steps;
    std::string Key() const { return kind + "/" + (node.empty() ? office : node); }
  };

  void Apply(uint64_t seq, const fb::Event& e);  // mu_ held
  nlohmann::json View(const Alert& a, bool notes) const;
  void Run();
  void CheckAll(bool periodic, std::set<std::string> offices, bool follow_ups);
  // forged_events: audit entries and alerts for newly refused events (forged_events.cc).
  void CheckForged();
  // Raises (or, when !passed, re-arms) the check `key`.
  void Outcome(const std::string& key, bool passed, fb::AlertRaisedT raised);
  void Publish(const Alert& a, const std::string& step);

  const HubConfig* config_;
  const Clock* clock_;
  PersonalKeys* keys_ = nullptr;
  replication::EventLog* log_;
  NodeRegistry* nodes_;
  Metrics* metrics_;
  AuditLog* audit_;
  LiveUpdates* live_ = nullptr;
  std::unique_ptr<Webhook> webhook_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Alert> alerts_;      // by id
  std::map<std::string, std::string> open_;  // check key -> open alert id
  std::set<std::string> disarmed_;           // closed while still passing
  std::set<std::string> dirty_offices_;      // guarded by mu_
  bool dirty_follow_ups_ = false;            // guarded by mu_
  bool dirty_forged_ = true;                 // guarded by mu_
  // forged_events: per node, the refused events its alerts covered (the
  // largest `total` raised).
  std::map<std::string, uint64_t> forged_covered_;  // guarded by mu_
  bool wake_ = false;                               // guarded by mu_
  bool stop_ = true;                                // guarded by mu_
  uint64_t next_id_ = 0;                            // guarded by mu_
  std::mutex act_mu_;                               // one Act at a time
  std::thread thread_;
};

}  // namespace hailong::hub
