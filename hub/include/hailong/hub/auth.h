// Auth: who is calling. Users log in with a name and password (Argon2id
// hashes from the configuration, checked with crypto_pwhash_str_verify) and
// get a session: a random id in an HttpOnly, SameSite=Strict cookie, kept in
// the store only as its SHA-256, with a CSRF token that every state-changing
// cookie-authenticated request must echo in X-CSRF-Token. Nodes present a
// bearer token whose SHA-256 is compared in constant time with the
// configured ones. Logins are rate limited per client address, per (name,
// address) failures, and per name with an exponential delay that spares
// addresses the name has logged in from (hub/README.md "Login limits").
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "hailong/hub/config.h"
#include "hailong/replication/store.h"
#include "hailong/schema/status.h"
#include "hailong/schema/time.h"

namespace hailong::hub {

inline constexpr char kSessionCookie[] = "hailong_session";

struct Principal {
  enum class Kind { kNone, kUser, kNode };
  Kind kind = Kind::kNone;
  const UserConfig* user = nullptr;  // kUser; points into the Auth's config
  const NodeConfig* node = nullptr;  // kNode
  bool via_cookie = false;           // a session cookie (needs CSRF on writes)
  std::string session_hash;          // hex SHA-256 of the session id
  std::string csrf_token;

  bool authenticated() const { return kind != Kind::kNone; }
  bool is_user() const { return kind == Kind::kUser; }
  bool is_node() const { return kind == Kind::kNode; }
  std::string name() const;
  // Users: their office scope. Nodes: their own office.
  bool MaySeeOffice(std::string_view office) const;
  bool AllOffices() const;
  bool IsAdmin() const { return is_user() && user->role == Role::kAdmin; }
  // Phone numbers and comments: admins and managers, not viewers.
  bool MaySeePersonalData() const;
};

struct LoginResult {
  std::string session_id;  // the cookie value (never stored)
  std::string csrf_token;
  const UserConfig* user = nullptr;
  int64_t expires_ms = 0;
};

struct AuthStats {
  uint64_t logins_ok = 0;
  uint64_t logins_failed = 0;
  uint64_t logins_limited = 0;
  uint64_t sessions = 0;
};

class Auth {
 public:
  // `config` and `store` must outlive the Auth. Loads the stored sessions.
  Auth(const HubConfig* config, replication::Store* store, const Clock* clock);

  // Unauthenticated for a wrong name or password (the same message for both),
  // Unavailable when the address or the name is over its rate limit
  // (*retry_after_s says when to try again).
  Status Login(std::string_view name, std::string_view password, std::string_view address,
               LoginResult* out, int* retry_after_s);
  void Logout(const Principal& principal);
  // Whether the session (hex SHA-256 of its id) exists and has not expired;
  // does not extend it. For the live-update streams, which end with it.
  bool SessionAlive(const std::string& session_hash) const;

  // From the Cookie and Authorization headers ("" when absent). A bearer
  // token wins over a cookie.
  Principal Authenticate(std::string_view cookie_header, std::string_view authorization) const;
  // True if `header` equals the session's CSRF token (constant time).
  bool CheckCsrf(const Principal& principal, std::string_view header) const;

  // The Set-Cookie value for a new session, and the one that clears it.
  std::string SessionCookie(const LoginResult& login) const;
  std::string ClearCookie() const;

  AuthStats stats() const;

 private:
  struct Session {
    std::string user;
    std::string csrf;
    int64_t expires_ms = 0;
    int64_t persisted_expires_ms = 0;
  };
  bool RateLimited(std::string_view address, std::string_view name, int* retry_after_s);
  void RecordFailure(std::string_view name, std::string_view address);
  void RecordSuccess(std::string_view name, std::string_view address);
  const UserConfig* FindUser(std::string_view name) const;
  void Persist(const std::string& hash, const Session& s) const;

  const HubConfig* config_;
  replication::Store* store_;
  const Clock* clock_;
  mutable std::mutex mu_;
  mutable std::map<std::string, Session> sessions_;      // by hex hash; guarded by mu_
  std::map<std::string, std::deque<int64_t>> attempts_;  // by address; guarded by mu_
  // Failures by name + '\0' + address (per-pair limit) and by name (the
  // backstop); addresses each name logged in from, with the time (at most
  // kKnownAddresses per name). Only configured names are kept. Guarded by mu_.
  std::map<std::string, std::deque<int64_t>> pair_failures_;
  std::map<std::string, std::deque<int64_t>> name_failures_;
  std::map<std::string, std::map<std::string, int64_t>> known_addresses_;
  AuthStats stats_;         // guarded by mu_
  std::string dummy_hash_;  // guarded by mu_
};

// Hex SHA-256 of a token as text (the node token_sha256 form).
std::string TokenSha256Hex(std::string_view token);

// a == b, in time that depends only on the lengths (sodium_memcmp): how
// every token, token hash and CSRF token is compared.
bool ConstantTimeEqual(std::string_view a, std::string_view b);

}  // namespace hailong::hub
