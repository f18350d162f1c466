#include "hailong/hub/auth.h"

#include <sodium.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <semaphore>

#include "codec.h"
#include "hailong/schema/event.h"

namespace hailong::hub {

using json = nlohmann::json;

namespace {

constexpr int64_t kMinuteMs = 60 * 1000;
constexpr int64_t kFailureWindowMs = 15 * kMinuteMs;

// Argon2id with interactive limits takes 64 MiB per check: at most two at once.
std::counting_semaphore<64> g_verify_slots(2);

bool InitSodium() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

std::string RandomToken() {
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char text[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(text, sizeof text, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(raw, sizeof raw);
  return text;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The value of cookie `name` in a Cookie header, "" if absent.
std::string_view CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const size_t semi = header.find(';');
    std::string_view part = Trim(header.substr(0, semi));
    const size_t eq = part.find('=');
    if (eq != std::string_view::npos && Trim(part.substr(0, eq)) == name) {
      return Trim(part.substr(eq + 1));
    }
    if (semi == std::string_view::npos) break;
    header.remove_prefix(semi + 1);
  }
  return {};
}

void Prune(std::deque<int64_t>* times, int64_t cutoff) {
  while (!times->empty() && times->front() < cutoff) times->pop_front();
}

}  // namespace

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string TokenSha256Hex(std::string_view token) {
  return schema::HexEncode(schema::Sha256(token));
}

std::string Principal::name() const {
  if (kind == Kind::kUser) return user->name;
  if (kind == Kind::kNode) return "node:" + node->id;
  return "";
}

bool Principal::MaySeeOffice(std::string_view office) const {
  if (kind == Kind::kUser) return user->MaySee(office);
  if (kind == Kind::kNode) return node->office_id == office;
  return false;
}

bool Principal::AllOffices() const { return kind == Kind::kUser && user->AllOffices(); }

bool Principal::MaySeePersonalData() const {
  return kind == Kind::kUser && (user->role == Role::kAdmin || user->role == Role::kManager);
}

Auth::Auth(const HubConfig* config, replication::Store* store, const Clock* clock)
    : config_(config), store_(store), clock_(clock ? clock : Clock::System()) {
  InitSodium();
  const int64_t now = clock_->NowMs();
  std::string end(codec::kSessionPrefix);
  end.back() = static_cast<char>('/' + 1);
  replication::WriteBatch expired;
  Status s =
      store_->Scan(codec::kSessionPrefix, end, [&](std::string_view key, std::string_view v) {
        json j = json::parse(v, nullptr, false);
        const std::string hash(key.substr(codec::kSessionPrefix.size()));
        if (j.is_discarded() || j.value("expires_ms", int64_t{0}) <= now ||
            FindUser(j.value("user", "")) == nullptr) {
          expired.Delete(key);
          return true;
        }
        Session session;
        session.user = j.value("user", "");
        session.csrf = j.value("csrf", "");
        session.expires_ms = j.value("expires_ms", int64_t{0});
        session.persisted_expires_ms = session.expires_ms;
        sessions_[hash] = std::move(session);
        return true;
      });
  s.PermitUncheckedError();  // no stored sessions: everyone logs in again
  if (expired.Count() > 0) store_->Write(expired, false).PermitUncheckedError();
}

const UserConfig* Auth::FindUser(std::string_view name) const {
  for (const UserConfig& u : config_->users) {
    if (u.name == name) return &u;
  }
  return nullptr;
}

void Auth::Persist(const std::string& hash, const Session& s) const {
  replication::WriteBatch batch;
  batch.Put(codec::SessionKey(hash),
            codec::Dump(json{{"user", s.user}, {"csrf", s.csrf}, {"expires_ms", s.expires_ms}}));
  // A lost session write only means logging in again after a restart.
  store_->Write(batch, false).PermitUncheckedError();
}

namespace {

constexpr int64_t kBackstopWindowMs = 24 * 60 * kMinuteMs;
constexpr int64_t kBackstopMaxDelayMs = 15 * kMinuteMs;
constexpr int64_t kKnownAddressMs = int64_t{30} * 24 * 60 * kMinuteMs;
constexpr size_t kKnownAddresses = 32;

std::string PairKey(std::string_view name, std::string_view address) {
  std::string key(name);
  key.push_back('\0');
  key.append(address);
  return key;
}

// Seconds until `until_ms` (at least 1).
int RetryAfter(int64_t until_ms, int64_t now) {
  return static_cast<int>(std::max<int64_t>(until_ms - now, 0) / 1000) + 1;
}

}  // namespace

bool Auth::RateLimited(std::string_view address, std::string_view name, int* retry_after_s) {
  const int64_t now = clock_->NowMs();
  std::lock_guard<std::mutex> lock(mu_);
  auto& attempts = attempts_[std::string(address)];
  Prune(&attempts, now - kMinuteMs);
  // 1. Attempts per client address (any name).
  if (attempts.size() >= static_cast<size_t>(config_->login_attempts_per_minute)) {
    *retry_after_s = RetryAfter(attempts.front() + kMinuteMs, now);
    stats_.logins_limited++;
    return true;
  }
  // 2. Failures of this name from this address: only this address waits.
  if (auto it = pair_failures_.find(PairKey(name, address)); it != pair_failures_.end()) {
    Prune(&it->second, now - kFailureWindowMs);
    if (it->second.size() >= static_cast<size_t>(config_->login_failures_per_name)) {
      *retry_after_s = RetryAfter(it->second.front() + kFailureWindowMs, now);
      stats_.logins_limited++;
      return true;
    }
  }
  // 3. The backstop against a guesser spread over many addresses: past
  // login_backstop_failures failures of the name, each attempt waits a
  // doubling delay after the latest failure, unless the address is one the
  // name logged in from (its owner keeps working during an attack).
  if (auto it = name_failures_.find(std::string(name)); it != name_failures_.end()) {
    Prune(&it->second, now - kBackstopWindowMs);
    const int64_t over = static_cast<int64_t>(it->second.size()) -
                         static_cast<int64_t>(config_->login_backstop_failures);
    bool known = false;
    if (auto k = known_addresses_.find(std::string(name)); k != known_addresses_.end()) {
      auto a = k->second.find(std::string(address));
      known = a != k->second.end() && a->second > now - kKnownAddressMs;
    }
    if (over >= 0 && !known) {
      const int64_t delay =
          over >= 20 ? kBackstopMaxDelayMs : std::min(kBackstopMaxDelayMs, int64_t{2000} << over);
      const int64_t until = it->second.back() + delay;
      if (now < until) {
        *retry_after_s = RetryAfter(until, now);
        stats_.logins_limited++;
        return true;
      }
    }
  }
  attempts.push_back(now);
  if (attempts_.size() > 100000) attempts_.clear();  // bounded memory under a flood
  return false;
}

void Auth::RecordFailure(std::string_view name, std::string_view address) {
  std::lock_guard<std::mutex> lock(mu_);
  stats_.logins_failed++;
  // Only configured names are tracked, so random names cannot grow the maps.
  if (FindUser(name) == nullptr) return;
  const int64_t now = clock_->NowMs();
  if (pair_failures_.size() > 100000) pair_failures_.clear();  // bounded under a flood
  pair_failures_[PairKey(name, address)].push_back(now);
  name_failures_[std::string(name)].push_back(now);
}

void Auth::RecordSuccess(std::string_view name, std::string_view address) {
  std::lock_guard<std::mutex> lock(mu_);
  stats_.logins_ok++;
  pair_failures_.erase(PairKey(name, address));
  // The name's own failures stay: a guesser gets no fresh budget from its
  // owner's login.
  auto& known = known_addresses_[std::string(name)];
  known[std::string(address)] = clock_->NowMs();
  while (known.size() > kKnownAddresses) {
    auto oldest = std::min_element(known.begin(), known.end(), [](const auto& a, const auto& b) {
      return a.second < b.second;
    });
    known.erase(oldest);
  }
}

Status Auth::Login(std::string_view name, std::string_view password, std::string_view address,
                   LoginResult* out, int* retry_after_s) {
  *retry_after_s = 0;
  if (RateLimited(address, name, retry_after_s)) {
    return Status::Unavailable("too many login attempts");
  }
  const UserConfig* user = FindUser(name);
  std::string hash;
  if (user != nullptr) {
    hash = user->password_hash;
  } else {
    // Spend the same time on unknown names as on known ones.
    std::lock_guard<std::mutex> lock(mu_);
    if (dummy_hash_.empty()) {
      char buf[crypto_pwhash_STRBYTES];
      const std::string pw = RandomToken();
      if (crypto_pwhash_str(buf, pw.data(), pw.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0) {
        dummy_hash_ = buf;
      }
    }
    hash = dummy_hash_;
  }
  bool ok = false;
  if (!hash.empty()) {
    g_verify_slots.acquire();
    ok = crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
    g_verify_slots.release();
  }
  if (!ok || user == nullptr) {
    RecordFailure(name, address);
    return Status::Unauthenticated("wrong name or password");
  }
  Session session;
  session.user = user->name;
  session.csrf = RandomToken();
  session.expires_ms = clock_->NowMs() + config_->session_ttl_s * 1000;
  session.persisted_expires_ms = session.expires_ms;
  out->session_id = RandomToken();
  out->csrf_token = session.csrf;
  out->user = user;
  out->expires_ms = session.expires_ms;
  const std::string key = TokenSha256Hex(out->session_id);
  Persist(key, session);
  RecordSuccess(name, address);
  std::lock_guard<std::mutex> lock(mu_);
  sessions_[key] = std::move(session);
  return Status::OK();
}

void Auth::Logout(const Principal& principal) {
  if (principal.session_hash.empty()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    sessions_.erase(principal.session_hash);
  }
  replication::WriteBatch batch;
  batch.Delete(codec::SessionKey(principal.session_hash));
  store_->Write(batch, false).PermitUncheckedError();
}

bool Auth::SessionAlive(const std::string& session_hash) const {
  const int64_t now = clock_->NowMs();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(session_hash);
  return it != sessions_.end() && it->second.expires_ms > now;
}

Principal Auth::Authenticate(std::string_view cookie_header, std::string_view authorization) const {
  Principal p;
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() > kBearer.size() && authorization.substr(0, kBearer.size()) == kBearer) {
    const std::string hash = TokenSha256Hex(Trim(authorization.substr(kBearer.size())));
    const NodeConfig* found = nullptr;
    // Compare with every node (no early exit) in constant time each.
    for (const NodeConfig& n : config_->nodes) {
      if (ConstantTimeEqual(hash, n.token_sha256)) found = &n;
    }
    if (found != nullptr) {
      p.kind = Principal::Kind::kNode;
      p.node = found;
    }
    return p;
  }
  const std::string_view id = CookieValue(cookie_header, kSessionCookie);
  if (id.empty() || id.size() > 128) return p;
  const std::string hash = TokenSha256Hex(id);
  const int64_t now = clock_->NowMs();
  std::unique_lock<std::mutex> lock(mu_);
  auto it = sessions_.find(hash);
  if (it == sessions_.end()) return p;
  if (it->second.expires_ms <= now) {
    sessions_.erase(it);
    return p;
  }
  const UserConfig* user = FindUser(it->second.user);
  if (user == nullptr) return p;
  // Sliding expiry, written back at most every tenth of the lifetime.
  const int64_t ttl_ms = config_->session_ttl_s * 1000;
  it->second.expires_ms = now + ttl_ms;
  if (it->second.expires_ms - it->second.persisted_expires_ms > ttl_ms / 10) {
    it->second.persisted_expires_ms = it->second.expires_ms;
    Session copy = it->second;
    lock.unlock();
    Persist(hash, copy);
    lock.lock();
    it = sessions_.find(hash);
    if (it == sessions_.end()) return p;
  }
  p.kind = Principal::Kind::kUser;
  p.user = user;
  p.via_cookie = true;
  p.session_hash = hash;
  p.csrf_token = it->second.csrf;
  return p;
}

bool Auth::CheckCsrf(const Principal& principal, std::string_view header) const {
  if (!principal.via_cookie) return true;
  if (principal.csrf_token.empty() || header.empty()) return false;
  return ConstantTimeEqual(principal.csrf_token, header);
}

std::string Auth::SessionCookie(const LoginResult& login) const {
  std::string c =
      std::string(kSessionCookie) + "=" + login.session_id +
      "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(config_->session_ttl_s);
  if (config_->cookie_secure) c += "; Secure";
  return c;
}

std::string Auth::ClearCookie() const {
  std::string c = std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
  if (config_->cookie_secure) c += "; Secure";
  return c;
}

AuthStats Auth::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  AuthStats s = stats_;
  s.sessions = sessions_.size();
  return s;
}

}  // namespace hailong::hub
