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
// At a province hub a district hub's own origin ("<node>:hub", kDistrictHub)
// is judged against that district's offices (its `nodes[]` entry's
// `offices`), per level, by its own table:
//
//   event type                    "<D>:hub" (a district hub D's own events)
//   RatingSubmitted, DossierRecorded,   apply when the office named is one of
//   OfficerSignedIn/Out, DeviceSeen/    D's offices (none named = refuse: a
//   Lost, ComplaintRecorded             hub's events have no office of their own)
//   CatalogueChanged              apply an office entry whose id is one of D's
//                                 offices, or an entry owned by one of them;
//                                 keep a district-wide entry (office ""), the
//                                 province's own district-wide catalogue wins
//   TemplatePublished             keep (the province's templates are its own)
//   RatingVoided                  apply when the rating's origin is an edge
//                                 origin of one of D's offices (bound to D,
//                                 province_origins.h) or "<D>:hub"; a rating
//                                 of any other origin (another district's
//                                 edge, "hub", one not bound yet) = refuse
//   FollowUpOpened                apply when its office is one of D's and its
//                                 rating (if any) passes the RatingVoided rule
//   FollowUpNoted/Closed          apply when the follow-up's office (as the
//                                 read model has it) is one of D's; an unknown
//                                 follow-up changes nothing and applies
//   Alert*, OfficerPinSet,        refuse: they live in hub-private, which no
//   PersonalDataErased, and       district hub ships up
//   every type added later
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

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "hailong/schema/events_generated.h"

namespace hailong::hub {

// What the hub knows of the origin of an event.
struct OriginIdentity {
  enum class Kind {
    kHub,          // "hub" or "hub-private": the hub wrote it
    kNode,         // a node of the configuration (`nodes[]`)
    kUnknown,      // neither (a node removed from the configuration, an imported export)
    kDistrictHub,  // at a province: "<node>:hub", a district hub's own events
  };
  Kind kind = Kind::kUnknown;
  std::string office;  // kNode: the node's configured office
  // kDistrictHub: the district hub's node id and its district's offices.
  std::string node;
  std::vector<std::string> offices;
  // kDistrictHub: true if `office` is one of the district's.
  bool Serves(std::string_view office) const;
};

// What the table needs to know beyond the event for the references of a
// district hub's events (a rating's origin, a follow-up's office). Without
// them (nullptr, or an empty function) such references are refused.
struct EventLookups {
  // The identity of a stored origin (that of a rating an event refers to).
  std::function<OriginIdentity(const std::string& origin)> identify;
  // The office of follow-up `id` in the read model; false if it has none.
  std::function<bool(const std::string& id, std::string* office)> follow_up_office;
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
  kOtherRating,    // a district hub referred to a rating of an origin not its own
};
// "unknown_origin", "hub_only_event", "other_office", "other_rating" ("" for kNone).
const char* RefusalName(Refusal r);

struct EventVerdict {
  enum class Action { kApply, kKeep, kRefuse };
  Action action = Action::kApply;
  Refusal refusal = Refusal::kNone;  // kRefuse: why
  std::string claimed_office;        // kOtherOffice: the office the event named;
                                     // kOtherRating: the rating's office, if known
  bool applies() const { return action == Action::kApply; }
  bool refused() const { return action == Action::kRefuse; }
};

// The table above for an event whose bytes the Verifier accepted.
// `lookups` serve the references of a district hub's events only.
EventVerdict AuthorizeEvent(const OriginIdentity& origin, const fb::Event& event,
                            const EventLookups* lookups = nullptr);

// The schema name of a body type ("RatingSubmitted"; "unknown_<n>" for a
// type newer than this build).
std::string EventTypeName(fb::EventBody type);

}  // namespace hailong::hub
