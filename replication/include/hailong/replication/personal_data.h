// Personal data: the cryptography that keeps citizens' phone numbers,
// comments and notes about people out of every log in clear
// (replication/doc/personal_data.md is the design).
//
// - A DataKey (32 random bytes, named by 16 random bytes) encrypts the
//   personal texts of one event with XChaCha20-Poly1305 (libsodium); the
//   event carries only the SealedText (key id, nonce, ciphertext).
// - Data keys live outside the log: at an edge sealed to the hub's X25519
//   public key (crypto_box_seal) until the hub took them, at the hub wrapped
//   under a key derived from the hub's secret file, in a key store beside the
//   log (KeyStoreDir). Destroying a data key erases its texts from every copy
//   of the log.
//
// Thread safety: every function and const method may be called concurrently.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "hailong/schema/event.h"
#include "hailong/schema/status.h"

namespace hailong::replication::personal {

constexpr size_t kKeyIdBytes = 16;
constexpr size_t kDataKeyBytes = 32;
constexpr size_t kPublicKeyBytes = 32;
// crypto_box_seal of (key id || key) to the hub: 48 + 48 bytes.
constexpr size_t kSealedDataKeyBytes = 96;
// A key sealed in a KeySealingSession: ephemeral public key (32) || nonce
// (24) || crypto_box (MAC 16 + key id and key 48).
constexpr size_t kSessionSealedDataKeyBytes = 120;

struct DataKey {
  std::array<uint8_t, kKeyIdBytes> id{};
  std::array<uint8_t, kDataKeyBytes> key{};
};
using PublicKey = std::array<uint8_t, kPublicKeyBytes>;

// A fresh random key and id.
DataKey NewDataKey();

// Encrypts `text` under `key`; `field` ("comment", "phone", "note", ...) is
// bound as associated data, so a ciphertext cannot be moved to another field.
std::unique_ptr<fb::SealedTextT> SealText(const DataKey& key, std::string_view field,
                                          std::string_view text);
// Decrypts; Corruption when the tag does not verify (wrong key or field).
Status OpenText(const std::array<uint8_t, kDataKeyBytes>& key, const fb::SealedText& sealed,
                std::string_view field, std::string* text);
// The key id of a sealed text, as 32 hex digits ("" when malformed).
std::string KeyIdHex(const fb::SealedText* sealed);
std::string KeyIdHex(const std::array<uint8_t, kKeyIdBytes>& id);
bool KeyIdFromHex(std::string_view hex, std::array<uint8_t, kKeyIdBytes>* id);

// The edge's step: the key and its id sealed to the hub's public key
// (anonymous sender); only the holder of the hub's secret key opens it.
std::string SealDataKey(const DataKey& key, const PublicKey& hub_public_key);

// Seals many data keys to the hub for the price of one key exchange: an
// ephemeral X25519 key pair is made, the key it shares with the hub is
// computed, and the ephemeral secret is wiped at once; each Seal is then one
// crypto_box under the shared key with a random nonce (kSessionSealedDataKeyBytes,
// opened by HubSecrets::OpenSealedKey like SealDataKey's boxes). Only the
// hub's secret key recomputes the shared key, so a session's boxes are as
// closed to everyone else as crypto_box_seal's; the shared key lives in this
// object's memory only (wiped by the destructor). Callers start a new
// session every few thousand keys or minutes.
// Thread safety: Seal may be called concurrently.
class KeySealingSession {
 public:
  explicit KeySealingSession(const PublicKey& hub_public_key);
  ~KeySealingSession();
  KeySealingSession(const KeySealingSession&) = delete;
  KeySealingSession& operator=(const KeySealingSession&) = delete;

  std::string Seal(const DataKey& key) const;
  const PublicKey& hub_public_key() const { return hub_; }

 private:
  PublicKey hub_{};
  PublicKey ephemeral_public_{};
  std::array<uint8_t, 32> shared_{};
};

bool PublicKeyFromHex(std::string_view hex, PublicKey* out);
std::string PublicKeyHex(const PublicKey& key);

// The hub's secrets, derived from one 32-byte seed kept in a file outside
// the data directory: the X25519 key pair edges seal data keys to, the key
// that wraps data keys in the hub's key store, and the key of the phone
// numbers' blind index.
class HubSecrets {
 public:
  // Reads the seed file (64 hex digits); creates it (mode 0600) when
  // `create` and it does not exist.
  static Status Load(const std::string& path, bool create, std::unique_ptr<HubSecrets>* out);

  const PublicKey& public_key() const { return public_key_; }
  // Opens a key sealed by an edge (SealDataKey or a KeySealingSession).
  Status OpenSealedKey(std::string_view sealed, DataKey* out) const;
  // The data key encrypted under the wrapping key (nonce || secretbox), and back.
  std::string Wrap(const DataKey& key) const;
  Status Unwrap(std::string_view wrapped, std::array<uint8_t, kDataKeyBytes>* key) const;
  // HMAC-SHA256 (hex) of a phone number's digits under the blind-index key:
  // finds a number's ratings without keeping the number.
  std::string BlindIndex(std::string_view phone) const;

  ~HubSecrets();

 private:
  HubSecrets() = default;
  PublicKey public_key_{};
  std::array<uint8_t, 32> secret_key_{};
  std::array<uint8_t, 32> wrap_key_{};
  std::array<uint8_t, 32> index_key_{};
};

// The key store's directory beside a node's log: <data_dir>/personal_keys.
std::string KeyStoreDir(const std::string& data_dir);

}  // namespace hailong::replication::personal
