// The device MQTT protocol v1: topics, rating payloads and acks.
#include "hailong/devices/payload.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <vector>

#include "hailong/schema/time.h"
#include "hailong/survey/limits.h"

namespace hailong::devices {
namespace {

using nlohmann::json;

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

}  // namespace

Status ParseTopic(std::string_view topic, DeviceTopic* out) {
  if (topic.substr(0, kTopicRoot.size()) != kTopicRoot) {
    return Status::InvalidArgument("not a hailong/v1 topic");
  }
  std::vector<std::string_view> parts = Split(topic.substr(kTopicRoot.size()), '/');
  if (parts.size() != 4) return Status::InvalidArgument("not a hailong/v1 topic");
  DeviceTopic t;
  if (!IsValidNodeId(parts[0])) return Status::InvalidArgument("bad office id");
  t.office = std::string(parts[0]);
  if (parts[1] == "device") {
    if (!IsValidNodeId(parts[2])) return Status::InvalidArgument("bad device id");
    t.device = std::string(parts[2]);
    if (parts[3] == "rating")
      t.kind = TopicKind::kRating;
    else if (parts[3] == "ack")
      t.kind = TopicKind::kAck;
    else if (parts[3] == "status")
      t.kind = TopicKind::kStatus;
    else
      return Status::InvalidArgument("unknown device topic '" + std::string(parts[3]) + "'");
  } else if (parts[1] == "counter") {
    if (!survey::IsValidCounterId(parts[2])) return Status::InvalidArgument("bad counter id");
    t.counter = std::string(parts[2]);
    if (parts[3] != "session") {
      return Status::InvalidArgument("unknown counter topic '" + std::string(parts[3]) + "'");
    }
    t.kind = TopicKind::kSession;
  } else {
    return Status::InvalidArgument("not a hailong/v1 topic");
  }
  *out = std::move(t);
  return Status::OK();
}

static std::string DeviceTopicOf(std::string_view office, std::string_view device,
                                 std::string_view kind) {
  std::string t(kTopicRoot);
  t.append(office).append("/device/").append(device).append("/").append(kind);
  return t;
}

std::string RatingTopic(std::string_view office, std::string_view device) {
  return DeviceTopicOf(office, device, "rating");
}
std::string AckTopic(std::string_view office, std::string_view device) {
  return DeviceTopicOf(office, device, "ack");
}
std::string StatusTopic(std::string_view office, std::string_view device) {
  return DeviceTopicOf(office, device, "status");
}
std::string SessionTopic(std::string_view office, std::string_view counter) {
  std::string t(kTopicRoot);
  t.append(office).append("/counter/").append(counter).append("/session");
  return t;
}
std::string RatingSubscription(std::string_view office) { return RatingTopic(office, "+"); }
std::string StatusSubscription(std::string_view office) { return StatusTopic(office, "+"); }

std::string RatingPayloadJson(std::string_view id, std::string_view counter,
                              std::string_view template_id, const survey::Answers& answers,
                              int64_t device_time_ms, std::string_view dossier,
                              std::string_view comment, std::string_view phone,
                              std::string_view consent_version) {
  nlohmann::ordered_json a = nlohmann::ordered_json::object();
  for (const survey::Answer& answer : answers) a[answer.criterion] = answer.option;
  nlohmann::ordered_json j = {{"id", id},
                              {"counter", counter},
                              {"template", template_id},
                              {"answers", a},
                              {"at", FormatRfc3339(device_time_ms)}};
  if (!dossier.empty()) j["dossier"] = dossier;
  if (!comment.empty()) j["comment"] = comment;
  if (!phone.empty()) {
    j["phone"] = phone;
    j["consent"] = true;
    if (!consent_version.empty()) j["consent_version"] = consent_version;
  }
  return j.dump();
}

std::string StoredAckJson(std::string_view id, uint64_t seq) {
  // One per acked rating: an id that needs no escaping (every valid rating
  // id) is written directly, byte for byte what the JSON library writes.
  if (std::all_of(id.begin(), id.end(),
                  [](char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; })) {
    std::string out;
    out.reserve(id.size() + 48);
    out.append("{\"id\":\"").append(id).append("\",\"status\":\"stored\",\"seq\":");
    out.append(std::to_string(seq)).push_back('}');
    return out;
  }
  nlohmann::ordered_json j = {{"id", id}, {"status", "stored"}, {"seq", seq}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string RejectedAckJson(const std::optional<std::string>& id, std::string_view error) {
  nlohmann::ordered_json j;
  if (id)
    j["id"] = *id;
  else
    j["id"] = nullptr;
  j["status"] = "rejected";
  j["error"] = error;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Status ParseAck(std::string_view payload, DeviceAck* out) {
  json j = json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Status::InvalidArgument("ack is not a JSON object");
  DeviceAck ack;
  auto id = j.find("id");
  if (id == j.end()) return Status::InvalidArgument("ack without id");
  if (id->is_string())
    ack.id = id->get<std::string>();
  else if (!id->is_null())
    return Status::InvalidArgument("ack id must be a string or null");
  auto status = j.find("status");
  if (status == j.end() || !status->is_string()) {
    return Status::InvalidArgument("ack without status");
  }
  if (*status == "stored") {
    auto seq = j.find("seq");
    if (!ack.id || seq == j.end() || !seq->is_number_unsigned()) {
      return Status::InvalidArgument("stored ack needs id and seq");
    }
    ack.stored = true;
    ack.seq = seq->get<uint64_t>();
  } else if (*status == "rejected") {
    auto error = j.find("error");
    if (error == j.end() || !error->is_string()) {
      return Status::InvalidArgument("rejected ack needs error");
    }
    ack.error = error->get<std::string>();
  } else {
    return Status::InvalidArgument("unknown ack status");
  }
  *out = std::move(ack);
  return Status::OK();
}

}  // namespace hailong::devices
