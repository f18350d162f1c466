#include "hailong/ops/export_verify.h"

#include <memory>

#include "hailong/ops/export_reader.h"
#include "hailong/replication/chain_walker.h"

namespace hailong::ops {

namespace {

// Reads and checks the frames of every origin range; sets result->damage
// at the first damaged event.
void CheckFrames(ExportReader* reader, const ProgressFn& progress, ExportVerifyResult* result) {
  uint64_t frames = 0;
  for (const ExportOriginRange& range : reader->metadata().origins) {
    replication::ChainWalker walker(
        range.origin, replication::ChainHead{range.first_seq - 1, range.first_prev_hash},
        replication::ChainWalker::Mode::kLocate);
    bool ok = true;
    while (ok && walker.count() < range.events()) {
      std::string_view bytes;
      bool end = false;
      Status s = reader->Next(&bytes, &end);
      if (!s.ok()) {
        walker.Unreadable(s.message());
        ok = false;
      } else if (end) {
        ok = false;
        walker.Unreadable("event is missing: the file's frames end before it");
      } else {
        ok = walker.Add(bytes);
        if (ok) ++result->events_checked;
      }
      if (progress && (++frames % 1024) == 0) progress(reader->offset(), reader->file_bytes());
    }
    if (!ok || !walker.Finish(replication::ChainHead{range.last_seq, range.last_hash})) {
      result->damage = ExportDamage{range.origin, walker.damage().seq, walker.damage().reason};
      return;
    }
  }
  std::string_view bytes;
  bool end = false;
  Status s = reader->Next(&bytes, &end);
  if (!s.ok()) {
    result->damage = ExportDamage{"", 0, s.message()};
  } else if (!end) {
    result->damage =
        ExportDamage{"", 0, "the file holds more frames than its header lists (header damaged?)"};
  } else if (reader->trailer_count() != result->events_checked) {
    result->damage = ExportDamage{"", 0, "the trailer's event count is damaged"};
  }
}

}  // namespace

Status VerifyExportFile(const std::string& path, const ProgressFn& progress,
                        ExportVerifyResult* result) {
  *result = ExportVerifyResult();
  std::unique_ptr<ExportReader> reader;
  Status s = ExportReader::Open(path, &reader);
  if (s.IsCorruption()) {
    result->damage = ExportDamage{"", 0, s.message()};
    return s;
  }
  if (!s.ok()) return s;
  result->metadata = reader->metadata();

  CheckFrames(reader.get(), progress, result);
  s = reader->DigestMatches(&result->digest_ok);
  if (!s.ok() && !s.IsCorruption()) return s;
  if (progress) progress(reader->file_bytes(), reader->file_bytes());
  if (!result->damage && !result->digest_ok) {
    result->damage = ExportDamage{
        "", 0, "the file's SHA-256 does not match its trailer (header or trailer damaged)"};
  }
  if (result->damage) {
    std::string where = result->damage->seq == 0 ? std::string("outside the events")
                                                 : result->damage->origin + " seq " +
                                                       std::to_string(result->damage->seq);
    return Status::Corruption(path + ": damaged at " + where + ": " + result->damage->reason);
  }
  return Status::OK();
}

}  // namespace hailong::ops
