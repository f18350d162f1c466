// One rating's answers against its template (template.h): validation,
// classification by the template's rule, the stored order.
#include "hailong/survey/classify.h"

#include <set>
#include <utility>

namespace hailong::survey {
namespace {

// The polarity of the answer to each criterion, in answer order; false if
// any answer does not fit the template.
bool AnswerPolarities(const SurveyTemplate& t, const Answers& answers,
                      std::vector<std::pair<const SurveyCriterion*, fb::Polarity>>* out) {
  if (!ValidateAnswers(t, answers).ok()) return false;
  for (const Answer& a : answers) {
    const SurveyCriterion* c = t.FindCriterion(a.criterion);
    out->emplace_back(c, c->FindOption(a.option)->polarity);
  }
  return true;
}

fb::Classification FromPolarity(fb::Polarity p) {
  switch (p) {
    case fb::Polarity::Positive:
      return fb::Classification::Satisfied;
    case fb::Polarity::Negative:
      return fb::Classification::Unsatisfied;
    case fb::Polarity::Neutral:
      break;
  }
  return fb::Classification::Neutral;
}

}  // namespace

Rejection ValidateAnswers(const SurveyTemplate& t, const Answers& answers) {
  std::set<std::string_view> answered;
  for (const Answer& a : answers) {
    const SurveyCriterion* c = t.FindCriterion(a.criterion);
    if (c == nullptr) {
      return Reject(RejectReason::kUnknownCriterion, "unknown criterion '" + a.criterion + "'");
    }
    if (c->FindOption(a.option) == nullptr) {
      return Reject(RejectReason::kUnknownOption,
                    "unknown option '" + a.option + "' for criterion '" + a.criterion + "'");
    }
    if (!answered.insert(a.criterion).second) {
      return Reject(RejectReason::kDuplicateAnswer,
                    "duplicate answer for criterion '" + a.criterion + "'");
    }
  }
  for (const SurveyCriterion& c : t.criteria) {
    if (answered.count(c.id) == 0) {
      return Reject(RejectReason::kMissingAnswer, "missing answer for criterion '" + c.id + "'");
    }
  }
  return Rejection();
}

fb::Classification Classify(const SurveyTemplate& t, const Answers& answers) {
  std::vector<std::pair<const SurveyCriterion*, fb::Polarity>> polarities;
  if (!AnswerPolarities(t, answers, &polarities)) return fb::Classification::Unclassified;
  switch (t.rule) {
    case fb::ClassificationRule::AllPositive:
      for (const auto& [c, p] : polarities) {
        if (p != fb::Polarity::Positive) return fb::Classification::Unsatisfied;
      }
      return fb::Classification::Satisfied;
    case fb::ClassificationRule::OverallCriterion:
      for (const auto& [c, p] : polarities) {
        if (c->id == t.overall_criterion) return FromPolarity(p);
      }
      return fb::Classification::Unclassified;
    case fb::ClassificationRule::WorstAnswer: {
      bool neutral = false;
      for (const auto& [c, p] : polarities) {
        if (p == fb::Polarity::Negative) return fb::Classification::Unsatisfied;
        if (p == fb::Polarity::Neutral) neutral = true;
      }
      return neutral ? fb::Classification::Neutral : fb::Classification::Satisfied;
    }
  }
  return fb::Classification::Unclassified;
}

Answers CanonicalAnswerOrder(const SurveyTemplate& t, const Answers& answers) {
  Answers out;
  out.reserve(answers.size());
  for (const SurveyCriterion& c : t.criteria) {
    for (const Answer& a : answers) {
      if (a.criterion == c.id) out.push_back(a);
    }
  }
  for (const Answer& a : answers) {
    if (t.FindCriterion(a.criterion) == nullptr) out.push_back(a);
  }
  return out;
}

}  // namespace hailong::survey
