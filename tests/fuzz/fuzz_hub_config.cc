// Fuzz target: the hub's configuration file (hub/config.h).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hailong/hub/config.h"

using namespace hailong;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  hub::HubConfig config;
  (void)hub::ParseHubConfig(text, &config);
  return 0;
}
