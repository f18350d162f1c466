// Simulated devices' payloads: see sim_payloads.h.
#include "sim_payloads.h"

#include <nlohmann/json.hpp>

#include "hailong/devices/payload.h"
#include "hailong/schema/time.h"
#include "hailong/survey/classify.h"

namespace hailong::devices {
namespace {

// The consent text a simulated device shows before it takes a phone number.
constexpr std::string_view kSimConsentVersion = "devsim-1";

const std::vector<BadPayloadKind> kBadKinds = {
    {"unknown_option", "unknown option"},
    {"bad_counter", "bad counter id"},
    {"bad_time", "bad time"},
    {"future_time", "time in the future"},
    {"missing_answers", "missing field 'answers'"},
    {"wrong_type", "field 'counter' must be a string"},
    {"unknown_template", "unknown template"},
    {"too_large", "payload too large"},
    {"not_json", "malformed JSON"},
};

}  // namespace

const std::vector<BadPayloadKind>& BadPayloadKinds() { return kBadKinds; }

namespace internal {

survey::Answers RandomAnswers(const survey::SurveyTemplate& t, std::mt19937_64& rng) {
  survey::Answers answers;
  for (const survey::SurveyCriterion& c : t.criteria) {
    double roll = std::uniform_real_distribution<double>(0, 1)(rng);
    fb::Polarity want = roll < 0.8   ? fb::Polarity::Positive
                        : roll < 0.9 ? fb::Polarity::Neutral
                                     : fb::Polarity::Negative;
    std::vector<const survey::SurveyOption*> fitting;
    for (const survey::SurveyOption& opt : c.options) {
      if (opt.polarity == want) fitting.push_back(&opt);
    }
    if (fitting.empty()) {
      for (const survey::SurveyOption& opt : c.options) fitting.push_back(&opt);
    }
    answers.push_back({c.id, fitting[rng() % fitting.size()]->id});
  }
  return answers;
}

std::string GoodRatingPayload(const survey::SurveyTemplate& t, std::mt19937_64& rng,
                              std::string_view id, std::string_view counter, int64_t at_ms,
                              std::string_view dossier) {
  survey::Answers answers = RandomAnswers(t, rng);
  const bool unsatisfied = survey::Classify(t, answers) == fb::Classification::Unsatisfied;
  std::string_view comment, phone;
  if (unsatisfied && t.allow_comment) comment = "Chờ lâu, cán bộ hướng dẫn chưa rõ ràng.";
  if (unsatisfied && t.allow_phone) phone = "0912345678";
  return RatingPayloadJson(id, counter, t.id, answers, at_ms, dossier, comment, phone,
                           kSimConsentVersion);
}

std::string BadRatingPayload(size_t kind, const survey::SurveyTemplate& t, std::mt19937_64& rng,
                             std::string_view id, std::string_view counter, int64_t at_ms,
                             bool* anonymous) {
  nlohmann::json j = nlohmann::json::parse(GoodRatingPayload(t, rng, id, counter, at_ms, ""));
  *anonymous = false;
  const std::string_view name = kBadKinds[kind % kBadKinds.size()].name;
  if (name == "unknown_option") {
    j["answers"][t.criteria[0].id] = "no-such-option";
  } else if (name == "bad_counter") {
    j["counter"] = "quầy 1";
  } else if (name == "bad_time") {
    j["at"] = "hôm qua";
  } else if (name == "future_time") {
    j["at"] = FormatRfc3339(at_ms + 24LL * 3600 * 1000);
  } else if (name == "missing_answers") {
    j.erase("answers");
  } else if (name == "wrong_type") {
    j["counter"] = 7;
  } else if (name == "unknown_template") {
    j["template"] = "no-such-template";
  } else if (name == "too_large") {
    j["pad"] = std::string(survey::kMaxRatingPayloadBytes + 512, 'x');
  } else {  // not_json
    *anonymous = true;
    return "{\"id\": \"" + std::string(id) + "\", this is not JSON";
  }
  return j.dump();
}

}  // namespace internal
}  // namespace hailong::devices
