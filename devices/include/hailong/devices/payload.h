// The device MQTT protocol v1 (interfaces.md §4): topics, the rating
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
// Rating payload (UTF-8 JSON object, at most 8 KiB):
//   {"id":"<1-128 chars>","counter":"q1","template":"smiley-4",
//    "answers":{"level":"satisfied"},"at":"2026-11-24T11:27:53+07:00",
//    "dossier":"...","comment":"...","phone":"..."}   (last three optional)
// Unknown keys are ignored (newer firmware may add fields) unless
// RatingParseOptions::reject_unknown_keys is set.
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
#include "hailong/survey/template.h"

namespace hailong::devices {

inline constexpr std::string_view kTopicRoot = "hailong/v1/";
inline constexpr size_t kMaxRatingPayloadBytes = 8 * 1024;
inline constexpr size_t kMaxRatingIdChars = 128;
inline constexpr size_t kMaxCounterIdChars = 32;
inline constexpr size_t kMaxNodeIdChars = 64;  // office and device ids
inline constexpr size_t kMaxDossierChars = 64;
inline constexpr size_t kMaxCommentChars = 2000;  // Unicode code points
inline constexpr size_t kMaxPhoneChars = 20;

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

// 1-32 of [A-Za-z0-9_-] (counter ids, interfaces.md §5).
bool IsValidCounterId(std::string_view id);
// 1-64 of [A-Za-z0-9_-] (office and device ids; MQTT usernames of devices).
bool IsValidNodeId(std::string_view id);

// A rating as the device sent it, checked against the template registry.
struct DeviceRating {
  std::string id;                 // the device's id for the rating (1-128 chars)
  std::string counter;            // valid counter id
  std::string template_id;        // a template the registry knows
  uint32_t template_version = 0;  // the registry's latest version at parse time
  survey::Answers answers;        // validated, in the template's criterion order
  fb::Classification classification = fb::Classification::Unclassified;
  int64_t device_time_ms = 0;  // "at", ms since the epoch UTC
  std::string dossier;         // "" = not given
  std::string comment;         // "" = not given; trimmed of nothing, NFC not enforced
  std::string phone;           // "" = not given
};

struct RatingParseOptions {
  // Larger payloads are rejected before parsing ("payload too large").
  size_t max_bytes = kMaxRatingPayloadBytes;
  // "at" may be at most this far ahead of now_ms (device clocks drift).
  int64_t max_future_skew_ms = 10 * 60 * 1000;
  // "at" must not be earlier than this (2020-01-01T00:00:00Z): a device whose
  // clock was reset reports 1970 or 2000.
  int64_t min_time_ms = 1577836800000;
  // Reject keys other than the seven of the payload ("unknown key 'x'").
  bool reject_unknown_keys = false;
};

// Parses and validates a rating payload at edge time `now_ms`. On success
// fills *out completely. On failure returns InvalidArgument whose message is
// the machine-facing reason that goes into the rejected ack, one of:
//   "payload too large"                      over options.max_bytes
//   "malformed JSON"                         not JSON, or not valid UTF-8
//   "payload is not a JSON object"
//   "missing field 'x'"                      id, counter, template, answers, at
//   "field 'x' must be a string"             (answers: "must be an object";
//                                             answer values "field 'answers.c'
//                                             must be a string")
//   "bad id"                                 empty or over 128 chars
//   "bad counter id"                         not 1-32 of [A-Za-z0-9_-]
//   "unknown template 'x'"
//   "unknown criterion 'x'" / "unknown option 'x' for criterion 'y'" /
//   "missing answer for criterion 'y'"       (ValidateAnswers)
//   "bad time"                               "at" is not RFC 3339
//   "time before 2020"                       earlier than options.min_time_ms
//   "time in the future"                     beyond the allowed skew
//   "bad dossier"                            not 1-64 of [A-Za-z0-9._/-]
//   "comment too long"                       over 2000 code points
//   "bad phone"                              not 1-20 of [0-9+ .()-] with a digit
//   "unknown key 'x'"                        only with reject_unknown_keys
// Checks run in this order, so the first problem is reported. Even on
// failure out->id is set when the payload is a JSON object whose "id" is a
// string (of any length), so the rejection can carry it; otherwise out->id
// is "" and the ack carries null. `registry` is only read during the call.
Status ParseRating(std::string_view payload, const survey::TemplateRegistry& registry,
                   int64_t now_ms, const RatingParseOptions& options, DeviceRating* out);

// Best-effort extraction of the "id" string from a payload of at most 64 KiB
// that is a JSON object; nullopt otherwise (the ack then carries null).
std::optional<std::string> ExtractRatingId(std::string_view payload);

// Builds a payload a device would send (for devsim and tests). `answers`
// keys in the given order.
std::string RatingPayloadJson(std::string_view id, std::string_view counter,
                              std::string_view template_id, const survey::Answers& answers,
                              int64_t device_time_ms, std::string_view dossier = {},
                              std::string_view comment = {}, std::string_view phone = {});

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
