// EventLog over Store: group commit, idempotency, the hash chain, ingest of
// other origins and verification. Key layout in keys.h.
//
// Concurrency: appenders queue as Writers; the writer at the front of the
// queue becomes the leader, takes the following writers' drafts (up to
// max_group_events) and writes them in one batch with one fsync, as in
// LevelDB's DBImpl::Write. write_mu_ serializes the leader with Ingest of
// this node's own origins, so their heads only change under write_mu_.
// Appends never write other origins: Ingest of another origin takes only
// that origin's lock, so pushes of many edges are stored at once and their
// fsyncs shared by RocksDB's write group. heads_mu_ lets readers see heads.
#include "hailong/replication/event_log.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "hailong/replication/chain_walker.h"
#include "keys.h"

namespace hailong::replication {
namespace {

bool ValidOrigin(std::string_view origin) {
  if (origin.empty() || origin.size() > 128) return false;
  for (char c : origin) {
    if (c == '/' || static_cast<unsigned char>(c) < 0x21) return false;
  }
  return true;
}

std::string SeqText(uint64_t seq) { return std::to_string(seq); }

class EventLogImpl final : public EventLog {
 public:
  EventLogImpl(const EventLogOptions& options, std::string dir, std::unique_ptr<Store> store)
      : EventLog(options.origin),
        options_(options),
        dir_(std::move(dir)),
        clock_(options.clock ? options.clock : Clock::System()),
        store_(std::move(store)) {}

  Status LoadHeads() {
    std::string format;
    Status s = store_->Get(keys::kFormatKey, &format);
    if (s.IsNotFound()) {
      WriteBatch b;
      b.Put(keys::kFormatKey, "1");
      s = store_->Write(b, true);
      if (!s.ok()) return s;
    } else if (!s.ok()) {
      return s;
    } else if (format != "1") {
      return Status::Corruption("unknown log format " + format + " in " + dir_);
    }
    Status bad;
    s = store_->Scan(keys::kHeadPrefix, keys::kHeadEnd,
                     [&](std::string_view k, std::string_view v) {
                       ChainHead head;
                       if (!keys::DecodeHead(v, &head)) {
                         bad = Status::Corruption("damaged head record " + std::string(k));
                         return false;
                       }
                       heads_.emplace(std::string(k.substr(keys::kHeadPrefix.size())), head);
                       return true;
                     });
    if (!s.ok()) return s;
    return bad;
  }

  Status Append(EventDraft draft, AppendResult* result) override {
    std::vector<EventDraft> drafts;
    drafts.push_back(std::move(draft));
    std::vector<AppendResult> results;
    Status s = AppendBatch(std::move(drafts), &results);
    if (s.ok() && result) *result = results[0];
    return s;
  }

  Status AppendBatch(std::vector<EventDraft> drafts, std::vector<AppendResult>* results) override {
    for (const auto& d : drafts) {
      if (d.body.type == fb::EventBody::NONE) {
        return Status::InvalidArgument("event has no body");
      }
      if (d.idempotency_id.size() > 256) {
        return Status::InvalidArgument("idempotency id longer than 256 bytes");
      }
      if (!d.origin.empty() && !OwnOrigin(d.origin)) {
        return Status::InvalidArgument("origin " + d.origin + " is not one this log appends to");
      }
    }
    results->assign(drafts.size(), AppendResult());
    if (drafts.empty()) return Status::OK();
    Writer w;
    w.drafts = &drafts;
    w.results = results;

    std::unique_lock<std::mutex> lock(queue_mu_);
    writers_.push_back(&w);
    while (!w.done && &w != writers_.front()) w.cv.wait(lock);
    if (w.done) return w.status;

    // Leader: take a group of queued writers.
    std::vector<Writer*> group;
    size_t events = 0;
    for (Writer* x : writers_) {
      if (!group.empty() && events + x->drafts->size() > options_.max_group_events) break;
      group.push_back(x);
      events += x->drafts->size();
    }
    lock.unlock();
    std::map<std::string, ChainHead> written;
    WriteGroup(group, &written);
    lock.lock();
    for (Writer* x : group) {
      writers_.pop_front();
      if (x != &w) {
        x->done = true;
        x->cv.notify_one();
      }
    }
    if (!writers_.empty()) writers_.front()->cv.notify_one();
    lock.unlock();
    for (const auto& [o, head] : written) Notify(o, head.seq);
    return w.status;
  }

  Status Ingest(std::string_view origin_id, const std::vector<std::string_view>& events,
                IngestResult* result) override {
    IngestResult ignored;
    IngestResult& r = result ? *result : ignored;
    r = IngestResult();
    auto refuse = [&](IngestRefusal why, uint64_t seq, Status s) {
      r.refusal = why;
      r.refused_seq = seq;
      r.stored = r.skipped = r.first_stored_seq = r.last_seq = 0;
      r.newest_time_ms = 0;
      return s;
    };
    if (!ValidOrigin(origin_id)) {
      return refuse(IngestRefusal::kError, 0, Status::InvalidArgument("invalid origin id"));
    }
    const bool own = OwnOrigin(origin_id);
    std::shared_ptr<std::mutex> origin_mu;
    if (!own) {
      std::lock_guard<std::mutex> l(ingest_locks_mu_);
      auto& m = ingest_locks_[std::string(origin_id)];
      if (!m) m = std::make_shared<std::mutex>();
      origin_mu = m;
    }
    std::lock_guard<std::mutex> wl(own ? write_mu_ : *origin_mu);
    r.head = Head(origin_id);
    ChainWalker walker(std::string(origin_id), r.head, ChainWalker::Mode::kRefuse);
    auto refused_by_walker = [&] {
      const ChainDamage& d = walker.damage();
      const std::string where = " (after seq " + SeqText(walker.head().seq) + ")";
      switch (d.fault) {
        case ChainFault::kWrongOrigin:
          return refuse(IngestRefusal::kForeignOrigin, d.seq, Status::PermissionDenied(d.reason));
        case ChainFault::kWrongSeq:
          return refuse(IngestRefusal::kGap, d.seq, Status::Conflict(d.reason));
        default:
          return refuse(IngestRefusal::kCorrupt, d.seq,
                        Status::Corruption("seq " + SeqText(d.seq) + where + ": " + d.reason));
      }
    };
    WriteBatch batch;
    for (std::string_view bytes : events) {
      const fb::Event* ev = walker.Open(bytes);
      if (ev == nullptr) return refused_by_walker();
      const uint64_t seq = ev->seq();
      r.last_seq = seq;
      r.newest_time_ms = std::max(r.newest_time_ms, ev->time_ms());
      if (seq <= r.head.seq) {
        std::string stored;
        Status s = store_->Get(keys::EventKey(origin_id, seq), &stored);
        if (!s.ok() && !s.IsNotFound()) return refuse(IngestRefusal::kError, seq, s);
        if (s.IsNotFound() || stored != bytes) {
          return refuse(
              IngestRefusal::kFork, seq,
              Status::Conflict("seq " + SeqText(seq) + " differs from the event already held"));
        }
        ++r.skipped;
        continue;
      }
      if (!walker.Link(*ev, bytes)) return refused_by_walker();
      batch.Put(keys::EventKey(origin_id, seq), bytes);
      // Idempotency ids matter only where this node appends to the origin
      // (a replacement edge replaying its predecessor's log); a hub holding
      // other nodes' events never appends for them.
      if (own && ev->idempotency_id() && ev->idempotency_id()->size() > 0) {
        std::string v;
        keys::PutFixed64BE(&v, seq);
        batch.Put(keys::IdempotencyKey(origin_id, ev->idempotency_id()->string_view()), v);
      }
      if (r.stored++ == 0) r.first_stored_seq = seq;
    }
    if (r.stored > 0) {
      if (Status s = CheckFloor(); !s.ok()) {
        return refuse(IngestRefusal::kStorageFull, r.first_stored_seq, s);
      }
      batch.Put(keys::HeadKey(origin_id), keys::EncodeHead(walker.head()));
      Status s = store_->Write(batch, options_.sync);
      if (!s.ok()) return refuse(IngestRefusal::kError, r.first_stored_seq, s);
      SetHead(origin_id, walker.head());
      r.head = walker.head();
      Notify(origin_id, r.head.seq);
    }
    return Status::OK();
  }

  Status FindIdempotent(std::string_view origin_id, std::string_view id,
                        uint64_t* seq) const override {
    std::string v;
    Status s = store_->Get(keys::IdempotencyKey(origin_id, id), &v);
    if (!s.ok()) return s;
    if (v.size() != 8) return Status::Corruption("damaged idempotency record");
    *seq = keys::DecodeFixed64BE(v);
    return Status::OK();
  }

  ChainHead Head(std::string_view origin_id) const override {
    std::shared_lock<std::shared_mutex> l(heads_mu_);
    auto it = heads_.find(origin_id);
    return it == heads_.end() ? ChainHead() : it->second;
  }

  std::vector<std::string> Origins() const override {
    std::shared_lock<std::shared_mutex> l(heads_mu_);
    std::vector<std::string> out;
    for (const auto& [o, h] : heads_) {
      if (h.seq > 0) out.push_back(o);
    }
    return out;
  }

  Status Read(std::string_view origin_id, uint64_t from_seq, size_t max_events, size_t max_bytes,
              std::vector<StoredEvent>* out) const override {
    out->clear();
    size_t bytes = 0;
    return Scan(origin_id, from_seq, [&](uint64_t seq, std::string_view b, const fb::Event&) {
      out->push_back(StoredEvent{seq, std::string(b)});
      bytes += b.size();
      return out->size() < max_events && bytes < max_bytes;
    });
  }

  Status Scan(std::string_view origin_id, uint64_t from_seq,
              const std::function<bool(uint64_t, std::string_view, const fb::Event&)>& visit)
      const override {
    Status bad;
    schema::AlignedEventBuffer aligned;  // RocksDB values sit at any address
    Status s = store_->Scan(
        keys::EventKey(origin_id, from_seq == 0 ? 1 : from_seq), keys::EventEnd(origin_id),
        [&](std::string_view k, std::string_view v) {
          uint64_t seq = 0;
          if (!keys::ParseEventKey(k, origin_id, &seq)) {
            bad = Status::Corruption("malformed event key in the log of " + std::string(origin_id));
            return false;
          }
          const fb::Event* ev = nullptr;
          Status vs = schema::VerifyEvent(v, &ev, &aligned);
          if (!vs.ok()) {
            bad = Status::Corruption("seq " + SeqText(seq) + " of " + std::string(origin_id) +
                                     " fails verification: " + vs.message());
            return false;
          }
          return visit(seq, v, *ev);
        });
    return s.ok() ? bad : s;
  }

  Status Verify(std::string_view origin_id, VerifyResult* result) const override;

  uint64_t AddListener(Listener listener) override {
    std::lock_guard<std::mutex> l(listeners_mu_);
    const uint64_t id = ++next_listener_;
    listeners_.emplace(id, std::make_shared<Listener>(std::move(listener)));
    return id;
  }

  void RemoveListener(uint64_t id) override {
    std::lock_guard<std::mutex> l(listeners_mu_);
    listeners_.erase(id);
  }

  uint64_t FreeDiskBytes() const override {
    struct statvfs st {};
    if (::statvfs(dir_.c_str(), &st) != 0) return 0;
    return static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
  }

  Store* store() override { return store_.get(); }

 private:
  struct Writer {
    std::vector<EventDraft>* drafts = nullptr;
    std::vector<AppendResult>* results = nullptr;
    Status status;
    bool done = false;
    std::condition_variable cv;
  };

  bool OwnOrigin(std::string_view o) const {
    if (o == origin()) return true;
    for (const auto& extra : options_.extra_origins) {
      if (o == extra) return true;
    }
    return false;
  }

  Status CheckFloor() const {
    if (options_.min_free_bytes == 0) return Status::OK();
    const uint64_t free_bytes = FreeDiskBytes();
    if (free_bytes < options_.min_free_bytes) {
      return Status::StorageFull("storage full: " + std::to_string(free_bytes >> 20) +
                                 " MiB free, floor " +
                                 std::to_string(options_.min_free_bytes >> 20) + " MiB");
    }
    return Status::OK();
  }

  // Writes the drafts of `group` as one batch. Sets every writer's status
  // and results; fills *heads with the new head of every origin written.
  void WriteGroup(const std::vector<Writer*>& group, std::map<std::string, ChainHead>* heads_out) {
    std::lock_guard<std::mutex> wl(write_mu_);
    auto fail = [&](const Status& s) {
      for (Writer* x : group) x->status = s;
    };
    if (Status s = CheckFloor(); !s.ok()) return fail(s);
    std::map<std::string, ChainHead> heads;  // origins written by this group
    const int64_t now = clock_->NowMs();
    WriteBatch batch;
    std::unordered_map<std::string, uint64_t> pending_ids;  // origin '\0' id -> seq
    for (Writer* x : group) {
      for (size_t i = 0; i < x->drafts->size(); ++i) {
        EventDraft& d = (*x->drafts)[i];
        AppendResult& r = (*x->results)[i];
        const std::string& o = d.origin.empty() ? origin() : d.origin;
        std::string pending_key;
        if (!d.idempotency_id.empty()) {
          pending_key = o + '\0' + d.idempotency_id;
          auto p = pending_ids.find(pending_key);
          if (p != pending_ids.end()) {
            r.seq = p->second;
            r.duplicate = true;
            continue;
          }
          uint64_t seq = 0;
          Status s = FindIdempotent(o, d.idempotency_id, &seq);
          if (s.ok()) {
            r.seq = seq;
            r.duplicate = true;
            continue;
          }
          if (!s.IsNotFound()) return fail(s);
        }
        auto h = heads.find(o);
        if (h == heads.end()) h = heads.emplace(o, Head(o)).first;
        ChainHead& head = h->second;
        fb::EventT ev;
        ev.origin = o;
        ev.seq = head.seq + 1;
        ev.time_ms = d.time_ms != 0 ? d.time_ms : now;
        ev.idempotency_id = d.idempotency_id;
        ev.prev_hash.assign(head.hash.begin(), head.hash.end());
        ev.body = std::move(d.body);
        std::string bytes = schema::SerializeEvent(ev);
        head.seq = ev.seq;
        head.hash = schema::ChainHash(head.hash, bytes);
        batch.Put(keys::EventKey(o, head.seq), bytes);
        r.bytes = std::move(bytes);
        if (!d.idempotency_id.empty()) {
          std::string v;
          keys::PutFixed64BE(&v, head.seq);
          batch.Put(keys::IdempotencyKey(o, d.idempotency_id), v);
          pending_ids.emplace(pending_key, head.seq);
        }
        r.seq = head.seq;
      }
    }
    if (heads.empty()) {
      for (Writer* x : group) x->status = Status::OK();
      return;
    }
    for (const auto& [o, head] : heads) batch.Put(keys::HeadKey(o), keys::EncodeHead(head));
    Status s = store_->Write(batch, options_.sync);
    if (!s.ok()) {
      for (Writer* x : group) x->results->assign(x->results->size(), AppendResult());
      return fail(s);
    }
    for (const auto& [o, head] : heads) SetHead(o, head);
    for (Writer* x : group) x->status = Status::OK();
    *heads_out = std::move(heads);
  }

  void SetHead(std::string_view origin_id, const ChainHead& head) {
    std::unique_lock<std::shared_mutex> l(heads_mu_);
    auto it = heads_.find(origin_id);
    if (it == heads_.end()) {
      heads_.emplace(std::string(origin_id), head);
    } else {
      it->second = head;
    }
  }

  void Notify(std::string_view origin_id, uint64_t seq) {
    std::vector<std::shared_ptr<Listener>> copy;
    {
      std::lock_guard<std::mutex> l(listeners_mu_);
      for (auto& [id, fn] : listeners_) copy.push_back(fn);
    }
    for (auto& fn : copy) (*fn)(origin_id, seq);
  }

  const EventLogOptions options_;
  const std::string dir_;
  const Clock* clock_;
  std::unique_ptr<Store> store_;

  std::mutex queue_mu_;
  std::deque<Writer*> writers_;
  std::mutex write_mu_;
  // Ingest of other origins: one lock per origin.
  std::mutex ingest_locks_mu_;
  std::unordered_map<std::string, std::shared_ptr<std::mutex>> ingest_locks_;

  mutable std::shared_mutex heads_mu_;
  std::map<std::string, ChainHead, std::less<>> heads_;

  std::mutex listeners_mu_;
  uint64_t next_listener_ = 0;
  std::map<uint64_t, std::shared_ptr<Listener>> listeners_;
};

Status EventLogImpl::Verify(std::string_view origin_id, VerifyResult* result) const {
  VerifyResult r;
  ChainWalker walker(std::string(origin_id), ChainHead{}, ChainWalker::Mode::kLocate);
  Status io =
      store_->Scan(keys::EventKey(origin_id, 1), keys::EventEnd(origin_id),
                   [&](std::string_view k, std::string_view v) {
                     uint64_t seq = 0;
                     if (!keys::ParseEventKey(k, origin_id, &seq)) {
                       walker.Unreadable("malformed event key");
                     } else if (seq != walker.expected_seq()) {
                       walker.Unreadable("seq " + SeqText(walker.expected_seq()) + " is missing");
                     } else {
                       walker.Add(v);
                     }
                     return !walker.failed();
                   });
  if (!io.ok()) return io;
  walker.Finish(Head(origin_id));
  r.events_checked = walker.count();
  r.head = walker.head();
  if (walker.failed()) {
    r.first_bad_seq = walker.damage().seq;
    r.reason = walker.damage().reason;
  }
  if (result) *result = r;
  if (r.first_bad_seq != 0) {
    return Status::Corruption(std::string(origin_id) + " seq " + SeqText(r.first_bad_seq) + ": " +
                              r.reason);
  }
  return Status::OK();
}

}  // namespace

Status EventLog::Open(const EventLogOptions& options, const std::string& dir,
                      std::unique_ptr<EventLog>* out) {
  if (!ValidOrigin(options.origin)) {
    return Status::InvalidArgument("origin id must be 1-128 characters without '/' or spaces");
  }
  std::unique_ptr<Store> store;
  Status s = Store::Open(options.store, dir, &store);
  if (!s.ok()) return s;
  auto log = std::make_unique<EventLogImpl>(options, dir, std::move(store));
  s = log->LoadHeads();
  if (!s.ok()) return s;
  *out = std::move(log);
  return Status::OK();
}

}  // namespace hailong::replication
