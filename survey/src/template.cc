// Survey templates: validation, JSON and FlatBuffers conversion, the
// classification rules and the registry.
#include "hailong/survey/template.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <utility>

#include "builtin_template_sources.h"
#include "hailong/schema/status_macros.h"

namespace hailong::survey {
namespace {

using nlohmann::json;

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

const char* PolarityText(fb::Polarity p) {
  switch (p) {
    case fb::Polarity::Positive:
      return "positive";
    case fb::Polarity::Negative:
      return "negative";
    case fb::Polarity::Neutral:
      break;
  }
  return "neutral";
}

bool PolarityFromText(std::string_view s, fb::Polarity* out) {
  if (s == "positive")
    *out = fb::Polarity::Positive;
  else if (s == "neutral")
    *out = fb::Polarity::Neutral;
  else if (s == "negative")
    *out = fb::Polarity::Negative;
  else
    return false;
  return true;
}

// Reads the members of one JSON object, naming fields by their path.
class ObjectReader {
 public:
  ObjectReader(const json& j, std::string path) : j_(j), path_(std::move(path)) {}

  Status Check(std::initializer_list<std::string_view> known) const {
    if (!j_.is_object()) return Status::InvalidArgument(Name("") + "expected an object");
    for (const auto& [key, value] : j_.items()) {
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        return Status::InvalidArgument(Name(key) + "unknown key");
      }
    }
    return Status::OK();
  }
  Status String(std::string_view key, bool required, std::string* out) const {
    auto it = j_.find(key);
    if (it == j_.end()) {
      return required ? Status::InvalidArgument(Name(key) + "missing") : Status::OK();
    }
    if (!it->is_string()) return Status::InvalidArgument(Name(key) + "expected a string");
    *out = it->get<std::string>();
    return Status::OK();
  }
  Status Bool(std::string_view key, bool* out) const {
    auto it = j_.find(key);
    if (it == j_.end()) return Status::OK();
    if (!it->is_boolean()) return Status::InvalidArgument(Name(key) + "expected true or false");
    *out = it->get<bool>();
    return Status::OK();
  }
  Status Version(std::string_view key, uint32_t* out) const {
    auto it = j_.find(key);
    if (it == j_.end()) return Status::InvalidArgument(Name(key) + "missing");
    if (!it->is_number_unsigned() || it->get<uint64_t>() < 1 || it->get<uint64_t>() > UINT32_MAX) {
      return Status::InvalidArgument(Name(key) + "expected an integer from 1 to 4294967295");
    }
    *out = static_cast<uint32_t>(it->get<uint64_t>());
    return Status::OK();
  }
  Status Array(std::string_view key, const json** out) const {
    auto it = j_.find(key);
    if (it == j_.end()) return Status::InvalidArgument(Name(key) + "missing");
    if (!it->is_array()) return Status::InvalidArgument(Name(key) + "expected an array");
    *out = &*it;
    return Status::OK();
  }
  std::string Name(std::string_view key) const {
    std::string name = path_;
    if (!key.empty()) {
      if (!name.empty()) name += '.';
      name += key;
    }
    return name.empty() ? std::string() : name + ": ";
  }
  std::string Path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }

 private:
  const json& j_;
  std::string path_;
};

Status OptionFromJson(const json& j, const std::string& path, SurveyOption* out) {
  ObjectReader r(j, path);
  HAILONG_RETURN_IF_ERROR(r.Check({"id", "label", "label_en", "polarity"}));
  HAILONG_RETURN_IF_ERROR(r.String("id", true, &out->id));
  HAILONG_RETURN_IF_ERROR(r.String("label", true, &out->label));
  HAILONG_RETURN_IF_ERROR(r.String("label_en", false, &out->label_en));
  std::string polarity;
  HAILONG_RETURN_IF_ERROR(r.String("polarity", true, &polarity));
  if (!PolarityFromText(polarity, &out->polarity)) {
    return Status::InvalidArgument(r.Name("polarity") +
                                   "expected \"positive\", \"neutral\" or \"negative\"");
  }
  return Status::OK();
}

Status CriterionFromJson(const json& j, const std::string& path, SurveyCriterion* out) {
  ObjectReader r(j, path);
  HAILONG_RETURN_IF_ERROR(r.Check({"id", "label", "label_en", "options"}));
  HAILONG_RETURN_IF_ERROR(r.String("id", true, &out->id));
  HAILONG_RETURN_IF_ERROR(r.String("label", true, &out->label));
  HAILONG_RETURN_IF_ERROR(r.String("label_en", false, &out->label_en));
  const json* options = nullptr;
  HAILONG_RETURN_IF_ERROR(r.Array("options", &options));
  out->options.clear();
  for (size_t i = 0; i < options->size(); ++i) {
    SurveyOption option;
    HAILONG_RETURN_IF_ERROR(
        OptionFromJson((*options)[i], r.Path("options") + "[" + std::to_string(i) + "]", &option));
    out->options.push_back(std::move(option));
  }
  return Status::OK();
}

Status Invalid(const std::string& field, std::string_view what) {
  return Status::InvalidArgument(field + ": " + std::string(what));
}

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

Status TemplateFromJson(const json& j, SurveyTemplate* out) {
  SurveyTemplate t;
  ObjectReader r(j, "");
  HAILONG_RETURN_IF_ERROR(r.Check({"id", "version", "name", "name_en", "criteria", "rule",
                                   "overall_criterion", "allow_comment", "allow_phone"}));
  HAILONG_RETURN_IF_ERROR(r.String("id", true, &t.id));
  HAILONG_RETURN_IF_ERROR(r.Version("version", &t.version));
  HAILONG_RETURN_IF_ERROR(r.String("name", true, &t.name));
  HAILONG_RETURN_IF_ERROR(r.String("name_en", false, &t.name_en));
  std::string rule = "worst_answer";
  HAILONG_RETURN_IF_ERROR(r.String("rule", false, &rule));
  if (!RuleFromName(rule, &t.rule)) {
    return Invalid("rule", "expected \"worst_answer\", \"all_positive\" or \"overall_criterion\"");
  }
  HAILONG_RETURN_IF_ERROR(r.String("overall_criterion", false, &t.overall_criterion));
  HAILONG_RETURN_IF_ERROR(r.Bool("allow_comment", &t.allow_comment));
  HAILONG_RETURN_IF_ERROR(r.Bool("allow_phone", &t.allow_phone));
  const json* criteria = nullptr;
  HAILONG_RETURN_IF_ERROR(r.Array("criteria", &criteria));
  for (size_t i = 0; i < criteria->size(); ++i) {
    SurveyCriterion c;
    HAILONG_RETURN_IF_ERROR(
        CriterionFromJson((*criteria)[i], "criteria[" + std::to_string(i) + "]", &c));
    t.criteria.push_back(std::move(c));
  }
  HAILONG_RETURN_IF_ERROR(ValidateTemplate(t));
  *out = std::move(t);
  return Status::OK();
}

Status ParseTemplate(std::string_view json_text, SurveyTemplate* out) {
  json j = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument("malformed JSON");
  return TemplateFromJson(j, out);
}

json TemplateToJson(const SurveyTemplate& t) {
  json criteria = json::array();
  for (const SurveyCriterion& c : t.criteria) {
    json options = json::array();
    for (const SurveyOption& o : c.options) {
      options.push_back({{"id", o.id},
                         {"label", o.label},
                         {"label_en", o.label_en},
                         {"polarity", PolarityText(o.polarity)}});
    }
    criteria.push_back(
        {{"id", c.id}, {"label", c.label}, {"label_en", c.label_en}, {"options", options}});
  }
  return {{"id", t.id},
          {"version", t.version},
          {"name", t.name},
          {"name_en", t.name_en},
          {"rule", RuleName(t.rule)},
          {"overall_criterion", t.overall_criterion},
          {"allow_comment", t.allow_comment},
          {"allow_phone", t.allow_phone},
          {"criteria", criteria}};
}

void TemplateToFlatbuffer(const SurveyTemplate& t, fb::SurveyTemplateT* out) {
  *out = fb::SurveyTemplateT();
  out->id = t.id;
  out->version = t.version;
  out->name = t.name;
  out->name_en = t.name_en;
  out->rule = t.rule;
  out->overall_criterion = t.overall_criterion;
  out->allow_comment = t.allow_comment;
  out->allow_phone = t.allow_phone;
  for (const SurveyCriterion& c : t.criteria) {
    auto fc = std::make_unique<fb::SurveyCriterionT>();
    fc->id = c.id;
    fc->label = c.label;
    fc->label_en = c.label_en;
    for (const SurveyOption& o : c.options) {
      auto fo = std::make_unique<fb::SurveyOptionT>();
      fo->id = o.id;
      fo->label = o.label;
      fo->label_en = o.label_en;
      fo->polarity = o.polarity;
      fc->options.push_back(std::move(fo));
    }
    out->criteria.push_back(std::move(fc));
  }
}

Status TemplateFromFlatbuffer(const fb::SurveyTemplateT& in, SurveyTemplate* out) {
  SurveyTemplate t;
  t.id = in.id;
  t.version = in.version;
  t.name = in.name;
  t.name_en = in.name_en;
  t.rule = in.rule;
  t.overall_criterion = in.overall_criterion;
  t.allow_comment = in.allow_comment;
  t.allow_phone = in.allow_phone;
  for (const auto& fc : in.criteria) {
    if (!fc) return Invalid("criteria", "null criterion");
    SurveyCriterion c;
    c.id = fc->id;
    c.label = fc->label;
    c.label_en = fc->label_en;
    for (const auto& fo : fc->options) {
      if (!fo) return Invalid("criteria.options", "null option");
      c.options.push_back({fo->id, fo->label, fo->label_en, fo->polarity});
    }
    t.criteria.push_back(std::move(c));
  }
  HAILONG_RETURN_IF_ERROR(ValidateTemplate(t));
  *out = std::move(t);
  return Status::OK();
}

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

const std::vector<SurveyTemplate>& BuiltinTemplates() {
  static const std::vector<SurveyTemplate>* const kTemplates = [] {
    auto* templates = new std::vector<SurveyTemplate>();
    for (const auto& source : internal::BuiltinTemplateSources()) {
      SurveyTemplate t;
      Status s = ParseTemplate(source.json, &t);
      if (!s.ok()) {
        // A broken built-in is a build defect; the unit tests catch it.
        fprintf(stderr, "built-in template %.*s: %s\n", static_cast<int>(source.file.size()),
                source.file.data(), s.ToString().c_str());
        abort();
      }
      templates->push_back(std::move(t));
    }
    return templates;
  }();
  return *kTemplates;
}

std::unique_ptr<TemplateRegistry> TemplateRegistry::WithBuiltins() {
  auto registry = std::make_unique<TemplateRegistry>();
  for (const SurveyTemplate& t : BuiltinTemplates()) {
    Status s = registry->Add(t);
    s.PermitUncheckedError();  // built-ins are valid and distinct (unit tested)
  }
  return registry;
}

Status TemplateRegistry::Add(const SurveyTemplate& t) {
  HAILONG_RETURN_IF_ERROR(ValidateTemplate(t));
  std::lock_guard<std::mutex> lock(mu_);
  auto& versions = templates_[t.id];
  auto it = versions.find(t.version);
  if (it != versions.end()) {
    if (*it->second == t) return Status::OK();
    return Status::Conflict("template '" + t.id + "' version " + std::to_string(t.version) +
                            " already exists with different content");
  }
  versions.emplace(t.version, std::make_shared<const SurveyTemplate>(t));
  return Status::OK();
}

Status TemplateRegistry::Publish(SurveyTemplate t, uint32_t* version) {
  std::lock_guard<std::mutex> lock(mu_);
  auto found = templates_.find(t.id);
  t.version =
      (found == templates_.end() || found->second.empty()) ? 1 : found->second.rbegin()->first + 1;
  HAILONG_RETURN_IF_ERROR(ValidateTemplate(t));
  templates_[t.id].emplace(t.version, std::make_shared<const SurveyTemplate>(t));
  if (version != nullptr) *version = t.version;
  return Status::OK();
}

std::shared_ptr<const SurveyTemplate> TemplateRegistry::Find(std::string_view id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = templates_.find(id);
  if (it == templates_.end() || it->second.empty()) return nullptr;
  return it->second.rbegin()->second;
}

std::shared_ptr<const SurveyTemplate> TemplateRegistry::Find(std::string_view id,
                                                             uint32_t version) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = templates_.find(id);
  if (it == templates_.end()) return nullptr;
  auto v = it->second.find(version);
  return v == it->second.end() ? nullptr : v->second;
}

std::vector<std::shared_ptr<const SurveyTemplate>> TemplateRegistry::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::shared_ptr<const SurveyTemplate>> out;
  for (const auto& [id, versions] : templates_) {
    if (!versions.empty()) out.push_back(versions.rbegin()->second);
  }
  return out;
}

json TemplateRegistry::ToJson() const {
  json list = json::array();
  for (const auto& t : List()) list.push_back(TemplateToJson(*t));
  return {{"templates", list}};
}

size_t TemplateRegistry::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return templates_.size();
}

}  // namespace hailong::survey
