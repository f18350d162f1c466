// EventLog reads (event_log_impl.h): Read and Scan verify every event
// before it is decoded; Verify walks an origin's whole chain.
#include "event_log_impl.h"
#include "hailong/replication/chain_walker.h"
#include "keys.h"

namespace hailong::replication::internal {

Status EventLogImpl::Read(std::string_view origin_id, uint64_t from_seq, size_t max_events,
                          size_t max_bytes, std::vector<StoredEvent>* out) const {
  out->clear();
  size_t bytes = 0;
  return Scan(origin_id, from_seq, [&](uint64_t seq, std::string_view b, const fb::Event&) {
    out->push_back(StoredEvent{seq, std::string(b)});
    bytes += b.size();
    return out->size() < max_events && bytes < max_bytes;
  });
}

Status EventLogImpl::Scan(
    std::string_view origin_id, uint64_t from_seq,
    const std::function<bool(uint64_t, std::string_view, const fb::Event&)>& visit) const {
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

}  // namespace hailong::replication::internal
