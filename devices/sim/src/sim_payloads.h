// What simulated devices send: random answers, good rating payloads and the
// deliberately bad ones (private to hailong_devices).
//
// Thread safety: pure functions; the caller owns the random generator.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "hailong/devsim/simulator.h"
#include "hailong/survey/survey_template.h"

namespace hailong::devices::internal {

// One answer per criterion: positive 80%, neutral 10%, negative 10% of the
// time (any option when the criterion has none of that polarity), close to
// the satisfaction the source documents report.
survey::Answers RandomAnswers(const survey::SurveyTemplate& t, std::mt19937_64& rng);

// A valid rating payload. An unsatisfied rating carries a comment and a
// phone number when the template offers them. `dossier` may be "".
std::string GoodRatingPayload(const survey::SurveyTemplate& t, std::mt19937_64& rng,
                              std::string_view id, std::string_view counter, int64_t at_ms,
                              std::string_view dossier);

// The payload of bad kind `kind` (index into BadPayloadKinds()), made from a
// good one. *anonymous is set when the payload carries no usable id (the
// rejection then has id null).
std::string BadRatingPayload(size_t kind, const survey::SurveyTemplate& t, std::mt19937_64& rng,
                             std::string_view id, std::string_view counter, int64_t at_ms,
                             bool* anonymous);

}  // namespace hailong::devices::internal
