#include "hailong/net/url.h"

namespace hailong::net {

std::string Url::Authority() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + port;
}

Status ParseUrl(std::string_view text, Url* out) {
  const std::string url(text);
  Url u;
  std::string rest;
  if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else if (url.rfind("https://", 0) == 0) {
    u.tls = true;
    rest = url.substr(8);
  } else {
    return Status::InvalidArgument("URL must start with http:// or https://: " + url);
  }
  const size_t slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) {
    u.base_path = rest.substr(slash);
    while (!u.base_path.empty() && u.base_path.back() == '/') u.base_path.pop_back();
  }
  if (authority.empty()) return Status::InvalidArgument("URL has no host: " + url);
  if (authority.find('@') != std::string::npos) {
    return Status::InvalidArgument("URL must not hold credentials: " + url);
  }
  size_t colon = std::string::npos;
  if (authority.front() == '[') {  // [::1]:9090
    const size_t close = authority.find(']');
    if (close == std::string::npos) return Status::InvalidArgument("bad IPv6 host in " + url);
    u.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return Status::InvalidArgument("bad host in " + url);
      colon = close + 1;
    }
  } else {
    colon = authority.rfind(':');
    u.host = authority.substr(0, colon);
  }
  u.port = colon == std::string::npos ? (u.tls ? "443" : "80") : authority.substr(colon + 1);
  if (u.host.empty() || u.port.empty() ||
      u.port.find_first_not_of("0123456789") != std::string::npos || u.port.size() > 5 ||
      std::stoul(u.port) == 0 || std::stoul(u.port) > 65535) {
    return Status::InvalidArgument("bad host or port in URL " + url);
  }
  *out = std::move(u);
  return Status::OK();
}

}  // namespace hailong::net
