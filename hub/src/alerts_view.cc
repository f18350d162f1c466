// Alerts (alerts.h): the alerts as JSON, and acknowledging or closing one.
#include <algorithm>
#include <cstdio>

#include "alerts.h"
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
  // The step's event (AlertClosed or AlertAcknowledged: the same fields),
  // its note sealed.
  auto step_event = [&](auto c) {
    c.alert_id = id;
    c.author = author;
    c.note = note;
    if (keys_ != nullptr) {
      Status sealed = keys_->SealField(&c.note, "note", &c.sealed_note);
      if (!sealed.ok()) return sealed;
    }
    draft.body.Set(std::move(c));
    return Status::OK();
  };
  Status s = close ? step_event(fb::AlertClosedT()) : step_event(fb::AlertAcknowledgedT());
  if (!s.ok()) return s;
  replication::AppendResult result;
  s = log_->Append(std::move(draft), &result);
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
