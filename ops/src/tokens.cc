#include "hailong/ops/tokens.h"

#include <sodium.h>

#include "hailong/schema/event.h"

namespace hailong::ops {

namespace {
bool InitSodium() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}
}  // namespace

Status NewNodeToken(NodeToken* out) {
  if (!InitSodium()) return Status::IOError("libsodium cannot be initialised");
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  char text[sodium_base64_ENCODED_LEN(sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(text, sizeof text, raw, sizeof raw, variant);
  sodium_memzero(raw, sizeof raw);
  out->token = text;
  out->sha256_hex = TokenSha256Hex(out->token);
  sodium_memzero(text, sizeof text);
  return Status::OK();
}

std::string TokenSha256Hex(std::string_view token) {
  return schema::HexEncode(schema::Sha256(token));
}

Status HashPassword(std::string_view password, std::string* hash) {
  if (password.empty()) return Status::InvalidArgument("the password is empty");
  if (!InitSodium()) return Status::IOError("libsodium cannot be initialised");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Status::IOError("crypto_pwhash_str failed (out of memory?)");
  }
  *hash = out;
  return Status::OK();
}

bool VerifyPassword(std::string_view password, const std::string& hash) {
  if (!InitSodium()) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

}  // namespace hailong::ops
