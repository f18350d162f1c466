#include <cstring>

#include "hailong/replication/shipper.h"

namespace hailong::replication {

void AppendFrame(std::string* body, std::string_view event) {
  const uint32_t n = static_cast<uint32_t>(event.size());
  const char len[4] = {static_cast<char>(n & 0xff), static_cast<char>((n >> 8) & 0xff),
                       static_cast<char>((n >> 16) & 0xff), static_cast<char>((n >> 24) & 0xff)};
  body->append(len, 4);
  body->append(event);
}

Status SplitFrames(std::string_view body, std::vector<std::string_view>* frames) {
  frames->clear();
  size_t pos = 0;
  while (pos < body.size()) {
    if (body.size() - pos < 4) {
      return Status::Corruption("truncated frame header at byte " + std::to_string(pos));
    }
    const auto* p = reinterpret_cast<const uint8_t*>(body.data() + pos);
    const uint32_t n = p[0] | (p[1] << 8) | (p[2] << 16) | (uint32_t{p[3]} << 24);
    pos += 4;
    if (n == 0 || body.size() - pos < n) {
      return Status::Corruption("truncated frame of " + std::to_string(n) + " bytes at byte " +
                                std::to_string(pos - 4));
    }
    frames->push_back(body.substr(pos, n));
    pos += n;
  }
  return Status::OK();
}

}  // namespace hailong::replication
