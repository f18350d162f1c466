#include "hailong/hub/hub.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "alerts.h"
#include "api.h"
#include "audit.h"
#include "erasure.h"
#include "hailong/hub/auth.h"
#include "hailong/hub/http_server.h"
#include "hailong/replication/origin_names.h"
#include "live_updates.h"
#include "metrics.h"
#include "node_registry.h"
#include "officer_pins.h"
#include "personal_keys.h"
#include "province_origins.h"
#include "upstream.h"

namespace hailong::hub {

struct Hub::Impl {
  HubConfig config;
  std::unique_ptr<replication::EventLog> log;
  std::unique_ptr<Projector> projector;
  std::unique_ptr<Auth> auth;
  std::unique_ptr<NodeRegistry> nodes;
  std::unique_ptr<AuditLog> audit;
  std::unique_ptr<Alerts> alerts;
  std::unique_ptr<OfficerPins> pins;
  std::unique_ptr<PersonalKeys> keys;
  std::unique_ptr<Eraser> eraser;                  // after keys: stops before they close
  std::unique_ptr<ProvinceOrigins> province;       // a province hub's district origins
  std::unique_ptr<replication::Shipper> upstream;  // a district hub's shipping up
  Metrics metrics;
  std::unique_ptr<LiveUpdates> live;
  HubContext context;
  std::unique_ptr<Api> api;
  std::unique_ptr<HttpServer> server;
  bool started = false;
};

std::string WebRoot(const HubConfig& config) {
  if (!config.web_root.empty()) return config.web_root;
  if (const char* env = std::getenv("HAILONG_HUB_WEB_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  return HAILONG_HUB_WEB_DIR;
}

Hub::Hub(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Hub::~Hub() { Stop(); }

Status Hub::Open(const HubConfig& config, std::unique_ptr<Hub>* out) {
  namespace fs = std::filesystem;
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  std::error_code ec;
  fs::create_directories(fs::path(config.data_dir) / "tmp", ec);
  if (ec) return Status::IOError("cannot create " + config.data_dir + ": " + ec.message());
  replication::EventLogOptions options;
  options.origin = kHubOrigin;
  options.extra_origins = {kHubPrivateOrigin};
  Status s = replication::EventLog::Open(options, (fs::path(config.data_dir) / "log").string(),
                                         &impl->log);
  if (!s.ok()) return s;
  ProjectorOptions popts;
  popts.log = impl->log.get();
  for (const NodeConfig& n : impl->config.nodes) {
    if (!n.IsDistrictHub()) popts.origin_office[n.id] = n.office_id;
    if (n.IsDistrictHub()) {
      popts.district_hubs[replication::AliasedOrigin(n.id, kHubOrigin)] = {n.id, n.offices};
    }
  }
  impl->province = std::make_unique<ProvinceOrigins>(&impl->config, impl->log->store());
  s = impl->province->Load();
  if (!s.ok()) return s;
  if (impl->config.HasDistricts()) {
    ProvinceOrigins* province = impl->province.get();
    popts.learnt_origin = [province](const std::string& origin, std::string* office) {
      return province->LearntOrigin(origin, office);
    };
    popts.open_follow_ups = false;  // the district hubs follow up their citizens
  }
  s = Projector::Open(popts, &impl->projector);
  if (!s.ok()) return s;
  const Clock* clock = Clock::System();
  impl->auth = std::make_unique<Auth>(&impl->config, impl->log->store(), clock);
  impl->nodes = std::make_unique<NodeRegistry>(&impl->config, impl->log.get(), clock);
  impl->audit = std::make_unique<AuditLog>(impl->log->store(), clock);
  impl->alerts = std::make_unique<Alerts>(&impl->config, clock, impl->log.get(), impl->nodes.get(),
                                          &impl->metrics, impl->audit.get());
  s = PersonalKeys::Open(config.data_dir, config.personal_data_key_file, clock, &impl->keys);
  if (!s.ok()) return s;
  impl->alerts->SetPersonalKeys(impl->keys.get());
  s = impl->alerts->Load();
  if (!s.ok()) return s;
  impl->pins = std::make_unique<OfficerPins>(impl->log.get());
  s = impl->pins->Load();
  if (!s.ok()) return s;
  impl->eraser = std::make_unique<Eraser>(impl->log.get(), impl->keys.get(), clock);
  std::fprintf(stderr, "hailong-hub: personal data public key %s (secret in %s)\n",
               replication::personal::PublicKeyHex(impl->keys->secrets().public_key()).c_str(),
               config.personal_data_key_file.c_str());
  HubContext& c = impl->context;
  c.config = &impl->config;
  c.clock = clock;
  c.log = impl->log.get();
  c.projector = impl->projector.get();
  c.auth = impl->auth.get();
  c.nodes = impl->nodes.get();
  c.metrics = &impl->metrics;
  c.audit = impl->audit.get();
  c.alerts = impl->alerts.get();
  c.pins = impl->pins.get();
  c.keys = impl->keys.get();
  c.eraser = impl->eraser.get();
  c.province = impl->province.get();
  c.web_root = WebRoot(impl->config);
  c.survey_web_root = HAILONG_SURVEY_WEB_DIR;
  c.tmp_dir = (fs::path(config.data_dir) / "tmp").string();
  out->reset(new Hub(std::move(impl)));
  return Status::OK();
}

Status Hub::Start() {
  Impl& m = *impl_;
  if (m.started) return Status::OK();
  Auth* auth = m.auth.get();
  m.live = std::make_unique<LiveUpdates>(
      [auth](const std::string& session_hash) { return auth->SessionAlive(session_hash); });
  m.context.live = m.live.get();
  m.api = std::make_unique<Api>(&m.context);
  LiveUpdates* live = m.live.get();
  Alerts* alerts = m.alerts.get();
  alerts->Start(live);
  m.projector->Start([live, alerts](const AppliedBatch& batch) {
    live->Publish(batch);
    alerts->OnApplied(batch);
  });
  HttpServerOptions o;
  o.host = m.config.http.host;
  o.port = m.config.http.port;
  o.io_threads = m.config.http.threads;
  o.worker_threads = m.config.http.workers;
  o.max_connections = m.config.http.max_connections;
  o.request_timeout = std::chrono::seconds(m.config.http.request_timeout_s);
  o.idle_timeout = std::chrono::seconds(m.config.http.idle_timeout_s);
  o.server_name = "hailong-hub";
  Api* api = m.api.get();
  o.admit = [api](HttpRequest& header, const ClientInfo& peer) { return api->Admit(header, peer); };
  Status s = HttpServer::Start(
      o, [api](HttpRequest& req, const ClientInfo& client) { return api->Handle(req, client); },
      &m.server);
  if (!s.ok()) {
    m.projector->Stop();
    m.alerts->Stop();
    m.live->Stop();
    return s;
  }
  m.context.server.store(m.server.get());
  m.eraser->StartRetention(m.config.personal_data_days, m.config.personal_data_sweep_s);
  if (m.config.upstream.enabled()) {
    s = StartUpstream(m.config, m.log.get(), &m.upstream);
    if (!s.ok()) {
      m.context.server.store(nullptr);
      m.server->Stop();
      m.projector->Stop();
      m.alerts->Stop();
      m.live->Stop();
      m.eraser->Stop();
      return s;
    }
  }
  m.started = true;
  return Status::OK();
}

uint16_t Hub::port() const { return impl_->server ? impl_->server->port() : 0; }

void Hub::Stop() {
  Impl& m = *impl_;
  if (!m.started) return;
  m.started = false;
  if (m.upstream) m.upstream->Stop();
  if (m.live) m.live->Stop();
  if (m.server) m.server->Stop();
  m.context.server.store(nullptr);
  m.projector->Stop();
  m.alerts->Stop();
  m.eraser->Stop();
}

Status Hub::Rebuild(RebuildStats* stats) {
  if (impl_->started) return Status::InvalidArgument("stop the hub before a rebuild");
  const auto start = std::chrono::steady_clock::now();
  const uint64_t before = impl_->projector->stats().events_applied;
  Status s = impl_->projector->Rebuild();
  if (!s.ok()) return s;
  stats->events = impl_->projector->stats().events_applied - before;
  stats->origins = impl_->log->Origins().size();
  stats->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return Status::OK();
}

replication::EventLog* Hub::log() { return impl_->log.get(); }
Projector* Hub::projector() { return impl_->projector.get(); }
const HubConfig& Hub::config() const { return impl_->config; }

}  // namespace hailong::hub
