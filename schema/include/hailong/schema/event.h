// The event envelope: verification, serialization and the hash chain.
//
// Every byte string that claims to be an event, from disk or from the
// network, goes through VerifyEvent before any field is read.
// All functions are thread-safe (they keep no state).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hailong/schema/events_generated.h"
#include "hailong/schema/status.h"

namespace hailong::schema {

// SHA-256 digest of the chain.
using Hash = std::array<uint8_t, 32>;
inline constexpr Hash kZeroHash{};

// Runs the FlatBuffers Verifier (with the "HLE1" identifier) over `bytes`.
// On success sets *event to the root table, which points into `bytes` and
// lives as long as they do. Also checks the envelope's own invariants:
// origin present, seq >= 1, prev_hash 32 bytes, a known body type.
// FlatBuffers reads fields in place, so `bytes` must start at an 8-byte
// aligned address (a std::string's heap buffer does); bytes inside a larger
// buffer (a RocksDB block, a frame after its 4-byte length) go through the
// overload below.
Status VerifyEvent(std::string_view bytes, const fb::Event** event);

// Event bytes at an 8-byte aligned address: the bytes themselves when they
// are, else a copy kept here until the next Align. Not thread-safe (one per
// thread or per loop).
class AlignedEventBuffer {
 public:
  std::string_view Align(std::string_view bytes);

 private:
  std::vector<uint64_t> words_;
};

// VerifyEvent of buffer->Align(bytes): *event points into `bytes` or into
// `buffer`, and lives until the buffer's next Align.
Status VerifyEvent(std::string_view bytes, const fb::Event** event, AlignedEventBuffer* buffer);

// Serializes an object-API event with the file identifier. Deterministic:
// the same EventT always gives the same bytes.
std::string SerializeEvent(const fb::EventT& event);

// Verifies and unpacks in one step (`bytes` may be at any address).
Status DecodeEvent(std::string_view bytes, fb::EventT* out);

// The chain hash of an event: SHA-256(prev || bytes).
Hash ChainHash(const Hash& prev, std::string_view bytes);

// Plain SHA-256 of bytes.
Hash Sha256(std::string_view bytes);

std::string HexEncode(std::string_view bytes);
inline std::string HexEncode(const Hash& h) {
  return HexEncode(std::string_view(reinterpret_cast<const char*>(h.data()), h.size()));
}
// Decodes lower- or upper-case hex; false on odd length or a non-hex digit.
bool HexDecode(std::string_view hex, std::string* out);

// Copies a 32-byte prev_hash vector (or kZeroHash when absent/short).
Hash HashFromVector(const flatbuffers::Vector<uint8_t>* v);

// "rating_submitted", "dossier_recorded", ... (snake_case of the union member).
const char* EventTypeName(fb::EventBody type);
// The inverse of EventTypeName; NONE for an unknown name.
fb::EventBody EventTypeFromName(std::string_view name);

}  // namespace hailong::schema
