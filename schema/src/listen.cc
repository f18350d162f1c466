#include "hailong/schema/listen.h"

namespace hailong::schema {

Status ParseListenAddress(const std::string& listen, std::string* host, uint16_t* port) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) {
    return Status::InvalidArgument("\"http.listen\" must be host:port, got \"" + listen + "\"");
  }
  std::string h = listen.substr(0, colon);
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  const std::string p = listen.substr(colon + 1);
  if (p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos ||
      std::stoul(p) > 65535) {
    return Status::InvalidArgument("\"http.listen\" has a bad port \"" + p + "\"");
  }
  *host = std::move(h);
  *port = static_cast<uint16_t>(std::stoul(p));
  return Status::OK();
}

}  // namespace hailong::schema
