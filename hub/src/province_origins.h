// ProvinceOrigins: at a province hub, which origins a district hub may push
// and under which name they are stored (replication/README.md, "The
// province tier"; hub/README.md, "Province hub").
//
// A district hub (a `nodes[]` entry with `district` and `offices`) pushes
//  * its own "hub" origin, stored as "<node id>:hub" (origin_names.h), and
//  * the origin of each edge of one of its offices, stored under the edge's
//    own id, with the header X-Hailong-Office naming the edge's office.
// The first accepted push of an edge's origin binds it to (district hub,
// office), durably (x/hub/prov/origin/<origin>, kept across a rebuild);
// afterwards only that district hub may push it, for that office. Anything
// else is refused with the reason: "hub-private", an origin with ':', a
// node id configured at the province itself, an office the district hub
// does not list, an origin bound to another district hub or office.
//
// The projector learns the bindings through LearntOrigin(): a bound edge
// origin is a node of its office (the authorization table then applies to
// its events as to an edge pushing directly), "<node>:hub" is the
// district's hub, whose events are judged against the district's offices
// (ProjectorOptions::district_hubs, the district hub table of
// event_authorization.h).
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "event_authorization.h"
#include "hailong/hub/config.h"
#include "hailong/hub/projector.h"
#include "hailong/replication/store.h"

namespace hailong::hub {

class ProvinceOrigins {
 public:
  ProvinceOrigins(const HubConfig* config, replication::Store* store);
  // Reads the bindings from the store.
  Status Load();

  // Where a push (bind = true) or a cursor read (bind = false) of `origin`
  // by district hub `node` goes; `office` is the X-Hailong-Office header
  // ("" for the "hub" origin; not checked for a cursor read). PermissionDenied (with the reason,
  // English; *reason_vi in Vietnamese) when `node` may not push it. A push of a new edge origin
  // records its binding (fsync'd) before it returns.
  Status Resolve(const NodeConfig& node, std::string_view origin, std::string_view office,
                 bool bind, std::string* stored_origin, std::string* reason_vi);

  // For ProjectorOptions::learnt_origin.
  bool LearntOrigin(const std::string& origin, std::string* office) const;

  // The district hub an edge origin is bound to ("" if none).
  std::string NodeOf(const std::string& origin) const;

 private:
  struct Binding {
    std::string node, office;
  };
  const HubConfig* config_;
  replication::Store* store_;
  mutable std::mutex mu_;
  std::map<std::string, Binding, std::less<>> bindings_;
  std::map<std::string, const NodeConfig*, std::less<>> district_nodes_;
};

// The identity the projector gives `origin`: options.district_hubs first,
// then options.learnt_origin, then IdentifyOrigin(origin, options.origin_office).
OriginIdentity IdentifyProjected(const ProjectorOptions& options, const std::string& origin);

}  // namespace hailong::hub
