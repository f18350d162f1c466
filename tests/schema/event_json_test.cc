#include "hailong/schema/event_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "hailong/schema/time.h"

namespace hailong::schema {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

constexpr int64_t kTime = 1795519673123;  // 2026-11-24T11:27:53.123Z

fb::EventT Envelope(uint64_t seq) {
  fb::EventT e;
  e.origin = "edge-phuong-01";
  e.seq = seq;
  e.time_ms = kTime + static_cast<int64_t>(seq);
  e.idempotency_id = "box-3:" + std::to_string(seq);
  for (int i = 0; i < 32; ++i) e.prev_hash.push_back(static_cast<uint8_t>(i * 7 + seq));
  return e;
}

template <class Body>
fb::EventT MakeEvent(uint64_t seq, Body body) {
  fb::EventT e = Envelope(seq);
  e.body.Set(std::move(body));
  return e;
}

std::unique_ptr<fb::AnswerT> Answer(std::string criterion, std::string option) {
  auto a = std::make_unique<fb::AnswerT>();
  a->criterion = std::move(criterion);
  a->option = std::move(option);
  return a;
}

// A sealed text (personal_data.md) with every field set.
std::unique_ptr<fb::SealedTextT> Sealed(uint8_t fill) {
  auto t = std::make_unique<fb::SealedTextT>();
  t->key_id.assign(16, fill);
  t->nonce.assign(24, static_cast<uint8_t>(fill + 1));
  t->ciphertext.assign(20, static_cast<uint8_t>(fill + 2));
  return t;
}

fb::RatingSubmittedT FullRating() {
  fb::RatingSubmittedT r;
  r.rating_id = "981";
  r.office = "phuong-01";
  r.counter = "q1";
  r.officer = "cb-017";
  r.device = "box-3";
  r.channel = fb::Channel::ButtonBox;
  r.template_id = "binh-thanh-2023";
  r.template_version = 3;
  r.answers.push_back(Answer("thai_do", "rat_hai_long"));
  r.answers.push_back(Answer("tong_the", "hai_long"));
  r.classification = fb::Classification::Unsatisfied;
  r.dossier = "000.00.17.H29-261124-0042";
  r.procedure = "1.001234";
  r.field = "ho-tich";
  r.comment = "Cán bộ Nguyễn Thị Hương rất nhiệt tình — Rất hài lòng!";
  r.phone = "0903 123 456";
  r.consent_version = "2026-12-07";
  r.stage = fb::RatingStage::Return;
  r.device_time_ms = kTime - 2000;
  r.edge_time_ms = kTime - 1500;
  r.flags = fb::RatingFlags::SuspectedMisuse | fb::RatingFlags::Resent;
  r.sealed_comment = Sealed(1);
  r.sealed_phone = Sealed(5);
  return r;
}

fb::SurveyTemplateT FullTemplate() {
  fb::SurveyTemplateT t;
  t.id = "binh-thanh-2023";
  t.version = 3;
  t.name = "Khảo sát mức độ hài lòng";
  t.name_en = "Satisfaction survey";
  const char* criteria[][3] = {{"thai_do", "Thái độ phục vụ", "Attitude"},
                               {"tong_the", "Thủ tục hành chính", "Overall"}};
  for (const auto& c : criteria) {
    auto crit = std::make_unique<fb::SurveyCriterionT>();
    crit->id = c[0];
    crit->label = c[1];
    crit->label_en = c[2];
    struct {
      const char *id, *label, *label_en;
      fb::Polarity polarity;
    } options[] = {{"rat_hai_long", "Rất hài lòng", "Very satisfied", fb::Polarity::Positive},
                   {"binh_thuong", "Bình thường", "Neutral", fb::Polarity::Neutral},
                   {"khong_hai_long", "Không hài lòng", "Unsatisfied", fb::Polarity::Negative}};
    for (const auto& o : options) {
      auto opt = std::make_unique<fb::SurveyOptionT>();
      opt->id = o.id;
      opt->label = o.label;
      opt->label_en = o.label_en;
      opt->polarity = o.polarity;
      crit->options.push_back(std::move(opt));
    }
    t.criteria.push_back(std::move(crit));
  }
  t.rule = fb::ClassificationRule::OverallCriterion;
  t.overall_criterion = "tong_the";
  t.allow_comment = true;
  t.allow_phone = true;
  return t;
}

// One event of every body type, every field set to a value other than its
// default (SchemaFieldsAreAllWritten checks this against events.fbs).
std::vector<fb::EventT> FullEvents() {
  std::vector<fb::EventT> events;
  uint64_t seq = 1;
  events.push_back(MakeEvent(seq++, FullRating()));
  {
    fb::DossierRecordedT d;
    d.receipt = "000.00.17.H29-261124-0042";
    d.stage = fb::DossierStage::Returned;
    d.office = "phuong-01";
    d.procedure = "1.001234";
    d.field = "ho-tich";
    d.counter = "q1";
    d.officer = "cb-017";
    d.due_ms = kTime + 3 * 86400000LL;
    d.at_ms = kTime + 1;
    events.push_back(MakeEvent(seq++, std::move(d)));
  }
  {
    fb::OfficerSignedInT s;
    s.office = "phuong-01";
    s.counter = "q1";
    s.officer = "cb-017";
    s.officer_name = "Nguyễn Thị Hương";
    s.template_id = "binh-thanh-2023";
    events.push_back(MakeEvent(seq++, std::move(s)));
  }
  {
    fb::OfficerSignedOutT s;
    s.office = "phuong-01";
    s.counter = "q1";
    s.officer = "cb-017";
    events.push_back(MakeEvent(seq++, std::move(s)));
  }
  {
    fb::DeviceSeenT d;
    d.office = "phuong-01";
    d.device = "box-3";
    d.counter = "q1";
    d.kind = "button_box";
    d.firmware = "1.4.2";
    d.battery_pct = 87;
    events.push_back(MakeEvent(seq++, std::move(d)));
  }
  {
    fb::DeviceLostT d;
    d.office = "phuong-01";
    d.device = "box-3";
    events.push_back(MakeEvent(seq++, std::move(d)));
  }
  {
    fb::TemplatePublishedT t;
    t.template_ = std::make_unique<fb::SurveyTemplateT>(FullTemplate());
    events.push_back(MakeEvent(seq++, std::move(t)));
  }
  {
    fb::CatalogueChangedT c;
    c.kind = fb::CatalogueKind::Procedure;
    c.id = "1.001234";
    c.name = "Thủ tục hành chính: đăng ký khai sinh";
    c.office = "phuong-01";
    c.retired = true;
    for (auto [k, v] : {std::pair{"field", "ho-tich"}, {"template", "binh-thanh-2023"}}) {
      auto a = std::make_unique<fb::AttributeT>();
      a->key = k;
      a->value = v;
      c.attributes.push_back(std::move(a));
    }
    events.push_back(MakeEvent(seq++, std::move(c)));
  }
  {
    fb::FollowUpOpenedT f;
    f.follow_up_id = "fu-12";
    f.office = "phuong-01";
    f.rating_origin = "edge-phuong-01";
    f.rating_seq = 1;
    f.reason = "Không hài lòng về thái độ";
    f.assignee = "truong-phong";
    f.sealed_reason = Sealed(9);
    events.push_back(MakeEvent(seq++, std::move(f)));
  }
  {
    fb::FollowUpNotedT f;
    f.follow_up_id = "fu-12";
    f.author = "truong-phong";
    f.action = fb::FollowUpAction::WrittenExplanation;
    f.note = "Đã gọi lại cho công dân, xin lỗi.";
    f.assignee = "cb-017";
    f.sealed_note = Sealed(13);
    events.push_back(MakeEvent(seq++, std::move(f)));
  }
  {
    fb::FollowUpClosedT f;
    f.follow_up_id = "fu-12";
    f.author = "truong-phong";
    f.resolution = "Công dân đã hài lòng";
    f.sealed_resolution = Sealed(17);
    events.push_back(MakeEvent(seq++, std::move(f)));
  }
  {
    fb::RatingVoidedT v;
    v.rating_origin = "edge-phuong-01";
    v.rating_seq = 1;
    v.reason = "Bấm nhầm khi thử thiết bị";
    v.by = "admin";
    v.sealed_reason = Sealed(21);
    events.push_back(MakeEvent(seq++, std::move(v)));
  }
  {
    fb::AlertRaisedT a;
    a.alert_id = "al-1";
    a.kind = fb::AlertKind::ReplicationLag;
    a.office = "phuong-01";
    a.node = "edge-phuong-01";
    a.count = 1200;
    a.total = 40;
    a.seconds = 900;
    a.threshold = "600 s";
    a.message = "Nút edge-phuong-01 chậm đồng bộ";
    events.push_back(MakeEvent(seq++, std::move(a)));
  }
  {
    fb::AlertAcknowledgedT a;
    a.alert_id = "al-1";
    a.author = "truong-phong";
    a.note = "Đang kiểm tra đường truyền";
    a.sealed_note = Sealed(25);
    events.push_back(MakeEvent(seq++, std::move(a)));
  }
  {
    fb::AlertClosedT a;
    a.alert_id = "al-1";
    a.author = "truong-phong";
    a.note = "Đã khắc phục";
    a.sealed_note = Sealed(29);
    events.push_back(MakeEvent(seq++, std::move(a)));
  }
  {
    fb::OfficerPinSetT p;
    p.office = "phuong-01";
    p.officer = "cb-nhung";
    p.pin_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNo";
    p.by = "truong-phong";
    events.push_back(MakeEvent(seq++, std::move(p)));
  }
  {
    fb::PersonalDataErasedT e;
    e.erasure_id = "er-0011223344556677";
    e.by = "admin";
    e.scope = "rating";
    e.reason = "Công dân yêu cầu xoá";
    auto ref = std::make_unique<fb::EventRefT>();
    ref->origin = "edge-phuong-01";
    ref->seq = 1;
    e.events.push_back(std::move(ref));
    e.keys = 2;
    events.push_back(MakeEvent(seq++, std::move(e)));
  }
  {
    fb::ComplaintRecordedT c;
    c.complaint_id = "cp-00112233";
    c.office = "phuong-01";
    c.dossier = "000.00.17.H29-261124-0042";
    c.channel = fb::ComplaintChannel::Letter;
    c.received_ms = kTime - 86400000LL;
    c.by = "truong-phong";
    c.sealed_note = Sealed(21);
    events.push_back(MakeEvent(seq++, std::move(c)));
  }
  {
    fb::VisitRecordedT v;
    v.visit_id = "q-2026-12-07-A015";
    v.office = "phuong-01";
    v.counter = "quay-2";
    v.ticket = "A015";
    v.source = fb::VisitSource::Counter;
    v.at_ms = kTime - 60000;
    events.push_back(MakeEvent(seq++, std::move(v)));
  }
  return events;
}

const fb::EventT& EventOfType(const std::vector<fb::EventT>& events, fb::EventBody type) {
  for (const auto& e : events) {
    if (e.body.type == type) return e;
  }
  throw std::logic_error("no sample event");
}

// Asserts EventFromJson(EventToJson(e)) == e, also through JSON text.
void ExpectRoundTrip(const fb::EventT& e) {
  SCOPED_TRACE(EventTypeName(e.body.type));
  const json j = EventToJson(e);
  fb::EventT back;
  const Status s = EventFromJson(j, &back);
  ASSERT_TRUE(s.ok()) << s.ToString() << "\n" << j.dump(2);
  EXPECT_TRUE(back == e) << j.dump(2);
  EXPECT_EQ(SerializeEvent(back), SerializeEvent(e));

  fb::EventT from_text;
  ASSERT_TRUE(EventFromJson(json::parse(j.dump()), &from_text).ok());
  EXPECT_EQ(SerializeEvent(from_text), SerializeEvent(e));
}

TEST(EventJsonTest, EveryBodyTypeRoundTripsExactly) {
  const auto events = FullEvents();
  std::set<fb::EventBody> types;
  for (const auto& e : events) {
    types.insert(e.body.type);
    ExpectRoundTrip(e);
  }
  EXPECT_EQ(types.size(), static_cast<size_t>(fb::EventBody::MAX)) << "a body type has no sample";
}

TEST(EventJsonTest, DefaultBodiesRoundTripAsEmptyObjects) {
  for (int t = 1; t <= static_cast<int>(fb::EventBody::MAX); ++t) {
    const auto type = static_cast<fb::EventBody>(t);
    fb::EventT e = Envelope(1);
    ASSERT_TRUE(BodyFromJson(EventTypeName(type), json::object(), &e.body).ok() ||
                type == fb::EventBody::TemplatePublished);
    if (type == fb::EventBody::TemplatePublished) {
      fb::TemplatePublishedT t;
      t.template_ = std::make_unique<fb::SurveyTemplateT>();
      e.body.Set(std::move(t));
    }
    ASSERT_EQ(e.body.type, type);
    const json j = EventToJson(e);
    EXPECT_EQ(j["type"], EventTypeName(type));
    if (type == fb::EventBody::TemplatePublished) {
      EXPECT_EQ(j["body"], json::parse(R"({"template":{}})"));
    } else {
      EXPECT_EQ(j["body"], json::object()) << EventTypeName(type);
    }
    ExpectRoundTrip(e);
  }
}

TEST(EventJsonTest, VietnameseTextComesBackByteForByte) {
  fb::OfficerSignedInT s;
  s.officer_name = "Nguyễn Thị Hương";
  s.template_id = "Rất hài lòng";
  s.office = "Thủ tục hành chính";
  s.counter = "Quầy số 1 – Tư pháp";            // en dash, precomposed and combining marks below
  s.officer = "Hu\xcc\x9bo\xcc\x9b\xcc\x80ng";  // "Hường" with combining diacritics
  const fb::EventT e = MakeEvent(5, std::move(s));
  const std::string text = EventToJson(e).dump();
  EXPECT_THAT(text, HasSubstr("\"officer_name\":\"Nguyễn Thị Hương\""));  // not \u-escaped
  EXPECT_THAT(text, HasSubstr("\"template_id\":\"Rất hài lòng\""));
  EXPECT_THAT(text, HasSubstr("\"office\":\"Thủ tục hành chính\""));
  fb::EventT back;
  ASSERT_TRUE(EventFromJson(json::parse(text), &back).ok());
  const auto* b = back.body.AsOfficerSignedIn();
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->officer_name, "Nguyễn Thị Hương");
  EXPECT_EQ(b->template_id, "Rất hài lòng");
  EXPECT_EQ(b->office, "Thủ tục hành chính");
  EXPECT_EQ(b->counter, "Quầy số 1 – Tư pháp");
  EXPECT_EQ(b->officer, "Hu\xcc\x9bo\xcc\x9b\xcc\x80ng");
  EXPECT_EQ(SerializeEvent(back), SerializeEvent(e));
}

TEST(EventJsonTest, RatingHasTheDocumentedShape) {
  const json j = EventToJson(EventOfType(FullEvents(), fb::EventBody::RatingSubmitted));
  const json expected = json::parse(R"({
    "origin": "edge-phuong-01", "seq": 1, "time": "2026-11-24T11:27:53.124Z",
    "idempotency_id": "box-3:1",
    "prev_hash": "01080f161d242b323940474e555c636a71787f868d949ba2a9b0b7bec5ccd3da",
    "type": "rating_submitted",
    "body": {
      "rating_id": "981", "office": "phuong-01", "counter": "q1", "officer": "cb-017",
      "device": "box-3", "channel": "button_box", "template_id": "binh-thanh-2023",
      "template_version": 3,
      "answers": [{"criterion": "thai_do", "option": "rat_hai_long"},
                  {"criterion": "tong_the", "option": "hai_long"}],
      "classification": "unsatisfied", "dossier": "000.00.17.H29-261124-0042",
      "procedure": "1.001234", "field": "ho-tich",
      "comment": "Cán bộ Nguyễn Thị Hương rất nhiệt tình — Rất hài lòng!",
      "phone": "0903 123 456",
      "device_time": "2026-11-24T11:27:51.123Z", "edge_time": "2026-11-24T11:27:51.623Z",
      "flags": ["suspected_misuse", "resent"], "consent_version": "2026-12-07",
      "sealed_comment": {"key_id": "01010101010101010101010101010101",
                         "nonce": "020202020202020202020202020202020202020202020202",
                         "ciphertext": "0303030303030303030303030303030303030303"},
      "sealed_phone": {"key_id": "05050505050505050505050505050505",
                       "nonce": "060606060606060606060606060606060606060606060606",
                       "ciphertext": "0707070707070707070707070707070707070707"},
      "stage": "return"
    }})");
  EXPECT_EQ(j, expected) << j.dump(2);
}

TEST(EventJsonTest, EnumsAreSnakeCaseNames) {
  const auto events = FullEvents();
  const auto body = [&](fb::EventBody type) {
    return EventToJson(EventOfType(events, type))["body"];
  };
  EXPECT_EQ(body(fb::EventBody::DossierRecorded)["stage"], "returned");
  EXPECT_EQ(body(fb::EventBody::CatalogueChanged)["kind"], "procedure");
  EXPECT_EQ(body(fb::EventBody::FollowUpNoted)["action"], "written_explanation");
  const json tmpl = body(fb::EventBody::TemplatePublished)["template"];
  EXPECT_EQ(tmpl["rule"], "overall_criterion");
  EXPECT_EQ(tmpl["criteria"][0]["options"][0]["polarity"], "positive");
  EXPECT_EQ(tmpl["criteria"][0]["options"][2]["polarity"], "negative");
  EXPECT_FALSE(tmpl["criteria"][0]["options"][1].contains("polarity"));  // neutral is the default

  // Every value of every enum, through the JSON of an event that uses it.
  // The default value's name is read, and then left out when written.
  struct EnumField {
    fb::EventBody type;
    const char* field;
    std::vector<const char*> names;  // the default first
  };
  const EnumField enum_fields[] = {
      {fb::EventBody::RatingSubmitted,
       "channel",
       {"unknown", "button_box", "touchscreen", "phone", "web"}},
      {fb::EventBody::RatingSubmitted,
       "classification",
       {"unclassified", "satisfied", "neutral", "unsatisfied"}},
      {fb::EventBody::DossierRecorded, "stage", {"received", "returned"}},
      {fb::EventBody::CatalogueChanged,
       "kind",
       {"office", "counter", "officer", "procedure", "field"}},
      {fb::EventBody::FollowUpNoted,
       "action",
       {"note", "assigned", "called_back", "written_explanation", "apology", "minutes"}},
      {fb::EventBody::TemplatePublished,
       "rule",
       {"worst_answer", "all_positive", "overall_criterion"}},
  };
  for (const auto& ef : enum_fields) {
    for (const char* name : ef.names) {
      const auto target = [&](json& j) -> json& {
        return ef.type == fb::EventBody::TemplatePublished ? j["body"]["template"] : j["body"];
      };
      json j = EventToJson(EventOfType(events, ef.type));
      target(j)[ef.field] = name;
      fb::EventT back;
      const Status s = EventFromJson(j, &back);
      ASSERT_TRUE(s.ok()) << ef.field << "=" << name << ": " << s.ToString();
      json rewritten = EventToJson(back);
      EXPECT_EQ(target(rewritten).value(ef.field, ef.names[0]), name);
      EXPECT_EQ(target(rewritten).contains(ef.field), name != ef.names[0]);
    }
  }
}

TEST(EventJsonTest, EnumNameFunctions) {
  const std::pair<fb::Channel, const char*> channels[] = {{fb::Channel::Unknown, "unknown"},
                                                          {fb::Channel::ButtonBox, "button_box"},
                                                          {fb::Channel::Touchscreen, "touchscreen"},
                                                          {fb::Channel::Phone, "phone"},
                                                          {fb::Channel::Web, "web"}};
  for (const auto& [c, name] : channels) {
    EXPECT_STREQ(ChannelName(c), name);
    fb::Channel back = fb::Channel::Unknown;
    EXPECT_TRUE(ChannelFromName(name, &back));
    EXPECT_EQ(back, c);
  }
  fb::Channel c;
  EXPECT_FALSE(ChannelFromName("ButtonBox", &c));
  EXPECT_FALSE(ChannelFromName("", &c));
  EXPECT_STREQ(ChannelName(static_cast<fb::Channel>(200)), "unknown");

  EXPECT_STREQ(ClassificationName(fb::Classification::Unclassified), "unclassified");
  EXPECT_STREQ(ClassificationName(fb::Classification::Satisfied), "satisfied");
  EXPECT_STREQ(ClassificationName(fb::Classification::Neutral), "neutral");
  EXPECT_STREQ(ClassificationName(fb::Classification::Unsatisfied), "unsatisfied");

  const std::pair<fb::Polarity, const char*> polarities[] = {{fb::Polarity::Positive, "positive"},
                                                             {fb::Polarity::Neutral, "neutral"},
                                                             {fb::Polarity::Negative, "negative"}};
  for (const auto& [p, name] : polarities) {
    EXPECT_STREQ(PolarityName(p), name);
    fb::Polarity back = fb::Polarity::Neutral;
    EXPECT_TRUE(PolarityFromName(name, &back));
    EXPECT_EQ(back, p);
  }
  fb::Polarity p;
  EXPECT_FALSE(PolarityFromName("tốt", &p));
}

TEST(EventJsonTest, DefaultsAreOmittedButBatteryZeroIsWritten) {
  fb::DeviceSeenT d;
  d.device = "box-3";
  fb::EventT e = MakeEvent(2, d);
  EXPECT_EQ(EventToJson(e)["body"], json::parse(R"({"device":"box-3"})"));  // -1: not reported
  d.battery_pct = 0;
  e = MakeEvent(2, d);
  EXPECT_EQ(EventToJson(e)["body"], json::parse(R"({"device":"box-3","battery_pct":0})"));
  ExpectRoundTrip(e);
  d.battery_pct = -128;
  ExpectRoundTrip(MakeEvent(2, d));

  fb::RatingSubmittedT r;  // channel unknown, unclassified, no flags, times 0
  const json body = EventToJson(MakeEvent(3, r))["body"];
  EXPECT_EQ(body, json::object());
  r.flags = fb::RatingFlags::Resent;
  EXPECT_EQ(EventToJson(MakeEvent(3, r))["body"]["flags"], json::parse(R"(["resent"])"));
}

TEST(EventJsonTest, TimesAreRfc3339AndAcceptOffsets) {
  json j = EventToJson(EventOfType(FullEvents(), fb::EventBody::DossierRecorded));
  EXPECT_EQ(j["time"], "2026-11-24T11:27:53.125Z");
  EXPECT_EQ(j["body"]["at"], "2026-11-24T11:27:53.124Z");
  EXPECT_EQ(j["body"]["due"], "2026-11-27T11:27:53.123Z");
  j["body"]["at"] = "2026-11-24T18:27:53.124+07:00";
  fb::EventT back;
  ASSERT_TRUE(EventFromJson(j, &back).ok());
  EXPECT_EQ(back.body.AsDossierRecorded()->at_ms, kTime + 1);
  // Before 1970 still works.
  fb::EventT e = Envelope(1);
  e.time_ms = -1;
  e.body.Set(fb::DeviceLostT());
  EXPECT_EQ(EventToJson(e)["time"], "1969-12-31T23:59:59.999Z");
  ExpectRoundTrip(e);
}

TEST(EventJsonTest, ValuesBeyondWhatThisBuildNamesStillRoundTrip) {
  // A newer schema's enum value or flag bit, or an instant outside the years
  // RFC 3339 can write, must not be lost by `hailongctl log cat`.
  fb::RatingSubmittedT r = FullRating();
  r.channel = static_cast<fb::Channel>(9);
  r.flags = static_cast<fb::RatingFlags>(1u << 5 | 1u << 31 | 1u);
  r.device_time_ms = std::numeric_limits<int64_t>::min();
  r.edge_time_ms = std::numeric_limits<int64_t>::max();
  const fb::EventT e = MakeEvent(4, std::move(r));
  const json body = EventToJson(e)["body"];
  EXPECT_EQ(body["channel"], 9);
  EXPECT_EQ(body["flags"], json::parse(R"(["suspected_misuse","bit_5","bit_31"])"));
  EXPECT_EQ(body["device_time"], std::numeric_limits<int64_t>::min());
  ExpectRoundTrip(e);
  // The edges of the RFC 3339 range are still text.
  fb::EventT edge = Envelope(1);
  edge.body.Set(fb::DeviceLostT());
  for (const char* text : {"0000-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z"}) {
    ASSERT_TRUE(ParseRfc3339(text, &edge.time_ms).ok());
    EXPECT_EQ(EventToJson(edge)["time"], text);
    ExpectRoundTrip(edge);
  }
}

TEST(EventJsonTest, PackedEventGivesTheSameJson) {
  for (const auto& e : FullEvents()) {
    const std::string bytes = SerializeEvent(e);
    const fb::Event* packed = nullptr;
    ASSERT_TRUE(VerifyEvent(bytes, &packed).ok());
    EXPECT_EQ(EventToJson(*packed), EventToJson(e)) << EventTypeName(e.body.type);
  }
}

TEST(EventJsonTest, BodyFunctionsAlone) {
  const fb::EventT e = EventOfType(FullEvents(), fb::EventBody::FollowUpNoted);
  const json body = BodyToJson(e.body);
  EXPECT_EQ(body["action"], "written_explanation");
  fb::EventBodyUnion back;
  ASSERT_TRUE(BodyFromJson("follow_up_noted", body, &back).ok());
  EXPECT_TRUE(back == e.body);
  const Status s = BodyFromJson("follow_up_lost", body, &back);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_EQ(s.message(), "type: unknown event type 'follow_up_lost'");
  EXPECT_TRUE(BodyToJson(fb::EventBodyUnion()).is_null());
}

// ---- Rejections ---------------------------------------------------------------

struct BadCase {
  fb::EventBody type;                 // which sample event to start from
  std::function<void(json&)> mutate;  // what to break
  std::string message;                // the whole InvalidArgument message
};

TEST(EventJsonTest, RejectsBadJsonNamingTheField) {
  using B = fb::EventBody;
  const std::vector<BadCase> cases = {
      {B::RatingSubmitted, [](json& j) { j["type"] = "rating_exploded"; },
       "type: unknown event type 'rating_exploded'"},
      {B::RatingSubmitted, [](json& j) { j["type"] = 3; }, "type: expected string"},
      {B::RatingSubmitted, [](json& j) { j.erase("type"); }, "type: missing"},
      {B::RatingSubmitted, [](json& j) { j.erase("body"); }, "body: missing"},
      {B::RatingSubmitted, [](json& j) { j["body"] = json::array(); }, "body: expected object"},
      {B::RatingSubmitted, [](json& j) { j["sequence"] = 3; }, "sequence: unknown field"},
      {B::RatingSubmitted, [](json& j) { j["body"]["colour"] = "đỏ"; },
       "body.colour: unknown field"},
      {B::RatingSubmitted, [](json& j) { j["body"]["device_time_ms"] = 5; },
       "body.device_time_ms: unknown field"},
      {B::RatingSubmitted, [](json& j) { j["body"]["answers"][0]["weight"] = 2; },
       "body.answers[0].weight: unknown field"},
      {B::RatingSubmitted, [](json& j) { j["body"]["answers"][1]["option"] = 5; },
       "body.answers[1].option: expected string"},
      {B::RatingSubmitted,
       [](json& j) {
         j["body"]["answers"] = json::array({json::array({"thai_do", "tot"})});
       },
       "body.answers[0]: expected object"},
      {B::RatingSubmitted, [](json& j) { j["body"]["answers"] = json::object(); },
       "body.answers: expected array"},
      {B::RatingSubmitted, [](json& j) { j["origin"] = nullptr; }, "origin: expected string"},
      {B::RatingSubmitted, [](json& j) { j["seq"] = "17"; }, "seq: expected integer"},
      {B::RatingSubmitted, [](json& j) { j["seq"] = 1.5; }, "seq: expected integer"},
      {B::RatingSubmitted, [](json& j) { j["seq"] = -1; }, "seq: out of range"},
      {B::RatingSubmitted, [](json& j) { j["body"]["template_version"] = 4294967296; },
       "body.template_version: out of range"},
      {B::RatingSubmitted, [](json& j) { j["time"] = "hôm qua"; },
       "time: not an RFC 3339 time: 'hôm qua'"},
      {B::RatingSubmitted, [](json& j) { j["time"] = kTime; }, "time: expected RFC 3339 string"},
      {B::RatingSubmitted, [](json& j) { j["body"]["device_time"] = "2026-02-29T10:00:00Z"; },
       "body.device_time: not an RFC 3339 time: '2026-02-29T10:00:00Z'"},
      {B::RatingSubmitted, [](json& j) { j["body"]["edge_time"] = "2026-11-24T10:00:00"; },
       "body.edge_time: time '2026-11-24T10:00:00' has no UTC offset"},
      {B::RatingSubmitted, [](json& j) { j["prev_hash"] = std::string(64, 'g'); },
       "prev_hash: expected 64 hex digits"},
      {B::RatingSubmitted, [](json& j) { j["prev_hash"] = "00ff"; },
       "prev_hash: expected 64 hex digits"},
      {B::RatingSubmitted,
       [](json& j) {
         j["prev_hash"] = json::array({0, 1});
       },
       "prev_hash: expected string"},
      {B::RatingSubmitted, [](json& j) { j["body"]["channel"] = "pigeon"; },
       "body.channel: unknown value 'pigeon'"},
      {B::RatingSubmitted, [](json& j) { j["body"]["channel"] = "ButtonBox"; },
       "body.channel: unknown value 'ButtonBox'"},
      {B::RatingSubmitted, [](json& j) { j["body"]["channel"] = true; },
       "body.channel: expected string"},
      {B::RatingSubmitted, [](json& j) { j["body"]["channel"] = 256; },
       "body.channel: out of range"},
      {B::RatingSubmitted, [](json& j) { j["body"]["flags"] = "resent"; },
       "body.flags: expected array"},
      {B::RatingSubmitted,
       [](json& j) {
         j["body"]["flags"] = {"resent", "lucky"};
       },
       "body.flags[1]: unknown flag 'lucky'"},
      {B::RatingSubmitted, [](json& j) { j["body"]["flags"] = {"bit_32"}; },
       "body.flags[0]: unknown flag 'bit_32'"},
      {B::RatingSubmitted, [](json& j) { j["body"]["flags"] = {2}; },
       "body.flags[0]: expected string"},
      {B::DeviceSeen, [](json& j) { j["body"]["battery_pct"] = 200; },
       "body.battery_pct: out of range"},
      {B::DossierRecorded, [](json& j) { j["body"]["stage"] = "lost"; },
       "body.stage: unknown value 'lost'"},
      {B::CatalogueChanged, [](json& j) { j["body"]["retired"] = "yes"; },
       "body.retired: expected boolean"},
      {B::CatalogueChanged, [](json& j) { j["body"]["attributes"][1]["value"] = 1; },
       "body.attributes[1].value: expected string"},
      {B::TemplatePublished, [](json& j) { j["body"] = json::object(); }, "body.template: missing"},
      {B::TemplatePublished, [](json& j) { j["body"]["template"] = "binh-thanh-2023"; },
       "body.template: expected object"},
      {B::TemplatePublished,
       [](json& j) { j["body"]["template"]["criteria"][1]["options"][2]["polarity"] = "good"; },
       "body.template.criteria[1].options[2].polarity: unknown value 'good'"},
      {B::TemplatePublished, [](json& j) { j["body"]["template"]["rule"] = "majority"; },
       "body.template.rule: unknown value 'majority'"},
      {B::FollowUpNoted, [](json& j) { j["body"]["action"] = "Apology"; },
       "body.action: unknown value 'Apology'"},
      {B::RatingVoided, [](json& j) { j["body"]["rating_seq"] = -3; },
       "body.rating_seq: out of range"},
  };
  const auto events = FullEvents();
  for (const auto& c : cases) {
    json j = EventToJson(EventOfType(events, c.type));
    c.mutate(j);
    fb::EventT out = Envelope(99);
    const fb::EventT before = out;
    const Status s = EventFromJson(j, &out);
    EXPECT_TRUE(s.IsInvalidArgument()) << c.message << " <- " << s.ToString();
    EXPECT_EQ(s.message(), c.message);
    EXPECT_TRUE(out == before) << "output changed on error: " << c.message;
  }
}

TEST(EventJsonTest, RejectsAnythingThatIsNotAnEventObject) {
  for (const char* text : {"null", "[]", "17", "\"rating_submitted\"", "true", "[{}]"}) {
    fb::EventT out;
    const Status s = EventFromJson(json::parse(text), &out);
    EXPECT_EQ(s.message(), "event: expected object") << text;
  }
  fb::EventT out;
  EXPECT_EQ(EventFromJson(json::object(), &out).message(), "type: missing");
}

// Replaces every value anywhere in every sample event by each of a few
// values of other JSON types: EventFromJson must answer OK or
// InvalidArgument, never throw.
void VisitValues(json& node, const std::function<void(json&)>& at_each) {
  at_each(node);
  if (node.is_structured()) {
    for (auto& child : node) VisitValues(child, at_each);
  }
}

TEST(EventJsonTest, NeverThrowsWhateverTheJson) {
  const json replacements[] = {nullptr,
                               true,
                               -1,
                               0,
                               std::numeric_limits<uint64_t>::max(),
                               std::numeric_limits<int64_t>::min(),
                               1.5,
                               "",
                               "x",
                               "bit_",
                               "2026-11-24T11:27:53Z",
                               json::array(),
                               json::array({json::object()}),
                               json::object(),
                               json::parse(R"({"": null})")};
  int tried = 0, accepted = 0;
  for (const auto& e : FullEvents()) {
    json j = EventToJson(e);
    VisitValues(j, [&](json& node) {
      const json saved = node;
      for (const json& r : replacements) {
        node = r;
        fb::EventT out;
        Status s;
        EXPECT_NO_THROW(s = EventFromJson(j, &out));
        EXPECT_TRUE(s.ok() || s.IsInvalidArgument()) << s.ToString();
        if (s.ok()) {
          ++accepted;
          EXPECT_NO_THROW(SerializeEvent(out));
        }
        ++tried;
      }
      node = saved;
    });
  }
  RecordProperty("tried", tried);
  RecordProperty("accepted", accepted);
  EXPECT_GT(tried, 1000);
  EXPECT_GT(accepted, 0);
}

// ---- Coverage of events.fbs -------------------------------------------------

// table name -> field names, read from the schema source.
std::map<std::string, std::vector<std::string>> SchemaTables() {
  std::ifstream in(HAILONG_FBS_PATH);
  std::stringstream text;
  text << in.rdbuf();
  std::map<std::string, std::vector<std::string>> tables;
  const std::regex table_re(R"(\ntable\s+(\w+)\s*\{([^}]*)\})");
  const std::regex field_re(R"(^\s*(\w+)\s*:)");
  const std::string src = text.str();
  for (std::sregex_iterator t(src.begin(), src.end(), table_re), end; t != end; ++t) {
    std::istringstream body((*t)[2].str());
    std::string line;
    while (std::getline(body, line)) {
      std::smatch m;
      if (std::regex_search(line, m, field_re)) tables[(*t)[1]].push_back(m[1]);
    }
  }
  return tables;
}

// The JSON name of a schema field: `*_ms` loses its suffix.
std::string JsonName(std::string field) {
  if (field.size() > 3 && field.ends_with("_ms")) field.resize(field.size() - 3);
  return field;
}

TEST(EventJsonTest, SchemaFieldsAreAllWritten) {
  const auto tables = SchemaTables();
  ASSERT_EQ(tables.size(), 27u) << "could not read " << HAILONG_FBS_PATH;
  const auto events = FullEvents();
  const auto body = [&](fb::EventBody t) { return EventToJson(EventOfType(events, t))["body"]; };
  using B = fb::EventBody;
  json envelope = EventToJson(events[0]);
  envelope.erase("type");  // body_type is implied by the union, written as "type"
  const json tmpl = body(B::TemplatePublished)["template"];
  // For each table, the JSON object of a sample that sets every field.
  const std::map<std::string, json> samples = {
      {"Event", envelope},
      {"Answer", body(B::RatingSubmitted)["answers"][0]},
      {"RatingSubmitted", body(B::RatingSubmitted)},
      {"DossierRecorded", body(B::DossierRecorded)},
      {"OfficerSignedIn", body(B::OfficerSignedIn)},
      {"OfficerSignedOut", body(B::OfficerSignedOut)},
      {"DeviceSeen", body(B::DeviceSeen)},
      {"DeviceLost", body(B::DeviceLost)},
      {"SurveyOption", tmpl["criteria"][0]["options"][0]},
      {"SurveyCriterion", tmpl["criteria"][0]},
      {"SurveyTemplate", tmpl},
      {"TemplatePublished", body(B::TemplatePublished)},
      {"Attribute", body(B::CatalogueChanged)["attributes"][0]},
      {"CatalogueChanged", body(B::CatalogueChanged)},
      {"FollowUpOpened", body(B::FollowUpOpened)},
      {"FollowUpNoted", body(B::FollowUpNoted)},
      {"FollowUpClosed", body(B::FollowUpClosed)},
      {"RatingVoided", body(B::RatingVoided)},
      {"AlertRaised", body(B::AlertRaised)},
      {"AlertAcknowledged", body(B::AlertAcknowledged)},
      {"AlertClosed", body(B::AlertClosed)},
      {"OfficerPinSet", body(B::OfficerPinSet)},
      {"SealedText", body(B::RatingSubmitted)["sealed_comment"]},
      {"EventRef", body(B::PersonalDataErased)["events"][0]},
      {"PersonalDataErased", body(B::PersonalDataErased)},
      {"ComplaintRecorded", body(B::ComplaintRecorded)},
      {"VisitRecorded", body(B::VisitRecorded)},
  };
  for (const auto& [table, fields] : tables) {
    const auto sample = samples.find(table);
    ASSERT_NE(sample, samples.end()) << "table " << table << " has no sample in this test";
    std::set<std::string> expected, written;
    for (const auto& f : fields) expected.insert(JsonName(f));
    for (const auto& item : sample->second.items()) written.insert(item.key());
    EXPECT_EQ(written, expected) << "table " << table;
  }
}

}  // namespace
}  // namespace hailong::schema
