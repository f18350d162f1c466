// The export file format ("HAILONG-EXPORT v1"); the prose specification is
// ops/doc/export_format.md. Layout:
//
//   magic      "HAILONG-EXPORT v1\n"                     18 bytes
//   meta_len   u32 little-endian                          4 bytes
//   metadata   JSON (UTF-8), meta_len bytes
//   frames     [u32 LE length > 0][event bytes]...        origin by origin,
//                                                         each in seq order
//   end        u32 LE 0                                   4 bytes
//   count      u64 LE number of frames                    8 bytes
//   digest     SHA-256 of every byte before it           32 bytes
//
// Thread safety: the functions here are pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "hailong/schema/event.h"
#include "hailong/schema/status.h"

namespace hailong::ops {

inline constexpr std::string_view kExportMagic = "HAILONG-EXPORT v1\n";
inline constexpr int kExportFormatVersion = 1;
// Readers refuse metadata and frames longer than these.
inline constexpr uint32_t kMaxExportMetadataBytes = 16u << 20;
inline constexpr uint32_t kMaxExportFrameBytes = 16u << 20;
// end marker + count + digest.
inline constexpr size_t kExportTrailerBytes = 4 + 8 + 32;

// The events of one origin held by a file: the gapless seq range
// [first_seq, last_seq]. The chain continues from first_prev_hash (zero for
// seq 1) and ends at last_hash, the chain hash of event last_seq.
struct ExportOriginRange {
  std::string origin;
  uint64_t first_seq = 0;
  uint64_t last_seq = 0;
  schema::Hash first_prev_hash = schema::kZeroHash;
  schema::Hash last_hash = schema::kZeroHash;
  // First and last event times (ms since epoch, UTC); informative only.
  int64_t first_time_ms = 0;
  int64_t last_time_ms = 0;

  uint64_t events() const { return last_seq - first_seq + 1; }
};

struct ExportMetadata {
  int format_version = kExportFormatVersion;
  std::string created_at;  // RFC 3339
  std::string tool;        // "hailongctl 0.1.0"
  std::string source;      // where the events came from (data dir path)
  // The filter the export was made with; "" = none.
  std::string origin_filter;
  std::string from_day;  // YYYY-MM-DD, Asia/Ho_Chi_Minh, inclusive
  std::string to_day;    // YYYY-MM-DD, inclusive
  // In file order; every range holds at least one event.
  std::vector<ExportOriginRange> origins;

  uint64_t TotalEvents() const;
};

// Metadata <-> the header's JSON. DecodeExportMetadata returns Corruption
// naming the bad key for JSON that is not a v1 header, and InvalidArgument
// for a newer format_version.
std::string EncodeExportMetadata(const ExportMetadata& metadata);
Status DecodeExportMetadata(std::string_view json, ExportMetadata* out);

// One origin's range as the header writes it: origin, first_seq, last_seq,
// events, first_time and last_time (RFC 3339), and with `with_hashes`
// first_prev_hash and last_hash (hex); hailongctl's summary leaves the
// hashes out.
nlohmann::json ExportOriginRangeJson(const ExportOriginRange& range, bool with_hashes);

// Little-endian helpers shared by writer and reader.
void PutFixed32(std::string* dst, uint32_t v);
void PutFixed64(std::string* dst, uint64_t v);
uint32_t DecodeFixed32(const char* p);
uint64_t DecodeFixed64(const char* p);

}  // namespace hailong::ops
