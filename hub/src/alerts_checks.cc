// Alerts (alerts.h): the threshold checks, their outcome (raise or re-arm)
// and the publication of each step.
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

}  // namespace hailong::hub
