// Names of schema enums as the hub's APIs write them, and small
// conversions of schema tables to JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "hailong/schema/events_generated.h"

namespace hailong::hub {

// A FlatBuffers string as text ("" when absent): a copy, or a view that
// lives as long as the event's buffer.
std::string Str(const flatbuffers::String* s);
std::string_view View(const flatbuffers::String* s);

const char* ChannelName(fb::Channel c);  // "button_box", "touchscreen", "phone", "web", "unknown"
const char* ClassificationName(fb::Classification c);  // "satisfied", ...
const char* FollowUpActionName(fb::FollowUpAction a);  // "note", "assigned", "called_back", ...
bool FollowUpActionFromName(std::string_view name, fb::FollowUpAction* out);
const char* CatalogueKindName(fb::CatalogueKind k);  // "office", "counter", ...
bool CatalogueKindFromName(std::string_view name, fb::CatalogueKind* out);
const char* PolarityName(fb::Polarity p);  // "positive", "neutral", "negative"

// {"id","version","name","name_en","rule","overall_criterion","allow_comment",
//  "allow_phone","criteria":[{"id","label","label_en","options":[{"id","label",
//  "label_en","polarity"}]}]}
nlohmann::json TemplateToJson(const fb::SurveyTemplate& t);

}  // namespace hailong::hub
