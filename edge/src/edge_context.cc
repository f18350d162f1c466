// EdgeNode::Context (edge_context.h): appends applied in log order, other
// origins' events caught up with, and the gauges of /metrics and
// /api/v1/status.
#include "edge_context.h"

#include <iostream>

namespace hailong::edge {

Status EdgeNode::Context::AppendAndApply(replication::EventDraft draft,
                                         replication::AppendResult* result) {
  OfficeChange change;
  {
    std::lock_guard<std::mutex> lock(write_mu);
    replication::AppendResult r;
    Status s = log->Append(std::move(draft), &r);
    if (!s.ok()) return s;
    change = office.Apply(r);
    if (result != nullptr) *result = std::move(r);
  }
  Announce(change);
  return Status::OK();
}

void EdgeNode::Context::Announce(const OfficeChange& change) {
  if (change.catalogue) {
    PublishAllSessions();
  } else if (!change.counter.empty()) {
    PublishSession(change.counter);
  }
}

void EdgeNode::Context::CatchUp(const std::string& origin) {
  bool catalogue_changed = false;
  {
    std::lock_guard<std::mutex> lock(projector_mu);
    uint64_t& applied_seq = applied[origin];
    Status s = log->Scan(origin, applied_seq + 1,
                         [&](uint64_t seq, std::string_view, const fb::Event& event) {
                           catalogue_changed |= office.Apply(origin, event).catalogue;
                           applied_seq = seq;
                           return true;
                         });
    if (!s.ok()) {
      std::cerr << "hailong-edge: reading events of origin " << origin << ": " << s.ToString()
                << "\n";
    }
  }
  if (catalogue_changed) Announce(OfficeChange{true, ""});
}

ReplicationState EdgeNode::Context::Replication() const {
  return replication ? replication->state() : ReplicationState{};
}

EdgeGauges EdgeNode::Context::Gauges() const {
  EdgeGauges g;
  g.log_seq = log->Head(log->origin()).seq;
  ReplicationState r = Replication();
  g.replicated_seq = r.replicated_seq;
  g.hub_reachable = r.hub_reachable;
  g.mqtt_connected = mqtt && mqtt->connected();
  g.mqtt_publish_errors = mqtt ? mqtt->publish_errors() : 0;
  g.ingest_queue_depth = intake ? intake->depth() : 0;
  g.free_disk_bytes = log->FreeDiskBytes();
  g.http_connections = http ? http->connections() : 0;
  g.devices_online = office.devices.OnlineCount();
  return g;
}

}  // namespace hailong::edge
