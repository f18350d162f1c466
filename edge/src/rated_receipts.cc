// RatedReceipts: see rated_receipts.h.
#include "rated_receipts.h"

namespace hailong::edge {

bool RatedReceipts::Claim(const std::string& receipt, const std::string& slot,
                          const std::string& rating_key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = claims_.emplace(Key(receipt, slot), rating_key);
  return inserted || it->second == rating_key;
}

void RatedReceipts::Release(const std::string& receipt, const std::string& slot,
                            const std::string& rating_key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = claims_.find(Key(receipt, slot));
  if (it != claims_.end() && it->second == rating_key) claims_.erase(it);
}

}  // namespace hailong::edge
