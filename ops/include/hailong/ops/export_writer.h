// ExportWriter: writes one export file (format: export_format.h).
//
// The bytes go to "<path>.partial"; Finish writes the trailer, fsyncs and
// renames the file into place, so a crash or an error never leaves a file
// under `path` that looks complete. The destructor removes an unfinished
// partial file.
//
// Thread safety: use one writer from one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "hailong/ops/export_format.h"
#include "hailong/schema/status.h"

namespace hailong::ops {

class ExportWriter {
 public:
  // Creates the partial file and writes magic and metadata. `metadata` must
  // already describe every frame that will be added. InvalidArgument when
  // `path` exists and `overwrite` is false; IOError when it cannot be made.
  static Status Create(const std::string& path, const ExportMetadata& metadata, bool overwrite,
                       std::unique_ptr<ExportWriter>* out);
  ~ExportWriter();
  ExportWriter(const ExportWriter&) = delete;
  ExportWriter& operator=(const ExportWriter&) = delete;

  // Appends one frame. The bytes are written as given: the caller has
  // verified them (they come from the log, which verifies on read).
  Status Add(std::string_view event_bytes);
  // Writes end marker, count and digest; fsyncs the file and its directory;
  // renames it to `path`. *digest (may be null) receives the trailer digest.
  Status Finish(schema::Hash* digest);

  uint64_t events_written() const { return events_; }
  uint64_t bytes_written() const { return bytes_; }

 private:
  class Impl;
  explicit ExportWriter(std::unique_ptr<Impl> impl);
  Status Write(std::string_view bytes);

  std::unique_ptr<Impl> impl_;
  uint64_t events_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace hailong::ops
