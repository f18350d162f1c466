// EventLog::Ingest (event_log_impl.h): another node's events (replication,
// import), verified and linked by the ChainWalker, stored in one batch;
// the refusal (gap, fork, corrupt, foreign origin, storage full) as data.
#include <algorithm>

#include "event_log_impl.h"
#include "hailong/replication/chain_walker.h"
#include "keys.h"

namespace hailong::replication::internal {

Status EventLogImpl::Ingest(std::string_view origin_id, const std::vector<std::string_view>& events,
                            IngestResult* result) {
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
}  // namespace hailong::replication::internal
