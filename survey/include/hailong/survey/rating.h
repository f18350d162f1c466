// One rule for a rating, wherever it arrives: a device's MQTT payload and the
// edge's HTTP API (ParseRating on the payload bytes), and the hub's phone
// survey (ReadRatingFields and JudgeRating on the parsed body). Both judge
// with JudgeRating against limits.h, and BuildRatingSubmitted writes the
// event, so a rating is stored or refused for the same reason everywhere.
//
// Rating JSON (a device's payload, devices/doc/protocol.md; the pages' body):
//   {"id":"<1-128 chars>","counter":"q1","template":"smiley-4",
//    "answers":{"level":"satisfied"},"at":"2026-11-24T11:27:53+07:00",
//    "dossier":"...","comment":"...","phone":"...",
//    "consent":true,"consent_version":"2026-12-vi1"}
// The last five are optional: absent, null and "" mean "not given" (and
// false for "consent"). A phone number needs "consent": true (the citizen
// agreed to be called back); a template that does not allow a comment or a
// phone number refuses one. Unknown keys are ignored unless
// RatingParseOptions::reject_unknown_keys.
//
// Checks run in this order and the first problem is reported: size, JSON,
// object, presence and types of the fields, id, counter, template, answers,
// time, dossier, comment, phone, consent, unknown keys.
//
// Thread safety: free functions, no shared state. `registry` and `t` are only
// read during a call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "hailong/schema/events_generated.h"
#include "hailong/survey/classify.h"
#include "hailong/survey/limits.h"
#include "hailong/survey/reject_reason.h"
#include "hailong/survey/template_registry.h"

namespace hailong::survey {

// The largest device payload (MQTT) and the edge's rating body.
inline constexpr size_t kMaxRatingPayloadBytes = 8 * 1024;

// A rating's fields as the client sent them: present and of the right JSON
// type, nothing else checked yet.
struct RatingFields {
  std::string id;           // "" = not given
  std::string counter;      // "" = not given
  std::string template_id;  // "" = not given
  Answers answers;          // in the order sent
  std::string at;           // RFC 3339 as sent; "" = not given
  std::string dossier;
  std::string comment;
  std::string phone;
  bool consent = false;
  std::string consent_version;
};

struct RatingReadOptions {
  // Which fields must be present ("missing field 'x'"). A device sends all;
  // the hub's phone survey takes the counter from its path, the time from
  // its own clock, a missing id as "make one up" and a missing template as
  // "the counter's".
  bool need_id = true;
  bool need_counter = true;
  bool need_template = true;
  bool need_at = true;
};

// Reads the fields of a JSON object: presence (options) and JSON types
// ("field 'x' must be a string", "field 'answers' must be an object",
// "field 'answers.c' must be a string", "field 'consent' must be a boolean").
// Other keys are ignored here (ParseRating checks them last when asked).
Rejection ReadRatingFields(const nlohmann::json& object, const RatingReadOptions& options,
                           RatingFields* out);

struct RatingRules {
  // "at" may be at most this far ahead of now_ms (device clocks drift).
  int64_t max_future_skew_ms = 10 * 60 * 1000;
  // "at" must not be earlier than this (2020-01-01T00:00:00Z): a device whose
  // clock was reset reports 1970 or 2000.
  int64_t min_time_ms = 1577836800000;
  // An empty id is "bad id" (a device must number its ratings); when false
  // it is allowed and left empty for the caller to fill.
  bool need_id = true;
};

// A rating that passed: everything RatingSubmitted needs from the client.
struct CheckedRating {
  std::string id;                 // "" only when RatingRules::need_id is false
  std::string counter;            // valid counter id
  std::string template_id;        // the template it was judged against
  uint32_t template_version = 0;  // that template's version
  Answers answers;                // validated, in the template's criterion order
  fb::Classification classification = fb::Classification::Unclassified;
  int64_t device_time_ms = 0;   // "at", ms since the epoch UTC; now_ms when not given
  std::string dossier;          // "" = not given
  std::string comment;          // "" = not given; at most kMaxCommentCodePoints
  std::string phone;            // "" = not given; NormalizePhone'd
  std::string consent_version;  // "" = no consent given; else the version (or
                                // kUnversionedConsent)
};

// Judges `fields` against `t` (nullptr: the template is unknown) at time
// `now_ms`. Detail texts (devices/doc/protocol.md): "bad id", "bad counter
// id", "unknown template 'x'", the four of ValidateAnswers, "bad time",
// "time before 2020", "time in the future", "bad dossier", "comment too long",
// "comment not allowed by template 'x'", "bad phone", "phone not allowed by
// template 'x'", "phone without consent", "bad consent version". On success
// fills *out; on failure *out is unspecified.
Rejection JudgeRating(const RatingFields& fields, const SurveyTemplate* t, int64_t now_ms,
                      const RatingRules& rules, CheckedRating* out);

struct RatingParseOptions {
  // Larger payloads are refused before parsing ("payload too large").
  size_t max_bytes = kMaxRatingPayloadBytes;
  RatingRules rules;
  // Reject keys other than those of the rating ("unknown key 'x'").
  bool reject_unknown_keys = false;
};

// A device's payload (or the edge's HTTP body): size, JSON, object, then
// ReadRatingFields (every field needed), the latest version of the named
// template in `registry`, and JudgeRating. Extra details: "payload too
// large", "malformed JSON", "payload is not a JSON object". Even on failure
// out->id is set when the payload is a JSON object whose "id" is a string
// (of any length), so the rejection can carry it; otherwise it is "".
Rejection ParseRating(std::string_view payload, const TemplateRegistry& registry, int64_t now_ms,
                      const RatingParseOptions& options, CheckedRating* out);

// Best-effort extraction of the "id" string from a payload of at most 64 KiB
// that is a JSON object; nullopt otherwise (the ack then carries null).
std::optional<std::string> ExtractRatingId(std::string_view payload);

// Where and how a checked rating was taken: what the receiving node knows
// and the client does not.
struct RatingContext {
  std::string office;
  std::string officer;  // on duty or from the dossier; "" if none
  std::string device;   // "" for a page without a device id
  fb::Channel channel = fb::Channel::ButtonBox;
  std::string procedure;  // from the dossier, "" if unknown
  std::string field;      // from the dossier, "" if unknown
  int64_t edge_time_ms = 0;
  fb::RatingFlags flags{};
  // Where the dossier stood when the citizen rated (RatingStageOf).
  fb::RatingStage stage = fb::RatingStage::Unknown;
};

// The stage of a rating made at `rated_ms` about a dossier the node knows:
// Return once the dossier was returned at or before `rated_ms`
// (`returned_ms` > 0), Intake otherwise. A rating naming no dossier, or one
// the node has never seen, is Unknown: pass known = false.
fb::RatingStage RatingStageOf(bool known, int64_t returned_ms, int64_t rated_ms);

// A citizen rates one dossier from a phone once per survey and per stage:
// the slot a rating takes is its template id, with "@return" appended at
// the return stage (intake and stage-less ratings keep the bare template id
// they took before stages were recorded). The edge's RatedReceipts and the
// hub's phone survey key on it.
std::string ReceiptSlot(std::string_view template_id, fb::RatingStage stage);

// Writes the RatingSubmitted event body of `rating` taken in `context`.
void BuildRatingSubmitted(const CheckedRating& rating, const RatingContext& context,
                          fb::RatingSubmittedT* out);

}  // namespace hailong::survey
