// ReportCache (report.h): decoded tally pieces and row names, kept while
// the read models stay the same.
#include <mutex>

#include "hailong/hub/report.h"
#include "report_decision766.h"
#include "report_pieces.h"

namespace hailong::hub {

void ReportCache::ResetLocked(uint64_t owner, uint64_t generation) {
  pieces_.clear();
  names_.clear();
  pending_.clear();
  piece_bytes_ = 0;
  owner_ = owner;
  generation_ = generation;
}

std::shared_ptr<const TallyPiece> ReportCache::FindPiece(uint64_t owner, uint64_t generation,
                                                         const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  if (owner != owner_ || generation != generation_) return nullptr;
  auto it = pieces_.find(key);
  return it == pieces_.end() ? nullptr : it->second;
}

void ReportCache::PutPiece(uint64_t owner, uint64_t generation, const std::string& key,
                           std::shared_ptr<const TallyPiece> piece) {
  const size_t bytes = piece->Bytes() + key.size();
  std::lock_guard<std::mutex> lock(mu_);
  if (owner == owner_ && generation < generation_) return;  // an older answer
  if (owner != owner_ || generation != generation_ || piece_bytes_ + bytes > max_piece_bytes_) {
    ResetLocked(owner, generation);
  }
  if (bytes > max_piece_bytes_) return;
  if (pieces_.emplace(key, std::move(piece)).second) piece_bytes_ += bytes;
}

void ReportCache::Intern(TallyPiece* piece, const std::vector<std::string>& raw_keys) {
  std::lock_guard<std::mutex> lock(mu_);
  if (ids_.size() + raw_keys.size() > max_ids_) {
    ids_.clear();
    ++table_;
  }
  piece->table = table_;
  for (size_t i = 0; i < raw_keys.size() && i < piece->keys.size(); ++i) {
    auto it = ids_.find(raw_keys[i]);  // (emplace would allocate a node first)
    if (it == ids_.end()) it = ids_.emplace(raw_keys[i], static_cast<uint32_t>(ids_.size())).first;
    piece->keys[i].id = it->second;
  }
}

void ReportCache::FindNames(uint64_t owner, uint64_t generation,
                            const std::vector<std::string>& keys, std::vector<std::string>* names,
                            std::vector<bool>* found) {
  std::lock_guard<std::mutex> lock(mu_);
  if (owner != owner_ || generation != generation_) return;
  for (size_t i = 0; i < keys.size(); ++i) {
    auto it = names_.find(keys[i]);
    if (it == names_.end()) continue;
    (*names)[i] = it->second;
    (*found)[i] = true;
  }
}

void ReportCache::PutNames(uint64_t owner, uint64_t generation,
                           const std::vector<std::pair<std::string, std::string>>& names) {
  std::lock_guard<std::mutex> lock(mu_);
  if (owner == owner_ && generation < generation_) return;  // an older answer
  if (owner != owner_ || generation != generation_) ResetLocked(owner, generation);
  for (const auto& [key, name] : names) {
    if (names_.size() >= 100000) break;
    names_[key] = name;
  }
}

std::shared_ptr<const decision766::PendingSlice> ReportCache::FindPending(uint64_t owner,
                                                                          uint64_t generation,
                                                                          const std::string& key,
                                                                          int64_t as_of) {
  std::lock_guard<std::mutex> lock(mu_);
  if (owner != owner_ || generation != generation_) return nullptr;
  auto it = pending_.find(key);
  if (it == pending_.end() || as_of < it->second->as_of || as_of >= it->second->next_due) {
    return nullptr;
  }
  return it->second;
}

void ReportCache::PutPending(uint64_t owner, uint64_t generation, const std::string& key,
                             std::shared_ptr<const decision766::PendingSlice> slice) {
  const size_t bytes = slice->Bytes() + key.size();
  std::lock_guard<std::mutex> lock(mu_);
  if (owner == owner_ && generation < generation_) return;  // an older answer
  if (owner != owner_ || generation != generation_ || piece_bytes_ + bytes > max_piece_bytes_) {
    ResetLocked(owner, generation);
  }
  if (bytes > max_piece_bytes_) return;
  // Slices of other days or offices are few; a newer one replaces its key's.
  auto forget = [&](const auto& entry) {
    piece_bytes_ -= entry.second->Bytes() + entry.first.size();
  };
  if (pending_.size() >= 1024) {
    for (const auto& entry : pending_) forget(entry);
    pending_.clear();
  }
  auto it = pending_.find(key);
  if (it != pending_.end()) {
    forget(*it);
    it->second = std::move(slice);
  } else {
    pending_.emplace(key, std::move(slice));
  }
  piece_bytes_ += bytes;
}

}  // namespace hailong::hub
