// Secrets for the hub configuration: node tokens and user password hashes.
//
// A node token is 32 random bytes written as unpadded URL-safe base64
// (43 characters). The hub stores only `token_sha256`: the lowercase hex
// SHA-256 of the token *as text*, exactly the line an edge sends as
// "Authorization: Bearer <token>".
//
// Password hashes are libsodium crypto_pwhash_str strings (Argon2id,
// OPSLIMIT/MEMLIMIT_INTERACTIVE); the hub checks them with
// crypto_pwhash_str_verify.
//
// Thread safety: all functions may be called from any thread.
#pragma once

#include <string>
#include <string_view>

#include "hailong/schema/status.h"

namespace hailong::ops {

struct NodeToken {
  std::string token;       // the secret, for the edge's token_file
  std::string sha256_hex;  // 64 lowercase hex digits, for the hub's token_sha256
};

// Draws a fresh token from libsodium's CSPRNG. IOError if libsodium cannot
// be initialised.
Status NewNodeToken(NodeToken* out);

// The hub's token_sha256 of `token`.
std::string TokenSha256Hex(std::string_view token);

// Hashes a password for the hub's `password_hash`. InvalidArgument for an
// empty password; IOError when libsodium fails (out of memory).
Status HashPassword(std::string_view password, std::string* hash);

// True when `hash` is a crypto_pwhash_str hash of `password`.
bool VerifyPassword(std::string_view password, const std::string& hash);

}  // namespace hailong::ops
