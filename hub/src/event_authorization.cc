#include "event_authorization.h"

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
const flatbuffers::String* NoOffice(const fb::Event&) { return nullptr; }

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

}  // namespace

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
  }
  return "unknown";
}

std::string EventTypeName(fb::EventBody type) {
  if (type > fb::EventBody::MAX) {
    return "unknown_" + std::to_string(static_cast<unsigned>(type));
  }
  return fb::EnumNameEventBody(type);
}

EventVerdict AuthorizeEvent(const OriginIdentity& origin, const fb::Event& event) {
  switch (origin.kind) {
    case OriginIdentity::Kind::kHub:
      return EventVerdict();
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
