#include "hailong/hub/frames.h"

namespace hailong::hub {

Status ParseFrames(std::string_view body, size_t max_frame, std::vector<std::string_view>* frames) {
  frames->clear();
  size_t index = 0;
  while (!body.empty()) {
    if (body.size() < 4) {
      return Status::InvalidArgument("frame " + std::to_string(index) +
                                     " is truncated: its length prefix is incomplete");
    }
    const auto* p = reinterpret_cast<const unsigned char*>(body.data());
    const uint32_t n = static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
                       (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
    body.remove_prefix(4);
    if (n == 0) return Status::InvalidArgument("frame " + std::to_string(index) + " is empty");
    if (n > max_frame) {
      return Status::InvalidArgument("frame " + std::to_string(index) + " is too large");
    }
    if (n > body.size()) {
      return Status::InvalidArgument("frame " + std::to_string(index) +
                                     " is truncated: " + std::to_string(body.size()) + " of " +
                                     std::to_string(n) + " bytes");
    }
    frames->push_back(body.substr(0, n));
    body.remove_prefix(n);
    ++index;
  }
  return Status::OK();
}

void AppendFrame(std::string* body, std::string_view event) {
  const auto n = static_cast<uint32_t>(event.size());
  const char len[4] = {static_cast<char>(n & 0xff), static_cast<char>((n >> 8) & 0xff),
                       static_cast<char>((n >> 16) & 0xff), static_cast<char>((n >> 24) & 0xff)};
  body->append(len, 4);
  body->append(event);
}

}  // namespace hailong::hub
