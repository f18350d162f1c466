#include "hailong/ops/export_format.h"

#include <nlohmann/json.hpp>

#include "hailong/schema/time.h"

namespace hailong::ops {

uint64_t ExportMetadata::TotalEvents() const {
  uint64_t n = 0;
  for (const auto& r : origins) n += r.events();
  return n;
}

void PutFixed32(std::string* dst, uint32_t v) {
  for (int i = 0; i < 4; ++i) dst->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void PutFixed64(std::string* dst, uint64_t v) {
  for (int i = 0; i < 8; ++i) dst->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint32_t DecodeFixed32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}

uint64_t DecodeFixed64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}

nlohmann::json ExportOriginRangeJson(const ExportOriginRange& r, bool with_hashes) {
  nlohmann::json j = {{"origin", r.origin},
                      {"first_seq", r.first_seq},
                      {"last_seq", r.last_seq},
                      {"events", r.events()},
                      {"first_time", FormatRfc3339(r.first_time_ms)},
                      {"last_time", FormatRfc3339(r.last_time_ms)}};
  if (with_hashes) {
    j["first_prev_hash"] = schema::HexEncode(r.first_prev_hash);
    j["last_hash"] = schema::HexEncode(r.last_hash);
  }
  return j;
}

std::string EncodeExportMetadata(const ExportMetadata& m) {
  nlohmann::json origins = nlohmann::json::array();
  for (const auto& r : m.origins) origins.push_back(ExportOriginRangeJson(r, true));
  nlohmann::json filter = nlohmann::json::object();
  if (!m.origin_filter.empty()) filter["origin"] = m.origin_filter;
  if (!m.from_day.empty()) filter["from"] = m.from_day;
  if (!m.to_day.empty()) filter["to"] = m.to_day;
  nlohmann::json j = {{"format", "hailong-export"}, {"format_version", m.format_version},
                      {"created_at", m.created_at}, {"tool", m.tool},
                      {"source", m.source},         {"filter", filter},
                      {"events", m.TotalEvents()},  {"origins", origins}};
  return j.dump();
}

namespace {

Status Bad(const std::string& what) { return Status::Corruption("export metadata: " + what); }

Status GetString(const nlohmann::json& j, const char* key, std::string* out) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return Bad(std::string("\"") + key + "\" is not a string");
  *out = it->get<std::string>();
  return Status::OK();
}

Status GetSeq(const nlohmann::json& j, const char* key, uint64_t* out) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_unsigned() || it->get<uint64_t>() == 0) {
    return Bad(std::string("\"") + key + "\" is not a sequence number");
  }
  *out = it->get<uint64_t>();
  return Status::OK();
}

Status GetHash(const nlohmann::json& j, const char* key, schema::Hash* out) {
  std::string hex;
  Status s = GetString(j, key, &hex);
  if (!s.ok()) return s;
  std::string raw;
  if (!schema::HexDecode(hex, &raw) || raw.size() != out->size()) {
    return Bad(std::string("\"") + key + "\" is not 64 hex digits");
  }
  std::copy(raw.begin(), raw.end(), out->begin());
  return Status::OK();
}

Status GetTime(const nlohmann::json& j, const char* key, int64_t* out) {
  std::string text;
  Status s = GetString(j, key, &text);
  if (!s.ok()) return s;
  if (!ParseRfc3339(text, out).ok()) return Bad(std::string("\"") + key + "\" is not RFC 3339");
  return Status::OK();
}

Status DecodeOrigin(const nlohmann::json& j, ExportOriginRange* r) {
  if (!j.is_object()) return Bad("an entry of \"origins\" is not an object");
  Status s = GetString(j, "origin", &r->origin);
  if (s.ok() && r->origin.empty()) s = Bad("an origin is empty");
  if (s.ok()) s = GetSeq(j, "first_seq", &r->first_seq);
  if (s.ok()) s = GetSeq(j, "last_seq", &r->last_seq);
  if (s.ok() && r->last_seq < r->first_seq) s = Bad("last_seq < first_seq of " + r->origin);
  if (s.ok()) s = GetHash(j, "first_prev_hash", &r->first_prev_hash);
  if (s.ok()) s = GetHash(j, "last_hash", &r->last_hash);
  if (s.ok()) s = GetTime(j, "first_time", &r->first_time_ms);
  if (s.ok()) s = GetTime(j, "last_time", &r->last_time_ms);
  if (s.ok()) {
    auto it = j.find("events");
    if (it == j.end() || !it->is_number_unsigned() || it->get<uint64_t>() != r->events()) {
      s = Bad("\"events\" of " + r->origin + " does not match its seq range");
    }
  }
  if (s.ok() && r->first_seq == 1 && r->first_prev_hash != schema::kZeroHash) {
    s = Bad("first_prev_hash of " + r->origin + " must be zero for seq 1");
  }
  return s;
}

}  // namespace

Status DecodeExportMetadata(std::string_view text, ExportMetadata* out) {
  *out = ExportMetadata();
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Bad("not a JSON object");
  std::string format;
  Status s = GetString(j, "format", &format);
  if (!s.ok()) return s;
  if (format != "hailong-export") return Bad("\"format\" is not hailong-export");
  auto version = j.find("format_version");
  if (version == j.end() || !version->is_number_integer()) {
    return Bad("\"format_version\" is not an integer");
  }
  out->format_version = version->get<int>();
  if (out->format_version != kExportFormatVersion) {
    return Status::InvalidArgument("export format version " + std::to_string(out->format_version) +
                                   " is not supported (this tool reads version 1)");
  }
  if (s = GetString(j, "created_at", &out->created_at); !s.ok()) return s;
  if (s = GetString(j, "tool", &out->tool); !s.ok()) return s;
  if (s = GetString(j, "source", &out->source); !s.ok()) return s;
  auto filter = j.find("filter");
  if (filter == j.end() || !filter->is_object()) return Bad("\"filter\" is not an object");
  if (filter->contains("origin") && !(s = GetString(*filter, "origin", &out->origin_filter)).ok()) {
    return s;
  }
  if (filter->contains("from") && !(s = GetString(*filter, "from", &out->from_day)).ok()) return s;
  if (filter->contains("to") && !(s = GetString(*filter, "to", &out->to_day)).ok()) return s;
  auto origins = j.find("origins");
  if (origins == j.end() || !origins->is_array()) return Bad("\"origins\" is not an array");
  for (const auto& o : *origins) {
    ExportOriginRange r;
    if (s = DecodeOrigin(o, &r); !s.ok()) return s;
    for (const auto& seen : out->origins) {
      if (seen.origin == r.origin) return Bad("origin " + r.origin + " listed twice");
    }
    out->origins.push_back(std::move(r));
  }
  auto events = j.find("events");
  if (events == j.end() || !events->is_number_unsigned() ||
      events->get<uint64_t>() != out->TotalEvents()) {
    return Bad("\"events\" does not match the origins' ranges");
  }
  return Status::OK();
}

}  // namespace hailong::ops
