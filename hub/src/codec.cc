#include "codec.h"

#include <charconv>
#include <cstdio>

#include "hailong/net/percent.h"

namespace hailong::hub::codec {

namespace {
const char kHex[] = "0123456789ABCDEF";
std::string Dim(Dimension d) { return DimensionName(d); }
}  // namespace

std::string KeyPart(std::string_view value) {
  std::string out;
  AppendKeyPart(&out, value);
  return out;
}

void AppendKeyPart(std::string* out, std::string_view value) {
  out->reserve(out->size() + value.size());
  for (unsigned char c : value) {
    if (c == '/' || c == '%' || c < 0x20 || c == 0x7f) {
      out->push_back('%');
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    } else {
      out->push_back(static_cast<char>(c));
    }
  }
}

std::string UnKeyPart(std::string_view part) { return net::PercentDecodeLenient(part); }

std::string SeqPart(uint64_t seq) {
  std::string out(20, '0');  // a uint64_t has at most 20 digits
  for (size_t i = 20; i-- > 0 && seq != 0; seq /= 10) out[i] = static_cast<char>('0' + seq % 10);
  return out;
}

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool GetVarint(std::string_view* in, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift <= 63 && !in->empty(); shift += 7) {
    const auto byte = static_cast<unsigned char>(in->front());
    in->remove_prefix(1);
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

void PutString(std::string* out, std::string_view s) {
  PutVarint(out, s.size());
  out->append(s);
}

bool GetString(std::string_view* in, std::string* s) {
  uint64_t n = 0;
  if (!GetVarint(in, &n) || n > in->size()) return false;
  s->assign(in->substr(0, n));
  in->remove_prefix(n);
  return true;
}

std::string CursorKey(std::string_view origin) {
  return std::string(kCursorPrefix) + KeyPart(origin);
}

std::string TallyKey(Dimension dim, std::string_view office, std::string_view day) {
  return TallyOfficePrefix(dim, office) + std::string(day);
}

std::string TallyOfficePrefix(Dimension dim, std::string_view office) {
  return "x/hub/p/a/" + Dim(dim) + "/" + KeyPart(office) + "/";
}

std::string MonthTallyKey(Dimension dim, std::string_view month, std::string_view office) {
  return MonthTallyPrefix(dim) + std::string(month) + "/" + KeyPart(office);
}

std::string MonthTallyPrefix(Dimension dim) { return "x/hub/p/m/" + Dim(dim) + "/"; }

std::string DayMajorTallyKey(Dimension dim, std::string_view day, std::string_view office) {
  return DayMajorTallyPrefix(dim) + std::string(day) + "/" + KeyPart(office);
}

std::string DayMajorTallyPrefix(Dimension dim) { return "x/hub/p/t/" + Dim(dim) + "/"; }

std::string OfficeKey(std::string_view office) {
  return std::string(kOfficePrefix) + KeyPart(office);
}

std::string DossierKey(std::string_view office, std::string_view receipt) {
  std::string out;
  DossierKey(office, receipt, &out);
  return out;
}

void DossierKey(std::string_view office, std::string_view receipt, std::string* out) {
  out->assign("x/hub/p/d/");
  AppendKeyPart(out, office);
  out->push_back('/');
  AppendKeyPart(out, receipt);
}

std::string RatingFlagsKey(std::string_view origin, uint64_t seq) {
  return "x/hub/p/rf/" + KeyPart(origin) + "/" + SeqPart(seq);
}

std::string RatingIndexPrefix(std::string_view office) {
  return "x/hub/p/ri/" + KeyPart(office) + "/";
}

void RatingChunkKey(std::string_view office, int64_t time_ms, std::string_view origin,
                    std::string* out) {
  out->assign("x/hub/p/ri/");
  AppendKeyPart(out, office);
  out->push_back('/');
  out->append(SeqPart(InvertTime(RatingChunkStart(time_ms))));
  out->push_back('/');
  AppendKeyPart(out, origin);
}

std::string RatingChunkKey(std::string_view office, int64_t time_ms, std::string_view origin) {
  return RatingIndexPrefix(office) + SeqPart(InvertTime(RatingChunkStart(time_ms))) + "/" +
         KeyPart(origin);
}

void RatingChunkRange(std::string_view office, int64_t from_ms, int64_t to_ms, std::string* begin,
                      std::string* end) {
  const std::string prefix = RatingIndexPrefix(office);
  *begin = prefix + SeqPart(InvertTime(RatingChunkStart(to_ms)));
  *end = prefix + SeqPart(InvertTime(RatingChunkStart(from_ms))) + "0";  // '0' > '/'
}

bool RatingChunkTime(std::string_view key, std::string_view prefix, int64_t* start_ms) {
  if (key.size() < prefix.size() + 21 || key[prefix.size() + 20] != '/') return false;
  uint64_t inverted = 0;
  const char* p = key.data() + prefix.size();
  auto r = std::from_chars(p, p + 20, inverted);
  if (r.ec != std::errc() || r.ptr != p + 20) return false;
  *start_ms = UninvertTime(inverted);
  return true;
}

std::string FollowUpKey(std::string_view id) { return std::string(kFollowUpPrefix) + KeyPart(id); }

std::string CatalogueKey(std::string_view kind, std::string_view office, std::string_view id) {
  std::string key(kCataloguePrefix);
  AppendKeyPart(&key, kind);
  key += '/';
  AppendKeyPart(&key, office);
  key += '/';
  AppendKeyPart(&key, id);
  return key;
}

std::string RefusalsAuditedKey(std::string_view origin) {
  return "x/hub/refused_audited/" + KeyPart(origin);
}

std::string RefusedCountKey(std::string_view origin) {
  return std::string(kRefusedCountPrefix) + KeyPart(origin);
}

std::string RefusedEventKey(std::string_view origin, uint64_t n) {
  return RefusedEventPrefix(origin) + SeqPart(n);
}

std::string RefusedEventPrefix(std::string_view origin) {
  return "x/hub/p/rx/" + KeyPart(origin) + "/";
}

std::string TemplateKey(std::string_view id) { return std::string(kTemplatePrefix) + KeyPart(id); }

std::string DutyKey(std::string_view office, std::string_view counter) {
  return "x/hub/p/duty/" + KeyPart(office) + "/" + KeyPart(counter);
}

std::string NodeKey(std::string_view id) { return std::string(kNodePrefix) + KeyPart(id); }

std::string ReceivedKey(std::string_view origin, uint64_t first_seq) {
  return "x/hub/recv/" + KeyPart(origin) + "/" + SeqPart(first_seq);
}

std::string SessionKey(std::string_view id_hash_hex) {
  return std::string(kSessionPrefix) + std::string(id_hash_hex);
}

std::string AuditKey(int64_t time_ms, uint64_t n) {
  return std::string(kAuditPrefix) + SeqPart(static_cast<uint64_t>(time_ms < 0 ? 0 : time_ms)) +
         "/" + SeqPart(n);
}

std::string Dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace hailong::hub::codec
