#include "node_processes.h"

#include <sodium.h>

#include <chrono>
#include <filesystem>

#include "hailong/replication/event_log.h"
#include "hailong/replication/shipper.h"
#include "hailong/schema/event.h"
#include "hailong/testing/ports.h"
#include "hailong/testing/wait.h"

namespace hailong::ops::testing {

using json = nlohmann::json;
namespace ht = hailong::testing;

namespace {

std::string PasswordHash(const std::string& password) {
  if (sodium_init() < 0) return "";
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return "";
  }
  return out;
}

Status StartProcess(const std::vector<std::string>& argv, const std::string& log_file,
                    uint16_t port, std::unique_ptr<ht::Process>* out,
                    const std::vector<std::string>& env = {}) {
  ht::ProcessOptions po;
  po.argv = argv;
  po.env = env;
  po.log_file = log_file;
  Status s = ht::Process::Start(po, out);
  if (!s.ok()) return s;
  s = ht::WaitForHttpOk("127.0.0.1", port, "/healthz", std::chrono::seconds(30));
  if (!s.ok()) return Status::Unavailable(s.message() + "\n" + (*out)->LogTail());
  return Status::OK();
}

}  // namespace

HubNode::HubNode() : dir_("hailongctl-hub") {}

HubNode::~HubNode() { Stop(); }

Status HubNode::Start(const json& extra, const std::vector<std::string>& env) {
  if (port_ == 0) port_ = ht::FreeTcpPort();
  dir_.WriteFile("node.token", std::string(kNodeToken) + "\n");
  dir_.WriteFile("admin.password", std::string(kAdminPassword) + "\n");
  dir_.WriteFile("web/index.html", "<!doctype html><title>Hài Lòng</title>\n");
  json config = {{"data_dir", data_dir()},
                 {"http", {{"listen", "127.0.0.1:" + std::to_string(port_)}}},
                 {"web_root", dir_.Join("web")},
                 {"nodes",
                  {{{"id", kNodeId},
                    {"office_id", kNodeOffice},
                    {"token_sha256", schema::HexEncode(schema::Sha256(kNodeToken))}}}},
                 {"users",
                  {{{"name", kAdmin},
                    {"role", "admin"},
                    {"offices", {"*"}},
                    {"password_hash", PasswordHash(kAdminPassword)}},
                   {{"name", kManager},
                    {"role", "manager"},
                    {"offices", {kNodeOffice}},
                    {"password_hash", PasswordHash(kAdminPassword)}}}}};
  for (auto it = extra.begin(); it != extra.end(); ++it) config[it.key()] = *it;
  const std::string path = dir_.WriteFile("hub.json", config.dump(2));
  return StartProcess({HAILONG_HUB_BIN, "--config", path}, dir_.Join("hub.log"), port_, &process_,
                      env);
}

void HubNode::Stop() {
  if (process_) process_->Stop();
  process_.reset();
}

ht::HttpResponse HubNode::Push(const std::string& origin, const std::vector<std::string>& events) {
  ht::HttpRequest req;
  req.method = "POST";
  req.target = "/api/v1/replication/push";
  req.content_type = "application/octet-stream";
  for (const auto& e : events) replication::AppendFrame(&req.body, e);
  req.headers = {{"Authorization", std::string("Bearer ") + kNodeToken},
                 {"X-Hailong-Origin", origin}};
  ht::HttpResponse res;
  Status s = ht::SendHttp("127.0.0.1", port_, req, &res, std::chrono::seconds(30));
  if (!s.ok()) res.status = -1;
  return res;
}

EdgeNode::EdgeNode() : dir_("hailongctl-edge") {}

EdgeNode::~EdgeNode() { Stop(); }

Status EdgeNode::Start(const std::string& office, const json& extra) {
  if (!broker_) {
    ht::MosquittoOptions mo;
    mo.dir = dir_.Join("broker");
    std::filesystem::create_directories(mo.dir);
    Status s = ht::MosquittoBroker::Start(mo, &broker_);
    if (!s.ok()) return s;
  }
  if (port_ == 0) port_ = ht::FreeTcpPort();
  json config = {{"office_id", office},
                 {"data_dir", data_dir()},
                 {"mqtt", {{"url", broker_->url()}}},
                 {"http", {{"listen", "127.0.0.1:" + std::to_string(port_)}}},
                 {"min_free_mb", 0}};
  for (auto it = extra.begin(); it != extra.end(); ++it) config[it.key()] = *it;
  const std::string path = dir_.WriteFile("edge.json", config.dump(2));
  return StartProcess({HAILONG_EDGE_BIN, "--config", path}, dir_.Join("edge.log"), port_,
                      &process_);
}

int EdgeNode::Stop() {
  int code = 0;
  if (process_) code = process_->Stop();
  process_.reset();
  return code;
}

Status ReadOrigin(const std::string& dir, const std::string& origin,
                  std::vector<std::string>* events) {
  replication::EventLogOptions options;
  options.origin = "test-reader";
  options.store.create_if_missing = false;
  std::unique_ptr<replication::EventLog> log;
  Status s = replication::EventLog::Open(options, dir, &log);
  if (!s.ok()) return s;
  std::vector<replication::StoredEvent> stored;
  s = log->Read(origin, 1, 1u << 30, 1u << 30, &stored);
  if (!s.ok() && !s.IsNotFound()) return s;
  for (auto& e : stored) events->push_back(std::move(e.bytes));
  return Status::OK();
}

}  // namespace hailong::ops::testing
