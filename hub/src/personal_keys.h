// PersonalKeys: the hub's key store for personal data
// (replication/doc/personal_data.md): the data keys of every comment, phone
// number and note, wrapped under the hub's secret file, in a RocksDB of its
// own (<data_dir>/personal_keys), never in the log.
//
// Keys are named (owner, key id): the owner is the edge node whose events
// the key encrypts, or "hub" for texts the hub encrypted itself (origins
// hub and hub-private). Erasing a key leaves a tombstone, so a key an edge
// ships again after its erasure is refused, and compacts the store so that
// no table file or WAL keeps it. Events written before encryption carry
// clear text; erasing one marks it (origin, seq) and the API hides it.
//
// Thread safety: every method may be called concurrently.
#pragma once

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hailong/replication/personal_data.h"
#include "hailong/replication/store.h"
#include "hailong/schema/event.h"
#include "hailong/schema/time.h"

namespace hailong::hub {

// What the API can show of one personal text.
enum class TextState {
  kAbsent,   // none given
  kShown,    // *text holds it
  kPending,  // encrypted, its key has not reached the hub yet
  kErased,   // erased (key destroyed, or a clear legacy text hidden)
};
const char* TextStateName(TextState s);

// Whether a rating carries a comment / phone number, in clear (events
// written before encryption) or sealed. Counts depend only on these.
inline bool HasComment(const fb::RatingSubmitted& r) {
  return (r.comment() && r.comment()->size() > 0) || r.sealed_comment() != nullptr;
}
inline bool HasPhone(const fb::RatingSubmitted& r) {
  return (r.phone() && r.phone()->size() > 0) || r.sealed_phone() != nullptr;
}

class PersonalKeys {
 public:
  static Status Open(const std::string& data_dir, const std::string& key_file, const Clock* clock,
                     std::unique_ptr<PersonalKeys>* out);

  const replication::personal::HubSecrets& secrets() const { return *secrets_; }
  // The owner of the keys of an event of `origin`.
  static std::string KeyOwner(std::string_view origin);

  // A fresh data key of the hub, kept (fsync'd) before the caller appends the
  // event it encrypts.
  Status NewHubKey(replication::personal::DataKey* key);
  // Moves a rating's comment and phone number into sealed_comment and
  // sealed_phone under one new hub key (nothing when it has neither).
  Status SealRating(fb::RatingSubmittedT* r);
  // Moves *text (when not empty) into *out, encrypted under a new hub key.
  Status SealField(std::string* text, std::string_view field,
                   std::unique_ptr<fb::SealedTextT>* out);
  // Encrypts `text` with `key` ("" gives null: nothing to encrypt).
  static std::unique_ptr<fb::SealedTextT> Seal(const replication::personal::DataKey& key,
                                               std::string_view field, std::string_view text);

  // Keys sealed by edge `node` (PersonalSealer): opened and kept wrapped.
  // *refused counts keys erased before they arrived.
  Status Accept(const std::string& node, const std::vector<std::string>& sealed, size_t* kept,
                size_t* refused);

  // The text of a field: its sealed form when present, else the clear
  // (legacy) one unless (origin, seq) was erased.
  TextState Reveal(std::string_view origin, uint64_t seq, const flatbuffers::String* clear,
                   const fb::SealedText* sealed, std::string_view field, std::string* text) const;
  // Same for a read model's JSON form of a sealed text (SealedJson).
  TextState RevealJson(const nlohmann::json& sealed, std::string_view field,
                       std::string* text) const;
  // The JSON a read model keeps instead of a text: {"o","k","n","c"} (owner,
  // key id, nonce, ciphertext; hex), or the clear legacy text as a string.
  static nlohmann::json SealedJson(std::string_view origin, const flatbuffers::String* clear,
                                   const fb::SealedText* sealed);
  // "owner/keyid" of a read model's sealed JSON ("" when none).
  static std::string KeyRefOfJson(const nlohmann::json& sealed);
  static std::string KeyRef(std::string_view origin, const fb::SealedText* sealed);

  // Destroys keys ("owner/keyid") and hides legacy events ("origin/seq"),
  // then compacts the store. *destroyed counts keys that existed.
  Status Erase(const std::vector<std::string>& key_refs,
               const std::vector<std::pair<std::string, uint64_t>>& legacy, size_t* destroyed);

  // Legacy (clear) texts of a follow-up are hidden under (this + id, 0).
  static constexpr char kFollowUpMarker[] = "fu:";
  bool IsHidden(std::string_view origin, uint64_t seq) const;

  // Keys created or accepted before `before_ms` and not erased: "owner/keyid".
  Status KeysBefore(int64_t before_ms, size_t max, std::vector<std::string>* out) const;
  // Erasures recorded (newest first): the JSON the dashboard lists.
  Status RecordErasure(const nlohmann::json& summary);
  Status ListErasures(size_t limit, nlohmann::json* out) const;
  // Keys held now.
  uint64_t key_count() const;

 private:
  PersonalKeys() = default;
  void Keep(const std::string& owner, const replication::personal::DataKey& key,
            replication::WriteBatch* batch) const;
  bool FindKey(const std::string& owner, const std::string& key_id_hex,
               std::array<uint8_t, replication::personal::kDataKeyBytes>* key, bool* erased) const;

  std::unique_ptr<replication::personal::HubSecrets> secrets_;
  std::unique_ptr<replication::Store> store_;
  const Clock* clock_ = nullptr;
  std::mutex erase_mu_;  // one erasure (and its compaction) at a time
};

}  // namespace hailong::hub
