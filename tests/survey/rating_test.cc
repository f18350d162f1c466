// The rating rules (rating.h): every rejection reason of a rating payload
// in check order, the 8 KiB limit, the consent and template allow rules, the
// hub's reading (no id, counter or time from the client), and the event
// BuildRatingSubmitted writes.
#include "hailong/survey/rating.h"

#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "hailong/schema/time.h"

namespace hailong::survey {
namespace {

using nlohmann::json;

// 2026-11-24T04:27:53Z
constexpr int64_t kNow = 1795494473000;

class RatingParseTest : public ::testing::Test {
 protected:
  RatingParseTest() : registry_(TemplateRegistry::WithBuiltins()) {}

  json Good() const {
    return {{"id", "box-3:981"},
            {"counter", "q1"},
            {"template", "gia-lam-phone"},
            {"answers", {{"level", "satisfied"}}},
            {"at", FormatRfc3339(kNow - 1000)}};
  }
  Rejection Parse(const std::string& payload, CheckedRating* out,
                  RatingParseOptions options = RatingParseOptions()) const {
    return ParseRating(payload, *registry_, kNow, options, out);
  }
  std::string Reason(const json& j, std::string* id = nullptr) const {
    CheckedRating r;
    Rejection s = Parse(j.dump(), &r);
    if (id != nullptr) *id = r.id;
    return s.ok() ? "OK" : s.message();
  }

  std::unique_ptr<TemplateRegistry> registry_;
};

TEST_F(RatingParseTest, GoodRatingIsParsedAndClassified) {
  json j = Good();
  j["consent"] = true;
  j["consent_version"] = "vi-2026-12";
  j["dossier"] = "000.00.21.H29-230101-0001";
  j["comment"] = "Cán bộ nhiệt tình, chu đáo";
  j["phone"] = "0912 345 678";
  CheckedRating r;
  ASSERT_TRUE(Parse(j.dump(), &r).ok());
  EXPECT_EQ(r.id, "box-3:981");
  EXPECT_EQ(r.counter, "q1");
  EXPECT_EQ(r.template_id, "gia-lam-phone");
  EXPECT_EQ(r.template_version, 1u);
  ASSERT_EQ(r.answers.size(), 1u);
  EXPECT_EQ(r.answers[0], (Answer{"level", "satisfied"}));
  EXPECT_EQ(r.classification, fb::Classification::Satisfied);
  EXPECT_EQ(r.device_time_ms, kNow - 1000);
  EXPECT_EQ(r.dossier, "000.00.21.H29-230101-0001");
  EXPECT_EQ(r.comment, "Cán bộ nhiệt tình, chu đáo");
  EXPECT_EQ(r.phone, "0912345678") << "stored without separators";
  EXPECT_EQ(r.consent_version, "vi-2026-12");
}

TEST_F(RatingParseTest, AnswersComeBackInTemplateOrder) {
  json j = Good();
  j["template"] = "ha-noi-2014";
  j["answers"] = {{"time_cost", "satisfied"},
                  {"officer_attitude", "unsatisfied"},
                  {"information_facilities", "satisfied"},
                  {"dossier_requirements", "satisfied"}};
  CheckedRating r;
  ASSERT_TRUE(Parse(j.dump(), &r).ok());
  EXPECT_EQ(r.answers[0].criterion, "information_facilities");
  EXPECT_EQ(r.answers[3].criterion, "time_cost");
  EXPECT_EQ(r.classification, fb::Classification::Unsatisfied);
}

TEST_F(RatingParseTest, TimeWithOffsetAndNullOptionals) {
  json j = Good();
  j["at"] = "2026-11-24T11:27:53+07:00";
  j["dossier"] = nullptr;
  j["comment"] = "";
  CheckedRating r;
  ASSERT_TRUE(Parse(j.dump(), &r).ok());
  EXPECT_EQ(r.device_time_ms, kNow);
  EXPECT_EQ(r.dossier, "");
}

TEST_F(RatingParseTest, UnknownKeysIgnoredUnlessAskedToReject) {
  json j = Good();
  j["battery"] = 87;
  CheckedRating r;
  EXPECT_TRUE(Parse(j.dump(), &r).ok());
  RatingParseOptions strict;
  strict.reject_unknown_keys = true;
  Rejection s = Parse(j.dump(), &r, strict);
  EXPECT_EQ(s.message(), "unknown key 'battery'");
  EXPECT_EQ(r.id, "box-3:981");
}

struct BadCase {
  const char* name;
  std::function<void(json*)> mutate;
  std::string reason;
};

class RatingRejectionTest : public RatingParseTest,
                            public ::testing::WithParamInterface<BadCase> {};

TEST_P(RatingRejectionTest, ReasonAndIdForTheAck) {
  json j = Good();
  GetParam().mutate(&j);
  std::string id;
  EXPECT_EQ(Reason(j, &id), GetParam().reason);
  if (j.contains("id") && j["id"].is_string()) {
    EXPECT_EQ(id, j["id"].get<std::string>()) << "the rejection must carry the device's id";
  } else {
    EXPECT_EQ(id, "");
  }
}

INSTANTIATE_TEST_SUITE_P(
    Reasons, RatingRejectionTest,
    ::testing::Values(
        BadCase{"MissingId", [](json* j) { j->erase("id"); }, "missing field 'id'"},
        BadCase{"IdNumber", [](json* j) { (*j)["id"] = 17; }, "field 'id' must be a string"},
        BadCase{"IdNull", [](json* j) { (*j)["id"] = nullptr; }, "field 'id' must be a string"},
        BadCase{"EmptyId", [](json* j) { (*j)["id"] = ""; }, "bad id"},
        BadCase{"IdTooLong", [](json* j) { (*j)["id"] = std::string(129, 'x'); }, "bad id"},
        BadCase{"MissingCounter", [](json* j) { j->erase("counter"); }, "missing field 'counter'"},
        BadCase{"CounterArray", [](json* j) { (*j)["counter"] = json::array({"q1"}); },
                "field 'counter' must be a string"},
        BadCase{"CounterWithSlash", [](json* j) { (*j)["counter"] = "q1/../q2"; },
                "bad counter id"},
        BadCase{"CounterTooLong", [](json* j) { (*j)["counter"] = std::string(33, 'q'); },
                "bad counter id"},
        BadCase{"CounterEmpty", [](json* j) { (*j)["counter"] = ""; }, "bad counter id"},
        BadCase{"CounterDiacritics", [](json* j) { (*j)["counter"] = "quầy-1"; }, "bad counter id"},
        BadCase{"MissingTemplate", [](json* j) { j->erase("template"); },
                "missing field 'template'"},
        BadCase{"UnknownTemplate", [](json* j) { (*j)["template"] = "five-stars"; },
                "unknown template 'five-stars'"},
        BadCase{"MissingAnswers", [](json* j) { j->erase("answers"); }, "missing field 'answers'"},
        BadCase{"AnswersArray", [](json* j) { (*j)["answers"] = json::array({"satisfied"}); },
                "field 'answers' must be an object"},
        BadCase{"AnswerNumber", [](json* j) { (*j)["answers"]["level"] = 4; },
                "field 'answers.level' must be a string"},
        BadCase{"UnknownOption", [](json* j) { (*j)["answers"]["level"] = "ecstatic"; },
                "unknown option 'ecstatic' for criterion 'level'"},
        BadCase{"UnknownCriterion", [](json* j) { (*j)["answers"]["mood"] = "satisfied"; },
                "unknown criterion 'mood'"},
        BadCase{"NoAnswers", [](json* j) { (*j)["answers"] = json::object(); },
                "missing answer for criterion 'level'"},
        BadCase{"MissingAt", [](json* j) { j->erase("at"); }, "missing field 'at'"},
        BadCase{"AtNumber", [](json* j) { (*j)["at"] = kNow; }, "field 'at' must be a string"},
        BadCase{"AtGarbage", [](json* j) { (*j)["at"] = "yesterday"; }, "bad time"},
        BadCase{"AtImpossibleDate", [](json* j) { (*j)["at"] = "2026-02-30T10:00:00Z"; },
                "bad time"},
        BadCase{"AtNoZone", [](json* j) { (*j)["at"] = "2026-11-24T10:00:00"; }, "bad time"},
        BadCase{"AtEpoch", [](json* j) { (*j)["at"] = "1970-01-01T00:00:00Z"; },
                "time before 2020"},
        BadCase{"AtFuture", [](json* j) { (*j)["at"] = FormatRfc3339(kNow + 11 * 60 * 1000); },
                "time in the future"},
        BadCase{"DossierNumber", [](json* j) { (*j)["dossier"] = 12345; },
                "field 'dossier' must be a string"},
        BadCase{"DossierSpaces", [](json* j) { (*j)["dossier"] = "HS 001"; }, "bad dossier"},
        BadCase{"DossierTooLong", [](json* j) { (*j)["dossier"] = std::string(65, '1'); },
                "bad dossier"},
        BadCase{"CommentObject", [](json* j) { (*j)["comment"] = json::object(); },
                "field 'comment' must be a string"},
        BadCase{"CommentTooLong",
                [](json* j) {
                  std::string c;
                  for (int i = 0; i < 2001; ++i) c += "ơ";
                  (*j)["comment"] = c;
                },
                "comment too long"},
        BadCase{"PhoneLetters", [](json* j) { (*j)["phone"] = "call me"; }, "bad phone"},
        BadCase{"PhoneNoDigits", [](json* j) { (*j)["phone"] = "+()"; }, "bad phone"},
        BadCase{"PhoneNumber", [](json* j) { (*j)["phone"] = 912345678; },
                "field 'phone' must be a string"},
        BadCase{"PhoneTooFewDigits", [](json* j) { (*j)["phone"] = "0912 34"; }, "bad phone"},
        BadCase{"PhoneTooManyDigits", [](json* j) { (*j)["phone"] = "+84 9123 4567 8901 234"; },
                "bad phone"},
        BadCase{"PhonePlusInside", [](json* j) { (*j)["phone"] = "0912+345678"; }, "bad phone"},
        BadCase{"PhoneWithoutConsent", [](json* j) { (*j)["phone"] = "0912345678"; },
                "phone without consent"},
        BadCase{"PhoneConsentFalse",
                [](json* j) {
                  (*j)["phone"] = "0912345678";
                  (*j)["consent"] = false;
                },
                "phone without consent"},
        BadCase{"ConsentString",
                [](json* j) {
                  (*j)["phone"] = "0912345678";
                  (*j)["consent"] = "yes";
                },
                "field 'consent' must be a boolean"},
        BadCase{"ConsentVersionSpaces",
                [](json* j) {
                  (*j)["phone"] = "0912345678";
                  (*j)["consent"] = true;
                  (*j)["consent_version"] = "phiên bản 1";
                },
                "bad consent version"},
        BadCase{"CommentOnSmiley",
                [](json* j) {
                  (*j)["template"] = "smiley-4";
                  (*j)["comment"] = "Tốt";
                },
                "comment not allowed by template 'smiley-4'"},
        BadCase{"PhoneOnSmiley",
                [](json* j) {
                  (*j)["template"] = "smiley-4";
                  (*j)["phone"] = "0912345678";
                  (*j)["consent"] = true;
                },
                "phone not allowed by template 'smiley-4'"}),
    [](const ::testing::TestParamInfo<BadCase>& info) { return info.param.name; });

TEST_F(RatingParseTest, CommentOfExactly2000CodePointsIsAccepted) {
  json j = Good();
  std::string c;
  for (int i = 0; i < 2000; ++i) c += "ơ";  // 2 bytes each: 4000 bytes, under 8 KiB
  j["comment"] = c;
  CheckedRating r;
  EXPECT_TRUE(Parse(j.dump(), &r).ok());
}

TEST_F(RatingParseTest, FutureSkewIsConfigurable) {
  json j = Good();
  j["at"] = FormatRfc3339(kNow + 60 * 1000);
  CheckedRating r;
  EXPECT_TRUE(Parse(j.dump(), &r).ok());
  RatingParseOptions tight;
  tight.rules.max_future_skew_ms = 30 * 1000;
  EXPECT_EQ(Parse(j.dump(), &r, tight).message(), "time in the future");
}

TEST_F(RatingParseTest, MalformedPayloads) {
  CheckedRating r;
  EXPECT_EQ(Parse("", &r).message(), "malformed JSON");
  EXPECT_EQ(Parse("{\"id\":\"a\"", &r).message(), "malformed JSON");
  EXPECT_EQ(r.id, "");
  EXPECT_EQ(Parse("\"just a string\"", &r).message(), "payload is not a JSON object");
  EXPECT_EQ(Parse("[1,2]", &r).message(), "payload is not a JSON object");
  EXPECT_EQ(Parse("null", &r).message(), "payload is not a JSON object");
  // Invalid UTF-8 inside a string.
  EXPECT_EQ(Parse("{\"id\":\"a\xff\"}", &r).message(), "malformed JSON");
  // Trailing garbage.
  EXPECT_EQ(Parse(Good().dump() + "x", &r).message(), "malformed JSON");
}

TEST_F(RatingParseTest, EightKibLimit) {
  json j = Good();
  std::string base = j.dump();
  // Pad with an ignored key to exactly 8192 bytes, then one more.
  j["pad"] = "";
  const size_t overhead = j.dump().size();
  j["pad"] = std::string(kMaxRatingPayloadBytes - overhead, 'p');
  std::string exact = j.dump();
  ASSERT_EQ(exact.size(), kMaxRatingPayloadBytes);
  CheckedRating r;
  EXPECT_TRUE(Parse(exact, &r).ok());
  j["pad"] = std::string(kMaxRatingPayloadBytes - overhead + 1, 'p');
  Rejection s = Parse(j.dump(), &r);
  EXPECT_EQ(s.message(), "payload too large");
  EXPECT_EQ(r.id, "box-3:981") << "the id is still extracted for the ack";
  // Huge payloads are not even parsed for the id.
  j["pad"] = std::string(100 * 1024, 'p');
  EXPECT_EQ(Parse(j.dump(), &r).message(), "payload too large");
  EXPECT_EQ(r.id, "");
}

TEST(ExtractRatingIdTest, Cases) {
  EXPECT_EQ(ExtractRatingId(R"({"id":"abc","counter":7})"), "abc");
  EXPECT_EQ(ExtractRatingId(R"({"id":7})"), std::nullopt);
  EXPECT_EQ(ExtractRatingId(R"({"counter":"q1"})"), std::nullopt);
  EXPECT_EQ(ExtractRatingId("not json"), std::nullopt);
  EXPECT_EQ(ExtractRatingId(R"(["id"])"), std::nullopt);
}

// 1,500 code points of Vietnamese (about 2,400 bytes of UTF-8) pass; 2,001
// code points do not, whatever their bytes.
TEST_F(RatingParseTest, CommentLimitCountsCodePointsNotBytes) {
  std::string c;
  while (CodePoints(c) < 1500) c += "Đề nghị cải thiện thủ tục ";
  while (CodePoints(c) > 1500) c.pop_back();
  ASSERT_GT(c.size(), kMaxCommentCodePoints);
  json j = Good();
  j["comment"] = c;
  CheckedRating r;
  ASSERT_TRUE(Parse(j.dump(), &r).ok());
  EXPECT_EQ(r.comment, c);
  std::string over(kMaxCommentCodePoints + 1, 'a');
  j["comment"] = over;
  EXPECT_EQ(Parse(j.dump(), &r).reason, RejectReason::kCommentTooLong);
}

TEST_F(RatingParseTest, ConsentVersionIsKeptWithThePhoneOnly) {
  json j = Good();
  j["phone"] = "+84 912-345-678";
  j["consent"] = true;
  CheckedRating r;
  ASSERT_TRUE(Parse(j.dump(), &r).ok());
  EXPECT_EQ(r.phone, "+84912345678");
  EXPECT_EQ(r.consent_version, kUnversionedConsent) << "consent without a version";
  j.erase("phone");
  j["consent_version"] = "vi-2026-12";
  ASSERT_TRUE(Parse(j.dump(), &r).ok());
  EXPECT_EQ(r.consent_version, "") << "consent covers the phone number; none given";
}

TEST_F(RatingParseTest, EveryRejectionCarriesItsReason) {
  json j = Good();
  j["phone"] = "0912345678";
  CheckedRating r;
  Rejection s = Parse(j.dump(), &r);
  EXPECT_EQ(s.reason, RejectReason::kConsentMissing);
  EXPECT_EQ(ReasonLabel(s.reason), "phone without consent");
  EXPECT_EQ(s.ToStatus().message(), "phone without consent");
  j["answers"]["level"] = "ecstatic";
  s = Parse(j.dump(), &r);
  EXPECT_EQ(s.reason, RejectReason::kUnknownOption);
  EXPECT_EQ(ReasonLabel(s.reason), "unknown option for criterion");
  EXPECT_TRUE(Parse(Good().dump(), &r).ToStatus().ok());
}

// The hub's phone survey: the counter from its path, its own clock, an id it
// makes up when none is sent, and otherwise the same rule.
TEST_F(RatingParseTest, HubReadingTakesWhatTheClientDoesNotSend) {
  RatingReadOptions read;
  read.need_id = read.need_counter = read.need_template = read.need_at = false;
  RatingFields f;
  ASSERT_TRUE(ReadRatingFields(json{{"answers", {{"level", "satisfied"}}}}, read, &f).ok());
  EXPECT_EQ(f.id, "");
  f.counter = "q1";
  RatingRules rules;
  rules.need_id = false;
  CheckedRating r;
  auto t = registry_->Find("gia-lam-phone");
  ASSERT_TRUE(JudgeRating(f, t.get(), kNow, rules, &r).ok());
  EXPECT_EQ(r.device_time_ms, kNow);
  EXPECT_EQ(r.id, "");
  EXPECT_EQ(ReadRatingFields(json{{"id", 7}, {"answers", json::object()}}, read, &f).message(),
            "field 'id' must be a string");
  EXPECT_EQ(ReadRatingFields(json::object(), read, &f).message(), "missing field 'answers'");
  f.phone = "0912345678";
  EXPECT_EQ(JudgeRating(f, t.get(), kNow, rules, &r).reason, RejectReason::kConsentMissing);
  EXPECT_EQ(JudgeRating(f, nullptr, kNow, rules, &r).reason, RejectReason::kUnknownTemplate);
}

TEST(BuildRatingSubmittedTest, WritesEveryField) {
  CheckedRating r;
  r.id = "r-1";
  r.counter = "q2";
  r.template_id = "gia-lam-phone";
  r.template_version = 3;
  r.answers = {{"level", "unsatisfied"}};
  r.classification = fb::Classification::Unsatisfied;
  r.device_time_ms = kNow - 5000;
  r.dossier = "HS-1";
  r.comment = "Chờ lâu quá";
  r.phone = "0912345678";
  r.consent_version = "vi-2026-12";
  RatingContext where;
  where.office = "p1";
  where.officer = "can-bo-1";
  where.device = "box-1";
  where.channel = fb::Channel::Phone;
  where.procedure = "1.001";
  where.field = "ho-tich";
  where.edge_time_ms = kNow;
  where.flags = fb::RatingFlags::Resent;
  fb::RatingSubmittedT e;
  BuildRatingSubmitted(r, where, &e);
  EXPECT_EQ(e.rating_id, "r-1");
  EXPECT_EQ(e.office, "p1");
  EXPECT_EQ(e.counter, "q2");
  EXPECT_EQ(e.officer, "can-bo-1");
  EXPECT_EQ(e.device, "box-1");
  EXPECT_EQ(e.channel, fb::Channel::Phone);
  EXPECT_EQ(e.template_id, "gia-lam-phone");
  EXPECT_EQ(e.template_version, 3u);
  ASSERT_EQ(e.answers.size(), 1u);
  EXPECT_EQ(e.answers[0]->criterion, "level");
  EXPECT_EQ(e.answers[0]->option, "unsatisfied");
  EXPECT_EQ(e.classification, fb::Classification::Unsatisfied);
  EXPECT_EQ(e.dossier, "HS-1");
  EXPECT_EQ(e.procedure, "1.001");
  EXPECT_EQ(e.field, "ho-tich");
  EXPECT_EQ(e.comment, "Chờ lâu quá");
  EXPECT_EQ(e.phone, "0912345678");
  EXPECT_EQ(e.consent_version, "vi-2026-12");
  EXPECT_EQ(e.device_time_ms, kNow - 5000);
  EXPECT_EQ(e.edge_time_ms, kNow);
  EXPECT_EQ(e.flags, fb::RatingFlags::Resent);
}

TEST(LimitsTest, PhoneNumbers) {
  EXPECT_EQ(NormalizePhone("0912345678"), "0912345678");
  EXPECT_EQ(NormalizePhone("0912 345 678"), "0912345678");
  EXPECT_EQ(NormalizePhone("(024) 3825.1234"), "02438251234");
  EXPECT_EQ(NormalizePhone(" +84 912-345-678"), "+84912345678");
  EXPECT_EQ(NormalizePhone("1234567"), "") << "7 digits";
  EXPECT_EQ(NormalizePhone("12345678"), "12345678") << "8 digits";
  EXPECT_EQ(NormalizePhone("1234567890123456"), "1234567890123456") << "16 digits";
  EXPECT_EQ(NormalizePhone("12345678901234567"), "") << "17 digits";
  EXPECT_EQ(NormalizePhone("++84912345678"), "");
  EXPECT_EQ(NormalizePhone("0912345678 ext 2"), "");
  EXPECT_EQ(NormalizePhone(std::string(kMaxPhoneChars - 10, ' ') + "0912345678"), "0912345678");
  EXPECT_EQ(NormalizePhone(std::string(kMaxPhoneChars - 9, ' ') + "0912345678"), "")
      << "too long as typed";
}

TEST(LimitsTest, IdsAndVersions) {
  EXPECT_TRUE(IsValidCounterId("Q_1-a"));
  EXPECT_FALSE(IsValidCounterId("q 1"));
  EXPECT_FALSE(IsValidCounterId(std::string(kMaxCounterIdChars + 1, 'q')));
  EXPECT_TRUE(IsValidDossier("000.00.21.H29-230101-0001"));
  EXPECT_TRUE(IsValidDossier("HS/2026/1"));
  EXPECT_FALSE(IsValidDossier("HS 1"));
  EXPECT_TRUE(IsValidConsentVersion("vi-2026-12.1"));
  EXPECT_FALSE(IsValidConsentVersion(""));
  EXPECT_FALSE(IsValidConsentVersion(std::string(kMaxConsentVersionChars + 1, 'v')));
  EXPECT_EQ(CodePoints("Nguyễn"), 6u);
}

// Every reason has a label for metrics (no quotes, so no ids) and a
// Vietnamese and an English text; labels are distinct.
TEST(RejectReasonTest, EveryReasonHasItsTexts) {
  std::set<std::string_view> labels;
  for (RejectReason reason : AllRejectReasons()) {
    const std::string_view label = ReasonLabel(reason);
    EXPECT_FALSE(label.empty());
    EXPECT_EQ(label.find('\''), std::string_view::npos) << label;
    EXPECT_TRUE(labels.insert(label).second) << "duplicate label " << label;
    EXPECT_FALSE(ReasonVi(reason).empty()) << label;
    EXPECT_FALSE(ReasonEn(reason).empty()) << label;
    EXPECT_EQ(Reject(reason).detail, label);
  }
  EXPECT_EQ(ReasonLabel(RejectReason::kNone), "");
  EXPECT_TRUE(Rejection().ok());
  // The texts that name a limit name the constant's value.
  EXPECT_NE(ReasonVi(RejectReason::kCommentTooLong).find("2.000"), std::string_view::npos);
  EXPECT_EQ(kMaxCommentCodePoints, 2000u);
  EXPECT_NE(ReasonVi(RejectReason::kBadPhone).find("8 đến 16"), std::string_view::npos);
  EXPECT_EQ(kMinPhoneDigits, 8u);
  EXPECT_EQ(kMaxPhoneDigits, 16u);
}

}  // namespace
}  // namespace hailong::survey
