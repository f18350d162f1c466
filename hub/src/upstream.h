// The district hub's side of the province tier: a replication::Shipper that
// ships every origin this hub holds to the `upstream` hub (its own "hub"
// origin and the origins of its configured edges; never "hub-private"),
// exactly once, resuming after outages and restarts from the upstream
// hub's cursors (replication/README.md, "The province tier").
//
// Thread safety: as replication::Shipper.
#pragma once

#include <memory>

#include "hailong/hub/config.h"
#include "hailong/replication/shipper.h"

namespace hailong::hub {

// Starts shipping to config.upstream (which must be enabled). Reads the
// token from upstream.token_file; InvalidArgument naming the key when it
// cannot.
Status StartUpstream(const HubConfig& config, replication::EventLog* log,
                     std::unique_ptr<replication::Shipper>* out);

}  // namespace hailong::hub
