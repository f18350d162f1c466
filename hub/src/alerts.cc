#include "alerts.h"

#include <algorithm>
#include <cstdio>

#include "codec.h"
#include "hailong/hub/hub.h"
#include "hailong/hub/report.h"
#include "hailong/schema/event.h"
#include "hailong/schema/time.h"
#include "personal_keys.h"
#include "projection_state.h"

namespace hailong::hub {

using json = nlohmann::json;

namespace {

std::string Str(const flatbuffers::String* s) { return s ? s->str() : std::string(); }

const char* KindName(fb::AlertKind kind) {
  switch (kind) {
    case fb::AlertKind::UnsatisfiedShare:
      return "unsatisfied_share";
    case fb::AlertKind::OpenFollowUps:
      return "open_follow_ups";
    case fb::AlertKind::ReplicationLag:
      return "replication_lag";
    case fb::AlertKind::ForgedEvents:
      return "forged_events";
  }
  return "unknown";
}

std::string Percent(double share) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f%%", share * 100.0);
  return buf;
}

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// English text of an alert (the Vietnamese one is in the event).
std::string EnglishMessage(const std::string& kind, const std::string& office,
                           const std::string& node, uint64_t count, uint64_t total,
                           int64_t seconds) {
  if (kind == "unsatisfied_share") {
    return "Office " + office + ": " + std::to_string(count) + " of " + std::to_string(total) +
           " ratings unsatisfied (" + Percent(total ? double(count) / double(total) : 0) +
           ") in the last " + std::to_string(seconds / 60) + " min";
  }
  if (kind == "open_follow_ups") {
    return "Office " + office + ": " + std::to_string(count) + " open follow-ups";
  }
  if (kind == "forged_events") {
    return "Node " + node + " (office " + office + ") sent " + std::to_string(count) +
           " events it may not make (" + std::to_string(total) +
           " in all); they are kept as evidence and count in no figure";
  }
  return "Node " + node + " (office " + office + ") is behind: " + std::to_string(count) +
         " events, " + std::to_string(seconds) + " s";
}

}  // namespace

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

void Alerts::CheckAll(bool periodic, std::set<std::string> offices, bool follow_ups) {
  const AlertsConfig& c = config_->alerts;
  replication::Store* store = log_->store();
  const int64_t now = clock_->NowMs();
  if (c.unsatisfied_enabled) {
    if (periodic) {
      std::vector<std::string> all;
      if (ListOffices(*store, &all).ok()) offices.insert(all.begin(), all.end());
    }
    for (const std::string& office : offices) {
      uint64_t total = 0, unsatisfied = 0;
      // Ratings up to 10 minutes in the future count (device clocks run fast).
      const int64_t from = now - c.unsatisfied_window_s * 1000, to = now + 600000;
      std::string begin, end;
      codec::RatingChunkRange(office, from, to, &begin, &end);
      Status s = store->Scan(begin, end, [&](std::string_view, std::string_view value) {
        rating_chunk::ForEach(value, [&](uint64_t, int64_t time, const RatingIndexEntry& entry) {
          if (time < from || time > to || entry.misuse || entry.voided) return true;
          ++total;
          if (entry.classification == static_cast<uint8_t>(fb::Classification::Unsatisfied)) {
            ++unsatisfied;
          }
          return true;
        });
        return true;
      });
      if (!s.ok()) continue;
      const double share = total ? double(unsatisfied) / double(total) : 0;
      const bool passed = total >= static_cast<uint64_t>(c.unsatisfied_min_ratings) &&
                          share >= c.unsatisfied_threshold;
      fb::AlertRaisedT r;
      r.kind = fb::AlertKind::UnsatisfiedShare;
      r.office = office;
      r.count = unsatisfied;
      r.total = total;
      r.seconds = c.unsatisfied_window_s;
      r.threshold = Number(c.unsatisfied_threshold);
      r.message = "Đơn vị " + office + ": " + std::to_string(unsatisfied) + "/" +
                  std::to_string(total) + " đánh giá không hài lòng (" + Percent(share) +
                  ") trong " + std::to_string(c.unsatisfied_window_s / 60) + " phút qua";
      Outcome("unsatisfied_share/" + office, passed, std::move(r));
    }
  }
  if (c.follow_ups_enabled && follow_ups) {
    std::map<std::string, uint64_t> open;
    std::string end(codec::kFollowUpPrefix);
    end.back() = static_cast<char>('/' + 1);
    Status s = store->Scan(codec::kFollowUpPrefix, end, [&](std::string_view, std::string_view v) {
      json f = json::parse(v, nullptr, false);
      if (f.is_discarded()) return true;
      uint64_t& n = open[f.value("office", "")];
      if (f.value("status", "") == "open") ++n;
      return true;
    });
    // Offices with open alerts but no follow-ups left are re-checked too.
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& [key, id] : open_) {
        if (key.rfind("open_follow_ups/", 0) == 0) open.emplace(key.substr(16), 0);
      }
    }
    if (s.ok()) {
      for (const auto& [office, n] : open) {
        fb::AlertRaisedT r;
        r.kind = fb::AlertKind::OpenFollowUps;
        r.office = office;
        r.count = n;
        r.threshold = std::to_string(c.follow_ups_threshold);
        r.message = "Đơn vị " + office + ": " + std::to_string(n) + " phản ánh chưa xử lý xong";
        Outcome("open_follow_ups/" + office, n >= static_cast<uint64_t>(c.follow_ups_threshold),
                std::move(r));
      }
    }
  }
  if (c.lag_enabled) {
    const json list = nodes_->List([](const std::string&) { return true; });
    for (const json& n : list) {
      const uint64_t events = n["lag_events"].is_number() ? n["lag_events"].get<uint64_t>() : 0;
      const double seconds = n.value("lag_seconds", 0.0);
      const bool passed =
          (c.lag_events > 0 && events >= static_cast<uint64_t>(c.lag_events)) ||
          (c.lag_seconds > 0 && n["last_seen"].is_string() && seconds >= double(c.lag_seconds));
      fb::AlertRaisedT r;
      r.kind = fb::AlertKind::ReplicationLag;
      r.node = n.value("id", "");
      r.office = n.value("office_id", "");
      r.count = events;
      r.seconds = static_cast<int64_t>(seconds);
      r.threshold = (c.lag_events > 0 ? std::to_string(c.lag_events) + " events" : "") +
                    (c.lag_events > 0 && c.lag_seconds > 0 ? ", " : "") +
                    (c.lag_seconds > 0 ? std::to_string(c.lag_seconds) + " s" : "");
      r.message = "Nút " + r.node + " (đơn vị " + r.office +
                  ") chậm đồng bộ: " + std::to_string(events) + " sự kiện, " +
                  std::to_string(r.seconds) + " giây";
      Outcome("replication_lag/" + r.node, passed, std::move(r));
    }
  }
}

void Alerts::Outcome(const std::string& key, bool passed, fb::AlertRaisedT raised) {
  std::string id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!passed) {
      disarmed_.erase(key);
      return;
    }
    if (open_.count(key) || disarmed_.count(key)) return;
    id = "al-" + std::to_string(clock_->NowMs()) + "-" + std::to_string(++next_id_);
  }
  raised.alert_id = id;
  const std::string kind = KindName(raised.kind);
  replication::EventDraft draft;
  draft.origin = kHubPrivateOrigin;
  draft.idempotency_id = "alert:" + id;
  draft.body.Set(std::move(raised));
  replication::AppendResult result;
  Status s = log_->Append(std::move(draft), &result);
  if (!s.ok()) {
    std::fprintf(stderr, "hailong-hub: cannot record alert %s: %s\n", key.c_str(),
                 s.ToString().c_str());
    return;
  }
  Alert copy;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<replication::StoredEvent> events;
    if (log_->Read(kHubPrivateOrigin, result.seq, 1, 1 << 20, &events).ok() && !events.empty()) {
      const fb::Event* e = nullptr;
      if (schema::VerifyEvent(events[0].bytes, &e).ok()) Apply(result.seq, *e);
    }
    auto it = alerts_.find(id);
    if (it == alerts_.end()) return;
    copy = it->second;
  }
  metrics_->Add("hailong_hub_alerts_total{kind=\"" + kind + "\",step=\"raised\"}");
  std::fprintf(stderr, "hailong-hub: alert %s raised: %s\n", id.c_str(), copy.message.c_str());
  Publish(copy, "raised");
}

void Alerts::Publish(const Alert& a, const std::string& step) {
  const json view = View(a, false);
  LiveUpdates* live = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    live = live_;
  }
  if (live != nullptr) live->PublishAlert(a.office, json{{"step", step}, {"alert", view}});
  if (webhook_) {
    json body{{"event", "alert_" + step},
              {"alert", View(a, true)},
              {"time", FormatRfc3339(clock_->NowMs())}};
    webhook_->Send(codec::Dump(body));
  }
}

json Alerts::View(const Alert& a, bool notes) const {
  json steps = json::array();
  json v{{"id", a.id},
         {"kind", a.kind},
         {"office", a.office},
         {"status", a.status},
         {"count", a.count},
         {"threshold", a.threshold},
         {"message", a.message},
         {"message_en", EnglishMessage(a.kind, a.office, a.node, a.count, a.total, a.seconds)}};
  if (!a.node.empty()) v["node"] = a.node;
  if (a.kind == "unsatisfied_share") {
    v["total"] = a.total;
    v["share"] = a.total ? double(a.count) / double(a.total) : 0.0;
    v["window_s"] = a.seconds;
  } else if (a.kind == "replication_lag") {
    v["lag_events"] = a.count;
    v["lag_seconds"] = a.seconds;
  } else if (a.kind == "forged_events") {
    v["total"] = a.total;
  }
  for (const Step& s : a.steps) {
    json j{{"action", s.action}, {"at", FormatRfc3339(s.at_ms)}, {"seq", s.seq}};
    if (!s.author.empty()) j["author"] = s.author;
    if (notes && !s.note.empty()) j["note"] = s.note;
    if (notes && s.sealed.is_object() && keys_ != nullptr) {
      std::string text;
      const TextState state = keys_->RevealJson(s.sealed, "note", &text);
      if (state == TextState::kShown) {
        j["note"] = text;
      } else {
        j["note_state"] = TextStateName(state);
      }
    }
    steps.push_back(std::move(j));
    if (s.action == "raised") v["raised_at"] = FormatRfc3339(s.at_ms);
    if (s.action == "acknowledged") {
      v["acknowledged_at"] = FormatRfc3339(s.at_ms);
      v["acknowledged_by"] = s.author;
    }
    if (s.action == "closed") {
      v["closed_at"] = FormatRfc3339(s.at_ms);
      v["closed_by"] = s.author;
    }
  }
  v["steps"] = std::move(steps);
  return v;
}

json Alerts::List(const std::string& status, bool notes,
                  const std::function<bool(const std::string&)>& may_see) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<const Alert*> list;
  for (const auto& [id, a] : alerts_) {
    if (!may_see(a.office)) continue;
    const bool closed = a.status == "closed";
    if ((status == "open" && closed) || (status == "closed" && !closed)) continue;
    list.push_back(&a);
  }
  std::sort(list.begin(), list.end(), [](const Alert* x, const Alert* y) {
    return x->steps.front().seq > y->steps.front().seq;
  });
  json out = json::array();
  size_t open = 0;
  for (const Alert* a : list) {
    if (a->status != "closed") ++open;
    if (out.size() < 500) out.push_back(View(*a, notes));
  }
  return json{{"alerts", out}, {"open", open}};
}

Status Alerts::OfficeOf(const std::string& id, std::string* office) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = alerts_.find(id);
  if (it == alerts_.end()) return Status::NotFound("no such alert");
  *office = it->second.office;
  return Status::OK();
}

Status Alerts::Act(const std::string& id, bool close, const std::string& author,
                   const std::string& note, json* view) {
  std::lock_guard<std::mutex> act(act_mu_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = alerts_.find(id);
    if (it == alerts_.end()) return Status::NotFound("no such alert");
    if (it->second.status == "closed") return Status::Conflict("closed");
    if (!close && it->second.status == "acknowledged") {
      return Status::Conflict("acknowledged");
    }
  }
  replication::EventDraft draft;
  draft.origin = kHubPrivateOrigin;
  if (close) {
    fb::AlertClosedT c;
    c.alert_id = id;
    c.author = author;
    c.note = note;
    if (keys_ != nullptr) {
      Status sealed = keys_->SealField(&c.note, "note", &c.sealed_note);
      if (!sealed.ok()) return sealed;
    }
    draft.body.Set(std::move(c));
  } else {
    fb::AlertAcknowledgedT c;
    c.alert_id = id;
    c.author = author;
    c.note = note;
    if (keys_ != nullptr) {
      Status sealed = keys_->SealField(&c.note, "note", &c.sealed_note);
      if (!sealed.ok()) return sealed;
    }
    draft.body.Set(std::move(c));
  }
  replication::AppendResult result;
  Status s = log_->Append(std::move(draft), &result);
  if (!s.ok()) return s;
  Alert copy;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<replication::StoredEvent> events;
    s = log_->Read(kHubPrivateOrigin, result.seq, 1, 1 << 20, &events);
    if (!s.ok()) return s;
    const fb::Event* e = nullptr;
    if (events.empty() || !schema::VerifyEvent(events[0].bytes, &e).ok()) {
      return Status::Corruption("alert event unreadable");
    }
    Apply(result.seq, *e);
    copy = alerts_[id];
    *view = View(copy, true);
    // Forged events that came while it was open raise the next one now.
    if (close && copy.kind == "forged_events") {
      dirty_forged_ = true;
      wake_ = true;
    }
  }
  cv_.notify_all();
  const std::string step = close ? "closed" : "acknowledged";
  metrics_->Add("hailong_hub_alerts_total{kind=\"" + copy.kind + "\",step=\"" + step + "\"}");
  Publish(copy, step);
  return Status::OK();
}

}  // namespace hailong::hub
