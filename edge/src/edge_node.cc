// EdgeNode: start-up (log, replay of other origins' events into the office
// state, catalogue file, intake, broker, hub and HTTP links, in that order)
// and shutdown. The MQTT side is device_link.cc, the HTTP API edge_api.cc.
#include "hailong/edge/edge_node.h"

#include <boost/asio/post.hpp>
#include <filesystem>
#include <iostream>

#include "catalogue_file.h"
#include "device_link.h"
#include "edge_api.h"
#include "edge_context.h"
#include "hailong/schema/event.h"
#include "hailong/schema/time.h"

#ifndef HAILONG_EDGE_WEB_DIR_DEFAULT
#define HAILONG_EDGE_WEB_DIR_DEFAULT ""
#endif

namespace hailong::edge {

namespace fs = std::filesystem;

namespace {

std::string ResolveWebRoot(const EdgeConfig& config, const EdgeNodeOptions& options) {
  if (!config.web_root.empty()) return config.web_root;
  if (const char* env = std::getenv("HAILONG_EDGE_WEB_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  if (!options.default_web_root.empty()) return options.default_web_root;
  return HAILONG_EDGE_WEB_DIR_DEFAULT;
}

}  // namespace

EdgeNode::EdgeNode(std::unique_ptr<Context> ctx) : ctx_(std::move(ctx)) {}

EdgeNode::~EdgeNode() { Stop(); }

uint16_t EdgeNode::http_port() const { return ctx_->http ? ctx_->http->port() : 0; }

Status EdgeNode::Start(const EdgeConfig& config, const EdgeNodeOptions& options,
                       std::unique_ptr<EdgeNode>* out) {
  const Clock* clock = options.clock ? options.clock : Clock::System();
  devices::MisuseOptions misuse_options;
  misuse_options.min_interval_ms = config.misuse_interval_ms;
  auto ctx = std::make_unique<Context>(config, clock, misuse_options);
  std::unique_ptr<EdgeNode> node(new EdgeNode(std::move(ctx)));
  Context* c = node->ctx_.get();
  c->started_ms = clock->NowMs();
  c->web_root = ResolveWebRoot(config, options);
  c->public_url = config.public_url.empty()
                      ? "http://" + config.http.host + ":" + std::to_string(config.http.port)
                      : config.public_url;

  std::error_code ec;
  fs::create_directories(config.data_dir, ec);
  if (ec) return Status::IOError("data_dir " + config.data_dir + ": " + ec.message());

  replication::EventLogOptions log_options;
  log_options.origin = config.Origin();
  log_options.min_free_bytes = config.min_free_mb << 20;
  log_options.clock = clock;
  log_options.max_group_events = static_cast<size_t>(config.ingest_batch);
  Status s = replication::EventLog::Open(log_options, config.data_dir + "/log", &c->log);
  if (!s.ok()) return s;
  s = c->pins.Open(c->log->store(), config.officer_pins_file);
  if (!s.ok()) return s;
  s = KioskRegistry::Open(config.data_dir + "/kiosks.json", clock, &c->kiosks);
  if (!s.ok()) return s;
  c->blocking = std::make_unique<boost::asio::thread_pool>(4);
  c->status_strand = std::make_unique<Context::Strand>(c->blocking->get_executor());

  // Other origins' events (the hub's configuration) are applied as they come.
  c->listener_id = c->log->AddListener([c](std::string_view origin, uint64_t) {
    if (origin == c->log->origin()) return;
    boost::asio::post(*c->blocking, [c, o = std::string(origin)] { c->CatchUp(o); });
  });
  for (const std::string& origin : c->log->Origins()) c->CatchUp(origin);
  {
    std::lock_guard<std::mutex> lock(c->projector_mu);
    c->applied.erase(c->log->origin());  // own events are applied as appended
  }

  if (!config.catalogue_file.empty()) {
    CatalogueFile file;
    s = LoadCatalogueFile(config.catalogue_file, config.office_id, &file);
    if (!s.ok()) return s;
    std::vector<fb::EventBodyUnion> bodies;
    s = CatalogueDelta(file, c->office.catalogue, &bodies);
    if (!s.ok()) return Status::InvalidArgument(s.message());
    for (auto& body : bodies) {
      replication::EventDraft draft;
      draft.body = std::move(body);
      s = c->AppendAndApply(std::move(draft), nullptr);
      if (!s.ok()) return s;
    }
    if (!bodies.empty()) {
      std::cerr << "hailong-edge: catalogue file applied: " << bodies.size()
                << " change(s) recorded\n";
    }
  }

  s = PersonalSealer::Open(config.data_dir, config.personal_data_public_key, &c->sealer);
  if (!s.ok()) return s;

  RatingIntakeOptions intake_options;
  intake_options.office_id = config.office_id;
  intake_options.threads = config.ingest_threads;
  intake_options.batch = static_cast<size_t>(config.ingest_batch);
  intake_options.queue_capacity = static_cast<size_t>(config.ingest_queue);
  intake_options.parse.rules.max_future_skew_ms = config.max_clock_skew_s * 1000;
  RatingIntakeDeps deps;
  deps.log = c->log.get();
  deps.office = &c->office;
  deps.client_misuse = &c->client_misuse;
  deps.metrics = &c->metrics;
  deps.clock = clock;
  deps.sealer = c->sealer.get();
  deps.on_dossier_used = [c](const std::string& counter) { c->PublishSession(counter); };
  c->intake = std::make_unique<RatingIntake>(intake_options, deps);
  c->intake->Start();

  // The broker and hub links exist before HTTP serves: handlers read
  // c->mqtt and c->replication (found by ThreadSanitizer).
  s = StartDeviceLink(c);
  if (!s.ok()) return s;

  if (config.hub) {
    ReplicationLinkFactory factory =
        options.replication_factory ? options.replication_factory : StartShipperLink;
    HubSideFetches fetches(1);
    fetches[0].target = [c] { return c->pins.FetchTarget(); };
    fetches[0].on_answer = [c](int code, const std::string& body) {
      return c->pins.OnFetched(code, body, c->clock->NowMs());
    };
    s = factory(config, c->log.get(), fetches, &c->replication);
    if (!s.ok()) return s;
    s = PersonalKeyLink::Start(config, c->sealer.get(), &c->key_link);
    if (!s.ok()) return s;
  }

  HttpServerOptions http_options;
  http_options.host = config.http.host;
  http_options.port = config.http.port;
  http_options.threads = config.http.threads;
  http_options.max_connections = config.http.max_connections;
  http_options.request_timeout_s = config.http.request_timeout_s;
  http_options.idle_timeout_s = config.http.idle_timeout_s;
  http_options.on_response = [c](int status) { c->metrics.CountHttp(status); };
  s = HttpServer::Start(
      http_options,
      [c](HttpRequest request, HttpResponder respond) {
        HandleHttp(c, std::move(request), std::move(respond));
      },
      &c->http);
  if (!s.ok()) return s;
  if (config.http.port == 0) {
    c->public_url = config.public_url.empty()
                        ? "http://" + config.http.host + ":" + std::to_string(c->http->port())
                        : config.public_url;
  }

  std::cerr << "hailong-edge: office " << config.office_id << " (origin " << c->log->origin()
            << "), log at seq " << c->log->Head(c->log->origin()).seq << ", HTTP on "
            << config.http.host << ":" << c->http->port() << ", broker " << config.mqtt.url
            << (config.hub ? ", hub " + config.hub->url : std::string(", no hub")) << "\n";
  *out = std::move(node);
  return Status::OK();
}

void EdgeNode::Stop() {
  Context* c = ctx_.get();
  if (c == nullptr || c->stopped) return;
  c->stopped = true;
  if (c->http) c->http->StopAccepting();
  // Queued ratings are stored and answered while the broker link is still up.
  if (c->intake) c->intake->Stop();
  if (c->mqtt) {
    c->mqtt->Publish(EdgeStatusTopic(c->config.office_id), "offline", 1, true);
    c->mqtt->Stop();
  }
  if (c->log && c->listener_id != 0) c->log->RemoveListener(c->listener_id);
  if (c->blocking) c->blocking->join();
  if (c->http) c->http->Stop();
  if (c->replication) c->replication->Stop();
  c->replication.reset();
  c->key_link.reset();
  c->http.reset();
  c->mqtt.reset();
  c->intake.reset();
  c->sealer.reset();
  c->log.reset();
}

}  // namespace hailong::edge
