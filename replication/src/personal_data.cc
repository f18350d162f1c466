#include "hailong/replication/personal_data.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

namespace hailong::replication::personal {

namespace {

static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == kDataKeyBytes);
static_assert(crypto_box_PUBLICKEYBYTES == kPublicKeyBytes);
static_assert(crypto_box_SEALBYTES + kKeyIdBytes + kDataKeyBytes == kSealedDataKeyBytes);

constexpr char kAdPrefix[] = "hailong-personal-v1:";

bool InitSodium() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

std::string AssociatedData(std::string_view field) {
  return std::string(kAdPrefix) + std::string(field);
}

std::string_view AsView(const std::vector<uint8_t>& v) {
  return {reinterpret_cast<const char*>(v.data()), v.size()};
}

}  // namespace

DataKey NewDataKey() {
  InitSodium();
  DataKey k;
  randombytes_buf(k.id.data(), k.id.size());
  crypto_aead_xchacha20poly1305_ietf_keygen(k.key.data());
  return k;
}

std::unique_ptr<fb::SealedTextT> SealText(const DataKey& key, std::string_view field,
                                          std::string_view text) {
  InitSodium();
  auto out = std::make_unique<fb::SealedTextT>();
  out->key_id.assign(key.id.begin(), key.id.end());
  out->nonce.resize(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  randombytes_buf(out->nonce.data(), out->nonce.size());
  out->ciphertext.resize(text.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES);
  const std::string ad = AssociatedData(field);
  unsigned long long len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      out->ciphertext.data(), &len, reinterpret_cast<const unsigned char*>(text.data()),
      text.size(), reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr,
      out->nonce.data(), key.key.data());
  out->ciphertext.resize(len);
  return out;
}

Status OpenText(const std::array<uint8_t, kDataKeyBytes>& key, const fb::SealedText& sealed,
                std::string_view field, std::string* text) {
  InitSodium();
  const auto* nonce = sealed.nonce();
  const auto* ct = sealed.ciphertext();
  if (nonce == nullptr || nonce->size() != crypto_aead_xchacha20poly1305_ietf_NPUBBYTES ||
      ct == nullptr || ct->size() < crypto_aead_xchacha20poly1305_ietf_ABYTES) {
    return Status::Corruption("malformed sealed text");
  }
  std::string out(ct->size() - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  const std::string ad = AssociatedData(field);
  unsigned long long len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(out.data()), &len,
                                                 nullptr, ct->data(), ct->size(),
                                                 reinterpret_cast<const unsigned char*>(ad.data()),
                                                 ad.size(), nonce->data(), key.data()) != 0) {
    return Status::Corruption("sealed text does not open with its key");
  }
  out.resize(len);
  *text = std::move(out);
  return Status::OK();
}

std::string KeyIdHex(const fb::SealedText* sealed) {
  if (sealed == nullptr || sealed->key_id() == nullptr || sealed->key_id()->size() != kKeyIdBytes) {
    return "";
  }
  return schema::HexEncode(std::string_view(reinterpret_cast<const char*>(sealed->key_id()->data()),
                                            sealed->key_id()->size()));
}

std::string KeyIdHex(const std::array<uint8_t, kKeyIdBytes>& id) {
  return schema::HexEncode(std::string_view(reinterpret_cast<const char*>(id.data()), id.size()));
}

bool KeyIdFromHex(std::string_view hex, std::array<uint8_t, kKeyIdBytes>* id) {
  std::string bytes;
  if (hex.size() != 2 * kKeyIdBytes || !schema::HexDecode(hex, &bytes)) return false;
  std::memcpy(id->data(), bytes.data(), kKeyIdBytes);
  return true;
}

std::string SealDataKey(const DataKey& key, const PublicKey& hub_public_key) {
  InitSodium();
  unsigned char plain[kKeyIdBytes + kDataKeyBytes];
  std::memcpy(plain, key.id.data(), kKeyIdBytes);
  std::memcpy(plain + kKeyIdBytes, key.key.data(), kDataKeyBytes);
  std::string out(kSealedDataKeyBytes, '\0');
  crypto_box_seal(reinterpret_cast<unsigned char*>(out.data()), plain, sizeof plain,
                  hub_public_key.data());
  sodium_memzero(plain, sizeof plain);
  return out;
}

KeySealingSession::KeySealingSession(const PublicKey& hub_public_key) : hub_(hub_public_key) {
  InitSodium();
  std::array<uint8_t, crypto_box_SECRETKEYBYTES> ephemeral_secret{};
  crypto_box_keypair(ephemeral_public_.data(), ephemeral_secret.data());
  if (crypto_box_beforenm(shared_.data(), hub_.data(), ephemeral_secret.data()) != 0) {
    // A hub key of low order: every Seal then yields boxes nobody opens,
    // which the hub refuses (400) and the edge keeps; never clear text.
    randombytes_buf(shared_.data(), shared_.size());
  }
  sodium_memzero(ephemeral_secret.data(), ephemeral_secret.size());
}

KeySealingSession::~KeySealingSession() { sodium_memzero(shared_.data(), shared_.size()); }

std::string KeySealingSession::Seal(const DataKey& key) const {
  unsigned char plain[kKeyIdBytes + kDataKeyBytes];
  std::memcpy(plain, key.id.data(), kKeyIdBytes);
  std::memcpy(plain + kKeyIdBytes, key.key.data(), kDataKeyBytes);
  std::string out(kSessionSealedDataKeyBytes, '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  std::memcpy(p, ephemeral_public_.data(), kPublicKeyBytes);
  unsigned char* nonce = p + kPublicKeyBytes;
  randombytes_buf(nonce, crypto_box_NONCEBYTES);
  crypto_box_easy_afternm(nonce + crypto_box_NONCEBYTES, plain, sizeof plain, nonce,
                          shared_.data());
  sodium_memzero(plain, sizeof plain);
  return out;
}

bool PublicKeyFromHex(std::string_view hex, PublicKey* out) {
  std::string bytes;
  if (hex.size() != 2 * kPublicKeyBytes || !schema::HexDecode(hex, &bytes)) return false;
  std::memcpy(out->data(), bytes.data(), kPublicKeyBytes);
  return true;
}

std::string PublicKeyHex(const PublicKey& key) {
  return schema::HexEncode(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()));
}

HubSecrets::~HubSecrets() {
  sodium_memzero(secret_key_.data(), secret_key_.size());
  sodium_memzero(wrap_key_.data(), wrap_key_.size());
  sodium_memzero(index_key_.data(), index_key_.size());
}

Status HubSecrets::Load(const std::string& path, bool create, std::unique_ptr<HubSecrets>* out) {
  if (!InitSodium()) return Status::IOError("libsodium did not initialise");
  std::string hex;
  {
    std::ifstream in(path);
    if (in) std::getline(in, hex);
  }
  while (!hex.empty() && (hex.back() == '\r' || hex.back() == ' ' || hex.back() == '\n')) {
    hex.pop_back();
  }
  std::string seed;
  if (hex.empty()) {
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) {
      return Status::InvalidArgument("personal data key file " + path + " is empty");
    }
    if (!create) {
      return Status::NotFound("personal data key file " + path + " does not exist");
    }
    seed.resize(32);
    randombytes_buf(seed.data(), seed.size());
    hex = schema::HexEncode(seed);
    const std::string line = hex + "\n";
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return Status::IOError("cannot create personal data key file " + path);
    const bool written =
        ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
        ::fsync(fd) == 0;
    ::close(fd);
    if (!written) return Status::IOError("cannot write personal data key file " + path);
  } else if (hex.size() != 64 || !schema::HexDecode(hex, &seed)) {
    return Status::InvalidArgument("personal data key file " + path +
                                   ": expected 64 hex digits (a 32-byte seed)");
  }
  std::unique_ptr<HubSecrets> s(new HubSecrets());
  const auto* seed_bytes = reinterpret_cast<const unsigned char*>(seed.data());
  crypto_box_seed_keypair(s->public_key_.data(), s->secret_key_.data(), seed_bytes);
  crypto_kdf_derive_from_key(s->wrap_key_.data(), s->wrap_key_.size(), 1, "hlwrap01", seed_bytes);
  crypto_kdf_derive_from_key(s->index_key_.data(), s->index_key_.size(), 2, "hlindex1", seed_bytes);
  sodium_memzero(seed.data(), seed.size());
  *out = std::move(s);
  return Status::OK();
}

Status HubSecrets::OpenSealedKey(std::string_view sealed, DataKey* out) const {
  static_assert(kSessionSealedDataKeyBytes == kPublicKeyBytes + crypto_box_NONCEBYTES +
                                                  crypto_box_MACBYTES + kKeyIdBytes +
                                                  kDataKeyBytes);
  unsigned char plain[kKeyIdBytes + kDataKeyBytes];
  const auto* box = reinterpret_cast<const unsigned char*>(sealed.data());
  int opened = -1;
  if (sealed.size() == kSealedDataKeyBytes) {
    opened =
        crypto_box_seal_open(plain, box, sealed.size(), public_key_.data(), secret_key_.data());
  } else if (sealed.size() == kSessionSealedDataKeyBytes) {
    const unsigned char* nonce = box + kPublicKeyBytes;
    const unsigned char* cipher = nonce + crypto_box_NONCEBYTES;
    opened = crypto_box_open_easy(plain, cipher, crypto_box_MACBYTES + sizeof plain, nonce, box,
                                  secret_key_.data());
  } else {
    return Status::InvalidArgument("sealed key: bad size");
  }
  if (opened != 0) {
    return Status::InvalidArgument("sealed key does not open with the hub's key");
  }
  std::memcpy(out->id.data(), plain, kKeyIdBytes);
  std::memcpy(out->key.data(), plain + kKeyIdBytes, kDataKeyBytes);
  sodium_memzero(plain, sizeof plain);
  return Status::OK();
}

std::string HubSecrets::Wrap(const DataKey& key) const {
  std::string out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + kDataKeyBytes, '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES, key.key.data(), kDataKeyBytes, nonce,
                        wrap_key_.data());
  return out;
}

Status HubSecrets::Unwrap(std::string_view wrapped, std::array<uint8_t, kDataKeyBytes>* key) const {
  if (wrapped.size() != crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + kDataKeyBytes) {
    return Status::Corruption("wrapped key: bad size");
  }
  const auto* nonce = reinterpret_cast<const unsigned char*>(wrapped.data());
  if (crypto_secretbox_open_easy(key->data(), nonce + crypto_secretbox_NONCEBYTES,
                                 wrapped.size() - crypto_secretbox_NONCEBYTES, nonce,
                                 wrap_key_.data()) != 0) {
    return Status::Corruption("wrapped key does not open (another hub key file?)");
  }
  return Status::OK();
}

std::string HubSecrets::BlindIndex(std::string_view phone) const {
  std::string digits;
  for (char c : phone) {
    if (c >= '0' && c <= '9') digits += c;
  }
  // +84 9xx and 09xx name the same number.
  if (digits.rfind("84", 0) == 0 && digits.size() >= 11) digits = "0" + digits.substr(2);
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256(mac, reinterpret_cast<const unsigned char*>(digits.data()), digits.size(),
                         index_key_.data());
  return schema::HexEncode(std::string_view(reinterpret_cast<const char*>(mac), sizeof mac));
}

std::string KeyStoreDir(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "personal_keys").string();
}

}  // namespace hailong::replication::personal
