// `hailongctl log import`: replays an export file into a hub, offline
// (straight into its data dir through EventLog::Ingest) or online (the
// replication push endpoint). Events the hub already holds, byte for byte,
// are skipped, so importing twice changes nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hailong/ops/export_verify.h"
#include "hailong/ops/progress.h"
#include "hailong/replication/event_log.h"
#include "hailong/schema/status.h"

namespace hailong::ops {

struct ImportBatchResult {
  uint64_t stored = 0;
  uint64_t skipped = 0;
  uint64_t head_seq = 0;  // the target's head of the origin afterwards
};

// Where imported events go. Thread safety: one caller at a time.
class ImportTarget {
 public:
  virtual ~ImportTarget() = default;
  // Stores a batch of consecutive events of `origin` (verified bytes).
  // Conflict when the target's chain does not meet the batch (a gap: import
  // the earlier events first; or a fork), with the target's head in the
  // message; Unauthenticated / PermissionDenied from a hub; Unavailable when
  // it cannot be reached.
  virtual Status Push(std::string_view origin, const std::vector<std::string_view>& events,
                      ImportBatchResult* result) = 0;
  // For messages: "/var/lib/hailong/hub" or "http://hub:9090".
  virtual std::string Describe() const = 0;
};

// Ingest into `log` (borrowed; must outlive the target).
std::unique_ptr<ImportTarget> NewLogImportTarget(replication::EventLog* log);

struct HubTargetOptions {
  std::string url;    // http://host:port or https://host:port
  std::string token;  // bearer token
  // Seconds to wait for connect, send and each answer. Default 30.
  int timeout_seconds = 30;
};
// POST /api/v1/replication/push. InvalidArgument for a bad URL.
Status NewHubImportTarget(const HubTargetOptions& options, std::unique_ptr<ImportTarget>* out);

struct LogImportOptions {
  // Most events and bytes per batch. Defaults 2000 events, 1 MiB.
  size_t batch_events = 2000;
  size_t batch_bytes = 1u << 20;
  // The caller has just verified the file with VerifyExportFile (to check
  // it before opening a target); skip the verification pass. Default false.
  bool already_verified = false;
  // Reports bytes of the file processed. May be empty.
  ProgressFn progress;
};

struct OriginImportResult {
  std::string origin;
  uint64_t stored = 0;
  uint64_t skipped = 0;
  uint64_t head_seq = 0;
};

struct LogImportResult {
  std::vector<OriginImportResult> origins;  // in file order
  uint64_t stored = 0;
  uint64_t skipped = 0;
  // Set when the file was refused as damaged.
  std::optional<ExportDamage> damage;
};

// Imports the export at `path` into `target`. The file is verified first
// (VerifyExportFile, unless options.already_verified): a damaged file is
// refused with Corruption naming the origin and seq (result->damage), and
// nothing is imported. Each batch is verified again by the target. Errors from the target stop the
// import; what was pushed before stays (it is a valid prefix).
Status ImportExport(const std::string& path, ImportTarget* target, const LogImportOptions& options,
                    LogImportResult* result);

}  // namespace hailong::ops
