// EventLog appends (event_log_impl.h): the writer queue, its leader's
// group of drafts, idempotency ids, and one batch with one fsync.
#include <map>
#include <unordered_map>

#include "event_log_impl.h"
#include "keys.h"

namespace hailong::replication::internal {

Status EventLogImpl::Append(EventDraft draft, AppendResult* result) {
  std::vector<EventDraft> drafts;
  drafts.push_back(std::move(draft));
  std::vector<AppendResult> results;
  Status s = AppendBatch(std::move(drafts), &results);
  if (s.ok() && result) *result = results[0];
  return s;
}

Status EventLogImpl::AppendBatch(std::vector<EventDraft> drafts,
                                 std::vector<AppendResult>* results) {
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

void EventLogImpl::WriteGroup(const std::vector<Writer*>& group,
                              std::map<std::string, ChainHead>* heads_out) {
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
}  // namespace hailong::replication::internal
