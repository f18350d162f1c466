// Survey templates to and from the schema's object API (template.h), for
// TemplatePublished events.
#include "hailong/schema/status_macros.h"
#include "hailong/survey/template_codec.h"
#include "template_invalid.h"

namespace hailong::survey {

using internal::Invalid;

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

}  // namespace hailong::survey
