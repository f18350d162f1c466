// Projector (projector.h): batches, cursors, catch-up, rebuild and the
// projector thread; the events themselves are applied by BatchApplier
// (batch_applier.h).
#include "hailong/hub/projector.h"

#include <climits>
#include <iostream>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "batch_applier.h"
#include "codec.h"
#include "projection_state.h"
#include "province_origins.h"
#include "rebuild_scan.h"
#include "rebuild_state.h"

namespace hailong::hub {

namespace fb = hailong::fb;
using json = nlohmann::json;
using replication::StoredEvent;
using replication::WriteBatch;

namespace {

// Rebuild: the key that says a rebuild is under way (outside the projection
// prefix, so dropping the models keeps it). Found at Open, the rebuild
// starts again: its tallies are written only at the end.
constexpr char kRebuildMarkerKey[] = "x/hub/rebuilding";
// Rebuild: most writes in one WriteBatch of the final (unsynced) writes.
constexpr size_t kRebuildWriteOps = 100000;

}  // namespace

Status Projector::Open(const ProjectorOptions& options, std::unique_ptr<Projector>* out) {
  if (options.log == nullptr) return Status::InvalidArgument("projector needs a log");
  std::unique_ptr<Projector> p(new Projector(options));
  Status s = p->LoadCursors();
  if (!s.ok()) return s;
  std::string marker, format;
  s = options.log->store()->Get(kRebuildMarkerKey, &marker);
  if (s.ok()) {
    std::cerr << "hailong-hub: an interrupted rebuild of the read models starts again\n";
    s = p->Rebuild();
  } else if (s.IsNotFound()) {
    s = options.log->store()->Get(codec::kModelFormatKey, &format);
    if (s.ok() && format == codec::kModelFormat) {
      // Up to date.
    } else if ((s.ok() || s.IsNotFound()) && p->cursors_.empty()) {
      // Nothing projected yet (every batch writes its cursor): no models of
      // any layout to replace.
      WriteBatch batch;
      batch.Put(codec::kModelFormatKey, codec::kModelFormat);
      s = options.log->store()->Write(batch, true);
    } else if (s.ok() || s.IsNotFound()) {
      std::cerr << "hailong-hub: the read models have another layout ("
                << (format.empty() ? "1" : format) << "): rebuilding them from the log\n";
      // Layout 1 kept sign-in names outside the models.
      WriteBatch old;
      old.DeleteRange("x/hub/names/", "x/hub/names0");
      s = options.log->store()->Write(old, false);
      if (s.ok()) s = p->Rebuild();
    }
  }
  if (!s.ok()) return s;
  *out = std::move(p);
  return Status::OK();
}

Projector::Projector(ProjectorOptions options) : options_(std::move(options)) {
  static std::atomic<uint64_t> instances{0};
  instance_ = ++instances;
}

Projector::~Projector() { Stop(); }

Status Projector::LoadCursors() {
  std::map<std::string, uint64_t> cursors;
  std::string end(codec::kCursorPrefix);
  end.back() = static_cast<char>('/' + 1);
  Status s = options_.log->store()->Scan(
      codec::kCursorPrefix, end, [&](std::string_view key, std::string_view value) {
        const std::string origin = codec::UnKeyPart(key.substr(codec::kCursorPrefix.size()));
        cursors[origin] = std::strtoull(std::string(value).c_str(), nullptr, 10);
        return true;
      });
  if (!s.ok()) return s;
  const std::string rf = "x/hub/p/rf/";
  std::string rf_end = rf;
  rf_end.back() = static_cast<char>('/' + 1);
  s = options_.log->store()->Scan(rf, rf_end, [&](std::string_view key, std::string_view) {
    flagged_.emplace(key);
    return true;
  });
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> lock(mu_);
  cursors_ = std::move(cursors);
  return Status::OK();
}

uint64_t Projector::Applied(const std::string& origin) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = cursors_.find(origin);
  return it == cursors_.end() ? 0 : it->second;
}

uint64_t Projector::Backlog() const {
  uint64_t backlog = 0;
  for (const std::string& origin : options_.log->Origins()) {
    const uint64_t head = options_.log->Head(origin).seq;
    const uint64_t applied = Applied(origin);
    if (head > applied) backlog += head - applied;
  }
  return backlog;
}

bool Projector::WaitCaughtUp(std::chrono::milliseconds timeout) const {
  std::map<std::string, uint64_t> heads;
  for (const std::string& origin : options_.log->Origins()) {
    heads[origin] = options_.log->Head(origin).seq;
  }
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] {
    for (const auto& [origin, head] : heads) {
      auto it = cursors_.find(origin);
      if ((it == cursors_.end() ? 0 : it->second) < head) return false;
    }
    return true;
  });
}

ProjectorStats Projector::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

Status Projector::ApplyBatch(const std::string& origin, size_t max_events, bool* more,
                             AppliedBatch* applied) {
  *more = false;
  // Nothing new in `origin`: return before copying every origin's cursor
  // (a catch-up round visits every origin; at a province of 3,000 edges,
  // copying the map for each one made a round cost origins squared).
  if (options_.log->Head(origin).seq <= Applied(origin)) return Status::OK();
  std::map<std::string, uint64_t> cursors;
  {
    std::lock_guard<std::mutex> lock(mu_);
    cursors = cursors_;
  }
  const uint64_t from = cursors[origin] + 1;
  if (options_.log->Head(origin).seq < from) return Status::OK();
  Overlay overlay(options_.log->store());
  applied->origin = origin;
  applied->first_seq = from;
  BatchApplier applier(options_, &overlay, rebuild_.get(), cursors, &flagged_, applied);
  uint64_t last = from - 1;
  size_t count = 0;
  // The log's scan verifies each event and hands it over in place: no copy,
  // no second Verifier pass. A rebuild scans ahead on another thread.
  Status failed;
  auto visit = [&](uint64_t seq, const fb::Event& e) {
    if (seq != last + 1) {
      failed = Status::Corruption(
          last + 1 == from ? "origin " + origin + " continues at seq " + std::to_string(seq) +
                                 ", expected " + std::to_string(from)
                           : "origin " + origin + " skips from " + std::to_string(last));
      return false;
    }
    failed = applier.Apply(origin, seq, e);
    if (!failed.ok()) return false;
    last = seq;
    return ++count < max_events;
  };
  Status s;
  if (rebuild_ != nullptr) {
    if (scan_ahead_ == nullptr || scan_ahead_->origin() != origin ||
        scan_ahead_->next_seq() != from || scan_ahead_->finished()) {
      scan_ahead_.reset();
      scan_ahead_ = std::make_unique<ScanAhead>(options_.log, origin, from);
    }
    uint64_t seq = 0;
    const fb::Event* e = nullptr;
    while (scan_ahead_->Next(&seq, &e) && visit(seq, *e)) {
    }
    if (scan_ahead_->finished()) s = scan_ahead_->status();
  } else {
    s = options_.log->Scan(origin, from, [&](uint64_t seq, std::string_view, const fb::Event& e) {
      return visit(seq, e);
    });
  }
  if (!failed.ok()) {
    scan_ahead_.reset();
    return failed;
  }
  if (!s.ok()) return Status::Corruption("origin " + origin + ": " + s.message());
  if (count == 0) return Status::OK();
  applied->last_seq = last;
  applier.FlushChunks();
  // Follow-ups first: if we crash after this append but before the batch,
  // the replay appends them again as duplicates (no new event).
  auto& drafts = applier.follow_up_drafts();
  const size_t opened = drafts.size();
  if (!drafts.empty()) {
    std::vector<replication::AppendResult> results;
    s = options_.log->AppendBatch(std::move(drafts), &results);
    if (!s.ok()) return s;
  }
  WriteBatch batch;
  s = overlay.Flush(&batch);
  if (!s.ok()) return s;
  batch.Put(codec::CursorKey(origin), std::to_string(last));
  // A rebuild's batches skip the write-ahead log: until Rebuild() flushes
  // the memtables and removes the marker, a crash only means rebuilding
  // again.
  s = rebuild_ ? options_.log->store()->WriteUnlogged(batch)
               : options_.log->store()->Write(batch, options_.sync);
  if (!s.ok()) return s;
  if (rebuild_ && rebuild_->tallies.cell_count() > options_.rebuild_max_cells) {
    s = rebuild_->WriteTallies(options_.log->store(), kRebuildWriteOps);
    if (!s.ok()) return s;
  }
  if (rebuild_ && rebuild_->bytes > options_.rebuild_max_bytes) {
    s = rebuild_->WriteRecords(options_.log->store(), kRebuildWriteOps);
    if (!s.ok()) return s;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    cursors_[origin] = last;
    generation_.fetch_add(1, std::memory_order_release);
    stats_.events_applied += last - from + 1;
    stats_.batches++;
    stats_.follow_ups_opened += opened;
  }
  cv_.notify_all();
  *more = options_.log->Head(origin).seq > last;
  return Status::OK();
}

Status Projector::CatchUp() { return CatchUpWith(options_.batch_events); }

Status Projector::CatchUpWith(size_t max_events) {
  for (;;) {
    bool any = false;
    for (const std::string& origin : options_.log->Origins()) {
      bool more = true;
      while (more) {
        AppliedBatch applied;
        Status s = ApplyBatch(origin, max_events, &more, &applied);
        if (!s.ok()) {
          std::lock_guard<std::mutex> lock(mu_);
          stats_.last_error = s.ToString();
          return s;
        }
        if (applied.last_seq >= applied.first_seq && applied.first_seq > 0) {
          any = true;
          if (on_applied_) on_applied_(applied);
        }
        if (more) {
          std::lock_guard<std::mutex> lock(mu_);
          if (stop_) return Status::OK();
        }
      }
    }
    if (!any) return Status::OK();
  }
}

Status Projector::Rebuild() {
  replication::Store* store = options_.log->store();
  {
    WriteBatch marker;
    marker.Put(kRebuildMarkerKey, "1");
    Status s = store->Write(marker, true);
    if (!s.ok()) return s;
  }
  {
    // One range tombstone drops every model.
    std::string end(kProjectionPrefix);
    end.back() = static_cast<char>('/' + 1);
    WriteBatch drop;
    drop.DeleteRange(kProjectionPrefix, end);
    Status s = store->Write(drop, false);
    if (!s.ok()) return s;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    cursors_.clear();
  }
  flagged_.clear();
  generation_.fetch_add(1, std::memory_order_release);
  // Offline: larger batches, each one WriteBatch with its cursor; the
  // tallies stay in memory (up to rebuild_max_cells) and are written at the
  // end, then the marker goes.
  rebuild_ = std::make_unique<RebuildState>();
  Status s = CatchUpWith(options_.rebuild_batch_events);
  scan_ahead_.reset();
  if (s.ok()) s = rebuild_->WriteAll(store, kRebuildWriteOps);
  rebuild_.reset();
  generation_.fetch_add(1, std::memory_order_release);
  if (!s.ok()) return s;
  // The rebuild's writes skipped the write-ahead log: on disk before the
  // marker goes.
  s = store->Flush();
  if (!s.ok()) return s;
  WriteBatch done;
  done.Delete(kRebuildMarkerKey);
  done.Put(codec::kModelFormatKey, codec::kModelFormat);
  return store->Write(done, true);
}

void Projector::Start(std::function<void(const AppliedBatch&)> on_applied) {
  on_applied_ = std::move(on_applied);
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = false;
    dirty_ = true;
  }
  listener_id_ = options_.log->AddListener([this](std::string_view, uint64_t) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      dirty_ = true;
    }
    cv_.notify_all();
  });
  thread_ = std::thread([this] { Run(); });
}

void Projector::Run() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return dirty_ || stop_; });
      if (stop_) return;
      dirty_ = false;
    }
    Status s = CatchUp();
    if (!s.ok()) {
      std::cerr << "hailong-hub: projection stopped: " << s.ToString() << " (retrying)\n";
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; });
      dirty_ = true;
    }
  }
}

void Projector::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (listener_id_ != 0) {
    options_.log->RemoveListener(listener_id_);
    listener_id_ = 0;
  }
}

}  // namespace hailong::hub
