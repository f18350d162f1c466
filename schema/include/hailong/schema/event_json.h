// Event <-> JSON, for `hailongctl log cat`, the HTTP APIs and tests.
//
// Shape of an event (one object; fields with their defaults are omitted):
//   {"origin":"edge-phuong-01","seq":17,"time":"2026-11-24T04:27:53.123Z",
//    "idempotency_id":"box-3:981","prev_hash":"<64 hex>",
//    "type":"rating_submitted","body":{...}}
// Body fields use the schema's field names; fields ending in `_ms` are
// written as RFC 3339 strings without the suffix ("device_time"), enums as
// snake_case names ("button_box", "unsatisfied"), flags as an array of
// names. EventFromJson(EventToJson(e)) == e for every event, and UTF-8 text
// (Vietnamese with diacritics) comes back byte for byte.
#pragma once

#include <nlohmann/json.hpp>

#include "hailong/schema/event.h"
#include "hailong/schema/status.h"

namespace hailong::schema {

nlohmann::json EventToJson(const fb::EventT& event);
// Convenience for verified flatbuffers (unpacks first).
nlohmann::json EventToJson(const fb::Event& event);
// Rejects unknown "type", unknown body fields, wrong JSON types and bad
// times with a message naming the field.
Status EventFromJson(const nlohmann::json& json, fb::EventT* out);

nlohmann::json BodyToJson(const fb::EventBodyUnion& body);
Status BodyFromJson(std::string_view type, const nlohmann::json& json, fb::EventBodyUnion* out);

// Enum names used in JSON and in the HTTP APIs.
const char* ChannelName(fb::Channel c);  // "button_box", ...
bool ChannelFromName(std::string_view name, fb::Channel* out);
const char* ClassificationName(fb::Classification c);  // "satisfied", ...
const char* PolarityName(fb::Polarity p);              // "positive", ...
bool PolarityFromName(std::string_view name, fb::Polarity* out);
const char* ComplaintChannelName(fb::ComplaintChannel c);  // "letter", "hotline", ...
bool ComplaintChannelFromName(std::string_view name, fb::ComplaintChannel* out);

}  // namespace hailong::schema
