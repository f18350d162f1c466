// The table of who may make which event (hub/src/event_authorization.h),
// type by type and origin by origin, over events serialized and verified
// by the real schema library; at a province, a district hub's own events
// against its district's offices.
#include "event_authorization.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "hailong/schema/event.h"

namespace hailong::hub {
namespace {

const std::map<std::string, std::string> kNodes = {{"edge-p1", "p1"}, {"edge-p2", "p2"}};

// The verdict for `body` made by `origin`.
EventVerdict Judge(const std::string& origin, fb::EventBodyUnion body) {
  fb::EventT e;
  e.origin = origin;
  e.seq = 1;
  e.prev_hash.assign(schema::kZeroHash.begin(), schema::kZeroHash.end());
  e.body = std::move(body);
  const std::string bytes = schema::SerializeEvent(e);
  const fb::Event* event = nullptr;
  const Status s = schema::VerifyEvent(bytes, &event);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return AuthorizeEvent(IdentifyOrigin(origin, kNodes), *event);
}

// At a province: district hub hub-d1 serves p1 and p2; edge-p1 is bound to
// it, edge-p3 to another district (office p3); follow-up f-p1 is of p1,
// f-p3 of p3.
OriginIdentity DistrictD1() {
  OriginIdentity d;
  d.kind = OriginIdentity::Kind::kDistrictHub;
  d.node = "hub-d1";
  d.offices = {"p1", "p2"};
  return d;
}

EventLookups ProvinceLookups() {
  EventLookups l;
  l.identify = [](const std::string& origin) {
    if (origin == "hub-d1:hub") return DistrictD1();
    OriginIdentity id;
    if (origin == "hub" || origin == "hub-private") id.kind = OriginIdentity::Kind::kHub;
    if (origin == "edge-p1" || origin == "edge-p3") {
      id.kind = OriginIdentity::Kind::kNode;
      id.office = origin.substr(5);
    }
    return id;
  };
  l.follow_up_office = [](const std::string& id, std::string* office) {
    if (id != "f-p1" && id != "f-p3") return false;
    *office = id.substr(2);
    return true;
  };
  return l;
}

// The verdict for `body` made by district hub hub-d1 ("hub-d1:hub").
EventVerdict JudgeDistrict(fb::EventBodyUnion body, bool with_lookups = true) {
  fb::EventT e;
  e.origin = "hub";
  e.seq = 1;
  e.prev_hash.assign(schema::kZeroHash.begin(), schema::kZeroHash.end());
  e.body = std::move(body);
  const std::string bytes = schema::SerializeEvent(e);
  const fb::Event* event = nullptr;
  const Status s = schema::VerifyEvent(bytes, &event);
  EXPECT_TRUE(s.ok()) << s.ToString();
  const EventLookups lookups = ProvinceLookups();
  return AuthorizeEvent(DistrictD1(), *event, with_lookups ? &lookups : nullptr);
}

fb::EventBodyUnion RatingOf(const std::string& office) {
  fb::RatingSubmittedT r;
  r.office = office;
  fb::EventBodyUnion b;
  b.Set(std::move(r));
  return b;
}

fb::EventBodyUnion EntryOf(fb::CatalogueKind kind, const std::string& office) {
  fb::CatalogueChangedT c;
  c.kind = kind;
  c.id = "q1";
  c.office = office;
  fb::EventBodyUnion b;
  b.Set(std::move(c));
  return b;
}

template <typename T>
fb::EventBodyUnion Body(T table) {
  fb::EventBodyUnion b;
  b.Set(std::move(table));
  return b;
}

TEST(EventAuthorizationTest, ANodeMakesEdgeEventsOfItsOwnOfficeOnly) {
  EXPECT_TRUE(Judge("edge-p1", RatingOf("p1")).applies());
  EXPECT_TRUE(Judge("edge-p1", RatingOf("")).applies());  // "" = the node's office
  EventVerdict v = Judge("edge-p1", RatingOf("p2"));
  EXPECT_TRUE(v.refused());
  EXPECT_EQ(v.refusal, Refusal::kOtherOffice);
  EXPECT_EQ(v.claimed_office, "p2");
  EXPECT_STREQ(RefusalName(v.refusal), "other_office");
  fb::DossierRecordedT d;
  d.receipt = "A1";
  d.office = "p2";
  EXPECT_TRUE(Judge("edge-p1", Body(d)).refused());
  fb::VisitRecordedT visit;  // a queue number counts toward its own office only
  visit.visit_id = "A015";
  visit.office = "p2";
  EXPECT_TRUE(Judge("edge-p1", Body(visit)).refused());
  visit.office = "p1";
  EXPECT_TRUE(Judge("edge-p1", Body(visit)).applies());
  fb::OfficerSignedInT in;
  in.office = "p2";
  EXPECT_TRUE(Judge("edge-p1", Body(in)).refused());
  in.office = "p1";
  EXPECT_TRUE(Judge("edge-p1", Body(in)).applies());
  fb::OfficerSignedOutT out;
  out.office = "p2";
  EXPECT_TRUE(Judge("edge-p1", Body(out)).refused());
  fb::DeviceSeenT seen;
  seen.office = "p2";
  EXPECT_TRUE(Judge("edge-p1", Body(seen)).refused());
  fb::DeviceLostT lost;
  EXPECT_TRUE(Judge("edge-p1", Body(lost)).applies());
}

TEST(EventAuthorizationTest, HubOnlyEventsFromANodeAreRefused) {
  fb::RatingVoidedT v;
  v.rating_origin = "edge-p2";
  fb::FollowUpOpenedT fo;
  fo.follow_up_id = "f";
  fb::FollowUpNotedT fn;
  fn.follow_up_id = "f";
  fb::FollowUpClosedT fc;
  fc.follow_up_id = "f";
  fb::AlertRaisedT ar;
  ar.alert_id = "a";
  fb::AlertAcknowledgedT aa;
  aa.alert_id = "a";
  fb::AlertClosedT ac;
  ac.alert_id = "a";
  fb::ComplaintRecordedT cr;  // a node may not make its own office's dossiers complained about
  cr.complaint_id = "c";
  cr.office = "p1";
  cr.dossier = "R1";
  std::vector<fb::EventBodyUnion> bodies;
  bodies.push_back(Body(v));
  bodies.push_back(Body(fo));
  bodies.push_back(Body(fn));
  bodies.push_back(Body(fc));
  bodies.push_back(Body(ar));
  bodies.push_back(Body(aa));
  bodies.push_back(Body(ac));
  bodies.push_back(Body(cr));
  for (fb::EventBodyUnion& b : bodies) {
    const EventVerdict verdict = Judge("edge-p1", std::move(b));
    EXPECT_TRUE(verdict.refused());
    EXPECT_EQ(verdict.refusal, Refusal::kHubOnlyEvent);
  }
}

TEST(EventAuthorizationTest, ANodeKeepsItsOwnCatalogueAndNoMore) {
  EXPECT_TRUE(Judge("edge-p1", EntryOf(fb::CatalogueKind::Counter, "p1")).applies());
  EXPECT_TRUE(Judge("edge-p1", EntryOf(fb::CatalogueKind::Field, "p1")).applies());
  EXPECT_EQ(Judge("edge-p1", EntryOf(fb::CatalogueKind::Counter, "p2")).refusal,
            Refusal::kOtherOffice);
  // District-wide entries and offices are the hub's.
  EXPECT_EQ(Judge("edge-p1", EntryOf(fb::CatalogueKind::Counter, "")).refusal,
            Refusal::kOtherOffice);
  EXPECT_EQ(Judge("edge-p1", EntryOf(fb::CatalogueKind::Office, "p1")).refusal,
            Refusal::kHubOnlyEvent);
  // A template is kept, never applied, no alarm.
  fb::TemplatePublishedT t;
  t.template_ = std::make_unique<fb::SurveyTemplateT>();
  t.template_->id = "smiley-4";
  const EventVerdict kept = Judge("edge-p1", Body(std::move(t)));
  EXPECT_FALSE(kept.applies());
  EXPECT_FALSE(kept.refused());
}

TEST(EventAuthorizationTest, TheHubMakesEverythingAndStrangersNothing) {
  fb::RatingVoidedT v;
  v.rating_origin = "edge-p2";
  EXPECT_TRUE(Judge("hub", Body(v)).applies());
  EXPECT_TRUE(Judge("hub-private", RatingOf("p2")).applies());
  EXPECT_TRUE(Judge("hub", EntryOf(fb::CatalogueKind::Office, "")).applies());
  const EventVerdict stranger = Judge("edge-gone", RatingOf(""));
  EXPECT_TRUE(stranger.refused());
  EXPECT_EQ(stranger.refusal, Refusal::kUnknownOrigin);
  EXPECT_EQ(EventTypeName(fb::EventBody::RatingVoided), "RatingVoided");
}

TEST(EventAuthorizationTest, ADistrictHubMakesEventsOfItsOwnOfficesOnly) {
  EXPECT_TRUE(JudgeDistrict(RatingOf("p1")).applies());
  EXPECT_TRUE(JudgeDistrict(RatingOf("p2")).applies());
  EventVerdict v = JudgeDistrict(RatingOf("p3"));
  EXPECT_TRUE(v.refused());
  EXPECT_EQ(v.refusal, Refusal::kOtherOffice);
  EXPECT_EQ(v.claimed_office, "p3");
  // A hub's event has no office of its own: one naming none is refused.
  EXPECT_EQ(JudgeDistrict(RatingOf("")).refusal, Refusal::kOtherOffice);
  fb::DossierRecordedT d;
  d.receipt = "A1";
  d.office = "p3";
  EXPECT_TRUE(JudgeDistrict(Body(d)).refused());
  fb::ComplaintRecordedT c;
  c.complaint_id = "c";
  c.dossier = "A1";
  c.office = "p2";
  EXPECT_TRUE(JudgeDistrict(Body(c)).applies());
  c.office = "p3";
  EXPECT_EQ(JudgeDistrict(Body(c)).refusal, Refusal::kOtherOffice);
}

TEST(EventAuthorizationTest, ADistrictHubsCatalogueIsOfItsOffices) {
  fb::CatalogueChangedT office;
  office.kind = fb::CatalogueKind::Office;
  office.id = "p2";
  EXPECT_TRUE(JudgeDistrict(Body(office)).applies());
  office.id = "p3";
  EventVerdict v = JudgeDistrict(Body(office));
  EXPECT_EQ(v.refusal, Refusal::kOtherOffice);
  EXPECT_EQ(v.claimed_office, "p3");
  EXPECT_TRUE(JudgeDistrict(EntryOf(fb::CatalogueKind::Counter, "p1")).applies());
  EXPECT_EQ(JudgeDistrict(EntryOf(fb::CatalogueKind::Counter, "p3")).refusal,
            Refusal::kOtherOffice);
  // District-wide entries: kept, no alarm; the province's own ones win.
  const EventVerdict wide = JudgeDistrict(EntryOf(fb::CatalogueKind::Field, ""));
  EXPECT_FALSE(wide.applies());
  EXPECT_FALSE(wide.refused());
  fb::TemplatePublishedT t;
  t.template_ = std::make_unique<fb::SurveyTemplateT>();
  t.template_->id = "smiley-4";
  const EventVerdict kept = JudgeDistrict(Body(std::move(t)));
  EXPECT_FALSE(kept.applies());
  EXPECT_FALSE(kept.refused());
}

TEST(EventAuthorizationTest, ADistrictHubVoidsAndFollowsUpItsOwnRatingsOnly) {
  fb::RatingVoidedT v;
  v.rating_origin = "edge-p1";
  EXPECT_TRUE(JudgeDistrict(Body(v)).applies());
  v.rating_origin = "hub-d1:hub";
  EXPECT_TRUE(JudgeDistrict(Body(v)).applies());
  v.rating_origin = "edge-p3";  // another district's edge
  EventVerdict r = JudgeDistrict(Body(v));
  EXPECT_EQ(r.refusal, Refusal::kOtherRating);
  EXPECT_EQ(r.claimed_office, "p3");
  EXPECT_STREQ(RefusalName(r.refusal), "other_rating");
  // The province's own origin, an origin bound to nobody yet, and no
  // lookups at all: refused.
  for (const char* origin : {"hub", "hub-private", "edge-unbound", "hub-d2:hub"}) {
    v.rating_origin = origin;
    EXPECT_EQ(JudgeDistrict(Body(v)).refusal, Refusal::kOtherRating) << origin;
  }
  v.rating_origin = "edge-p1";
  EXPECT_EQ(JudgeDistrict(Body(v), false).refusal, Refusal::kOtherRating);

  fb::FollowUpOpenedT fo;
  fo.follow_up_id = "f";
  fo.office = "p1";
  fo.rating_origin = "edge-p1";
  fo.rating_seq = 3;
  EXPECT_TRUE(JudgeDistrict(Body(fo)).applies());
  fo.rating_origin = "edge-p3";
  EXPECT_EQ(JudgeDistrict(Body(fo)).refusal, Refusal::kOtherRating);
  fo.rating_origin = "";
  fo.rating_seq = 0;
  EXPECT_TRUE(JudgeDistrict(Body(fo)).applies());
  fo.office = "p3";
  EXPECT_EQ(JudgeDistrict(Body(fo)).refusal, Refusal::kOtherOffice);

  fb::FollowUpNotedT fn;
  fn.follow_up_id = "f-p1";
  EXPECT_TRUE(JudgeDistrict(Body(fn)).applies());
  fn.follow_up_id = "f-p3";
  EXPECT_EQ(JudgeDistrict(Body(fn)).refusal, Refusal::kOtherOffice);
  fn.follow_up_id = "f-unknown";  // the projector changes nothing
  EXPECT_TRUE(JudgeDistrict(Body(fn)).applies());
  fb::FollowUpClosedT fc;
  fc.follow_up_id = "f-p3";
  EXPECT_EQ(JudgeDistrict(Body(fc)).refusal, Refusal::kOtherOffice);
  fc.follow_up_id = "f-p1";
  EXPECT_TRUE(JudgeDistrict(Body(fc)).applies());
  EXPECT_TRUE(JudgeDistrict(Body(fc), false).refused());
}

TEST(EventAuthorizationTest, ADistrictHubSendsNothingOfHubPrivate) {
  fb::AlertRaisedT ar;
  ar.alert_id = "a";
  ar.office = "p1";
  fb::AlertAcknowledgedT aa;
  aa.alert_id = "a";
  fb::AlertClosedT ac;
  ac.alert_id = "a";
  fb::OfficerPinSetT pin;
  pin.office = "p1";
  pin.officer = "o1";
  fb::PersonalDataErasedT erased;
  erased.erasure_id = "e";
  std::vector<fb::EventBodyUnion> bodies;
  bodies.push_back(Body(ar));
  bodies.push_back(Body(aa));
  bodies.push_back(Body(ac));
  bodies.push_back(Body(pin));
  bodies.push_back(Body(erased));
  for (fb::EventBodyUnion& b : bodies) {
    const EventVerdict verdict = JudgeDistrict(std::move(b));
    EXPECT_TRUE(verdict.refused());
    EXPECT_EQ(verdict.refusal, Refusal::kHubOnlyEvent);
  }
}

}  // namespace
}  // namespace hailong::hub
