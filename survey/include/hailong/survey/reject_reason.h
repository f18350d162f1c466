// Why a rating is refused: one enum for every way a rating arrives (a
// device's MQTT payload, the edge's HTTP API, the hub's phone survey).
//
// Each reason carries three fixed texts:
//   label  a short English phrase without ids, the `reason` label of
//          hailong_edge_ratings_rejected_total and the "reason" member of
//          HTTP rejections ("unknown option for criterion");
//   vi     the Vietnamese sentence shown to the citizen;
//   en     the same in English.
// A Rejection adds the detail: the machine-facing English text that names
// the offending value ("unknown option 'x' for criterion 'level'"), which goes
// into a device's rejected ack and the "error" member verbatim
// (devices/doc/protocol.md lists them).
//
// Thread safety: values and constant tables only.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "hailong/schema/status.h"

namespace hailong::survey {

enum class RejectReason : uint8_t {
  kNone = 0,           // not refused
  kPayloadTooLarge,    // over the payload limit (8 KiB on MQTT)
  kMalformedJson,      // not JSON, or not valid UTF-8
  kNotAnObject,        // JSON, but not an object
  kMissingField,       // a required field is absent
  kWrongType,          // a field has the wrong JSON type
  kUnknownKey,         // a key the rating does not have (strict parsing only)
  kBadId,              // the rating id: empty or too long
  kBadCounter,         // not 1-32 of [A-Za-z0-9_-]
  kUnknownCounter,     // well formed, but not in the office's catalogue
  kUnknownTemplate,    // no such survey template
  kUnknownCriterion,   // an answer for a criterion the template lacks
  kUnknownOption,      // an option the criterion lacks
  kDuplicateAnswer,    // a criterion answered twice
  kMissingAnswer,      // a criterion not answered
  kBadTime,            // "at" is not RFC 3339
  kTimeBefore2020,     // "at" earlier than the options' minimum
  kTimeInFuture,       // "at" beyond the allowed clock skew
  kBadDossier,         // not 1-64 of [A-Za-z0-9._/-]
  kCommentTooLong,     // over kMaxCommentCodePoints
  kCommentNotAllowed,  // the template does not ask for a comment
  kBadPhone,           // not a phone number (limits.h)
  kPhoneNotAllowed,    // the template does not ask for a phone number
  kConsentMissing,     // a phone number without "consent": true
  kBadConsentVersion,  // "consent_version" not 1-32 of [A-Za-z0-9._-]
  kDeviceMismatch,     // the payload names another device than the topic
  kBadChannel,         // HTTP "channel" not touchscreen, phone or web
  kBadDevice,          // HTTP "device" not a valid device id
  kKioskNotEnrolled,   // a touchscreen rating without an enrolled kiosk's credential (401)
  kKioskOtherCounter,  // an enrolled kiosk rating another counter (403)
  kAddressLimited,     // too many phone/web ratings from one address (429)
  kCounterLimited,     // too many phone/web ratings for one counter (429)
  kAlreadyRated,       // a receipt already rated from a phone with this template (409)
  kStorageFull,        // the log refused the append: disk floor reached
  kInternalError,      // the log failed otherwise
};

// The three texts of `reason` (see above); static storage.
std::string_view ReasonLabel(RejectReason reason);
std::string_view ReasonVi(RejectReason reason);
std::string_view ReasonEn(RejectReason reason);

// Every reason but kNone, in declaration order (tests, documentation).
std::span<const RejectReason> AllRejectReasons();

// A refusal: the reason and its detail. ok() when reason is kNone.
struct Rejection {
  RejectReason reason = RejectReason::kNone;
  std::string detail;  // machine-facing English, may quote the offending value

  bool ok() const { return reason == RejectReason::kNone; }
  // The detail (what a Status message would be).
  const std::string& message() const { return detail; }
  // InvalidArgument(detail), or OK (for callers that speak Status).
  Status ToStatus() const;
};

// A Rejection whose detail is the label ("bad phone").
Rejection Reject(RejectReason reason);
// A Rejection with its own detail ("unknown template 'x'").
Rejection Reject(RejectReason reason, std::string detail);

}  // namespace hailong::survey
