// SurveyTemplate: the questions a device or page asks, as data.
//
// A SurveyTemplate is a list of criteria, each with options; every option has
// a polarity (positive / neutral / negative), and the template's rule turns
// the polarities of one rating's answers into one Classification
// (classify.h):
//   worst_answer       unsatisfied if any answer is negative, else neutral if
//                      any is neutral, else satisfied (Bình Thạnh intake,
//                      smiley boxes, Gia Lâm, Vạn Hưng);
//   all_positive       satisfied only if every answer is positive, else
//                      unsatisfied (Hà Nội 2014: "Hài lòng" means satisfied on
//                      all four criteria; "Không hài lòng" is given per
//                      criterion);
//   overall_criterion  the polarity of the answer to `overall_criterion`
//                      (Bình Thạnh return: "Ý kiến chung").
//
// Templates are versioned: (id, version) names one immutable template; a
// newer version of the same id replaces it for new ratings, and each rating
// records the version it was classified with (template_registry.h).
//
// Identifiers: template ids are 1-64 of [a-z0-9-]; criterion and option ids
// are 1-64 of [A-Za-z0-9_-]. Labels are non-empty UTF-8.
//
// Related headers: template_codec.h (JSON and FlatBuffers), classify.h
// (answers against a template), template_registry.h (the built-ins and the
// versioned registry).
//
// Thread safety: the structs are values; the functions are pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hailong/schema/events_generated.h"
#include "hailong/schema/status.h"

namespace hailong::survey {

struct SurveyOption {
  std::string id;
  std::string label;     // Vietnamese, with diacritics
  std::string label_en;  // "" = not translated
  fb::Polarity polarity = fb::Polarity::Neutral;
};

struct SurveyCriterion {
  std::string id;
  std::string label;
  std::string label_en;
  std::vector<SurveyOption> options;  // in display order, at least 2

  // nullptr if no option has this id. The pointer lives as long as *this.
  const SurveyOption* FindOption(std::string_view option_id) const;
};

struct SurveyTemplate {
  std::string id;
  uint32_t version = 1;  // >= 1
  std::string name;      // Vietnamese
  std::string name_en;
  std::vector<SurveyCriterion> criteria;  // in display order, at least 1
  fb::ClassificationRule rule = fb::ClassificationRule::WorstAnswer;
  std::string overall_criterion;  // a criterion id when rule is OverallCriterion, else ""
  bool allow_comment = false;     // offer a free-text comment; without it one is refused
  bool allow_phone = false;       // offer a call-back number; without it one is refused

  // nullptr if no criterion has this id. The pointer lives as long as *this.
  const SurveyCriterion* FindCriterion(std::string_view criterion_id) const;

  bool operator==(const SurveyTemplate&) const;
};

// One answer of a rating: the option chosen for a criterion.
struct Answer {
  std::string criterion;
  std::string option;
  bool operator==(const Answer&) const = default;
};
using Answers = std::vector<Answer>;

// Checks ids, labels, duplicates, at least one criterion, at least two
// options per criterion and the overall criterion. InvalidArgument with a
// message naming the offending field, e.g. "criteria[2].options[0].id: ...".
Status ValidateTemplate(const SurveyTemplate& t);

// Rule names used in JSON: "worst_answer", "all_positive", "overall_criterion".
// RuleFromName returns false (and leaves *out) for any other name.
const char* RuleName(fb::ClassificationRule rule);
bool RuleFromName(std::string_view name, fb::ClassificationRule* out);

}  // namespace hailong::survey
