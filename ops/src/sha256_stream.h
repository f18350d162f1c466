// Incremental SHA-256 (OpenSSL EVP) for the export file's digest.
// Thread safety: one object per thread.
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <string_view>

#include "hailong/schema/event.h"

namespace hailong::ops {

class Sha256Stream {
 public:
  Sha256Stream() : ctx_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) {
    EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr);
  }
  void Update(std::string_view bytes) { EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size()); }
  // Ends the stream; Update must not be called afterwards.
  schema::Hash Final() {
    schema::Hash out{};
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_.get(), out.data(), &len);
    return out;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
};

}  // namespace hailong::ops
