#include "cluster.h"

#include "hailong/testing/http_client.h"
#include "hailong/testing/node_config.h"
#include "hailong/testing/programs.h"

namespace hailong::replication::testing {

using hailong::testing::HttpRequest;
using hailong::testing::HttpResponse;
using json = nlohmann::json;

Cluster::Cluster(const hailong::testing::TempDir& tmp, ClusterOptions options)
    : tmp_(tmp),
      options_(std::move(options)),
      token_(hailong::testing::RandomToken()),
      hub_dir_(tmp.Join(options_.name + "hub")),
      edge_dir_(tmp.Join(options_.name + "edge")),
      hub_(options_.name + "hub", hailong::testing::HubProgram(), tmp.path()),
      edge_(options_.name + "edge", hailong::testing::EdgeProgram(), tmp.path()) {
  tmp.WriteFile(options_.name + "edge.token", token_ + "\n");
}

Cluster::~Cluster() = default;  // the daemons are SIGKILLed

std::string Cluster::File(const std::string& name) const { return tmp_.Join(options_.name + name); }

Status Cluster::StartBroker() {
  hailong::testing::MosquittoOptions o;
  o.dir = File("broker");
  return hailong::testing::MosquittoBroker::Start(o, &broker_);
}

Status Cluster::StartHub() {
  json hub = hailong::testing::HubConfig(hub_dir_);
  hub["nodes"] =
      json::array({hailong::testing::HubNodeEntry(options_.node, options_.office, token_)});
  for (auto it = options_.hub_extra.begin(); it != options_.hub_extra.end(); ++it) {
    hub[it.key()] = it.value();
  }
  return hub_.Start(std::move(hub));
}

Status Cluster::StartEdge() {
  json edge = hailong::testing::EdgeConfig(options_.office, edge_dir_,
                                           broker_ ? broker_->url() : "tcp://127.0.0.1:1");
  // The ratings come as phone ratings (no kiosk to enroll), hundreds from
  // one address: no per-address or per-counter limit here.
  edge["phone_limit_per_address"] = 0;
  edge["phone_limit_per_counter"] = 0;
  edge["hub"] = hailong::testing::EdgeHubLink(edge_hub_url_.empty() ? hub_.url() : edge_hub_url_,
                                              options_.node, File("edge.token"));
  if (!edge_ca_file_.empty()) edge["hub"]["ca_file"] = edge_ca_file_;
  return edge_.Start(std::move(edge));
}

void Cluster::KillHub() { hub_.Kill(); }
void Cluster::KillEdge() { edge_.Kill(); }
void Cluster::StopEdge() { edge_.Stop(); }
void Cluster::StopHub() { hub_.Stop(); }

Status Cluster::HubAcked(uint64_t* acked) {
  HttpRequest req;
  req.target = "/api/v1/replication/cursor?origin=" + options_.node;
  req.headers = {{"Authorization", "Bearer " + token_}, {"X-Hailong-Origin", options_.node}};
  HttpResponse res;
  Status s = hailong::testing::SendHttp("127.0.0.1", hub_port(), req, &res);
  if (!s.ok()) return s;
  if (res.status != 200) return Status::Unavailable("cursor: HTTP " + std::to_string(res.status));
  json j = json::parse(res.body, nullptr, false);
  if (!j.is_object() || !j.contains("acked_seq")) return Status::Corruption("cursor: " + res.body);
  *acked = j["acked_seq"].get<uint64_t>();
  return Status::OK();
}

Status Cluster::EdgeStatus(json* status) {
  HttpResponse res;
  Status s = hailong::testing::HttpGet(edge_port(), "/api/v1/status", &res);
  if (!s.ok()) return s;
  if (res.status != 200) return Status::Unavailable("status: HTTP " + std::to_string(res.status));
  *status = json::parse(res.body, nullptr, false);
  return status->is_object() ? Status::OK() : Status::Corruption("status: " + res.body);
}

Status Cluster::PostRating(const std::string& id, uint64_t* seq) {
  json body = {{"id", id},
               {"counter", "q1"},
               {"template", "smiley-4"},
               {"answers", {{"level", "satisfied"}}},
               {"at", FormatRfc3339(Clock::System()->NowMs())},
               {"channel", "phone"}};
  HttpResponse res;
  Status s = hailong::testing::HttpPost(edge_port(), "/api/v1/ratings", body.dump(), &res);
  if (!s.ok()) return s;
  if (res.status != 200) {
    return Status::Unavailable("rating: HTTP " + std::to_string(res.status) + " " + res.body);
  }
  json j = json::parse(res.body, nullptr, false);
  if (!j.is_object() || !j.contains("seq")) return Status::Corruption("rating: " + res.body);
  *seq = j["seq"].get<uint64_t>();
  return Status::OK();
}

Status Cluster::PrefillEdgeLog(uint64_t n) {
  EventLogOptions o;
  o.origin = options_.node;
  std::unique_ptr<EventLog> log;
  Status s = EventLog::Open(o, edge_log_dir(), &log);
  if (!s.ok()) return s;
  const int64_t t0 = Clock::System()->NowMs() - 3600 * 1000;
  for (uint64_t i = 0; i < n; i += 4096) {
    std::vector<EventDraft> drafts;
    for (uint64_t j = i; j < std::min(n, i + 4096); ++j) {
      fb::RatingSubmittedT r;
      r.rating_id = "pre-" + std::to_string(j);
      r.office = options_.office;
      r.counter = "q" + std::to_string(j % 4 + 1);
      r.device = "box-" + std::to_string(j % 8 + 1);
      r.channel = fb::Channel::ButtonBox;
      r.template_id = "smiley-4";
      r.template_version = 1;
      auto a = std::make_unique<fb::AnswerT>();
      a->criterion = "level";
      a->option = j % 7 == 0 ? "unsatisfied" : "very_satisfied";
      r.answers.push_back(std::move(a));
      r.classification =
          j % 7 == 0 ? fb::Classification::Unsatisfied : fb::Classification::Satisfied;
      r.device_time_ms = t0 + static_cast<int64_t>(j);
      r.edge_time_ms = r.device_time_ms;
      EventDraft d;
      d.idempotency_id = r.device + ":" + r.rating_id;
      d.time_ms = r.edge_time_ms;
      d.body.Set(std::move(r));
      drafts.push_back(std::move(d));
    }
    std::vector<AppendResult> results;
    s = log->AppendBatch(std::move(drafts), &results);
    if (!s.ok()) return s;
  }
  return Status::OK();
}

std::string Cluster::Logs() {
  return "--- hub ---\n" + hub_.LogTail(3000) + "\n--- edge ---\n" + edge_.LogTail(3000);
}

Status ReadWholeLog(const std::string& dir, const std::string& origin,
                    std::vector<StoredEvent>* events) {
  EventLogOptions o;
  o.origin = "test-reader";
  std::unique_ptr<EventLog> log;
  Status s = EventLog::Open(o, dir, &log);
  if (!s.ok()) return s;
  VerifyResult vr;
  s = log->Verify(origin, &vr);
  if (!s.ok()) return s;
  return log->Read(origin, 1, SIZE_MAX, SIZE_MAX, events);
}

}  // namespace hailong::replication::testing
