// hailongctl restore: a backup back into a data dir, refusing to roll a
// node back behind what the hub already holds of it.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <system_error>

#include "file_tree.h"
#include "hailong/ops/backup.h"
#include "hailong/ops/data_dir.h"
#include "hailong/ops/log_verify.h"
#include "http_client.h"

namespace hailong::ops {

namespace fs = std::filesystem;

namespace {

constexpr char kHubOrigin[] = "hub";

// "20260303T101500Z" for the moved-aside directory's name.
std::string CompactTime(int64_t ms) {
  std::string t = FormatRfc3339(ms);  // 2026-03-03T10:15:00.000Z
  std::string out;
  for (char c : t.substr(0, 19)) {
    if (c != '-' && c != ':') out.push_back(c);
  }
  return out + "Z";
}

// The node's own origin among the backup's: see RestoreOptions::origin.
std::string OwnOrigin(const BackupManifest& m) {
  std::vector<std::string> others;
  bool has_hub = false;
  for (const auto& o : m.origins) {
    if (o.origin == kHubOrigin) {
      has_hub = true;
    } else {
      others.push_back(o.origin);
    }
  }
  if (others.size() == 1) return others[0];
  if (others.size() > 1 || (has_hub && others.empty())) return kHubOrigin;
  return "";
}

// Head of `origin` in the data dir's log; nullopt when it holds no log.
Status CurrentHead(const std::string& data_dir, const std::string& origin,
                   std::optional<uint64_t>* head) {
  head->reset();
  std::string store_dir;
  Status s = FindLogStore(data_dir, &store_dir);
  if (s.IsNotFound()) return Status::OK();
  if (!s.ok()) return s;
  std::unique_ptr<replication::EventLog> log;
  s = OpenLogForReading(data_dir, &log);
  if (!s.ok()) return s;
  *head = log->Head(origin).seq;
  return Status::OK();
}

Status CheckNotInUse(const std::string& data_dir) {
  std::string store_dir;
  if (!FindLogStore(data_dir, &store_dir).ok()) return Status::OK();
  int pid = 0;
  if (!StoreInUse(store_dir, &pid)) return Status::OK();
  return Status::Unavailable(std::string(kDataDirInUse) + " (" + store_dir +
                             (pid > 0 ? ", pid " + std::to_string(pid) : "") + ")");
}

Status Stage(const RestoreOptions& options, const std::string& staging, RestoreResult* r) {
  Status s = CopyTree(
      options.backup_dir, staging,
      [](const std::string& rel) { return rel == kBackupManifestFile; }, options.progress,
      r->manifest.bytes, nullptr);
  if (!s.ok()) return s;
  const std::string store = (fs::path(staging) / r->manifest.store).lexically_normal().string();
  std::unique_ptr<replication::EventLog> log;
  s = OpenLogForReading(store, &log);
  if (!s.ok()) return s;
  LogVerifyResult verified;
  s = VerifyLog(*log, "", options.progress, &verified);
  if (!s.ok()) return s;
  for (const auto& o : r->manifest.origins) {
    if (log->Head(o.origin).seq != o.head_seq) {
      return Status::Corruption("the backup's head of " + o.origin + " differs from its manifest");
    }
  }
  r->origin = options.origin.empty() ? OwnOrigin(r->manifest) : options.origin;
  r->backup_head = r->origin.empty() ? 0 : log->Head(r->origin).seq;
  return Status::OK();
}

Status Decide(const RestoreOptions& options, RestoreResult* r) {
  if (!options.hub_url.empty() && r->origin != kHubOrigin) {
    if (r->origin.empty()) {
      return Status::InvalidArgument(
          "cannot tell the node's origin from the backup: give --origin");
    }
    uint64_t acked = 0;
    Status s = FetchReplicationCursor(options.hub_url, options.token, r->origin,
                                      options.timeout_seconds, &acked);
    if (!s.ok()) return s;
    r->hub_acked = acked;
    if (acked > r->backup_head) r->ahead = "hub_ahead";
  }
  if (!r->origin.empty()) {
    Status s = CurrentHead(options.data_dir, r->origin, &r->replaced_head);
    if (!s.ok()) return s;
    if (r->ahead.empty() && r->replaced_head && *r->replaced_head > r->backup_head) {
      r->ahead = "data_dir_ahead";
    }
  }
  if (r->ahead.empty()) return Status::OK();
  if (options.force) {
    r->forced = true;
    return Status::OK();
  }
  if (r->ahead == "hub_ahead") {
    return Status::Conflict("the hub already holds " + r->origin + " up to seq " +
                            std::to_string(*r->hub_acked) + ", the backup only up to seq " +
                            std::to_string(r->backup_head) +
                            ": the restored node would write new events under seqs the hub "
                            "already holds, and the hub would refuse them as a fork");
  }
  return Status::Conflict("the data dir holds " + r->origin + " up to seq " +
                          std::to_string(*r->replaced_head) + ", the backup only up to seq " +
                          std::to_string(r->backup_head) + ": restoring would set aside " +
                          std::to_string(*r->replaced_head - r->backup_head) + " events");
}

// Moves the old data dir aside and the staged copy into place, keeping the
// old dir's owner (a daemon's user) when run as root.
Status Swap(const RestoreOptions& options, const std::string& staging, RestoreResult* r) {
  std::error_code ec;
  fs::path target = fs::path(options.data_dir).lexically_normal();
  if (!target.has_filename()) target = target.parent_path();
  struct stat st {};
  const bool existed = ::stat(target.c_str(), &st) == 0;
  if (existed && ::geteuid() == 0 && (st.st_uid != 0 || st.st_gid != 0)) {
    Status s = ChownTree(staging, st.st_uid, st.st_gid);
    if (!s.ok()) return s;
  }
  if (existed) {
    if (fs::is_directory(target, ec) && fs::is_empty(target, ec)) {
      fs::remove(target, ec);
    } else {
      const Clock* clock = options.clock != nullptr ? options.clock : Clock::System();
      r->moved_aside = target.string() + ".before-restore-" + CompactTime(clock->NowMs());
      fs::rename(target, r->moved_aside, ec);
      if (ec) {
        r->moved_aside.clear();
        return Status::IOError("cannot move " + target.string() + " aside: " + ec.message());
      }
    }
  }
  fs::rename(staging, target, ec);
  if (ec) return Status::IOError("cannot move the restored copy into place: " + ec.message());
  const fs::path parent = target.parent_path();
  return SyncDir(parent.empty() ? "." : parent.string());
}

}  // namespace

Status FetchReplicationCursor(const std::string& hub_url, const std::string& token,
                              const std::string& origin, int timeout_seconds, uint64_t* acked_seq) {
  HubUrl url;
  Status s = ParseHubUrl(hub_url, &url);
  if (!s.ok()) return s;
  HttpClient client(url, timeout_seconds);
  HttpResponse res;
  s = client.Get("/api/v1/replication/cursor?origin=" + origin,
                 {{"Authorization", "Bearer " + token}}, &res);
  if (!s.ok()) return s;
  if (res.status == 401) return Status::Unauthenticated("the hub does not accept the token");
  if (res.status == 403) {
    return Status::PermissionDenied("the token may not read the cursor of " + origin);
  }
  if (res.status != 200) {
    return Status::Unavailable("the hub answered HTTP " + std::to_string(res.status) +
                               " for the cursor of " + origin);
  }
  nlohmann::json j = nlohmann::json::parse(res.body, nullptr, false);
  if (!j.is_object() || !j.contains("acked_seq") || !j["acked_seq"].is_number_unsigned()) {
    return Status::Unavailable("the hub's cursor answer has no acked_seq");
  }
  *acked_seq = j["acked_seq"].get<uint64_t>();
  return Status::OK();
}

Status RestoreDataDir(const RestoreOptions& options, RestoreResult* result) {
  *result = RestoreResult();
  Status s = ReadBackupManifest(options.backup_dir, &result->manifest);
  if (!s.ok()) return s;
  s = CheckNotInUse(options.data_dir);
  if (!s.ok()) return s;
  fs::path target = fs::path(options.data_dir).lexically_normal();
  if (!target.has_filename()) target = target.parent_path();
  const std::string staging = target.string() + ".restoring";
  std::error_code ec;
  if (!target.parent_path().empty()) fs::create_directories(target.parent_path(), ec);
  s = RemoveTree(staging);
  if (!s.ok()) return s;
  s = Stage(options, staging, result);
  if (s.ok()) s = Decide(options, result);
  if (s.ok()) s = Swap(options, staging, result);
  if (!s.ok()) RemoveTree(staging).PermitUncheckedError();
  return s;
}

}  // namespace hailong::ops
