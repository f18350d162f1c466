// A SurveyTemplate (survey_template.h) as JSON and as the schema's object
// API (TemplatePublished events).
//
// JSON shape (the element of GET /api/v1/templates, edge/README.md "HTTP API"):
//   {"id":"smiley-4","version":1,"name":"...","name_en":"...",
//    "rule":"worst_answer","overall_criterion":"","allow_comment":false,
//    "allow_phone":false,
//    "criteria":[{"id":"level","label":"...","label_en":"...",
//                 "options":[{"id":"very_satisfied","label":"Rất hài lòng",
//                             "label_en":"Very satisfied","polarity":"positive"}]}]}
// When parsing, "name_en", "label_en", "rule" (default worst_answer),
// "overall_criterion", "allow_comment" and "allow_phone" (default false) are
// optional; everything else is required; unknown keys are rejected.
//
// Thread safety: pure functions. Errors are InvalidArgument values naming
// the field; nothing throws.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "hailong/schema/events_generated.h"
#include "hailong/schema/status.h"
#include "hailong/survey/survey_template.h"

namespace hailong::survey {

// Parses and validates (see the JSON shape above). On error *out is
// unspecified and the message names the field ("criteria[1].options[2].polarity:
// expected \"positive\", \"neutral\" or \"negative\"").
Status TemplateFromJson(const nlohmann::json& json, SurveyTemplate* out);
// Same from text; malformed JSON gives InvalidArgument "malformed JSON: ...".
Status ParseTemplate(std::string_view json_text, SurveyTemplate* out);
// The JSON shape above, every key present. TemplateFromJson(TemplateToJson(t))
// == t for every valid t.
nlohmann::json TemplateToJson(const SurveyTemplate& t);

// Conversions to and from the schema's object API (TemplatePublished events).
// `out` is overwritten.
void TemplateToFlatbuffer(const SurveyTemplate& t, fb::SurveyTemplateT* out);
// Validates the result (events come from elsewhere).
Status TemplateFromFlatbuffer(const fb::SurveyTemplateT& in, SurveyTemplate* out);

}  // namespace hailong::survey
