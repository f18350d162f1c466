// Survey templates (template.h): lookups, rule names and validation. JSON is
// template_json.cc, FlatBuffers template_flatbuffer.cc, the classification
// of answers classify.cc, the registry and the built-ins
// template_registry.cc.
#include <algorithm>
#include <set>

#include "hailong/survey/survey_template.h"
#include "hailong/survey/template_codec.h"
#include "template_invalid.h"

namespace hailong::survey {

namespace internal {

Status Invalid(const std::string& field, std::string_view what) {
  return Status::InvalidArgument(field + ": " + std::string(what));
}

}  // namespace internal

using internal::Invalid;

namespace {

bool IsTemplateIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}
bool IsAnswerIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}
bool IsValidTemplateId(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), IsTemplateIdChar);
}
bool IsValidAnswerId(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), IsAnswerIdChar);
}

}  // namespace

const SurveyOption* SurveyCriterion::FindOption(std::string_view option_id) const {
  for (const SurveyOption& o : options) {
    if (o.id == option_id) return &o;
  }
  return nullptr;
}

const SurveyCriterion* SurveyTemplate::FindCriterion(std::string_view criterion_id) const {
  for (const SurveyCriterion& c : criteria) {
    if (c.id == criterion_id) return &c;
  }
  return nullptr;
}

bool SurveyTemplate::operator==(const SurveyTemplate& o) const {
  return TemplateToJson(*this) == TemplateToJson(o);
}

const char* RuleName(fb::ClassificationRule rule) {
  switch (rule) {
    case fb::ClassificationRule::AllPositive:
      return "all_positive";
    case fb::ClassificationRule::OverallCriterion:
      return "overall_criterion";
    case fb::ClassificationRule::WorstAnswer:
      break;
  }
  return "worst_answer";
}

bool RuleFromName(std::string_view name, fb::ClassificationRule* out) {
  if (name == "worst_answer")
    *out = fb::ClassificationRule::WorstAnswer;
  else if (name == "all_positive")
    *out = fb::ClassificationRule::AllPositive;
  else if (name == "overall_criterion")
    *out = fb::ClassificationRule::OverallCriterion;
  else
    return false;
  return true;
}

Status ValidateTemplate(const SurveyTemplate& t) {
  if (!IsValidTemplateId(t.id)) return Invalid("id", "expected 1-64 of [a-z0-9-]");
  if (t.version < 1) return Invalid("version", "must be at least 1");
  if (t.name.empty()) return Invalid("name", "must not be empty");
  if (t.criteria.empty()) return Invalid("criteria", "needs at least one criterion");
  switch (t.rule) {
    case fb::ClassificationRule::WorstAnswer:
    case fb::ClassificationRule::AllPositive:
    case fb::ClassificationRule::OverallCriterion:
      break;
    default:
      return Invalid("rule", "unknown rule");
  }
  std::set<std::string_view> criterion_ids;
  for (size_t i = 0; i < t.criteria.size(); ++i) {
    const SurveyCriterion& c = t.criteria[i];
    const std::string path = "criteria[" + std::to_string(i) + "]";
    if (!IsValidAnswerId(c.id)) return Invalid(path + ".id", "expected 1-64 of [A-Za-z0-9_-]");
    if (!criterion_ids.insert(c.id).second) {
      return Invalid(path + ".id", "duplicate criterion '" + c.id + "'");
    }
    if (c.label.empty()) return Invalid(path + ".label", "must not be empty");
    if (c.options.size() < 2) return Invalid(path + ".options", "needs at least two options");
    std::set<std::string_view> option_ids;
    for (size_t k = 0; k < c.options.size(); ++k) {
      const SurveyOption& o = c.options[k];
      const std::string opath = path + ".options[" + std::to_string(k) + "]";
      if (!IsValidAnswerId(o.id)) return Invalid(opath + ".id", "expected 1-64 of [A-Za-z0-9_-]");
      if (!option_ids.insert(o.id).second) {
        return Invalid(opath + ".id", "duplicate option '" + o.id + "'");
      }
      if (o.label.empty()) return Invalid(opath + ".label", "must not be empty");
      switch (o.polarity) {
        case fb::Polarity::Positive:
        case fb::Polarity::Neutral:
        case fb::Polarity::Negative:
          break;
        default:
          return Invalid(opath + ".polarity", "unknown polarity");
      }
    }
  }
  if (t.rule == fb::ClassificationRule::OverallCriterion) {
    if (t.overall_criterion.empty()) {
      return Invalid("overall_criterion", "required by rule overall_criterion");
    }
    if (t.FindCriterion(t.overall_criterion) == nullptr) {
      return Invalid("overall_criterion", "no criterion '" + t.overall_criterion + "'");
    }
  } else if (!t.overall_criterion.empty()) {
    return Invalid("overall_criterion", std::string("not used by rule ") + RuleName(t.rule));
  }
  return Status::OK();
}

}  // namespace hailong::survey
