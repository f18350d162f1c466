// Origin names across levels (replication/README.md, "The province tier").
//
// Every hub names its own origins "hub" and "hub-private", so when a
// district hub ships its "hub" origin up to a province hub, the province
// cannot store it under "hub" (that is the province's own, and every
// district's would collide). The province stores district D's "hub" under
// the stored origin "D:hub": the district's node id, ':' and the name the
// events themselves carry. The event bytes are never re-encoded (the hash
// chain covers them), so an event stored under "D:hub" still says origin
// "hub"; the chain check compares it with EmbeddedOrigin("D:hub") = "hub".
// ':' never occurs in a node id (letters, digits, '-', '_', '.'), so a
// stored origin with ':' is always such an alias.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace hailong::replication {

inline constexpr char kOriginAliasSeparator = ':';

// The origin the events stored under `stored_origin` carry: the part after
// the last ':' ("quan-1:hub" -> "hub"), or `stored_origin` itself.
inline std::string_view EmbeddedOrigin(std::string_view stored_origin) {
  const size_t colon = stored_origin.rfind(kOriginAliasSeparator);
  return colon == std::string_view::npos ? stored_origin : stored_origin.substr(colon + 1);
}

// Where a province stores the origin `origin` ("hub") of the district hub
// `node_id`: "<node_id>:<origin>".
inline std::string AliasedOrigin(std::string_view node_id, std::string_view origin) {
  std::string s(node_id);
  s += kOriginAliasSeparator;
  s += origin;
  return s;
}

}  // namespace hailong::replication
