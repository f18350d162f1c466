// RatedReceipts: which receipts (dossiers) already have an unauthenticated
// rating (the QR survey's channels "phone" and "web") in which slot (survey
// template and stage, survey::ReceiptSlot), so that a receipt is rated once
// per survey and stage from a phone. Kiosk
// and button-box ratings (devices of the office) are not limited by it.
//
// A claim names the rating's idempotency id: a resend of the same rating
// (same id) keeps its claim, another rating of the receipt is refused.
// Rebuilt from the log at start (Remember); one entry per rated receipt.
//
// Thread safety: internally synchronized.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

namespace hailong::edge {

class RatedReceipts {
 public:
  // True if (receipt, slot) is free or already claimed by `rating_key`;
  // claims it then.
  bool Claim(const std::string& receipt, const std::string& slot, const std::string& rating_key);
  // Gives back a claim whose rating was not stored.
  void Release(const std::string& receipt, const std::string& slot, const std::string& rating_key);
  // A stored rating, at replay.
  void Remember(const std::string& receipt, const std::string& slot,
                const std::string& rating_key) {
    Claim(receipt, slot, rating_key);
  }

 private:
  static std::string Key(const std::string& receipt, const std::string& slot) {
    return receipt + '\n' + slot;
  }
  std::mutex mu_;
  std::unordered_map<std::string, std::string> claims_;  // Key -> rating key
};

}  // namespace hailong::edge
