// ExportReader: reads an export file frame by frame (format:
// export_format.h), hashing every byte as it goes so that the trailer digest
// is checked in the same single pass.
//
// A reader checks the *shape* of the file (magic, metadata, frame lengths,
// trailer); the events themselves are checked by VerifyExportFile
// (export_verify.h) or by whoever ingests them.
//
// Thread safety: use one reader from one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "hailong/ops/export_format.h"
#include "hailong/schema/status.h"

namespace hailong::ops {

class ExportReader {
 public:
  // Opens `path` and reads magic, metadata and trailer. NotFound / IOError
  // when the file cannot be read; Corruption when it is not a v1 export or
  // its header is damaged (message says what); InvalidArgument for a newer
  // format version.
  static Status Open(const std::string& path, std::unique_ptr<ExportReader>* out);
  ~ExportReader();
  ExportReader(const ExportReader&) = delete;
  ExportReader& operator=(const ExportReader&) = delete;

  const ExportMetadata& metadata() const { return metadata_; }
  // What the trailer claims; trusted only once DigestMatches() says so.
  uint64_t trailer_count() const { return trailer_count_; }
  uint64_t file_bytes() const { return file_bytes_; }
  // Bytes consumed so far (for progress).
  uint64_t offset() const { return offset_; }

  // Reads the next frame into *bytes (valid until the next call), or sets
  // *end at the end marker. Corruption when a length runs past the end
  // marker's place or over kMaxExportFrameBytes.
  Status Next(std::string_view* bytes, bool* end);
  // Hashes the bytes not yet consumed up to the digest and compares with
  // the trailer. May be called at any point (also after a Corruption);
  // afterwards Next must not be called.
  Status DigestMatches(bool* match);

 private:
  class Impl;
  ExportReader();
  Status ReadExact(size_t n, std::string* out);

  std::unique_ptr<Impl> impl_;
  ExportMetadata metadata_;
  uint64_t trailer_count_ = 0;
  uint64_t file_bytes_ = 0;
  uint64_t offset_ = 0;
  std::string frame_;
};

}  // namespace hailong::ops
