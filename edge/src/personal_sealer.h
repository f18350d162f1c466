// PersonalSealer: the edge's side of replication/doc/personal_data.md. A
// rating's comment and phone number are encrypted under a fresh data key
// before the rating is appended; the data key is kept only sealed to the
// hub's public key (the edge cannot open it), in the key outbox
// (<data_dir>/personal_keys, RocksDB), until the hub acknowledged it
// (PersonalKeyLink ships it and calls Forget).
//
// The hub's public key comes from the edge config
// (`personal_data_public_key`) or from the hub itself (SetHubKey, cached in
// <data_dir>/hub_personal_data.pub). Without one, a rating with personal
// text is refused (Unavailable): it is never stored in clear.
//
// Thread safety: every method may be called concurrently.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hailong/replication/personal_data.h"
#include "hailong/replication/store.h"

namespace hailong::edge {

class PersonalSealer {
 public:
  // `configured_key_hex`: the config's key ("" = learn it from the hub).
  static Status Open(const std::string& data_dir, const std::string& configured_key_hex,
                     std::unique_ptr<PersonalSealer>* out);

  bool has_hub_key() const;
  // The hub's key as fetched; kept for the next start. Ignored when the
  // config names one.
  Status SetHubKey(const replication::personal::PublicKey& key);

  // Encrypts r->comment and r->phone into r->sealed_comment/sealed_phone and
  // clears them; *sealed_key gets the data key sealed to the hub ("" when
  // the rating holds no personal text). Unavailable without the hub's key.
  Status SealRating(fb::RatingSubmittedT* r, std::string* sealed_key) const;
  // Durably keeps sealed keys (one fsync'd write) before the events that
  // use them are appended. Empty strings are skipped.
  Status Keep(const std::vector<std::string>& sealed_keys);

  // Up to `max` kept keys: (key id hex, sealed key).
  Status Pending(size_t max, std::vector<std::pair<std::string, std::string>>* out) const;
  // The hub holds these: delete them here.
  Status Forget(const std::vector<std::string>& key_ids);
  // Sealed keys kept (not yet acknowledged by the hub).
  size_t pending_count() const;
  // Blocks until Keep added keys, `Wake` was called or `ms` passed.
  void WaitForKeys(int ms);
  void Wake();

 private:
  PersonalSealer() = default;
  std::unique_ptr<replication::Store> store_;
  std::string cache_file_;
  bool configured_ = false;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::optional<replication::personal::PublicKey> hub_key_;
  // Data keys are sealed in sessions (one key exchange per session, see
  // replication::personal::KeySealingSession), renewed after
  // kKeysPerSession keys, kSessionSeconds, or a new hub key.
  static constexpr int kKeysPerSession = 4096;
  static constexpr int64_t kSessionSeconds = 600;
  mutable std::shared_ptr<const replication::personal::KeySealingSession> session_;
  mutable int session_keys_ = 0;
  mutable int64_t session_start_ms_ = 0;
  size_t pending_ = 0;
  uint64_t generation_ = 0;
};

}  // namespace hailong::edge
