#include "keys.h"

#include <cstring>

namespace hailong::replication::keys {

void PutFixed64BE(std::string* dst, uint64_t v) {
  char buf[8];
  for (int i = 7; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  dst->append(buf, 8);
}

uint64_t DecodeFixed64BE(std::string_view src) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(src[i]);
  return v;
}

std::string EventKey(std::string_view origin, uint64_t seq) {
  std::string k;
  k.reserve(3 + origin.size() + 8);
  k.append("e/").append(origin).push_back('/');
  PutFixed64BE(&k, seq);
  return k;
}

std::string EventEnd(std::string_view origin) {
  std::string k;
  k.append("e/").append(origin).push_back('0');  // '0' sorts right after '/'
  return k;
}

std::string HeadKey(std::string_view origin) {
  std::string k("h/");
  k.append(origin);
  return k;
}

std::string IdempotencyKey(std::string_view origin, std::string_view id) {
  std::string k("i/");
  k.append(origin).push_back('/');
  k.append(id);
  return k;
}

std::string EncodeHead(const ChainHead& head) {
  std::string v;
  PutFixed64BE(&v, head.seq);
  v.append(reinterpret_cast<const char*>(head.hash.data()), head.hash.size());
  return v;
}

bool DecodeHead(std::string_view value, ChainHead* head) {
  if (value.size() != 8 + head->hash.size()) return false;
  head->seq = DecodeFixed64BE(value);
  std::memcpy(head->hash.data(), value.data() + 8, head->hash.size());
  return true;
}

bool ParseEventKey(std::string_view key, std::string_view origin, uint64_t* seq) {
  if (key.size() != 3 + origin.size() + 8) return false;
  if (key.substr(0, 2) != "e/" || key.substr(2, origin.size()) != origin ||
      key[2 + origin.size()] != '/') {
    return false;
  }
  *seq = DecodeFixed64BE(key.substr(3 + origin.size()));
  return true;
}

}  // namespace hailong::replication::keys
