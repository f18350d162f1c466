// Alerts::CheckForged: the audit entries and forged_events alerts for events
// the projector refused (event_authorization.h). Both are written once per
// refused event, whatever restarts and rebuilds happen: the projector's
// per-origin count of refused events (x/hub/p/rn/) is a projection that a
// rebuild gives again, the audit's marker (x/hub/refused_audited/) is
// written atomically with its entry, and an alert records the count it
// covers (AlertRaised.total).
#include <algorithm>
#include <cstdio>
#include <map>

#include "alerts.h"
#include "codec.h"
#include "hailong/hub/hub.h"
#include "hailong/replication/origin_names.h"

namespace hailong::hub {

using json = nlohmann::json;

namespace {

// Refused events listed in one audit entry (the entry counts them all).
constexpr size_t kMaxListedEvents = 100;

uint64_t Decimal(std::string_view v) { return std::strtoull(std::string(v).c_str(), nullptr, 10); }

}  // namespace

void Alerts::CheckForged() {
  replication::Store* store = log_->store();
  // Every origin with refused events, and how many.
  std::map<std::string, uint64_t> refused;
  std::string end(codec::kRefusedCountPrefix);
  end.back() = static_cast<char>('/' + 1);
  Status s = store->Scan(
      codec::kRefusedCountPrefix, end, [&](std::string_view key, std::string_view value) {
        refused[codec::UnKeyPart(key.substr(codec::kRefusedCountPrefix.size()))] = Decimal(value);
        return true;
      });
  if (!s.ok()) {
    std::fprintf(stderr, "hailong-hub: cannot read refused events: %s\n", s.ToString().c_str());
    return;
  }
  for (const auto& [origin, total] : refused) {
    // Who answers for the origin: its node, or for a district hub's own
    // origin ("<node>:hub", at a province) the district hub node itself.
    std::string who = origin, office;
    for (const NodeConfig& n : config_->nodes) {
      if (n.id == origin) office = n.office_id;
      if (n.IsDistrictHub() && origin == replication::AliasedOrigin(n.id, kHubOrigin)) {
        who = n.id;
        office = n.district;
      }
    }
    std::string v;
    const uint64_t audited =
        store->Get(codec::RefusalsAuditedKey(origin), &v).ok() ? Decimal(v) : 0;
    uint64_t covered = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = forged_covered_.find(who);
      if (it != forged_covered_.end()) covered = it->second;
    }
    const uint64_t since = std::min(audited, covered);
    if (total <= since) continue;
    // The events not yet audited or alerted, by reason and type.
    json events = json::array();
    std::map<std::string, uint64_t> reasons;
    const std::string prefix = codec::RefusedEventPrefix(origin);
    std::string prefix_end = prefix;
    prefix_end.back() = static_cast<char>('/' + 1);
    s = store->Scan(codec::RefusedEventKey(origin, since + 1), prefix_end,
                    [&](std::string_view key, std::string_view value) {
                      // The key ends with the event's number among the origin's refused ones.
                      const uint64_t n = Decimal(key.substr(prefix.size()));
                      json e = json::parse(value, nullptr, false);
                      if (!e.is_object()) return true;
                      if (n > covered) reasons[e.value("reason", "") + " " + e.value("type", "")]++;
                      if (n > audited && events.size() < kMaxListedEvents)
                        events.push_back(std::move(e));
                      return true;
                    });
    if (!s.ok()) continue;
    std::string summary;
    for (const auto& [what, n] : reasons) {
      summary += (summary.empty() ? "" : ", ") + what + ": " + std::to_string(n);
    }
    if (audit_ != nullptr && total > audited) {
      json detail{{"node", who},      {"origin", origin},
                  {"office", office}, {"refused_events", total - audited},
                  {"total", total},   {"events", events}};
      replication::WriteBatch marker;
      marker.Put(codec::RefusalsAuditedKey(origin), std::to_string(total));
      s = audit_->Record("hub", "system", "", "events.refused", origin, detail, &marker);
      if (!s.ok()) {
        std::fprintf(stderr, "hailong-hub: cannot audit refused events of %s: %s\n", origin.c_str(),
                     s.ToString().c_str());
      }
    }
    if (total <= covered) continue;
    const std::string key = "forged_events/" + who;
    {
      std::lock_guard<std::mutex> lock(mu_);
      // The covered count, not being seen below a threshold, re-arms it.
      disarmed_.erase(key);
    }
    fb::AlertRaisedT r;
    r.kind = fb::AlertKind::ForgedEvents;
    r.node = who;
    r.office = office;
    r.count = total - covered;
    r.total = total;
    r.threshold = "0";
    r.message = "Nút " + who + (who != origin ? " (huyện " : " (đơn vị ") + office + ") gửi " +
                std::to_string(r.count) + " sự kiện không được phép (" + summary +
                "); các sự kiện được lưu làm bằng chứng, không tính vào số liệu";
    Outcome(key, true, std::move(r));
  }
}

}  // namespace hailong::hub
