// Fuzz target: a replication push/pull body as the hub and the edges read
// it: frame split (hub ParseFrames, replication SplitFrames), the Verifier
// on every frame, then EventLog::Ingest into a temporary log, which must
// refuse (never store, never crash on) anything that is not the next part of
// a valid chain. The log is recreated every 2000 inputs so state stays small.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hailong/hub/frames.h"
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
  ~TempLog() {
    log.reset();
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static TempLog temp;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> frames, split;
  const bool parsed = hub::ParseFrames(body, body.size(), &frames).ok();
  const bool split_ok = replication::SplitFrames(body, &split).ok();
  if (!parsed && !split_ok) return 0;
  if (!parsed) frames = split;
  if (frames.empty()) return 0;
  std::string origin = "edge-phuong-01";
  for (size_t i = 0; i < frames.size(); ++i) {
    const fb::Event* e = nullptr;
    if (schema::VerifyEvent(frames[i], &e).ok() && i == 0) origin = e->origin()->str();
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
