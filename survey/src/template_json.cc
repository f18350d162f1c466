// Survey templates to and from JSON (template.h: the JSON shape): every
// field named by its path in errors, unknown keys refused.
#include <algorithm>
#include <utility>

#include "hailong/schema/event_json.h"
#include "hailong/schema/status_macros.h"
#include "hailong/survey/template_codec.h"
#include "template_invalid.h"

namespace hailong::survey {
namespace {

using internal::Invalid;
using nlohmann::json;

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
  if (!schema::PolarityFromName(polarity, &out->polarity)) {
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

}  // namespace

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
                         {"polarity", schema::PolarityName(o.polarity)}});
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

}  // namespace hailong::survey
