#include "names.h"

namespace hailong::hub {

std::string Str(const flatbuffers::String* s) { return s ? s->str() : std::string(); }
std::string_view View(const flatbuffers::String* s) {
  return s ? std::string_view(s->c_str(), s->size()) : std::string_view();
}

namespace {

constexpr const char* kActions[] = {"note",    "assigned", "called_back", "written_explanation",
                                    "apology", "minutes"};
constexpr const char* kKinds[] = {"office", "counter", "officer", "procedure", "field"};
}  // namespace

const char* ChannelName(fb::Channel c) {
  switch (c) {
    case fb::Channel::ButtonBox:
      return "button_box";
    case fb::Channel::Touchscreen:
      return "touchscreen";
    case fb::Channel::Phone:
      return "phone";
    case fb::Channel::Web:
      return "web";
    default:
      return "unknown";
  }
}

const char* ClassificationName(fb::Classification c) {
  switch (c) {
    case fb::Classification::Satisfied:
      return "satisfied";
    case fb::Classification::Neutral:
      return "neutral";
    case fb::Classification::Unsatisfied:
      return "unsatisfied";
    default:
      return "unclassified";
  }
}

const char* FollowUpActionName(fb::FollowUpAction a) {
  const auto i = static_cast<size_t>(a);
  return i < std::size(kActions) ? kActions[i] : "note";
}

bool FollowUpActionFromName(std::string_view name, fb::FollowUpAction* out) {
  for (size_t i = 0; i < std::size(kActions); ++i) {
    if (name == kActions[i]) {
      *out = static_cast<fb::FollowUpAction>(i);
      return true;
    }
  }
  return false;
}

const char* CatalogueKindName(fb::CatalogueKind k) {
  const auto i = static_cast<size_t>(k);
  return i < std::size(kKinds) ? kKinds[i] : "office";
}

bool CatalogueKindFromName(std::string_view name, fb::CatalogueKind* out) {
  for (size_t i = 0; i < std::size(kKinds); ++i) {
    if (name == kKinds[i]) {
      *out = static_cast<fb::CatalogueKind>(i);
      return true;
    }
  }
  return false;
}

const char* PolarityName(fb::Polarity p) {
  switch (p) {
    case fb::Polarity::Positive:
      return "positive";
    case fb::Polarity::Negative:
      return "negative";
    default:
      return "neutral";
  }
}

nlohmann::json TemplateToJson(const fb::SurveyTemplate& t) {
  using json = nlohmann::json;
  json criteria = json::array();
  if (t.criteria()) {
    for (const fb::SurveyCriterion* c : *t.criteria()) {
      json options = json::array();
      if (c->options()) {
        for (const fb::SurveyOption* o : *c->options()) {
          options.push_back(json{{"id", Str(o->id())},
                                 {"label", Str(o->label())},
                                 {"label_en", Str(o->label_en())},
                                 {"polarity", PolarityName(o->polarity())}});
        }
      }
      criteria.push_back(json{{"id", Str(c->id())},
                              {"label", Str(c->label())},
                              {"label_en", Str(c->label_en())},
                              {"options", options}});
    }
  }
  const char* rule = "worst_answer";
  if (t.rule() == fb::ClassificationRule::AllPositive) rule = "all_positive";
  if (t.rule() == fb::ClassificationRule::OverallCriterion) rule = "overall_criterion";
  return json{{"id", Str(t.id())},
              {"version", t.version()},
              {"name", Str(t.name())},
              {"name_en", Str(t.name_en())},
              {"rule", rule},
              {"overall_criterion", Str(t.overall_criterion())},
              {"allow_comment", t.allow_comment()},
              {"allow_phone", t.allow_phone()},
              {"criteria", criteria}};
}

}  // namespace hailong::hub
