// Survey templates: the built-ins, JSON and FlatBuffers round trips,
// validation messages and the classification rules.
#include "hailong/survey/template.h"

#include <gtest/gtest.h>

#include <set>

namespace hailong::survey {
namespace {

using nlohmann::json;

const SurveyTemplate& Builtin(std::string_view id) {
  for (const SurveyTemplate& t : BuiltinTemplates()) {
    if (t.id == id) return t;
  }
  ADD_FAILURE() << "no built-in " << id;
  static SurveyTemplate empty;
  return empty;
}

TEST(BuiltinTemplatesTest, AllSixParseAndValidate) {
  const auto& all = BuiltinTemplates();
  std::vector<std::string> ids;
  for (const SurveyTemplate& t : all) {
    ids.push_back(t.id);
    EXPECT_TRUE(ValidateTemplate(t).ok()) << t.id;
    EXPECT_EQ(t.version, 1u) << t.id;
    EXPECT_FALSE(t.name_en.empty()) << t.id;
    for (const SurveyCriterion& c : t.criteria) {
      EXPECT_FALSE(c.label_en.empty()) << t.id << "/" << c.id;
      for (const SurveyOption& o : c.options) EXPECT_FALSE(o.label_en.empty()) << o.id;
    }
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"binh-thanh-intake", "binh-thanh-return", "ha-noi-2014",
                                           "gia-lam-phone", "van-hung-2button", "smiley-4"}));
}

TEST(BuiltinTemplatesTest, ShapesFollowTheSourceDocuments) {
  EXPECT_EQ(Builtin("binh-thanh-intake").criteria.size(), 3u);
  EXPECT_EQ(Builtin("binh-thanh-return").criteria.size(), 6u);
  EXPECT_EQ(Builtin("binh-thanh-return").rule, fb::ClassificationRule::OverallCriterion);
  EXPECT_EQ(Builtin("binh-thanh-return").overall_criterion, "overall");
  const SurveyTemplate& hn = Builtin("ha-noi-2014");
  EXPECT_EQ(hn.criteria.size(), 4u);
  EXPECT_EQ(hn.rule, fb::ClassificationRule::AllPositive);
  for (const SurveyCriterion& c : hn.criteria) {
    ASSERT_EQ(c.options.size(), 2u);
    EXPECT_EQ(c.options[0].label, "Hài lòng");
    EXPECT_EQ(c.options[1].label, "Không hài lòng");
  }
  const SurveyTemplate& gl = Builtin("gia-lam-phone");
  EXPECT_TRUE(gl.allow_comment);
  EXPECT_TRUE(gl.allow_phone);
  EXPECT_EQ(gl.criteria[0].options[0].label, "Rất hài lòng");
  EXPECT_EQ(Builtin("van-hung-2button").criteria[0].options.size(), 2u);
  const SurveyTemplate& smiley = Builtin("smiley-4");
  ASSERT_EQ(smiley.criteria.size(), 1u);
  std::vector<std::string> labels;
  for (const auto& o : smiley.criteria[0].options) labels.push_back(o.label);
  EXPECT_EQ(labels, (std::vector<std::string>{"Rất hài lòng", "Hài lòng", "Bình thường",
                                              "Không hài lòng"}));
  EXPECT_EQ(Builtin("binh-thanh-intake").criteria[1].options[2].label, "Khó hiểu");
  EXPECT_EQ(Builtin(kDefaultTemplateId).id, "smiley-4");
}

TEST(TemplateJsonTest, RoundTripsEveryBuiltin) {
  for (const SurveyTemplate& t : BuiltinTemplates()) {
    SurveyTemplate back;
    ASSERT_TRUE(TemplateFromJson(TemplateToJson(t), &back).ok()) << t.id;
    EXPECT_EQ(back, t);
    SurveyTemplate from_text;
    ASSERT_TRUE(ParseTemplate(TemplateToJson(t).dump(), &from_text).ok());
    EXPECT_EQ(from_text, t);
  }
}

TEST(TemplateJsonTest, HasTheShapeOfTheTemplatesApi) {
  json j = TemplateToJson(Builtin("smiley-4"));
  EXPECT_EQ(j["id"], "smiley-4");
  EXPECT_EQ(j["version"], 1);
  EXPECT_TRUE(j["name"].is_string());
  const json& option = j["criteria"][0]["options"][3];
  EXPECT_EQ(option["id"], "unsatisfied");
  EXPECT_EQ(option["label"], "Không hài lòng");
  EXPECT_EQ(option["polarity"], "negative");
  EXPECT_EQ(j["criteria"][0]["options"][2]["polarity"], "neutral");
  EXPECT_EQ(j["rule"], "worst_answer");
}

TEST(TemplateJsonTest, OptionalKeysDefault) {
  SurveyTemplate t;
  ASSERT_TRUE(ParseTemplate(R"({"id":"t","version":3,"name":"N","criteria":[{"id":"c","label":"L",
      "options":[{"id":"y","label":"Có","polarity":"positive"},
                 {"id":"n","label":"Không","polarity":"negative"}]}]})",
                            &t)
                  .ok());
  EXPECT_EQ(t.version, 3u);
  EXPECT_EQ(t.rule, fb::ClassificationRule::WorstAnswer);
  EXPECT_FALSE(t.allow_comment);
  EXPECT_EQ(t.criteria[0].options[1].label, "Không");
}

struct BadTemplateCase {
  const char* name;
  std::string json_text;
  std::string message;
};

class BadTemplateTest : public ::testing::TestWithParam<BadTemplateCase> {};

TEST_P(BadTemplateTest, NamesTheField) {
  SurveyTemplate t;
  Status s = ParseTemplate(GetParam().json_text, &t);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_EQ(s.message(), GetParam().message);
}

std::string WithCriteria(const std::string& criteria, const std::string& extra = "") {
  return R"({"id":"t","version":1,"name":"N",)" + extra + R"("criteria":)" + criteria + "}";
}
const std::string kOkOptions =
    R"([{"id":"y","label":"Có","polarity":"positive"},{"id":"n","label":"Không","polarity":"negative"}])";

INSTANTIATE_TEST_SUITE_P(
    Cases, BadTemplateTest,
    ::testing::Values(
        BadTemplateCase{"Malformed", "{", "malformed JSON"},
        BadTemplateCase{"NotObject", "[]", "expected an object"},
        BadTemplateCase{"UnknownKey", R"({"id":"t","colour":1})", "colour: unknown key"},
        BadTemplateCase{"MissingId", R"({"version":1})", "id: missing"},
        BadTemplateCase{"IdType", R"({"id":7})", "id: expected a string"},
        BadTemplateCase{"VersionZero", R"({"id":"t","version":0})",
                        "version: expected an integer from 1 to 4294967295"},
        BadTemplateCase{
            "BadRule", WithCriteria("[]", R"("rule":"majority",)"),
            "rule: expected \"worst_answer\", \"all_positive\" or \"overall_criterion\""},
        BadTemplateCase{"BadId", R"({"id":"Tên mẫu","version":1,"name":"N","criteria":[]})",
                        "id: expected 1-64 of [a-z0-9-]"},
        BadTemplateCase{"NoCriteria", WithCriteria("[]"), "criteria: needs at least one criterion"},
        BadTemplateCase{"CriterionNotObject", WithCriteria("[1]"),
                        "criteria[0]: expected an object"},
        BadTemplateCase{
            "OneOption",
            WithCriteria(
                R"([{"id":"c","label":"L","options":[{"id":"y","label":"Có","polarity":"positive"}]}])"),
            "criteria[0].options: needs at least two options"},
        BadTemplateCase{
            "BadPolarity",
            WithCriteria(
                R"([{"id":"c","label":"L","options":[{"id":"y","label":"Có","polarity":"good"}]}])"),
            "criteria[0].options[0].polarity: expected \"positive\", \"neutral\" or "
            "\"negative\""},
        BadTemplateCase{"DuplicateCriterion",
                        WithCriteria(R"([{"id":"c","label":"L","options":)" + kOkOptions +
                                     R"(},{"id":"c","label":"L","options":)" + kOkOptions + "}]"),
                        "criteria[1].id: duplicate criterion 'c'"},
        BadTemplateCase{
            "DuplicateOption",
            WithCriteria(
                R"([{"id":"c","label":"L","options":[{"id":"y","label":"Có","polarity":"positive"},{"id":"y","label":"Có","polarity":"positive"}]}])"),
            "criteria[0].options[1].id: duplicate option 'y'"},
        BadTemplateCase{"OverallMissing",
                        WithCriteria(R"([{"id":"c","label":"L","options":)" + kOkOptions + "}]",
                                     R"("rule":"overall_criterion","overall_criterion":"x",)"),
                        "overall_criterion: no criterion 'x'"},
        BadTemplateCase{"EmptyLabel",
                        WithCriteria(R"([{"id":"c","label":"","options":)" + kOkOptions + "}]"),
                        "criteria[0].label: must not be empty"}),
    [](const ::testing::TestParamInfo<BadTemplateCase>& info) { return info.param.name; });

TEST(TemplateFlatbufferTest, RoundTripsEveryBuiltin) {
  for (const SurveyTemplate& t : BuiltinTemplates()) {
    fb::SurveyTemplateT f;
    TemplateToFlatbuffer(t, &f);
    EXPECT_EQ(f.id, t.id);
    EXPECT_EQ(f.rule, t.rule);
    SurveyTemplate back;
    ASSERT_TRUE(TemplateFromFlatbuffer(f, &back).ok()) << t.id;
    EXPECT_EQ(back, t);
  }
}

TEST(TemplateFlatbufferTest, InvalidEventTemplateIsRejected) {
  fb::SurveyTemplateT f;
  f.id = "x";
  f.version = 1;
  f.name = "X";
  SurveyTemplate t;
  Status s = TemplateFromFlatbuffer(f, &t);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_EQ(s.message(), "criteria: needs at least one criterion");
}

TEST(ClassifyTest, WorstAnswerRule) {
  const SurveyTemplate& t = Builtin("binh-thanh-intake");
  EXPECT_EQ(
      Classify(t, {{"attitude", "good"}, {"explanation", "clear"}, {"service_quality", "good"}}),
      fb::Classification::Satisfied);
  EXPECT_EQ(
      Classify(t, {{"attitude", "good"}, {"explanation", "average"}, {"service_quality", "good"}}),
      fb::Classification::Neutral);
  EXPECT_EQ(
      Classify(t, {{"attitude", "poor"}, {"explanation", "average"}, {"service_quality", "good"}}),
      fb::Classification::Unsatisfied);
  const SurveyTemplate& smiley = Builtin("smiley-4");
  EXPECT_EQ(Classify(smiley, {{"level", "very_satisfied"}}), fb::Classification::Satisfied);
  EXPECT_EQ(Classify(smiley, {{"level", "neutral"}}), fb::Classification::Neutral);
  EXPECT_EQ(Classify(smiley, {{"level", "unsatisfied"}}), fb::Classification::Unsatisfied);
}

TEST(ClassifyTest, HaNoiSatisfiedOnlyWhenSatisfiedOnAllFour) {
  const SurveyTemplate& t = Builtin("ha-noi-2014");
  Answers all = {{"information_facilities", "satisfied"},
                 {"dossier_requirements", "satisfied"},
                 {"officer_attitude", "satisfied"},
                 {"time_cost", "satisfied"}};
  EXPECT_EQ(Classify(t, all), fb::Classification::Satisfied);
  for (size_t i = 0; i < all.size(); ++i) {
    Answers one_bad = all;
    one_bad[i].option = "unsatisfied";
    EXPECT_EQ(Classify(t, one_bad), fb::Classification::Unsatisfied) << all[i].criterion;
  }
}

TEST(ClassifyTest, AllPositiveTreatsNeutralAsUnsatisfied) {
  SurveyTemplate t = Builtin("smiley-4");
  t.rule = fb::ClassificationRule::AllPositive;
  EXPECT_EQ(Classify(t, {{"level", "neutral"}}), fb::Classification::Unsatisfied);
  EXPECT_EQ(Classify(t, {{"level", "satisfied"}}), fb::Classification::Satisfied);
}

TEST(ClassifyTest, BinhThanhReturnFollowsTheOverallOpinion) {
  const SurveyTemplate& t = Builtin("binh-thanh-return");
  Answers a = {{"attitude", "not_good"},    {"complaint_handling", "dont_know"},
               {"visits", "three_or_more"}, {"resolved", "not_resolved"},
               {"timeliness", "late"},      {"overall", "satisfied"}};
  EXPECT_EQ(Classify(t, a), fb::Classification::Satisfied);
  a[5].option = "neutral";
  EXPECT_EQ(Classify(t, a), fb::Classification::Neutral);
  a[5].option = "unsatisfied";
  EXPECT_EQ(Classify(t, a), fb::Classification::Unsatisfied);
}

TEST(ClassifyTest, InvalidAnswersAreUnclassified) {
  const SurveyTemplate& t = Builtin("smiley-4");
  EXPECT_EQ(Classify(t, {}), fb::Classification::Unclassified);
  EXPECT_EQ(Classify(t, {{"level", "angry"}}), fb::Classification::Unclassified);
}

TEST(ValidateAnswersTest, Reasons) {
  const SurveyTemplate& t = Builtin("binh-thanh-intake");
  EXPECT_TRUE(ValidateAnswers(
                  t, {{"service_quality", "good"}, {"attitude", "good"}, {"explanation", "clear"}})
                  .ok());
  EXPECT_EQ(ValidateAnswers(t, {{"mood", "good"}}).message(), "unknown criterion 'mood'");
  EXPECT_EQ(ValidateAnswers(t, {{"attitude", "clear"}}).message(),
            "unknown option 'clear' for criterion 'attitude'");
  EXPECT_EQ(ValidateAnswers(t, {{"attitude", "good"}, {"attitude", "poor"}}).message(),
            "duplicate answer for criterion 'attitude'");
  EXPECT_EQ(ValidateAnswers(t, {{"attitude", "good"}}).message(),
            "missing answer for criterion 'explanation'");
}

TEST(ValidateAnswersTest, CanonicalOrderFollowsTheTemplate) {
  const SurveyTemplate& t = Builtin("binh-thanh-intake");
  Answers a = CanonicalAnswerOrder(
      t, {{"service_quality", "good"}, {"attitude", "poor"}, {"explanation", "clear"}});
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0].criterion, "attitude");
  EXPECT_EQ(a[1].criterion, "explanation");
  EXPECT_EQ(a[2].criterion, "service_quality");
}

TEST(TemplateRegistryTest, BuiltinsAreListedSortedById) {
  auto registry = TemplateRegistry::WithBuiltins();
  EXPECT_EQ(registry->size(), 6u);
  json j = registry->ToJson();
  ASSERT_EQ(j["templates"].size(), 6u);
  EXPECT_EQ(j["templates"][0]["id"], "binh-thanh-intake");
  EXPECT_EQ(j["templates"][5]["id"], "van-hung-2button");
  EXPECT_EQ(registry->Find("nope"), nullptr);
  ASSERT_NE(registry->Find("smiley-4"), nullptr);
}

TEST(TemplateRegistryTest, NewerVersionBecomesLatestOlderStaysFindable) {
  auto registry = TemplateRegistry::WithBuiltins();
  SurveyTemplate v2 = *registry->Find("smiley-4");
  v2.version = 2;
  v2.name = "Hộp bốn nút (mới)";
  ASSERT_TRUE(registry->Add(v2).ok());
  EXPECT_EQ(registry->Find("smiley-4")->version, 2u);
  EXPECT_EQ(registry->Find("smiley-4", 1)->name, "Hộp bốn nút mặt cười");
  // Idempotent re-add, conflicting re-add.
  EXPECT_TRUE(registry->Add(v2).ok());
  v2.name = "other";
  EXPECT_TRUE(registry->Add(v2).IsConflict());
  // An older version arriving late does not become the latest.
  SurveyTemplate v1 = *registry->Find("smiley-4", 1);
  EXPECT_TRUE(registry->Add(v1).ok());
  EXPECT_EQ(registry->Find("smiley-4")->version, 2u);
  EXPECT_EQ(registry->size(), 6u);
}

TEST(TemplateRegistryTest, PublishAssignsTheNextVersion) {
  TemplateRegistry registry;
  SurveyTemplate t = BuiltinTemplates()[0];
  t.version = 77;
  uint32_t version = 0;
  ASSERT_TRUE(registry.Publish(t, &version).ok());
  EXPECT_EQ(version, 1u);
  ASSERT_TRUE(registry.Publish(t, &version).ok());
  EXPECT_EQ(version, 2u);
  EXPECT_EQ(registry.Find(t.id)->version, 2u);
  SurveyTemplate bad;
  EXPECT_TRUE(registry.Publish(bad, nullptr).IsInvalidArgument());
}

}  // namespace
}  // namespace hailong::survey
