// `hailongctl log export --hub`: one origin's events, as the hub holds
// them, into an export file, while the hub runs. An admin's session reads
// them through GET /api/v1/replication/pull?origin=<id> (the same frames
// the edges pull). For replacing an edge whose disk is lost, and for a
// hub's own events (origin "hub") when a hub is restored from an older
// backup.
//
// Thread safety: the function keeps no state.
#pragma once

#include <cstdint>
#include <string>

#include "hailong/ops/log_export.h"
#include "hailong/ops/progress.h"
#include "hailong/schema/status.h"
#include "hailong/schema/time.h"

namespace hailong::ops {

struct HubExportOptions {
  std::string url;   // the hub, http[s]://host:port
  std::string user;  // an admin
  std::string password;
  std::string origin;  // required: a node id, or "hub"
  // First seq to export. Default 1 (the whole origin).
  uint64_t from_seq = 1;
  // Most bytes per pull request (the hub caps it at its max_push_mib).
  uint64_t max_bytes_per_pull = 4u << 20;
  int timeout_seconds = 60;
  // Replace an existing file. Default false.
  bool overwrite = false;
  const Clock* clock = nullptr;
  // Events received against the hub's head. May be empty.
  ProgressFn progress;
};

// Pulls origin's events [from_seq, the hub's head when the export began]
// and writes them as an export file (atomically, as ExportLog does). Every
// event is verified (FlatBuffers Verifier, origin, consecutive seqs, hash
// chain) before anything is written. Unauthenticated when the hub refuses
// the user; PermissionDenied when the user is not an admin; NotFound when
// the hub holds no such events; Corruption when the hub sends events that
// do not verify; InvalidArgument for an existing file or a bad URL;
// Unavailable when the hub cannot be reached.
Status ExportFromHub(const HubExportOptions& options, const std::string& path,
                     LogExportResult* result);

}  // namespace hailong::ops
