// EventLog over Store (event_log_impl.h): opening, the format record and
// the heads, listeners, and the free-disk floor. Appends are
// event_log_append.cc, ingest event_log_ingest.cc, reads
// event_log_read.cc.
#include <sys/statvfs.h>

#include "event_log_impl.h"
#include "keys.h"

namespace hailong::replication {
namespace internal {

bool ValidOrigin(std::string_view origin) {
  if (origin.empty() || origin.size() > 128) return false;
  for (char c : origin) {
    if (c == '/' || static_cast<unsigned char>(c) < 0x21) return false;
  }
  return true;
}

std::string SeqText(uint64_t seq) { return std::to_string(seq); }

Status EventLogImpl::LoadHeads() {
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
  s = store_->Scan(keys::kHeadPrefix, keys::kHeadEnd, [&](std::string_view k, std::string_view v) {
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

Status EventLogImpl::FindIdempotent(std::string_view origin_id, std::string_view id,
                                    uint64_t* seq) const {
  std::string v;
  Status s = store_->Get(keys::IdempotencyKey(origin_id, id), &v);
  if (!s.ok()) return s;
  if (v.size() != 8) return Status::Corruption("damaged idempotency record");
  *seq = keys::DecodeFixed64BE(v);
  return Status::OK();
}

ChainHead EventLogImpl::Head(std::string_view origin_id) const {
  std::shared_lock<std::shared_mutex> l(heads_mu_);
  auto it = heads_.find(origin_id);
  return it == heads_.end() ? ChainHead() : it->second;
}

std::vector<std::string> EventLogImpl::Origins() const {
  std::shared_lock<std::shared_mutex> l(heads_mu_);
  std::vector<std::string> out;
  for (const auto& [o, h] : heads_) {
    if (h.seq > 0) out.push_back(o);
  }
  return out;
}

uint64_t EventLogImpl::AddListener(Listener listener) {
  std::lock_guard<std::mutex> l(listeners_mu_);
  const uint64_t id = ++next_listener_;
  listeners_.emplace(id, std::make_shared<Listener>(std::move(listener)));
  return id;
}

void EventLogImpl::RemoveListener(uint64_t id) {
  std::lock_guard<std::mutex> l(listeners_mu_);
  listeners_.erase(id);
}

uint64_t EventLogImpl::FreeDiskBytes() const {
  struct statvfs st {};
  if (::statvfs(dir_.c_str(), &st) != 0) return 0;
  return static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
}

bool EventLogImpl::OwnOrigin(std::string_view o) const {
  if (o == origin()) return true;
  for (const auto& extra : options_.extra_origins) {
    if (o == extra) return true;
  }
  return false;
}

Status EventLogImpl::CheckFloor() const {
  if (options_.min_free_bytes == 0) return Status::OK();
  const uint64_t free_bytes = FreeDiskBytes();
  if (free_bytes < options_.min_free_bytes) {
    return Status::StorageFull("storage full: " + std::to_string(free_bytes >> 20) +
                               " MiB free, floor " + std::to_string(options_.min_free_bytes >> 20) +
                               " MiB");
  }
  return Status::OK();
}

void EventLogImpl::SetHead(std::string_view origin_id, const ChainHead& head) {
  std::unique_lock<std::shared_mutex> l(heads_mu_);
  auto it = heads_.find(origin_id);
  if (it == heads_.end()) {
    heads_.emplace(std::string(origin_id), head);
  } else {
    it->second = head;
  }
}

void EventLogImpl::Notify(std::string_view origin_id, uint64_t seq) {
  std::vector<std::shared_ptr<Listener>> copy;
  {
    std::lock_guard<std::mutex> l(listeners_mu_);
    for (auto& [id, fn] : listeners_) copy.push_back(fn);
  }
  for (auto& fn : copy) (*fn)(origin_id, seq);
}

}  // namespace internal

Status EventLog::Open(const EventLogOptions& options, const std::string& dir,
                      std::unique_ptr<EventLog>* out) {
  if (!internal::ValidOrigin(options.origin)) {
    return Status::InvalidArgument("origin id must be 1-128 characters without '/' or spaces");
  }
  std::unique_ptr<Store> store;
  Status s = Store::Open(options.store, dir, &store);
  if (!s.ok()) return s;
  auto log = std::make_unique<internal::EventLogImpl>(options, dir, std::move(store));
  s = log->LoadHeads();
  if (!s.ok()) return s;
  *out = std::move(log);
  return Status::OK();
}

}  // namespace hailong::replication
