// One rating's answers judged against its SurveyTemplate (survey_template.h):
// are they complete and known, and which Classification do they give.
//
// Thread safety: pure functions; `t` and `answers` are only read during
// the call.
#pragma once

#include "hailong/schema/events_generated.h"
#include "hailong/survey/reject_reason.h"
#include "hailong/survey/survey_template.h"

namespace hailong::survey {

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

}  // namespace hailong::survey
