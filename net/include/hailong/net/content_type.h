// The Content-Type of a static file, from its name's extension: the one
// table the edge's and the hub's web files are served with.
//
// Thread safety: pure function. Errors: none; an unknown extension is
// application/octet-stream.
#pragma once

#include <string>
#include <string_view>

namespace hailong::net {

// "kiosk.js" -> "text/javascript; charset=utf-8". Text types carry
// charset=utf-8.
std::string ContentTypeFor(std::string_view file_name);

}  // namespace hailong::net
