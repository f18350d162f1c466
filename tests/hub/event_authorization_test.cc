// The table of who may make which event (hub/src/event_authorization.h),
// type by type and origin by origin, over events serialized and verified
// by the real schema library.
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

}  // namespace
}  // namespace hailong::hub
