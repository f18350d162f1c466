// Verification of an export file: the trailer digest, every frame through
// the FlatBuffers Verifier, and the hash chain of every origin from the
// header's first_prev_hash to its last_hash.
//
// Locating damage: a changed byte inside event k breaks the link from k to
// k+1 (k+1 records the chain hash of the original k). A changed prev_hash
// inside k breaks the link from k-1 to k *and* from k to k+1. So at the first
// broken link (a, b) the verifier looks one event further: if b still links
// to its successor (or to the header's last_hash) the damage is in a,
// otherwise in b. The reported seq is the damaged event.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "hailong/ops/export_format.h"
#include "hailong/ops/progress.h"
#include "hailong/schema/status.h"

namespace hailong::ops {

struct ExportDamage {
  // Origin and seq of the first damaged event; "" and 0 when the damage is
  // outside every event (header, trailer, checksum only).
  std::string origin;
  uint64_t seq = 0;
  std::string reason;  // English, for logs and the CLI's detail line
};

struct ExportVerifyResult {
  ExportMetadata metadata;      // as read from the header
  uint64_t events_checked = 0;  // events found intact before any damage
  bool digest_ok = false;       // the trailer's SHA-256 matches
  std::optional<ExportDamage> damage;
};

// OK when the file is intact. Corruption, with result->damage set, when it
// is damaged. NotFound / IOError when it cannot be read; InvalidArgument
// when it is an export of a newer format version. `progress` may be empty.
Status VerifyExportFile(const std::string& path, const ProgressFn& progress,
                        ExportVerifyResult* result);

}  // namespace hailong::ops
