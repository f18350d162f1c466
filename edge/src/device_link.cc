// The edge's side of the device MQTT protocol: see device_link.h.
#include "device_link.h"

#include <boost/asio/post.hpp>
#include <fstream>
#include <iostream>

#include "hailong/devices/payload.h"

namespace hailong::edge {

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

namespace {

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

}  // namespace

std::string EdgeStatusTopic(const std::string& office) {
  return std::string(devices::kTopicRoot) + office + "/edge/status";
}

Status StartDeviceLink(EdgeNode::Context* c) {
  const EdgeConfig& config = c->config;
  Status s;
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
  return Status::OK();
}

}  // namespace hailong::edge
