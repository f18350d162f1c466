// Listen addresses of the daemons' configuration files ("http.listen").
// Thread safety: a pure function.
#pragma once

#include <cstdint>
#include <string>

#include "hailong/schema/status.h"

namespace hailong::schema {

// Parses "host:port" ("[::1]:8080" for IPv6; port 0 = any free port) into
// *host (brackets removed) and *port. InvalidArgument naming "http.listen".
Status ParseListenAddress(const std::string& listen, std::string* host, uint16_t* port);

}  // namespace hailong::schema
