#include "personal_sealer.h"

#include <chrono>
#include <filesystem>
#include <fstream>

namespace hailong::edge {

namespace personal = replication::personal;

namespace {
constexpr char kPrefix[] = "s/";
constexpr char kEnd[] = "s0";  // just after every "s/..." key
}  // namespace

Status PersonalSealer::Open(const std::string& data_dir, const std::string& configured_key_hex,
                            std::unique_ptr<PersonalSealer>* out) {
  std::unique_ptr<PersonalSealer> s(new PersonalSealer());
  s->cache_file_ = (std::filesystem::path(data_dir) / "hub_personal_data.pub").string();
  personal::PublicKey key{};
  if (!configured_key_hex.empty()) {
    if (!personal::PublicKeyFromHex(configured_key_hex, &key)) {
      return Status::InvalidArgument("\"personal_data_public_key\": expected 64 hex digits");
    }
    s->hub_key_ = key;
    s->configured_ = true;
  } else {
    std::ifstream in(s->cache_file_);
    std::string hex;
    if (in && std::getline(in, hex) && personal::PublicKeyFromHex(hex, &key)) s->hub_key_ = key;
  }
  replication::StoreOptions options;
  options.block_cache_bytes = 1u << 20;
  Status st = replication::Store::Open(options, personal::KeyStoreDir(data_dir), &s->store_);
  if (!st.ok()) return st;
  st = s->store_->Scan(kPrefix, kEnd, [&](std::string_view, std::string_view) {
    ++s->pending_;
    return true;
  });
  if (!st.ok()) return st;
  *out = std::move(s);
  return Status::OK();
}

bool PersonalSealer::has_hub_key() const {
  std::lock_guard<std::mutex> lock(mu_);
  return hub_key_.has_value();
}

Status PersonalSealer::SetHubKey(const personal::PublicKey& key) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (configured_ || (hub_key_ && *hub_key_ == key)) return Status::OK();
    hub_key_ = key;
  }
  const std::string tmp = cache_file_ + ".partial";
  {
    std::ofstream f(tmp, std::ios::trunc);
    f << personal::PublicKeyHex(key) << "\n";
    if (!f.flush()) return Status::IOError("cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, cache_file_, ec);
  if (ec) return Status::IOError("cannot rename " + tmp + ": " + ec.message());
  return Status::OK();
}

Status PersonalSealer::SealRating(fb::RatingSubmittedT* r, std::string* sealed_key) const {
  sealed_key->clear();
  if (r->comment.empty() && r->phone.empty()) return Status::OK();
  std::shared_ptr<const personal::KeySealingSession> session;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!hub_key_) {
      return Status::Unavailable("no personal data key from the hub yet");
    }
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now().time_since_epoch())
                            .count();
    if (session_ == nullptr || session_->hub_public_key() != *hub_key_ ||
        session_keys_ >= kKeysPerSession || now - session_start_ms_ >= kSessionSeconds * 1000) {
      session_ = std::make_shared<const personal::KeySealingSession>(*hub_key_);
      session_keys_ = 0;
      session_start_ms_ = now;
    }
    ++session_keys_;
    session = session_;
  }
  const personal::DataKey key = personal::NewDataKey();
  if (!r->comment.empty()) {
    r->sealed_comment = personal::SealText(key, "comment", r->comment);
    r->comment.clear();
  }
  if (!r->phone.empty()) {
    r->sealed_phone = personal::SealText(key, "phone", r->phone);
    r->phone.clear();
  }
  *sealed_key = session->Seal(key);
  return Status::OK();
}

Status PersonalSealer::Keep(const std::vector<std::string>& sealed_keys) {
  replication::WriteBatch batch;
  for (const std::string& sealed : sealed_keys) {
    if (sealed.empty()) continue;
    // The key id is not readable from the sealed box: name the entry by a
    // random id of its own (the hub learns the real one when it opens it).
    const personal::DataKey name = personal::NewDataKey();
    batch.Put(std::string(kPrefix) + personal::KeyIdHex(name.id), sealed);
  }
  if (batch.Count() == 0) return Status::OK();
  Status s = store_->Write(batch, /*sync=*/true);
  if (!s.ok()) return s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending_ += batch.Count();
    ++generation_;
  }
  cv_.notify_all();
  return Status::OK();
}

Status PersonalSealer::Pending(size_t max,
                               std::vector<std::pair<std::string, std::string>>* out) const {
  out->clear();
  return store_->Scan(kPrefix, kEnd, [&](std::string_view key, std::string_view value) {
    out->emplace_back(std::string(key.substr(sizeof(kPrefix) - 1)), std::string(value));
    return out->size() < max;
  });
}

Status PersonalSealer::Forget(const std::vector<std::string>& key_ids) {
  replication::WriteBatch batch;
  for (const std::string& id : key_ids) batch.Delete(std::string(kPrefix) + id);
  Status s = store_->Write(batch, /*sync=*/true);
  if (!s.ok()) return s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending_ = pending_ > key_ids.size() ? pending_ - key_ids.size() : 0;
  }
  // Rewrite the store's files without the deleted keys: no copy of a key
  // the hub may later erase stays on this disk (WAL and table files).
  s = store_->Flush();
  if (!s.ok()) return s;
  return store_->CompactAll();
}

size_t PersonalSealer::pending_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pending_;
}

void PersonalSealer::WaitForKeys(int ms) {
  std::unique_lock<std::mutex> lock(mu_);
  const uint64_t seen = generation_;
  cv_.wait_for(lock, std::chrono::milliseconds(ms), [&] { return generation_ != seen; });
}

void PersonalSealer::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++generation_;
  }
  cv_.notify_all();
}

}  // namespace hailong::edge
