// EdgeNode: start-up, replay of the log into the office state, the MQTT
// side (ratings in, acks and retained counter sessions out), shutdown.
#include "hailong/edge/edge_node.h"

#include <boost/asio/post.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "catalogue_file.h"
#include "edge_context.h"
#include "hailong/devices/payload.h"
#include "hailong/schema/event.h"
#include "hailong/schema/time.h"

#ifndef HAILONG_EDGE_WEB_DIR_DEFAULT
#define HAILONG_EDGE_WEB_DIR_DEFAULT ""
#endif

namespace hailong::edge {

namespace fs = std::filesystem;
using nlohmann::json;

// ---- applying events --------------------------------------------------------

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

// ---- counter sessions ---------------------------------------------------------

namespace {

bool IsUrl(std::string_view s) {
  return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0 || s.rfind("/", 0) == 0;
}

}  // namespace

json EdgeNode::Context::SessionJson(const std::string& counter) const {
  json out;
  out["counter"] = counter;
  out["name"] = office.catalogue.Name(fb::CatalogueKind::Counter, counter);
  auto duty = office.sessions.Current(counter);
  if (duty && !duty->officer.empty()) {
    json officer;
    officer["id"] = duty->officer;
    std::string name = duty->officer_name;
    auto entry = office.catalogue.Find(fb::CatalogueKind::Officer, duty->officer);
    if (name.empty() && entry) name = entry->name;
    officer["name"] = name.empty() ? duty->officer : name;
    std::string photo = entry ? entry->Attribute("photo") : std::string();
    if (IsUrl(photo)) {
      officer["photo_url"] = photo;
    } else if (!OfficerPhotoFile(*this, duty->officer).empty()) {
      officer["photo_url"] = "/api/v1/officers/" + duty->officer + "/photo";
    } else {
      officer["photo_url"] = nullptr;
    }
    out["officer"] = officer;
  } else {
    out["officer"] = nullptr;
  }
  std::string template_id;
  if (duty && !duty->template_id.empty() && office.catalogue.templates().Find(duty->template_id)) {
    template_id = duty->template_id;
  } else {
    template_id = office.catalogue.CounterTemplate(counter);
  }
  auto tpl = office.catalogue.templates().Find(template_id);
  out["template"] = tpl ? survey::TemplateToJson(*tpl) : json(nullptr);
  auto dossier = office.sessions.Dossier(counter, clock->NowMs());
  if (dossier) {
    out["dossier"] = {{"receipt", dossier->receipt},
                      {"procedure", dossier->procedure},
                      {"field", dossier->field}};
  } else {
    out["dossier"] = nullptr;
  }
  return out;
}

void EdgeNode::Context::PublishSession(const std::string& counter) {
  if (!mqtt || !mqtt->connected()) return;
  mqtt->Publish(devices::SessionTopic(config.office_id, counter), SessionJson(counter).dump(), 1,
                true);
}

std::vector<std::string> EdgeNode::Context::KnownCounters() const {
  std::vector<std::string> out;
  if (office.catalogue.HasCounters()) {
    for (const auto& e : office.catalogue.List(fb::CatalogueKind::Counter)) out.push_back(e.id);
    return out;
  }
  return office.sessions.Counters();
}

void EdgeNode::Context::PublishAllSessions() {
  for (const auto& counter : KnownCounters()) PublishSession(counter);
}

// ---- gauges -------------------------------------------------------------------

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

// ---- device status ------------------------------------------------------------

void EdgeNode::Context::HandleDeviceStatus(const std::string& device, const std::string& payload) {
  DeviceStatusReport report;
  if (!ParseDeviceStatus(payload, &report)) return;
  office.devices.Touch(device, clock->NowMs());
  // Only changes are recorded: online/offline, and every new battery level,
  // firmware, counter or kind a device reports.
  if (!office.devices.ReportChanges(device, report)) return;
  replication::EventDraft draft;
  if (report.online) {
    fb::DeviceSeenT seen;
    seen.office = config.office_id;
    seen.device = device;
    seen.counter = report.counter;
    seen.kind = report.kind;
    seen.firmware = report.firmware;
    seen.battery_pct = static_cast<int8_t>(report.battery_pct);
    draft.body.Set(std::move(seen));
  } else {
    fb::DeviceLostT lost;
    lost.office = config.office_id;
    lost.device = device;
    draft.body.Set(std::move(lost));
  }
  Status s = AppendAndApply(std::move(draft), nullptr);
  if (s.ok()) {
    ++metrics.device_events;
  } else {
    std::cerr << "hailong-edge: device " << device << (report.online ? " online" : " offline")
              << " not recorded: " << s.ToString() << "\n";
  }
}

// ---- start and stop -------------------------------------------------------------

namespace {

std::string ResolveWebRoot(const EdgeConfig& config, const EdgeNodeOptions& options) {
  if (!config.web_root.empty()) return config.web_root;
  if (const char* env = std::getenv("HAILONG_EDGE_WEB_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  if (!options.default_web_root.empty()) return options.default_web_root;
  return HAILONG_EDGE_WEB_DIR_DEFAULT;
}

Status ReadSecretFile(const std::string& key, const std::string& path, std::string* out) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) {
    return Status::InvalidArgument("\"" + key + "\": cannot read " + path);
  }
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  *out = line;
  return Status::OK();
}

void AnswerDevice(EdgeNode::Context* ctx, const std::string& device, const RatingOutcome& out) {
  std::string ack;
  switch (out.kind) {
    case RatingOutcome::Kind::kStored:
      ack = devices::StoredAckJson(out.id.value_or(""), out.seq);
      break;
    case RatingOutcome::Kind::kRejected:
      ack = devices::RejectedAckJson(out.id, out.error);
      break;
    case RatingOutcome::Kind::kStorageFull:
      ack = devices::RejectedAckJson(out.id, "storage full");
      break;
    case RatingOutcome::Kind::kError:
      return;  // no answer: the device resends, with the same id
  }
  if (ctx->mqtt && ctx->mqtt->Publish(devices::AckTopic(ctx->config.office_id, device),
                                      std::move(ack), 1, false)) {
    ++ctx->metrics.mqtt_acks_published;
  }
}

void OnMqttMessage(EdgeNode::Context* ctx, const std::string& topic, std::string payload) {
  ++ctx->metrics.mqtt_messages;
  devices::DeviceTopic t;
  if (!devices::ParseTopic(topic, &t).ok() || t.office != ctx->config.office_id) return;
  if (t.kind == devices::TopicKind::kStatus) {
    // Off Paho's receive thread (the append waits for an fsync), in order.
    boost::asio::post(*ctx->status_strand, [ctx, device = t.device, p = std::move(payload)] {
      ctx->HandleDeviceStatus(device, p);
    });
    return;
  }
  if (t.kind != devices::TopicKind::kRating) return;
  RatingSubmission sub;
  sub.payload = std::move(payload);
  sub.device = t.device;
  sub.channel = fb::Channel::ButtonBox;
  sub.from_mqtt = true;
  sub.done = [ctx, device = t.device](const RatingOutcome& out) { AnswerDevice(ctx, device, out); };
  ctx->intake->Submit(std::move(sub));
}

std::string EdgeStatusTopic(const std::string& office) {
  return std::string(devices::kTopicRoot) + office + "/edge/status";
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
  MqttLinkOptions mqtt_options;
  mqtt_options.url = config.mqtt.url;
  mqtt_options.client_id = config.mqtt.client_id;
  mqtt_options.username = config.mqtt.username;
  if (!config.mqtt.password_file.empty()) {
    s = ReadSecretFile("mqtt.password_file", config.mqtt.password_file, &mqtt_options.password);
    if (!s.ok()) return s;
  }
  mqtt_options.keepalive_s = config.mqtt.keepalive_s;
  mqtt_options.ca_file = config.mqtt.ca_file;
  if (!mqtt_options.ca_file.empty() && !std::ifstream(mqtt_options.ca_file)) {
    return Status::InvalidArgument("\"mqtt.ca_file\": cannot read " + mqtt_options.ca_file);
  }
  mqtt_options.subscriptions = {devices::RatingSubscription(config.office_id),
                                devices::StatusSubscription(config.office_id)};
  mqtt_options.will_topic = EdgeStatusTopic(config.office_id);
  mqtt_options.will_payload = "offline";
  s = MqttLink::Start(
      mqtt_options,
      [c](const std::string& topic, std::string payload) {
        OnMqttMessage(c, topic, std::move(payload));
      },
      [c] {
        ++c->metrics.mqtt_reconnects;
        c->mqtt->Publish(EdgeStatusTopic(c->config.office_id), "online", 1, true);
        c->PublishAllSessions();
      },
      &c->mqtt);
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
