// KioskRegistry: the counter tablets enrolled at this edge. Only enrolled
// kiosks may send `touchscreen` ratings, and only for their own counter.
//
// A technician asks for a kiosk (`hailongctl kiosk enroll`, through the
// admin API): the registry makes a kiosk id ("kiosk-<counter>-<n>", the
// device id of its ratings) and a one-time enrollment code. Opening the
// enrollment link on the tablet redeems the code once, before it expires,
// for the kiosk's credential ("<kiosk id>.<64 hex>"), which the page keeps
// and sends as `Authorization: Bearer`. The registry keeps only SHA-256
// hashes of codes and credentials, in <data_dir>/kiosks.json, written
// atomically (temporary file, fsync, rename, fsync of the directory) before
// any answer, so enrollments, used codes and revocations survive restarts
// and crashes. Credentials and codes are compared in constant time.
//
// The file is this edge's own state, not an event: it is not replicated to
// the hub nor carried by a log export (a replaced edge enrolls its kiosks
// again); a data-dir backup (`hailongctl backup`) copies it.
//
// Thread safety: internally synchronized; any method from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "hailong/schema/status.h"
#include "hailong/schema/time.h"

namespace hailong::edge {

struct KioskRecord {
  std::string id;       // "kiosk-<counter>-<n>"
  std::string counter;  // the only counter it may rate for
  std::string name;     // technician's note ("tablet by the door"), may be ""
  int64_t created_ms = 0;
  std::string code_sha256;  // pending code; "" once used
  int64_t code_expires_ms = 0;
  std::string token_sha256;  // "" until enrolled
  int64_t enrolled_ms = 0;
  int64_t revoked_ms = 0;  // 0 = not revoked

  // "pending", "expired", "enrolled" or "revoked" at `now_ms`.
  std::string State(int64_t now_ms) const;
};

class KioskRegistry {
 public:
  // Loads `path` (a missing file is an empty registry). Corruption when
  // the file cannot be understood: the edge does not start over it.
  static Status Open(std::string path, const Clock* clock, std::unique_ptr<KioskRegistry>* out);

  // A new kiosk for `counter` and its one-time enrollment code, valid for
  // `ttl_ms`. *code is the only copy of the plain code. IOError if the file
  // cannot be written (nothing changes then).
  Status Create(const std::string& counter, const std::string& name, int64_t ttl_ms,
                KioskRecord* out, std::string* code);

  // Redeems an enrollment code once: *token gets the kiosk's credential.
  // PermissionDenied "expired" for an expired code, NotFound for any other
  // code (unknown, used, revoked kiosk); IOError if the file cannot be
  // written (the code stays unused then).
  Status Redeem(const std::string& code, KioskRecord* out, std::string* token);

  // The enrolled, not revoked kiosk whose credential `token` is.
  std::optional<KioskRecord> Authenticate(const std::string& token) const;

  // Revokes a kiosk (its credential and any pending code). NotFound if no
  // such kiosk; revoking twice keeps the first time.
  Status Revoke(const std::string& id, KioskRecord* out);

  std::vector<KioskRecord> List() const;

 private:
  KioskRegistry(std::string path, const Clock* clock) : path_(std::move(path)), clock_(clock) {}
  Status SaveLocked() const;

  const std::string path_;
  const Clock* clock_;
  mutable std::mutex mu_;
  std::vector<KioskRecord> kiosks_;
};

// Equal strings, in time that depends only on their lengths.
bool SameSecret(std::string_view a, std::string_view b);

// `n` random bytes from the kernel (getrandom), as lower-case hex.
Status RandomHex(size_t n, std::string* out);

}  // namespace hailong::edge
