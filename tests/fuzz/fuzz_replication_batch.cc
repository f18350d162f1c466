// Fuzz target: a replication push/pull body as the hub and the edges read
// it: frame split (replication::SplitFrames), the Verifier
// on every frame, then EventLog::Ingest into a temporary log, which must
// refuse (never store, never crash on) anything that is not the next part of
// a valid chain. The log is recreated every 2000 inputs so state stays small;
// its directory is left in $TMPDIR (ops/test-sanitizers points that at a
// scratch directory it removes).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hailong/replication/event_log.h"
#include "hailong/replication/shipper.h"
#include "hailong/schema/event.h"

using namespace hailong;

namespace {

struct TempLog {
  std::string dir;
  std::unique_ptr<replication::EventLog> log;
  int uses = 0;

  replication::EventLog* Get() {
    if (log && ++uses < 2000) return log.get();
    log.reset();
    if (dir.empty()) {
      dir = (std::filesystem::temp_directory_path() /
             ("hailong-fuzz-batch-" + std::to_string(getpid())))
                .string();
    }
    std::filesystem::remove_all(dir);
    replication::EventLogOptions options;
    options.origin = "hub";
    options.sync = false;
    if (!replication::EventLog::Open(options, dir, &log).ok()) std::abort();
    uses = 0;
    return log.get();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Never destroyed: closing RocksDB from a static destructor runs after
  // RocksDB's own statics are gone (crashes at exit).
  static TempLog& temp = *new TempLog();
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> frames;
  if (!replication::SplitFrames(body, &frames).ok()) return 0;
  if (frames.empty()) return 0;
  std::string origin = "edge-phuong-01";
  schema::AlignedEventBuffer aligned;
  for (size_t i = 0; i < frames.size(); ++i) {
    const fb::Event* e = nullptr;
    if (schema::VerifyEvent(frames[i], &e, &aligned).ok() && i == 0) origin = e->origin()->str();
  }
  replication::EventLog* log = temp.Get();
  replication::IngestResult result;
  // Ingest verifies by itself: frames are passed whether or not they verified.
  if (log->Ingest(origin, frames, &result).ok() && result.stored > 0) {
    std::vector<replication::StoredEvent> back;
    if (!log->Read(origin, 1, 1000, 1 << 20, &back).ok()) std::abort();
  }
  return 0;
}
