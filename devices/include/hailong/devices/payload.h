// The device MQTT protocol v1 (the contract with the devices): topics, the rating
// payload, and the ack payloads. Parsers do no I/O; they take bytes and
// answer good or bad, so they are tested without a broker. The prose spec is
// devices/doc/protocol.md.
//
// Topics ({office} and {device} are 1-64 of [A-Za-z0-9_-]; {counter} 1-32):
//   hailong/v1/{office}/device/{device}/rating   device -> edge, QoS 1
//   hailong/v1/{office}/device/{device}/ack      edge -> device, QoS 1
//   hailong/v1/{office}/device/{device}/status   "online" retained, "offline" as will
//   hailong/v1/{office}/counter/{counter}/session  edge -> devices, retained
//
// The rating payload, its limits and its validation are the survey
// library's (hailong/survey/rating.h: ParseRating), the same rule as for
// ratings over HTTP.
//
// Thread safety: free functions, no shared state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hailong/schema/events_generated.h"
#include "hailong/schema/status.h"
#include "hailong/survey/rating.h"
#include "hailong/survey/survey_template.h"

namespace hailong::devices {

inline constexpr std::string_view kTopicRoot = "hailong/v1/";
using survey::kMaxNodeIdChars;  // office and device ids

enum class TopicKind {
  kRating,   // .../device/{device}/rating
  kAck,      // .../device/{device}/ack
  kStatus,   // .../device/{device}/status
  kSession,  // .../counter/{counter}/session
};

struct DeviceTopic {
  std::string office;
  std::string device;   // "" for kSession
  std::string counter;  // only for kSession
  TopicKind kind = TopicKind::kRating;
};

// Splits a topic of the table above. InvalidArgument ("not a hailong/v1
// topic", "bad device id", ...) for anything else, including wildcards.
Status ParseTopic(std::string_view topic, DeviceTopic* out);

// Topic builders (arguments are not validated).
std::string RatingTopic(std::string_view office, std::string_view device);
std::string AckTopic(std::string_view office, std::string_view device);
std::string StatusTopic(std::string_view office, std::string_view device);
std::string SessionTopic(std::string_view office, std::string_view counter);
// Subscription filters for the edge: "hailong/v1/{office}/device/+/rating"
// and ".../device/+/status".
std::string RatingSubscription(std::string_view office);
std::string StatusSubscription(std::string_view office);

// Counter ids: survey::IsValidCounterId (hailong/survey/limits.h).
// 1-64 of [A-Za-z0-9_-] (office and device ids; MQTT usernames of devices).
using survey::IsValidNodeId;

// Builds a payload a device would send (for devsim and tests). `answers`
// keys in the given order. A phone number goes with "consent": true and
// `consent_version` (the consent text the device showed; "" = none sent).
std::string RatingPayloadJson(std::string_view id, std::string_view counter,
                              std::string_view template_id, const survey::Answers& answers,
                              int64_t device_time_ms, std::string_view dossier = {},
                              std::string_view comment = {}, std::string_view phone = {},
                              std::string_view consent_version = {});

// Ack payloads (edge -> device).
//   {"id":"<id>","status":"stored","seq":N}
std::string StoredAckJson(std::string_view id, uint64_t seq);
//   {"id":"<id>"|null,"status":"rejected","error":"<reason>"}; nullopt id -> null.
std::string RejectedAckJson(const std::optional<std::string>& id, std::string_view error);

// A parsed ack, for devices and tests.
struct DeviceAck {
  std::optional<std::string> id;  // nullopt when the ack's id is null
  bool stored = false;            // status "stored" (else "rejected")
  uint64_t seq = 0;               // stored only
  std::string error;              // rejected only
};
// InvalidArgument when `payload` is not one of the two ack shapes.
Status ParseAck(std::string_view payload, DeviceAck* out);

}  // namespace hailong::devices
