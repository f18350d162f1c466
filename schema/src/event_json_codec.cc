// Leaf values of the event JSON codec: times, flags, hex, scalars.
#include "event_json_codec.h"

#include <charconv>

#include "hailong/schema/time.h"

namespace hailong::schema::json_codec {
namespace {

// Instants FormatRfc3339 writes in a form ParseRfc3339 reads back: the years
// 0000 to 9999. Others (never seen in practice) are written as a number.
constexpr int64_t kMinRfc3339Ms = -62167219200000;  // 0000-01-01T00:00:00.000Z
constexpr int64_t kMaxRfc3339Ms = 253402300799999;  // 9999-12-31T23:59:59.999Z

constexpr NamedValue<fb::RatingFlags> kFlagNames[] = {
    {fb::RatingFlags::SuspectedMisuse, "suspected_misuse"},
    {fb::RatingFlags::Resent, "resent"},
};
constexpr std::string_view kUnnamedBitPrefix = "bit_";  // "bit_7": a newer schema's flag

std::string FlagName(uint32_t bit, unsigned n) {
  for (const auto& f : kFlagNames) {
    if (static_cast<uint32_t>(f.value) == bit) return f.name;
  }
  return std::string(kUnnamedBitPrefix) + std::to_string(n);
}

// A flag by name, or "bit_N" (N in 0..31).
bool FlagFromName(std::string_view name, uint32_t* bit) {
  for (const auto& f : kFlagNames) {
    if (name == f.name) {
      *bit = static_cast<uint32_t>(f.value);
      return true;
    }
  }
  if (!name.starts_with(kUnnamedBitPrefix)) return false;
  name.remove_prefix(kUnnamedBitPrefix.size());
  unsigned n = 0;
  const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), n);
  if (ec != std::errc() || end != name.data() + name.size() || n > 31) return false;
  *bit = 1u << n;
  return true;
}

}  // namespace

std::string JoinPath(std::string_view path, std::string_view name) {
  std::string out(path);
  if (!out.empty()) out += '.';
  out += name;
  return out;
}

std::string IndexPath(std::string_view path, size_t index) {
  return std::string(path) + "[" + std::to_string(index) + "]";
}

Status Error(std::string_view path, std::string_view what) {
  std::string msg(path.empty() ? "event" : path);
  msg += ": ";
  msg += what;
  return Status::InvalidArgument(msg);
}

json TimeToJson(int64_t ms) {
  if (ms < kMinRfc3339Ms || ms > kMaxRfc3339Ms) return ms;
  return FormatRfc3339(ms);
}

Status TimeFromJson(const json& in, std::string_view path, int64_t* ms) {
  if (in.is_string()) {
    Status s = ParseRfc3339(in.get_ref<const std::string&>(), ms);
    return s.ok() ? s : Error(path, s.message());
  }
  // Only the instants TimeToJson writes as a number.
  if (in.is_number_integer()) {
    int64_t v = 0;
    Status s = ValueFromJson(in, path, &v);
    if (!s.ok()) return s;
    if (v < kMinRfc3339Ms || v > kMaxRfc3339Ms) {
      *ms = v;
      return Status::OK();
    }
  }
  return Error(path, "expected RFC 3339 string");
}

json FlagsToJson(fb::RatingFlags flags) {
  json out = json::array();
  const auto bits = static_cast<uint32_t>(flags);
  for (unsigned n = 0; n < 32; ++n) {
    const uint32_t bit = 1u << n;
    if ((bits & bit) == 0) continue;
    out.push_back(FlagName(bit, n));
  }
  return out;
}

Status FlagsFromJson(const json& in, std::string_view path, fb::RatingFlags* flags) {
  if (!in.is_array()) return Error(path, "expected array");
  uint32_t bits = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    if (!in[i].is_string()) return Error(IndexPath(path, i), "expected string");
    const auto& name = in[i].get_ref<const std::string&>();
    uint32_t bit = 0;
    if (!FlagFromName(name, &bit)) return Error(IndexPath(path, i), "unknown flag '" + name + "'");
    bits |= bit;
  }
  *flags = static_cast<fb::RatingFlags>(bits);
  return Status::OK();
}

json BytesToJson(const std::vector<uint8_t>& bytes) {
  return HexEncode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

Status BytesFromJson(const json& in, std::string_view path, std::vector<uint8_t>* bytes) {
  std::string raw;
  if (!in.is_string()) return Error(path, "expected string");
  const auto& hex = in.get_ref<const std::string&>();
  // prev_hash is a SHA-256; other byte fields (SealedText) any length.
  if (path.ends_with("prev_hash")) {
    if (hex.size() != 2 * kZeroHash.size() || !HexDecode(hex, &raw)) {
      return Error(path, "expected 64 hex digits");
    }
  } else if (!HexDecode(hex, &raw)) {
    return Error(path, "expected hex digits");
  }
  bytes->assign(raw.begin(), raw.end());
  return Status::OK();
}

Status StringFromJson(const json& in, std::string_view path, std::string* out) {
  if (!in.is_string()) return Error(path, "expected string");
  *out = in.get_ref<const std::string&>();
  return Status::OK();
}

Status BoolFromJson(const json& in, std::string_view path, bool* out) {
  if (!in.is_boolean()) return Error(path, "expected boolean");
  *out = in.get<bool>();
  return Status::OK();
}

}  // namespace hailong::schema::json_codec
