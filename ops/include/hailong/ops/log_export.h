// `hailongctl log export`: a log (or a cut of it) into an export file.
#pragma once

#include <cstdint>
#include <string>

#include "hailong/ops/export_format.h"
#include "hailong/ops/progress.h"
#include "hailong/replication/event_log.h"
#include "hailong/schema/status.h"
#include "hailong/schema/time.h"

namespace hailong::ops {

struct LogExportOptions {
  // Only this origin; "" = every origin.
  std::string origin;
  // Days YYYY-MM-DD (Asia/Ho_Chi_Minh), inclusive; "" = open end. Of each
  // origin the export holds the gapless seq range from the first event at
  // or after `from_day` 00:00 to the last event before the day after
  // `to_day` (so an event whose clock ran backwards inside it stays in).
  std::string from_day;
  std::string to_day;
  // Recorded as the metadata's "source" (the data dir path).
  std::string source;
  // Replace an existing file. Default false: refuse.
  bool overwrite = false;
  // Clock for created_at; nullptr = Clock::System(). Not owned.
  const Clock* clock = nullptr;
  // Reports events written against events to write. May be empty.
  ProgressFn progress;
};

struct LogExportResult {
  ExportMetadata metadata;
  schema::Hash digest = schema::kZeroHash;  // the trailer's SHA-256
  uint64_t bytes = 0;                       // file size
};

// Writes `path` (atomically: see ExportWriter). Two passes over the log:
// the first fixes each origin's range (events appended meanwhile are left
// out), the second writes the frames. InvalidArgument for a bad day or an
// existing file; NotFound when nothing matches; Corruption when the log
// itself is damaged (naming origin and seq). `log` is borrowed.
Status ExportLog(const replication::EventLog& log, const LogExportOptions& options,
                 const std::string& path, LogExportResult* result);

}  // namespace hailong::ops
