// Fuzz target: `hailongctl` export files (ops/export_reader.h): the reader
// (magic, metadata JSON, frames, trailer) and VerifyExportFile (digest and
// the chains of every origin). The input is written to a temporary file.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "hailong/ops/export_reader.h"
#include "hailong/ops/export_verify.h"

using namespace hailong;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path =
      (std::filesystem::temp_directory_path() /
       ("hailong-fuzz-export-" + std::to_string(getpid()) + ".hlexport"))
          .string();
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) std::abort();
  if (size > 0 && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);

  std::unique_ptr<ops::ExportReader> reader;
  if (ops::ExportReader::Open(path, &reader).ok()) {
    for (int i = 0; i < 100000; ++i) {
      std::string_view bytes;
      bool end = false;
      if (!reader->Next(&bytes, &end).ok() || end) break;
    }
    bool match = false;
    (void)reader->DigestMatches(&match);
  }
  ops::ExportVerifyResult result;
  (void)ops::VerifyExportFile(path, nullptr, &result);
  return 0;
}
