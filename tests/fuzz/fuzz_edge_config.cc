// Fuzz target: the edge's configuration file (edge/config.h) and its local
// catalogue file (edge/src/catalogue_file.h). One selector byte.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "catalogue_file.h"
#include "hailong/edge/config.h"

using namespace hailong;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] % 2 == 0) {
    edge::EdgeConfig config;
    (void)edge::ParseEdgeConfig(text, &config);
  } else {
    edge::CatalogueFile file;
    (void)edge::ParseCatalogueFile(text, "phuong-01", &file);
  }
  return 0;
}
