#include "node_registry.h"

#include <cstdlib>

#include "codec.h"
#include "hailong/replication/origin_names.h"
#include "metrics.h"

namespace hailong::hub {

using json = nlohmann::json;

namespace {
json TimeOrNull(int64_t ms) { return ms > 0 ? json(FormatRfc3339(ms)) : json(nullptr); }
}  // namespace

NodeRegistry::NodeRegistry(const HubConfig* config, replication::EventLog* log, const Clock* clock)
    : config_(config), log_(log), clock_(clock) {
  for (const NodeConfig& n : config_->nodes) {
    NodeState s;
    std::string v;
    if (log_->store()->Get(codec::NodeKey(n.id), &v).ok()) {
      json j = json::parse(v, nullptr, false);
      if (j.is_object()) {
        s.last_seen_ms = j.value("last_seen_ms", int64_t{0});
        s.last_push_ms = j.value("last_push_ms", int64_t{0});
        s.newest_event_ms = j.value("newest_event_ms", int64_t{0});
        s.clock_offset_ms = j.value("clock_offset_ms", int64_t{0});
        s.clock_reported = j.value("clock_reported", false);
        s.clock_skew = j.value("clock_skew", false);
        s.reported_head = j.value("reported_head", uint64_t{0});
        s.batches = j.value("batches", uint64_t{0});
        s.events_stored = j.value("events_stored", uint64_t{0});
        s.events_skipped = j.value("events_skipped", uint64_t{0});
        s.refused = j.value("refused", uint64_t{0});
        s.last_error = j.value("last_error", "");
        s.last_error_ms = j.value("last_error_ms", int64_t{0});
      }
    }
    nodes_[n.id] = s;
  }
}

void NodeRegistry::Persist(const std::string& id, const NodeState& s) const {
  json j{{"last_seen_ms", s.last_seen_ms},
         {"last_push_ms", s.last_push_ms},
         {"newest_event_ms", s.newest_event_ms},
         {"clock_offset_ms", s.clock_offset_ms},
         {"clock_reported", s.clock_reported},
         {"clock_skew", s.clock_skew},
         {"reported_head", s.reported_head},
         {"batches", s.batches},
         {"events_stored", s.events_stored},
         {"events_skipped", s.events_skipped},
         {"refused", s.refused},
         {"last_error", s.last_error},
         {"last_error_ms", s.last_error_ms}};
  replication::WriteBatch batch;
  batch.Put(codec::NodeKey(id), codec::Dump(j));
  // Node statistics are advisory: a lost write is corrected by the next push.
  log_->store()->Write(batch, false).PermitUncheckedError();
}

void NodeRegistry::Seen(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  nodes_[id].last_seen_ms = clock_->NowMs();
}

void NodeRegistry::Pushed(const std::string& id, uint64_t first_seq, uint64_t last_seq,
                          uint64_t stored, uint64_t skipped, int64_t newest_event_ms,
                          int64_t node_clock_ms, uint64_t reported_head) {
  const int64_t now = clock_->NowMs();
  const int64_t limit_ms = config_->clock_skew_limit_s * 1000;
  NodeState copy;
  {
    std::lock_guard<std::mutex> lock(mu_);
    NodeState& s = nodes_[id];
    s.last_seen_ms = now;
    s.last_push_ms = now;
    s.batches++;
    s.events_stored += stored;
    s.events_skipped += skipped;
    if (newest_event_ms > s.newest_event_ms) s.newest_event_ms = newest_event_ms;
    if (reported_head > 0) s.reported_head = reported_head;
    if (node_clock_ms > 0) {
      s.clock_reported = true;
      s.clock_offset_ms = node_clock_ms - now;
      s.clock_skew = std::llabs(s.clock_offset_ms) > limit_ms;
    } else if (!s.clock_reported) {
      s.clock_skew = newest_event_ms - now > limit_ms;
    }
    copy = s;
  }
  (void)first_seq;
  (void)last_seq;
  Persist(id, copy);
}

void NodeRegistry::Refused(const std::string& id, const std::string& error) {
  NodeState copy;
  {
    std::lock_guard<std::mutex> lock(mu_);
    NodeState& s = nodes_[id];
    s.last_seen_ms = clock_->NowMs();
    s.refused++;
    s.last_error = error;
    s.last_error_ms = s.last_seen_ms;
    copy = s;
  }
  Persist(id, copy);
}

json NodeRegistry::Describe(const NodeConfig& node, const NodeState& s, int64_t now) const {
  // A district hub (at a province hub) pushes many origins: its own "hub",
  // stored as "<id>:hub", stands for it here (cursor and refused events).
  const std::string own =
      node.IsDistrictHub() ? replication::AliasedOrigin(node.id, "hub") : node.id;
  const uint64_t acked = log_->Head(own).seq;
  json lag_events = nullptr;
  double lag_seconds = 0;
  if (s.reported_head > 0) {
    const uint64_t behind = s.reported_head > acked ? s.reported_head - acked : 0;
    lag_events = behind;
    if (behind > 0 && s.newest_event_ms > 0) lag_seconds = (now - s.newest_event_ms) / 1000.0;
  } else if (s.last_seen_ms > 0) {
    lag_seconds = (now - s.last_seen_ms) / 1000.0;
  }
  if (lag_seconds < 0) lag_seconds = 0;
  // Events stored but refused by the projector (event_authorization.h): a
  // projection, so a rebuild gives the same count.
  uint64_t refused_events = 0;
  json last_refused_event = nullptr;
  std::string v;
  if (log_->store()->Get(codec::RefusedCountKey(own), &v).ok()) {
    refused_events = std::strtoull(v.c_str(), nullptr, 10);
    if (log_->store()->Get(codec::RefusedEventKey(own, refused_events), &v).ok()) {
      last_refused_event = json::parse(v, nullptr, false);
      if (last_refused_event.is_discarded()) last_refused_event = nullptr;
    }
  }
  return json{
      {"id", node.id},
      {"office_id", node.office_id},
      {"district", node.district},
      {"acked_seq", acked},
      {"last_seen", TimeOrNull(s.last_seen_ms)},
      {"last_push", TimeOrNull(s.last_push_ms)},
      {"newest_event_time", TimeOrNull(s.newest_event_ms)},
      {"reported_head", s.reported_head > 0 ? json(s.reported_head) : json(nullptr)},
      {"lag_events", lag_events},
      {"lag_seconds", lag_seconds},
      {"lagging", lag_seconds > static_cast<double>(config_->lag_warning_s)},
      {"clock_skew", s.clock_skew},
      {"clock_offset_s", s.clock_reported ? json(s.clock_offset_ms / 1000.0) : json(nullptr)},
      {"batches", s.batches},
      {"events_stored", s.events_stored},
      {"events_skipped", s.events_skipped},
      {"refused", s.refused + refused_events},
      {"refused_pushes", s.refused},
      {"refused_events", refused_events},
      {"last_refused_event", last_refused_event},
      {"last_error", s.last_error},
      {"last_error_time", TimeOrNull(s.last_error_ms)}};
}

json NodeRegistry::List(const std::function<bool(const std::string&)>& may_see) const {
  const int64_t now = clock_->NowMs();
  std::map<std::string, NodeState> nodes;
  {
    std::lock_guard<std::mutex> lock(mu_);
    nodes = nodes_;
  }
  json out = json::array();
  for (const NodeConfig& n : config_->nodes) {
    if (!may_see(n.office_id)) continue;
    out.push_back(Describe(n, nodes[n.id], now));
  }
  return out;
}

std::string NodeRegistry::Gauges() const {
  const json nodes = List([](const std::string&) { return true; });
  std::string out =
      "# HELP hailong_hub_node_acked_seq Last sequence number the hub holds per node.\n"
      "# TYPE hailong_hub_node_acked_seq gauge\n";
  for (const auto& n : nodes) {
    out += "hailong_hub_node_acked_seq{node=\"" + LabelValue(n["id"].get<std::string>()) + "\"} " +
           std::to_string(n["acked_seq"].get<uint64_t>()) + "\n";
  }
  out +=
      "# HELP hailong_hub_node_lag_seconds Replication lag per node.\n"
      "# TYPE hailong_hub_node_lag_seconds gauge\n";
  for (const auto& n : nodes) {
    out += "hailong_hub_node_lag_seconds{node=\"" + LabelValue(n["id"].get<std::string>()) +
           "\"} " + std::to_string(n["lag_seconds"].get<double>()) + "\n";
  }
  out +=
      "# HELP hailong_hub_node_lagging 1 when a node's lag passes lag_warning_s.\n"
      "# TYPE hailong_hub_node_lagging gauge\n";
  for (const auto& n : nodes) {
    out += "hailong_hub_node_lagging{node=\"" + LabelValue(n["id"].get<std::string>()) + "\"} " +
           (n["lagging"].get<bool>() ? "1" : "0") + "\n";
  }
  out +=
      "# HELP hailong_hub_node_clock_skew 1 when a node's clock is off by more than the limit.\n"
      "# TYPE hailong_hub_node_clock_skew gauge\n";
  for (const auto& n : nodes) {
    out += "hailong_hub_node_clock_skew{node=\"" + LabelValue(n["id"].get<std::string>()) + "\"} " +
           (n["clock_skew"].get<bool>() ? "1" : "0") + "\n";
  }
  return out;
}

}  // namespace hailong::hub
