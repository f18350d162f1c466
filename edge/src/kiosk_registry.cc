// KioskRegistry: see kiosk_registry.h.
#include "kiosk_registry.h"

#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "hailong/schema/event.h"

namespace hailong::edge {

namespace fs = std::filesystem;
using nlohmann::json;

bool SameSecret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

Status RandomHex(size_t n, std::string* out) {
  std::string raw(n, '\0');
  size_t got = 0;
  while (got < n) {
    const ssize_t r = ::getrandom(raw.data() + got, n - got, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      return Status::IOError(std::string("getrandom: ") + std::strerror(errno));
    }
    got += static_cast<size_t>(r);
  }
  *out = schema::HexEncode(raw);
  return Status::OK();
}

std::string KioskRecord::State(int64_t now_ms) const {
  if (revoked_ms != 0) return "revoked";
  if (!token_sha256.empty()) return "enrolled";
  return now_ms < code_expires_ms ? "pending" : "expired";
}

namespace {

constexpr int kFileVersion = 1;

std::string Sha256Hex(std::string_view s) { return schema::HexEncode(schema::Sha256(s)); }

json RecordToJson(const KioskRecord& k) {
  return {{"id", k.id},
          {"counter", k.counter},
          {"name", k.name},
          {"created_ms", k.created_ms},
          {"code_sha256", k.code_sha256},
          {"code_expires_ms", k.code_expires_ms},
          {"token_sha256", k.token_sha256},
          {"enrolled_ms", k.enrolled_ms},
          {"revoked_ms", k.revoked_ms}};
}

bool RecordFromJson(const json& j, KioskRecord* k) {
  if (!j.is_object()) return false;
  try {
    k->id = j.at("id").get<std::string>();
    k->counter = j.at("counter").get<std::string>();
    k->name = j.value("name", "");
    k->created_ms = j.value("created_ms", int64_t{0});
    k->code_sha256 = j.value("code_sha256", "");
    k->code_expires_ms = j.value("code_expires_ms", int64_t{0});
    k->token_sha256 = j.value("token_sha256", "");
    k->enrolled_ms = j.value("enrolled_ms", int64_t{0});
    k->revoked_ms = j.value("revoked_ms", int64_t{0});
  } catch (const json::exception&) {
    return false;
  }
  return !k->id.empty() && !k->counter.empty();
}

Status WriteAll(int fd, const std::string& bytes, const std::string& path) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t w = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      return Status::IOError("writing " + path + ": " + std::strerror(errno));
    }
    done += static_cast<size_t>(w);
  }
  return Status::OK();
}

// Replaces `path` with `bytes` atomically and durably.
Status ReplaceFileDurably(const std::string& path, const std::string& bytes) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IOError("cannot create " + tmp + ": " + std::strerror(errno));
  Status s = WriteAll(fd, bytes, tmp);
  if (s.ok() && ::fsync(fd) != 0) s = Status::IOError("fsync " + tmp + ": " + std::strerror(errno));
  ::close(fd);
  if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    s = Status::IOError("rename " + tmp + ": " + std::strerror(errno));
  }
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  const std::string dir = fs::path(path).parent_path().string();
  const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return Status::IOError("cannot open " + dir + ": " + std::strerror(errno));
  const int rc = ::fsync(dfd);
  ::close(dfd);
  if (rc != 0) return Status::IOError("fsync " + dir + ": " + std::strerror(errno));
  return Status::OK();
}

}  // namespace

Status KioskRegistry::Open(std::string path, const Clock* clock,
                           std::unique_ptr<KioskRegistry>* out) {
  std::unique_ptr<KioskRegistry> r(new KioskRegistry(std::move(path), clock));
  std::ifstream in(r->path_, std::ios::binary);
  if (in) {
    std::ostringstream text;
    text << in.rdbuf();
    json j = json::parse(text.str(), nullptr, false);
    if (!j.is_object() || j.value("version", 0) != kFileVersion || !j.contains("kiosks") ||
        !j["kiosks"].is_array()) {
      return Status::Corruption(r->path_ + ": not a kiosk registry of version 1");
    }
    for (const json& k : j["kiosks"]) {
      KioskRecord record;
      if (!RecordFromJson(k, &record)) return Status::Corruption(r->path_ + ": bad kiosk entry");
      r->kiosks_.push_back(std::move(record));
    }
  }
  *out = std::move(r);
  return Status::OK();
}

Status KioskRegistry::SaveLocked() const {
  json list = json::array();
  for (const KioskRecord& k : kiosks_) list.push_back(RecordToJson(k));
  return ReplaceFileDurably(path_, json{{"version", kFileVersion}, {"kiosks", list}}.dump(1));
}

Status KioskRegistry::Create(const std::string& counter, const std::string& name, int64_t ttl_ms,
                             KioskRecord* out, std::string* code) {
  std::string plain;
  Status s = RandomHex(16, &plain);
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> lock(mu_);
  int n = 0;
  const std::string prefix = "kiosk-" + counter + "-";
  for (const KioskRecord& k : kiosks_) {
    if (k.id.rfind(prefix, 0) == 0) n = std::max(n, std::atoi(k.id.c_str() + prefix.size()));
  }
  KioskRecord k;
  k.id = prefix + std::to_string(n + 1);
  k.counter = counter;
  k.name = name;
  k.created_ms = clock_->NowMs();
  k.code_sha256 = Sha256Hex(plain);
  k.code_expires_ms = k.created_ms + ttl_ms;
  kiosks_.push_back(k);
  s = SaveLocked();
  if (!s.ok()) {
    kiosks_.pop_back();
    return s;
  }
  *out = k;
  *code = plain;
  return Status::OK();
}

Status KioskRegistry::Redeem(const std::string& code, KioskRecord* out, std::string* token) {
  const std::string hash = Sha256Hex(code);
  std::lock_guard<std::mutex> lock(mu_);
  KioskRecord* found = nullptr;
  for (KioskRecord& k : kiosks_) {
    // Every pending code is compared, so the time says nothing of which.
    if (!k.code_sha256.empty() && SameSecret(k.code_sha256, hash) && found == nullptr) found = &k;
  }
  if (found == nullptr || found->revoked_ms != 0) {
    return Status::NotFound("unknown or already used enrollment code");
  }
  const int64_t now = clock_->NowMs();
  if (now >= found->code_expires_ms) return Status::PermissionDenied("enrollment code expired");
  std::string secret;
  Status s = RandomHex(32, &secret);
  if (!s.ok()) return s;
  const KioskRecord before = *found;
  const std::string credential = found->id + "." + secret;
  found->code_sha256.clear();
  found->token_sha256 = Sha256Hex(credential);
  found->enrolled_ms = now;
  s = SaveLocked();
  if (!s.ok()) {
    *found = before;
    return s;
  }
  *out = *found;
  *token = credential;
  return Status::OK();
}

std::optional<KioskRecord> KioskRegistry::Authenticate(const std::string& token) const {
  const size_t dot = token.find('.');
  if (dot == std::string::npos || token.size() > 256) return std::nullopt;
  const std::string_view id = std::string_view(token).substr(0, dot);
  const std::string hash = Sha256Hex(token);
  std::lock_guard<std::mutex> lock(mu_);
  for (const KioskRecord& k : kiosks_) {
    if (k.id != id) continue;
    if (k.revoked_ms != 0 || k.token_sha256.empty()) return std::nullopt;
    if (!SameSecret(k.token_sha256, hash)) return std::nullopt;
    return k;
  }
  return std::nullopt;
}

Status KioskRegistry::Revoke(const std::string& id, KioskRecord* out) {
  std::lock_guard<std::mutex> lock(mu_);
  for (KioskRecord& k : kiosks_) {
    if (k.id != id) continue;
    if (k.revoked_ms == 0) {
      const KioskRecord before = k;
      k.revoked_ms = clock_->NowMs();
      k.code_sha256.clear();
      Status s = SaveLocked();
      if (!s.ok()) {
        k = before;
        return s;
      }
    }
    *out = k;
    return Status::OK();
  }
  return Status::NotFound("no kiosk " + id);
}

std::vector<KioskRecord> KioskRegistry::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  return kiosks_;
}

}  // namespace hailong::edge
