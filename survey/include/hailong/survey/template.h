// Survey templates: the questions a device or page asks, as data.
//
// A SurveyTemplate is a list of criteria, each with options; every option has
// a polarity (positive / neutral / negative), and the template's rule turns
// the polarities of one rating's answers into one Classification:
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
// records the version it was classified with.
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
// Identifiers: template ids are 1-64 of [a-z0-9-]; criterion and option ids
// are 1-64 of [A-Za-z0-9_-]. Labels are non-empty UTF-8.
//
// Thread safety: the structs are values. TemplateRegistry is internally
// synchronized; every method may be called from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "hailong/schema/events_generated.h"
#include "hailong/schema/status.h"
#include "hailong/survey/reject_reason.h"

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
void TemplateToFlatbuffer(const SurveyTemplate& t, fb::SurveyTemplateT* out);
// Validates the result (events come from elsewhere).
Status TemplateFromFlatbuffer(const fb::SurveyTemplateT& in, SurveyTemplate* out);

// Rule names used in JSON: "worst_answer", "all_positive", "overall_criterion".
const char* RuleName(fb::ClassificationRule rule);
bool RuleFromName(std::string_view name, fb::ClassificationRule* out);

// Checks one rating's answers against the template: every answer names a
// known criterion and one of its options, no criterion is answered twice, and
// every criterion is answered. The rejection's detail is a short,
// machine-facing English text (it goes into rejection acks verbatim):
//   kUnknownCriterion  "unknown criterion 'x'"
//   kUnknownOption     "unknown option 'x' for criterion 'y'"
//   kDuplicateAnswer   "duplicate answer for criterion 'y'"
//   kMissingAnswer     "missing answer for criterion 'y'"
// Problems are reported in the order of `answers`, then missing criteria in
// template order.
Rejection ValidateAnswers(const SurveyTemplate& t, const Answers& answers);

// Classifies answers by the template's rule. Answers that ValidateAnswers
// rejects give fb::Classification::Unclassified.
fb::Classification Classify(const SurveyTemplate& t, const Answers& answers);

// Returns `answers` reordered into the template's criterion order (unknown
// criteria last, in their original order). Stored ratings use this order.
Answers CanonicalAnswerOrder(const SurveyTemplate& t, const Answers& answers);

// The built-in templates from the offices' survey forms (survey/README.md,
// "Built-in templates"), version 1,
// in this order: binh-thanh-intake, binh-thanh-return, ha-noi-2014,
// gia-lam-phone, van-hung-2button, smiley-4. Compiled in from
// survey/templates/*.json. The reference lives for the whole program.
const std::vector<SurveyTemplate>& BuiltinTemplates();
// The id of the template a counter uses when nothing else is configured.
inline constexpr const char kDefaultTemplateId[] = "smiley-4";

// Latest version of each template id, plus older versions for looking up the
// template a stored rating was made with.
class TemplateRegistry {
 public:
  TemplateRegistry() = default;
  TemplateRegistry(const TemplateRegistry&) = delete;
  TemplateRegistry& operator=(const TemplateRegistry&) = delete;

  // A registry holding BuiltinTemplates().
  static std::unique_ptr<TemplateRegistry> WithBuiltins();

  // Validates and adds `t`. Adding an identical (id, version) again is OK
  // (idempotent, e.g. when a TemplatePublished event is replayed); a
  // different template under an existing (id, version) is Conflict. An
  // older version than the latest is kept but does not become the latest.
  Status Add(const SurveyTemplate& t);
  // Adds `t` as version latest+1 of its id (1 if new) and sets *version to
  // it (may be null). `t.version` is ignored.
  Status Publish(SurveyTemplate t, uint32_t* version);

  // The latest version of `id`, or nullptr. The pointee is immutable and
  // stays valid as long as the caller holds it.
  std::shared_ptr<const SurveyTemplate> Find(std::string_view id) const;
  // A specific version, or nullptr.
  std::shared_ptr<const SurveyTemplate> Find(std::string_view id, uint32_t version) const;
  // The latest version of every id, sorted by id.
  std::vector<std::shared_ptr<const SurveyTemplate>> List() const;
  // {"templates":[TemplateToJson(t) for t in List()]} (GET /api/v1/templates).
  nlohmann::json ToJson() const;
  size_t size() const;  // number of ids

 private:
  mutable std::mutex mu_;
  // id -> version -> template
  std::map<std::string, std::map<uint32_t, std::shared_ptr<const SurveyTemplate>>, std::less<>>
      templates_;
};

}  // namespace hailong::survey
