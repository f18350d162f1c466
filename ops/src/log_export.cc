#include "hailong/ops/log_export.h"

#include <memory>

#include "hailong/ops/export_writer.h"
#include "hailong/schema/version.h"

namespace hailong::ops {

namespace {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

struct TimeWindow {
  bool has_from = false;
  bool has_to = false;
  int64_t from_ms = 0;    // inclusive
  int64_t to_end_ms = 0;  // exclusive
};

Status ParseWindow(const LogExportOptions& options, TimeWindow* w) {
  if (!options.from_day.empty()) {
    if (!ParseVietnamDay(options.from_day, &w->from_ms).ok()) {
      return Status::InvalidArgument("--from is not a day YYYY-MM-DD: " + options.from_day);
    }
    w->has_from = true;
  }
  if (!options.to_day.empty()) {
    if (!ParseVietnamDay(options.to_day, &w->to_end_ms).ok()) {
      return Status::InvalidArgument("--to is not a day YYYY-MM-DD: " + options.to_day);
    }
    w->to_end_ms += kDayMs;
    w->has_to = true;
  }
  if (w->has_from && w->has_to && w->to_end_ms <= w->from_ms) {
    return Status::InvalidArgument("--to is before --from");
  }
  return Status::OK();
}

// Reads one event (verified by the log) of `origin` at `seq`.
Status ReadOne(const replication::EventLog& log, const std::string& origin, uint64_t seq,
               replication::StoredEvent* out) {
  std::vector<replication::StoredEvent> events;
  Status s = log.Read(origin, seq, 1, 0, &events);
  if (!s.ok()) return s;
  if (events.empty() || events[0].seq != seq) {
    return Status::Corruption("event " + origin + " seq " + std::to_string(seq) +
                              " is missing from the log");
  }
  *out = std::move(events[0]);
  return Status::OK();
}

// The range of the whole origin up to `head`, from the stored head and the
// first and last events.
Status WholeRange(const replication::EventLog& log, const std::string& origin,
                  const replication::ChainHead& head, ExportOriginRange* r) {
  replication::StoredEvent first, last;
  Status s = ReadOne(log, origin, 1, &first);
  if (s.ok()) s = ReadOne(log, origin, head.seq, &last);
  if (!s.ok()) return s;
  const fb::Event* e = nullptr;
  if (s = schema::VerifyEvent(first.bytes, &e); !s.ok()) return s;
  r->first_time_ms = e->time_ms();
  if (s = schema::VerifyEvent(last.bytes, &e); !s.ok()) return s;
  r->last_time_ms = e->time_ms();
  r->origin = origin;
  r->first_seq = 1;
  r->last_seq = head.seq;
  r->first_prev_hash = schema::kZeroHash;
  r->last_hash = head.hash;
  return Status::OK();
}

// The range of the events of `origin` (up to `head`) inside `w`; *found is
// false when there are none.
Status WindowRange(const replication::EventLog& log, const std::string& origin,
                   const replication::ChainHead& head, const TimeWindow& w, ExportOriginRange* r,
                   bool* found) {
  *found = false;
  r->origin = origin;
  Status s = log.Scan(origin, 1, [&](uint64_t seq, std::string_view bytes, const fb::Event& e) {
    if (seq > head.seq) return false;
    const int64_t t = e.time_ms();
    if (r->first_seq == 0 && (!w.has_from || t >= w.from_ms)) {
      r->first_seq = seq;
      r->first_prev_hash = schema::HashFromVector(e.prev_hash());
      r->first_time_ms = t;
    }
    if (r->first_seq != 0 && (!w.has_to || t < w.to_end_ms)) {
      r->last_seq = seq;
      r->last_hash = schema::ChainHash(schema::HashFromVector(e.prev_hash()), bytes);
      r->last_time_ms = t;
    }
    return true;
  });
  if (!s.ok()) return s;
  *found = r->first_seq != 0 && r->last_seq >= r->first_seq;
  return Status::OK();
}

// Pass two: the frames of one range, checking the chain as they go so that
// a damaged log never yields a file that looks intact.
Status WriteRange(const replication::EventLog& log, const ExportOriginRange& r,
                  ExportWriter* writer, const ProgressFn& progress, uint64_t total) {
  schema::Hash running = r.first_prev_hash;
  uint64_t next = r.first_seq;
  Status failure;
  Status s = log.Scan(
      r.origin, r.first_seq, [&](uint64_t seq, std::string_view bytes, const fb::Event& e) {
        if (seq > r.last_seq) return false;
        if (seq != next || schema::HashFromVector(e.prev_hash()) != running) {
          failure = Status::Corruption("the log is damaged at " + r.origin + " seq " +
                                       std::to_string(next) + "; run `hailongctl log verify`");
          return false;
        }
        running = schema::ChainHash(running, bytes);
        ++next;
        failure = writer->Add(bytes);
        if (progress && (writer->events_written() % 1024) == 0) {
          progress(writer->events_written(), total);
        }
        return failure.ok();
      });
  if (!s.ok()) return s;
  if (!failure.ok()) return failure;
  if (next != r.last_seq + 1) {
    return Status::Corruption("the log is damaged at " + r.origin + " seq " + std::to_string(next) +
                              " (missing)");
  }
  if (running != r.last_hash) {
    return Status::Corruption("the log is damaged: the chain of " + r.origin +
                              " does not reach its recorded head at seq " +
                              std::to_string(r.last_seq) + "; run `hailongctl log verify`");
  }
  return Status::OK();
}

}  // namespace

Status ExportLog(const replication::EventLog& log, const LogExportOptions& options,
                 const std::string& path, LogExportResult* result) {
  *result = LogExportResult();
  TimeWindow window;
  Status s = ParseWindow(options, &window);
  if (!s.ok()) return s;

  std::vector<std::string> origins;
  if (options.origin.empty()) {
    origins = log.Origins();
  } else {
    origins.push_back(options.origin);
  }
  ExportMetadata& meta = result->metadata;
  const Clock* clock = options.clock != nullptr ? options.clock : Clock::System();
  meta.created_at = FormatRfc3339(clock->NowMs());
  meta.tool = std::string("hailongctl ") + kVersion;
  meta.source = options.source;
  meta.origin_filter = options.origin;
  meta.from_day = options.from_day;
  meta.to_day = options.to_day;
  for (const std::string& origin : origins) {
    const replication::ChainHead head = log.Head(origin);
    if (head.seq == 0) continue;
    ExportOriginRange range;
    bool found = true;
    if (window.has_from || window.has_to) {
      s = WindowRange(log, origin, head, window, &range, &found);
    } else {
      s = WholeRange(log, origin, head, &range);
    }
    if (!s.ok()) return s;
    if (found) meta.origins.push_back(std::move(range));
  }
  if (meta.origins.empty()) {
    return Status::NotFound(options.origin.empty()
                                ? std::string("no events to export")
                                : "no events of origin " + options.origin + " to export");
  }

  std::unique_ptr<ExportWriter> writer;
  if (s = ExportWriter::Create(path, meta, options.overwrite, &writer); !s.ok()) return s;
  const uint64_t total = meta.TotalEvents();
  for (const ExportOriginRange& r : meta.origins) {
    if (s = WriteRange(log, r, writer.get(), options.progress, total); !s.ok()) return s;
  }
  if (s = writer->Finish(&result->digest); !s.ok()) return s;
  result->bytes = writer->bytes_written();
  if (options.progress) options.progress(total, total);
  return Status::OK();
}

}  // namespace hailong::ops
