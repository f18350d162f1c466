#include "hailong/net/percent.h"

#include "hailong/schema/event.h"

namespace hailong::net {
namespace {

// The byte of the escape at in[i] ('%' followed by two hex digits).
bool EscapeAt(std::string_view in, size_t i, char* byte) {
  if (in[i] != '%' || i + 2 >= in.size()) return false;
  std::string decoded;
  if (!schema::HexDecode(in.substr(i + 1, 2), &decoded)) return false;
  *byte = decoded[0];
  return true;
}

}  // namespace

bool PercentDecode(std::string_view in, std::string* out, bool plus_is_space) {
  std::string s;
  s.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      s += plus_is_space && in[i] == '+' ? ' ' : in[i];
      continue;
    }
    char byte;
    if (!EscapeAt(in, i, &byte)) return false;
    s += byte;
    i += 2;
  }
  *out = std::move(s);
  return true;
}

std::string PercentDecodeLenient(std::string_view in) {
  std::string s;
  s.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char byte;
    if (EscapeAt(in, i, &byte)) {
      s += byte;
      i += 2;
    } else {
      s += in[i];
    }
  }
  return s;
}

std::map<std::string, std::string> ParseQuery(std::string_view query) {
  std::map<std::string, std::string> out;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    std::string_view k = pair.substr(0, eq);
    std::string_view v = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    std::string key, value;
    if (!PercentDecode(k, &key)) key = std::string(k);
    if (!PercentDecode(v, &value, true)) {
      value = std::string(v);
      for (char& c : value) {
        if (c == '+') c = ' ';
      }
    }
    out.emplace(std::move(key), std::move(value));
  }
  return out;
}

}  // namespace hailong::net
