// Url: the one parser of the http:// and https:// addresses the project's
// clients are given (a hub for the shipper and hailongctl, an edge for
// devsim, a webhook).
//
// Thread safety: pure function. Ownership: values. Errors: InvalidArgument
// naming the fault and the URL as given.
#pragma once

#include <string>
#include <string_view>

#include "hailong/schema/status.h"

namespace hailong::net {

struct Url {
  bool tls = false;       // https://
  std::string host;       // name or address; an IPv6 address without brackets
  std::string port;       // decimal, 1-65535; 80 / 443 when the URL has none
  std::string base_path;  // "" or "/prefix", no trailing '/'
  // "host:port", "[v6]:port" for an IPv6 address (a Host header).
  std::string Authority() const;
};

// Parses "http[s]://host[:port][/prefix]" ("[::1]:9090" for IPv6). No
// credentials ("user@host") and no port outside 1-65535.
Status ParseUrl(std::string_view url, Url* out);

}  // namespace hailong::net
