#include "event_authorization.h"

#include <algorithm>

#include "hailong/hub/hub.h"

namespace hailong::hub {

namespace {

using Action = EventVerdict::Action;

// What a node may do with a type.
enum class NodeRight {
  kOwnOffice,          // apply when it names the node's office or none
  kOwnCatalogueEntry,  // apply a counter, officer, procedure or field entry naming the node's
                       // office
  kKeep,               // keep, apply nothing
};

const flatbuffers::String* RatingOffice(const fb::Event& e) {
  return e.body_as_RatingSubmitted()->office();
}
const flatbuffers::String* DossierOffice(const fb::Event& e) {
  return e.body_as_DossierRecorded()->office();
}
const flatbuffers::String* SignInOffice(const fb::Event& e) {
  return e.body_as_OfficerSignedIn()->office();
}
const flatbuffers::String* SignOutOffice(const fb::Event& e) {
  return e.body_as_OfficerSignedOut()->office();
}
const flatbuffers::String* DeviceSeenOffice(const fb::Event& e) {
  return e.body_as_DeviceSeen()->office();
}
const flatbuffers::String* DeviceLostOffice(const fb::Event& e) {
  return e.body_as_DeviceLost()->office();
}
const flatbuffers::String* CatalogueOffice(const fb::Event& e) {
  return e.body_as_CatalogueChanged()->office();
}
const flatbuffers::String* VisitOffice(const fb::Event& e) {
  return e.body_as_VisitRecorded()->office();
}
const flatbuffers::String* ComplaintOffice(const fb::Event& e) {
  return e.body_as_ComplaintRecorded()->office();
}
const flatbuffers::String* NoOffice(const fb::Event&) { return nullptr; }

std::string_view ViewOf(const flatbuffers::String* s) {
  return s != nullptr ? s->string_view() : std::string_view();
}

// The types a node may send; every other type is hub-only.
struct NodeRule {
  fb::EventBody type;
  NodeRight right;
  const flatbuffers::String* (*office)(const fb::Event&);
};
constexpr NodeRule kNodeRules[] = {
    {fb::EventBody::RatingSubmitted, NodeRight::kOwnOffice, RatingOffice},
    {fb::EventBody::DossierRecorded, NodeRight::kOwnOffice, DossierOffice},
    {fb::EventBody::OfficerSignedIn, NodeRight::kOwnOffice, SignInOffice},
    {fb::EventBody::OfficerSignedOut, NodeRight::kOwnOffice, SignOutOffice},
    {fb::EventBody::DeviceSeen, NodeRight::kOwnOffice, DeviceSeenOffice},
    {fb::EventBody::DeviceLost, NodeRight::kOwnOffice, DeviceLostOffice},
    {fb::EventBody::CatalogueChanged, NodeRight::kOwnCatalogueEntry, CatalogueOffice},
    {fb::EventBody::TemplatePublished, NodeRight::kKeep, NoOffice},
    {fb::EventBody::VisitRecorded, NodeRight::kOwnOffice, VisitOffice},
};

const NodeRule* FindNodeRule(fb::EventBody type) {
  for (const NodeRule& rule : kNodeRules) {
    if (rule.type == type) return &rule;
  }
  return nullptr;
}

EventVerdict Refuse(Refusal why, std::string office = {}) {
  EventVerdict v;
  v.action = Action::kRefuse;
  v.refusal = why;
  v.claimed_office = std::move(office);
  return v;
}

// A district hub's reference to rating `origin`: one of its district's edge
// origins, or its own stored origin.
EventVerdict JudgeRatingRef(const OriginIdentity& district, std::string_view origin,
                            const EventLookups* lookups) {
  if (lookups == nullptr || !lookups->identify) return Refuse(Refusal::kOtherRating);
  const OriginIdentity rated = lookups->identify(std::string(origin));
  switch (rated.kind) {
    case OriginIdentity::Kind::kNode:
      if (district.Serves(rated.office)) return EventVerdict();
      return Refuse(Refusal::kOtherRating, rated.office);
    case OriginIdentity::Kind::kDistrictHub:
      if (rated.node == district.node) return EventVerdict();
      return Refuse(Refusal::kOtherRating);
    case OriginIdentity::Kind::kHub:  // the province's own origins
    case OriginIdentity::Kind::kUnknown:
      break;
  }
  return Refuse(Refusal::kOtherRating);
}

EventVerdict JudgeOffice(const OriginIdentity& district, std::string_view office) {
  if (district.Serves(office)) return EventVerdict();
  return Refuse(Refusal::kOtherOffice, std::string(office));
}

// The district hub table (event_authorization.h).
EventVerdict AuthorizeDistrictHubEvent(const OriginIdentity& district, const fb::Event& event,
                                       const EventLookups* lookups) {
  if (event.body() == nullptr) return Refuse(Refusal::kHubOnlyEvent);
  switch (event.body_type()) {
    case fb::EventBody::RatingSubmitted:
      return JudgeOffice(district, ViewOf(RatingOffice(event)));
    case fb::EventBody::DossierRecorded:
      return JudgeOffice(district, ViewOf(DossierOffice(event)));
    case fb::EventBody::OfficerSignedIn:
      return JudgeOffice(district, ViewOf(SignInOffice(event)));
    case fb::EventBody::OfficerSignedOut:
      return JudgeOffice(district, ViewOf(SignOutOffice(event)));
    case fb::EventBody::DeviceSeen:
      return JudgeOffice(district, ViewOf(DeviceSeenOffice(event)));
    case fb::EventBody::DeviceLost:
      return JudgeOffice(district, ViewOf(DeviceLostOffice(event)));
    case fb::EventBody::ComplaintRecorded:
      return JudgeOffice(district, ViewOf(ComplaintOffice(event)));
    case fb::EventBody::CatalogueChanged: {
      const fb::CatalogueChanged& c = *event.body_as_CatalogueChanged();
      const std::string_view office = ViewOf(c.office());
      if (c.kind() == fb::CatalogueKind::Office) {
        if (!district.Serves(ViewOf(c.id()))) {
          return Refuse(Refusal::kOtherOffice, std::string(ViewOf(c.id())));
        }
        return office.empty() ? EventVerdict() : JudgeOffice(district, office);
      }
      if (office.empty()) {  // district-wide: the province's own catalogue wins
        EventVerdict v;
        v.action = Action::kKeep;
        return v;
      }
      return JudgeOffice(district, office);
    }
    case fb::EventBody::TemplatePublished: {
      EventVerdict v;
      v.action = Action::kKeep;
      return v;
    }
    case fb::EventBody::RatingVoided:
      return JudgeRatingRef(district, ViewOf(event.body_as_RatingVoided()->rating_origin()),
                            lookups);
    case fb::EventBody::FollowUpOpened: {
      const fb::FollowUpOpened& f = *event.body_as_FollowUpOpened();
      EventVerdict v = JudgeOffice(district, ViewOf(f.office()));
      if (v.refused() || ViewOf(f.rating_origin()).empty()) return v;
      return JudgeRatingRef(district, ViewOf(f.rating_origin()), lookups);
    }
    case fb::EventBody::FollowUpNoted:
    case fb::EventBody::FollowUpClosed: {
      const std::string id(ViewOf(event.body_type() == fb::EventBody::FollowUpNoted
                                      ? event.body_as_FollowUpNoted()->follow_up_id()
                                      : event.body_as_FollowUpClosed()->follow_up_id()));
      if (lookups == nullptr || !lookups->follow_up_office) return Refuse(Refusal::kOtherOffice);
      std::string office;
      // An unknown follow-up: the projector changes nothing.
      if (!lookups->follow_up_office(id, &office)) return EventVerdict();
      return JudgeOffice(district, office);
    }
    default:
      return Refuse(Refusal::kHubOnlyEvent);
  }
}

}  // namespace

bool OriginIdentity::Serves(std::string_view o) const {
  return !o.empty() && std::find(offices.begin(), offices.end(), o) != offices.end();
}

OriginIdentity IdentifyOrigin(std::string_view origin,
                              const std::map<std::string, std::string>& nodes) {
  OriginIdentity id;
  if (origin == kHubOrigin || origin == kHubPrivateOrigin) {
    id.kind = OriginIdentity::Kind::kHub;
    return id;
  }
  auto it = nodes.find(std::string(origin));
  if (it != nodes.end()) {
    id.kind = OriginIdentity::Kind::kNode;
    id.office = it->second;
  }
  return id;
}

const char* RefusalName(Refusal r) {
  switch (r) {
    case Refusal::kNone:
      return "";
    case Refusal::kUnknownOrigin:
      return "unknown_origin";
    case Refusal::kHubOnlyEvent:
      return "hub_only_event";
    case Refusal::kOtherOffice:
      return "other_office";
    case Refusal::kOtherRating:
      return "other_rating";
  }
  return "unknown";
}

std::string EventTypeName(fb::EventBody type) {
  if (type > fb::EventBody::MAX) {
    return "unknown_" + std::to_string(static_cast<unsigned>(type));
  }
  return fb::EnumNameEventBody(type);
}

EventVerdict AuthorizeEvent(const OriginIdentity& origin, const fb::Event& event,
                            const EventLookups* lookups) {
  switch (origin.kind) {
    case OriginIdentity::Kind::kHub:
      return EventVerdict();
    case OriginIdentity::Kind::kDistrictHub:
      return AuthorizeDistrictHubEvent(origin, event, lookups);
    case OriginIdentity::Kind::kUnknown:
      return Refuse(Refusal::kUnknownOrigin);
    case OriginIdentity::Kind::kNode:
      break;
  }
  const NodeRule* rule = FindNodeRule(event.body_type());
  // A type without its body (NONE included) is no edge event either.
  if (rule == nullptr || event.body() == nullptr) return Refuse(Refusal::kHubOnlyEvent);
  const flatbuffers::String* office = rule->office(event);
  const std::string_view named = office != nullptr ? office->string_view() : std::string_view();
  switch (rule->right) {
    case NodeRight::kKeep: {
      EventVerdict v;
      v.action = Action::kKeep;
      return v;
    }
    case NodeRight::kOwnCatalogueEntry:
      // Offices and district-wide entries are the hub's.
      if (event.body_as_CatalogueChanged()->kind() == fb::CatalogueKind::Office) {
        return Refuse(Refusal::kHubOnlyEvent);
      }
      if (named != origin.office) return Refuse(Refusal::kOtherOffice, std::string(named));
      return EventVerdict();
    case NodeRight::kOwnOffice:
      if (!named.empty() && named != origin.office) {
        return Refuse(Refusal::kOtherOffice, std::string(named));
      }
      return EventVerdict();
  }
  return Refuse(Refusal::kHubOnlyEvent);
}

}  // namespace hailong::hub
