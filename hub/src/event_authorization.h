// EventAuthorization: who may make which event, as one table (the same
// table is in hub/README.md, "Who may make which event").
//
//   event type                    hub, hub-private   a configured node        other origins
//   RatingSubmitted,              apply              apply, own office only   refuse
//   DossierRecorded,                                 (an empty office = the
//   OfficerSignedIn/Out,                             node's own)
//   DeviceSeen/Lost
//   CatalogueChanged              apply              apply when it names the  refuse
//                                                    node's own office and is
//                                                    no office entry (the
//                                                    edge's catalogue_file)
//   TemplatePublished             apply              keep, not applied (the   refuse
//                                                    edge's catalogue_file;
//                                                    the hub's templates are
//                                                    district-wide)
//   RatingVoided, FollowUp*,      apply              refuse                   refuse
//   Alert*, and every type added
//   to the schema later
//
// "refuse": the event stays in the log as evidence, reaches no figure, and
// is counted, audited and alerted on (forged_events). "keep": it stays in
// the log and reaches no figure, without an alarm. The table denies by
// default: a body type it does not list is hub-only.
//
// The projector asks for every event it applies (pushes, `hailongctl log
// import` online or offline, incremental projection and --rebuild all go
// through it).
//
// Thread safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "hailong/schema/events_generated.h"

namespace hailong::hub {

// What the hub knows of the origin of an event.
struct OriginIdentity {
  enum class Kind {
    kHub,      // "hub" or "hub-private": the hub wrote it
    kNode,     // a node of the configuration (`nodes[]`)
    kUnknown,  // neither (a node removed from the configuration, an imported export)
  };
  Kind kind = Kind::kUnknown;
  std::string office;  // kNode: the node's configured office
};

// `nodes`: configured node id -> its office.
OriginIdentity IdentifyOrigin(std::string_view origin,
                              const std::map<std::string, std::string>& nodes);

// Why an event was refused.
enum class Refusal {
  kNone,
  kUnknownOrigin,  // the origin is neither the hub's nor a configured node
  kHubOnlyEvent,   // a node sent a type only the hub may make
  kOtherOffice,    // a node sent an event naming another office (or the whole district)
};
// "unknown_origin", "hub_only_event", "other_office" ("" for kNone).
const char* RefusalName(Refusal r);

struct EventVerdict {
  enum class Action { kApply, kKeep, kRefuse };
  Action action = Action::kApply;
  Refusal refusal = Refusal::kNone;  // kRefuse: why
  std::string claimed_office;        // kOtherOffice: the office the event named
  bool applies() const { return action == Action::kApply; }
  bool refused() const { return action == Action::kRefuse; }
};

// The table above for an event whose bytes the Verifier accepted.
EventVerdict AuthorizeEvent(const OriginIdentity& origin, const fb::Event& event);

// The schema name of a body type ("RatingSubmitted"; "unknown_<n>" for a
// type newer than this build).
std::string EventTypeName(fb::EventBody type);

}  // namespace hailong::hub
