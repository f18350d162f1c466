#include "node_processes.h"

#include <chrono>

#include "hailong/replication/shipper.h"
#include "hailong/testing/event_logs.h"
#include "hailong/testing/node_config.h"
#include "hailong/testing/programs.h"

namespace hailong::ops::testing {

using json = nlohmann::json;
namespace ht = hailong::testing;

HubNode::HubNode() : dir_("hailongctl-hub"), daemon_("hub", ht::HubProgram(), dir_.path()) {}

HubNode::~HubNode() { Stop(); }

Status HubNode::Start(const json& extra, const std::vector<std::string>& env) {
  dir_.WriteFile("node.token", std::string(kNodeToken) + "\n");
  dir_.WriteFile("admin.password", std::string(kAdminPassword) + "\n");
  dir_.WriteFile("web/index.html", "<!doctype html><title>Hài Lòng</title>\n");
  const std::string hash = ht::PasswordHash(kAdminPassword);
  json config = ht::HubConfig(data_dir());
  config["web_root"] = dir_.Join("web");
  config["nodes"] = json::array({ht::HubNodeEntry(kNodeId, kNodeOffice, kNodeToken)});
  config["users"] = json::array({ht::HubUserEntry(kAdmin, "admin", {"*"}, hash),
                                 ht::HubUserEntry(kManager, "manager", {kNodeOffice}, hash)});
  for (auto it = extra.begin(); it != extra.end(); ++it) config[it.key()] = *it;
  daemon_.set_env(env);
  return daemon_.Start(std::move(config));
}

void HubNode::Stop() { daemon_.Stop(); }

ht::HttpResponse HubNode::Push(const std::string& origin, const std::vector<std::string>& events) {
  ht::HttpRequest req;
  req.method = "POST";
  req.target = "/api/v1/replication/push";
  req.content_type = "application/octet-stream";
  for (const auto& e : events) replication::AppendFrame(&req.body, e);
  req.headers = {{"Authorization", std::string("Bearer ") + kNodeToken},
                 {"X-Hailong-Origin", origin}};
  return daemon_.Send(req, std::chrono::seconds(30));
}

EdgeNode::EdgeNode() : dir_("hailongctl-edge"), daemon_("edge", ht::EdgeProgram(), dir_.path()) {}

EdgeNode::~EdgeNode() { Stop(); }

Status EdgeNode::Start(const std::string& office, const json& extra) {
  if (!broker_) {
    ht::MosquittoOptions mo;
    mo.dir = dir_.Join("broker");
    Status s = ht::MosquittoBroker::Start(mo, &broker_);
    if (!s.ok()) return s;
  }
  json config = ht::EdgeConfig(office, data_dir(), broker_->url());
  for (auto it = extra.begin(); it != extra.end(); ++it) config[it.key()] = *it;
  return daemon_.Start(std::move(config));
}

int EdgeNode::Stop() {
  if (!daemon_.started()) return 0;
  return daemon_.Stop();
}

Status ReadOrigin(const std::string& dir, const std::string& origin,
                  std::vector<std::string>* events) {
  std::vector<replication::StoredEvent> stored;
  Status s = ht::ReadOrigin(dir, origin, &stored);
  if (!s.ok()) return s;
  for (auto& e : stored) events->push_back(std::move(e.bytes));
  return Status::OK();
}

}  // namespace hailong::ops::testing
