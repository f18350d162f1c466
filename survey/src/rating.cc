// Reading and judging a rating: see rating.h.
#include "hailong/survey/rating.h"

#include <algorithm>
#include <iterator>

#include "hailong/schema/time.h"

namespace hailong::survey {
namespace {

using nlohmann::json;

constexpr size_t kMaxIdExtractionBytes = 64 * 1024;

Rejection MissingField(const char* key) {
  return Reject(RejectReason::kMissingField, std::string("missing field '") + key + "'");
}
Rejection WrongType(const std::string& key, const char* what) {
  return Reject(RejectReason::kWrongType, "field '" + key + "' must be " + what);
}

// "unknown key 'x'" for the first key a rating does not have.
Rejection CheckKnownKeys(const json& j) {
  static constexpr std::string_view kKnown[] = {"id",      "counter",        "template", "answers",
                                                "at",      "dossier",        "comment",  "phone",
                                                "consent", "consent_version"};
  for (const auto& [key, value] : j.items()) {
    if (std::find(std::begin(kKnown), std::end(kKnown), key) == std::end(kKnown)) {
      return Reject(RejectReason::kUnknownKey, "unknown key '" + key + "'");
    }
  }
  return Rejection();
}

// A string field: absent and null leave *out empty ("not given"); `needed`
// makes absence an error (and null a wrong type). A present "" is given as ""
// (JudgeRating decides).
Rejection StringField(const json& j, const char* key, bool needed, std::string* out) {
  auto it = j.find(key);
  if (it == j.end() || (!needed && it->is_null())) {
    return needed ? MissingField(key) : Rejection();
  }
  if (!it->is_string()) return WrongType(key, "a string");
  *out = it->get<std::string>();
  return Rejection();
}

}  // namespace

Rejection ReadRatingFields(const json& j, const RatingReadOptions& options, RatingFields* out) {
  RatingFields f;
  Rejection r = StringField(j, "id", options.need_id, &f.id);
  if (r.ok()) r = StringField(j, "counter", options.need_counter, &f.counter);
  if (r.ok()) r = StringField(j, "template", options.need_template, &f.template_id);
  if (!r.ok()) return r;
  auto answers = j.find("answers");
  if (answers == j.end()) return MissingField("answers");
  if (!answers->is_object()) return WrongType("answers", "an object");
  for (const auto& [criterion, option] : answers->items()) {
    if (!option.is_string()) return WrongType("answers." + criterion, "a string");
    f.answers.push_back({criterion, option.get<std::string>()});
  }
  r = StringField(j, "at", options.need_at, &f.at);
  if (r.ok()) r = StringField(j, "dossier", false, &f.dossier);
  if (r.ok()) r = StringField(j, "comment", false, &f.comment);
  if (r.ok()) r = StringField(j, "phone", false, &f.phone);
  if (r.ok()) r = StringField(j, "consent_version", false, &f.consent_version);
  if (!r.ok()) return r;
  if (auto consent = j.find("consent"); consent != j.end() && !consent->is_null()) {
    if (!consent->is_boolean()) return WrongType("consent", "a boolean");
    f.consent = consent->get<bool>();
  }
  *out = std::move(f);
  return Rejection();
}

Rejection JudgeRating(const RatingFields& f, const SurveyTemplate* t, int64_t now_ms,
                      const RatingRules& rules, CheckedRating* out) {
  CheckedRating r;
  if ((rules.need_id || !f.id.empty()) && (f.id.empty() || CodePoints(f.id) > kMaxRatingIdChars)) {
    return Reject(RejectReason::kBadId);
  }
  r.id = f.id;
  if (!IsValidCounterId(f.counter)) return Reject(RejectReason::kBadCounter);
  r.counter = f.counter;
  if (t == nullptr) {
    return Reject(RejectReason::kUnknownTemplate, "unknown template '" + f.template_id + "'");
  }
  r.template_id = t->id;
  r.template_version = t->version;
  Rejection answers = ValidateAnswers(*t, f.answers);
  if (!answers.ok()) return answers;
  r.answers = CanonicalAnswerOrder(*t, f.answers);
  r.classification = Classify(*t, r.answers);
  r.device_time_ms = now_ms;
  if (!f.at.empty()) {
    if (!ParseRfc3339(f.at, &r.device_time_ms).ok()) return Reject(RejectReason::kBadTime);
    if (r.device_time_ms < rules.min_time_ms) return Reject(RejectReason::kTimeBefore2020);
    if (r.device_time_ms > now_ms + rules.max_future_skew_ms) {
      return Reject(RejectReason::kTimeInFuture);
    }
  }
  if (!f.dossier.empty() && !IsValidDossier(f.dossier)) return Reject(RejectReason::kBadDossier);
  r.dossier = f.dossier;
  if (!f.comment.empty()) {
    if (!t->allow_comment) {
      return Reject(RejectReason::kCommentNotAllowed,
                    "comment not allowed by template '" + t->id + "'");
    }
    if (CodePoints(f.comment) > kMaxCommentCodePoints) {
      return Reject(RejectReason::kCommentTooLong);
    }
  }
  r.comment = f.comment;
  if (!f.phone.empty()) {
    if (!t->allow_phone) {
      return Reject(RejectReason::kPhoneNotAllowed,
                    "phone not allowed by template '" + t->id + "'");
    }
    r.phone = NormalizePhone(f.phone);
    if (r.phone.empty()) return Reject(RejectReason::kBadPhone);
  }
  if (!f.consent_version.empty() && !IsValidConsentVersion(f.consent_version)) {
    return Reject(RejectReason::kBadConsentVersion);
  }
  if (!r.phone.empty()) {
    if (!f.consent) return Reject(RejectReason::kConsentMissing);
    r.consent_version =
        f.consent_version.empty() ? std::string(kUnversionedConsent) : f.consent_version;
  }
  *out = std::move(r);
  return Rejection();
}

Rejection ParseRating(std::string_view payload, const TemplateRegistry& registry, int64_t now_ms,
                      const RatingParseOptions& options, CheckedRating* out) {
  *out = CheckedRating();
  if (payload.size() > options.max_bytes) {
    out->id = ExtractRatingId(payload).value_or("");
    return Reject(RejectReason::kPayloadTooLarge);
  }
  json j = json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Reject(RejectReason::kMalformedJson);
  if (!j.is_object()) return Reject(RejectReason::kNotAnObject);
  std::string id;
  if (auto it = j.find("id"); it != j.end() && it->is_string()) id = it->get<std::string>();

  RatingFields fields;
  Rejection r = ReadRatingFields(j, RatingReadOptions(), &fields);
  if (r.ok()) {
    std::shared_ptr<const SurveyTemplate> t = registry.Find(fields.template_id);
    r = JudgeRating(fields, t.get(), now_ms, options.rules, out);
  }
  if (r.ok() && options.reject_unknown_keys) r = CheckKnownKeys(j);
  if (!r.ok()) {
    *out = CheckedRating();
    out->id = std::move(id);
  }
  return r;
}

std::optional<std::string> ExtractRatingId(std::string_view payload) {
  if (payload.size() > kMaxIdExtractionBytes) return std::nullopt;
  json j = json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  auto it = j.find("id");
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

fb::RatingStage RatingStageOf(bool known, int64_t returned_ms, int64_t rated_ms) {
  if (!known) return fb::RatingStage::Unknown;
  return returned_ms > 0 && returned_ms <= rated_ms ? fb::RatingStage::Return
                                                    : fb::RatingStage::Intake;
}

std::string ReceiptSlot(std::string_view template_id, fb::RatingStage stage) {
  std::string slot(template_id);
  if (stage == fb::RatingStage::Return) slot += "@return";
  return slot;
}

void BuildRatingSubmitted(const CheckedRating& rating, const RatingContext& context,
                          fb::RatingSubmittedT* out) {
  out->rating_id = rating.id;
  out->office = context.office;
  out->counter = rating.counter;
  out->officer = context.officer;
  out->device = context.device;
  out->channel = context.channel;
  out->template_id = rating.template_id;
  out->template_version = rating.template_version;
  out->answers.clear();
  for (const Answer& a : rating.answers) {
    auto answer = std::make_unique<fb::AnswerT>();
    answer->criterion = a.criterion;
    answer->option = a.option;
    out->answers.push_back(std::move(answer));
  }
  out->classification = rating.classification;
  out->dossier = rating.dossier;
  out->procedure = context.procedure;
  out->field = context.field;
  out->comment = rating.comment;
  out->phone = rating.phone;
  out->consent_version = rating.consent_version;
  out->device_time_ms = rating.device_time_ms;
  out->edge_time_ms = context.edge_time_ms;
  out->flags = context.flags;
  out->stage = context.stage;
}

}  // namespace hailong::survey
