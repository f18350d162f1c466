// Alerts (alerts.h): the alert list rebuilt from its events, and the
// checking thread's life.
#include "alerts.h"

#include <algorithm>
#include <cstdio>

#include "alerts_text.h"
#include "codec.h"
#include "hailong/hub/hub.h"
#include "hailong/hub/report.h"
#include "hailong/schema/event.h"
#include "hailong/schema/time.h"
#include "names.h"
#include "personal_keys.h"
#include "projection_state.h"

namespace hailong::hub {

using json = nlohmann::json;

Alerts::Alerts(const HubConfig* config, const Clock* clock, replication::EventLog* log,
               NodeRegistry* nodes, Metrics* metrics, AuditLog* audit)
    : config_(config), clock_(clock), log_(log), nodes_(nodes), metrics_(metrics), audit_(audit) {
  metrics_->Describe("hailong_hub_alerts_total", "counter", "Alert steps, by kind and step.");
}

Alerts::~Alerts() { Stop(); }

void Alerts::Apply(uint64_t seq, const fb::Event& e) {
  switch (e.body_type()) {
    case fb::EventBody::AlertRaised: {
      const fb::AlertRaised& r = *e.body_as_AlertRaised();
      Alert a;
      a.id = Str(r.alert_id());
      a.kind = KindName(r.kind());
      a.office = Str(r.office());
      a.node = Str(r.node());
      a.count = r.count();
      a.total = r.total();
      a.seconds = r.seconds();
      a.threshold = Str(r.threshold());
      a.message = Str(r.message());
      a.steps.push_back(Step{"raised", "", "", nullptr, e.time_ms(), seq});
      if (alerts_.count(a.id)) return;
      if (r.kind() == fb::AlertKind::ForgedEvents) {
        uint64_t& covered = forged_covered_[a.node];
        covered = std::max(covered, a.total);
      }
      open_[a.Key()] = a.id;
      disarmed_.erase(a.Key());
      alerts_[a.id] = std::move(a);
      return;
    }
    case fb::EventBody::AlertAcknowledged:
    case fb::EventBody::AlertClosed: {
      const bool close = e.body_type() == fb::EventBody::AlertClosed;
      std::string id, author, note;
      json sealed;
      if (close) {
        const fb::AlertClosed& c = *e.body_as_AlertClosed();
        id = Str(c.alert_id());
        author = Str(c.author());
        note = Str(c.note());
        if (c.sealed_note())
          sealed = PersonalKeys::SealedJson(kHubPrivateOrigin, nullptr, c.sealed_note());
      } else {
        const fb::AlertAcknowledged& c = *e.body_as_AlertAcknowledged();
        id = Str(c.alert_id());
        author = Str(c.author());
        note = Str(c.note());
        if (c.sealed_note())
          sealed = PersonalKeys::SealedJson(kHubPrivateOrigin, nullptr, c.sealed_note());
      }
      auto it = alerts_.find(id);
      if (it == alerts_.end() || it->second.status == "closed") return;
      Alert& a = it->second;
      a.steps.push_back(Step{close ? "closed" : "acknowledged", author, note, std::move(sealed),
                             e.time_ms(), seq});
      if (close) {
        a.status = "closed";
        auto o = open_.find(a.Key());
        if (o != open_.end() && o->second == a.id) open_.erase(o);
        disarmed_.insert(a.Key());  // re-armed once the check is seen below its threshold
      } else {
        a.status = "acknowledged";
      }
      return;
    }
    default:
      return;
  }
}

Status Alerts::Load() {
  std::lock_guard<std::mutex> lock(mu_);
  return log_->Scan(kHubPrivateOrigin, 1,
                    [this](uint64_t seq, std::string_view, const fb::Event& e) {
                      Apply(seq, e);
                      return true;
                    });
}

void Alerts::Start(LiveUpdates* live) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!stop_) return;
  live_ = live;
  stop_ = false;
  wake_ = true;
  dirty_follow_ups_ = true;
  webhook_ = std::make_unique<Webhook>(config_->alerts, metrics_);
  thread_ = std::thread([this] { Run(); });
}

void Alerts::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) return;
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (webhook_) webhook_->Stop();
  std::lock_guard<std::mutex> lock(mu_);
  live_ = nullptr;
}

void Alerts::OnApplied(const AppliedBatch& batch) {
  const AlertsConfig& c = config_->alerts;
  if (!c.unsatisfied_enabled && !c.follow_ups_enabled && !c.lag_enabled && batch.refused == 0) {
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (batch.refused > 0) dirty_forged_ = true;
    if (batch.ratings > 0) dirty_offices_.insert(batch.offices.begin(), batch.offices.end());
    if (batch.follow_ups > 0) dirty_follow_ups_ = true;
    wake_ = true;
  }
  cv_.notify_all();
}

void Alerts::Run() {
  const auto interval = std::chrono::seconds(config_->alerts.check_interval_s);
  auto next_periodic = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    cv_.wait_until(lock, next_periodic, [this] { return stop_ || wake_; });
    if (stop_) return;
    const bool periodic = std::chrono::steady_clock::now() >= next_periodic;
    if (periodic) next_periodic = std::chrono::steady_clock::now() + interval;
    std::set<std::string> offices;
    offices.swap(dirty_offices_);
    const bool follow_ups = dirty_follow_ups_ || periodic;
    const bool forged = dirty_forged_ || periodic;
    dirty_follow_ups_ = false;
    dirty_forged_ = false;
    wake_ = false;
    lock.unlock();
    if (forged) CheckForged();
    CheckAll(periodic, std::move(offices), follow_ups);
    // At most one pass per 200 ms: a busy projector wakes us per batch.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    lock.lock();
  }
}

}  // namespace hailong::hub
