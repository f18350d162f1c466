#include "hailong/ops/log_import.h"

#include "hailong/ops/export_reader.h"

namespace hailong::ops {

namespace {

class LogImportTarget : public ImportTarget {
 public:
  explicit LogImportTarget(replication::EventLog* log) : log_(log) {}

  Status Push(std::string_view origin, const std::vector<std::string_view>& events,
              ImportBatchResult* result) override {
    replication::IngestResult ingest;
    Status s = log_->Ingest(origin, events, &ingest);
    if (s.IsConflict()) {
      const replication::ChainHead head = log_->Head(origin);
      return Status::Conflict(s.message() + " (the hub holds " + std::string(origin) +
                              " up to seq " + std::to_string(head.seq) + ")");
    }
    if (!s.ok()) return s;
    result->stored = ingest.stored;
    result->skipped = ingest.skipped;
    result->head_seq = ingest.head.seq;
    return Status::OK();
  }

  std::string Describe() const override { return "data dir"; }

 private:
  replication::EventLog* log_;
};

// Sends the frames of one origin range in batches.
Status ImportRange(ExportReader* reader, const ExportOriginRange& range, ImportTarget* target,
                   const LogImportOptions& options, uint64_t progress_base,
                   OriginImportResult* out) {
  out->origin = range.origin;
  std::vector<std::string> batch;
  size_t batch_bytes = 0;
  auto flush = [&]() -> Status {
    if (batch.empty()) return Status::OK();
    std::vector<std::string_view> views(batch.begin(), batch.end());
    ImportBatchResult r;
    Status s = target->Push(range.origin, views, &r);
    if (!s.ok()) return s;
    out->stored += r.stored;
    out->skipped += r.skipped;
    out->head_seq = r.head_seq;
    batch.clear();
    batch_bytes = 0;
    if (options.progress) {
      options.progress(progress_base + reader->offset(), 2 * reader->file_bytes());
    }
    return Status::OK();
  };
  for (uint64_t i = 0; i < range.events(); ++i) {
    std::string_view bytes;
    bool end = false;
    Status s = reader->Next(&bytes, &end);
    if (!s.ok()) return s;
    if (end) return Status::Corruption("the file changed while it was imported");
    if (!batch.empty() && (batch.size() >= options.batch_events ||
                           batch_bytes + bytes.size() > options.batch_bytes)) {
      if (s = flush(); !s.ok()) return s;
    }
    batch.emplace_back(bytes);
    batch_bytes += bytes.size();
  }
  return flush();
}

}  // namespace

std::unique_ptr<ImportTarget> NewLogImportTarget(replication::EventLog* log) {
  return std::make_unique<LogImportTarget>(log);
}

Status ImportExport(const std::string& path, ImportTarget* target, const LogImportOptions& options,
                    LogImportResult* result) {
  *result = LogImportResult();
  Status s;
  if (!options.already_verified) {
    ExportVerifyResult verify;
    ProgressFn verify_progress;
    if (options.progress) {
      verify_progress = [&](uint64_t done, uint64_t total) { options.progress(done, 2 * total); };
    }
    s = VerifyExportFile(path, verify_progress, &verify);
    if (s.IsCorruption()) result->damage = verify.damage;
    if (!s.ok()) return s;
  }

  std::unique_ptr<ExportReader> reader;
  if (s = ExportReader::Open(path, &reader); !s.ok()) return s;
  for (const ExportOriginRange& range : reader->metadata().origins) {
    OriginImportResult r;
    s = ImportRange(reader.get(), range, target, options, reader->file_bytes(), &r);
    result->stored += r.stored;
    result->skipped += r.skipped;
    result->origins.push_back(std::move(r));
    if (!s.ok()) return s;
  }
  if (options.progress) options.progress(2 * reader->file_bytes(), 2 * reader->file_bytes());
  return Status::OK();
}

}  // namespace hailong::ops
