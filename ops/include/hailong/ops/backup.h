// `hailongctl backup` and `restore`: a node's data dir copied whole.
//
// A backup directory holds the data dir's layout: the event log's store as
// a RocksDB checkpoint (a consistent copy of every key: events, heads,
// idempotency records, the edge's and hub's own state), every other file of
// the data dir (officer photos, ...) except scratch files (`tmp/`), and a
// manifest, hailong-backup.json:
//
//   {"format_version":1,"created_at":"<RFC 3339>","tool":"hailongctl 0.1.0",
//    "source":"/var/lib/hailong/edge","store":"log","bytes":123456,
//    "origins":[{"origin":"edge-phuong-01","head_seq":1234,"head_hash":"<hex>"}]}
//
// A stopped node's data dir is copied directly. RocksDB lets one process
// open a store, and only that process may checkpoint it, so a running
// edge's data dir is backed up online through the edge (edge_url and its
// admin token): the edge checkpoints its live log into <data_dir>/tmp (POST
// /api/v1/admin/checkpoint), the backup copies that checkpoint and the data
// dir's other files, and the edge removes the checkpoint again. Without
// edge_url a running daemon's data dir is refused (Unavailable,
// kDataDirInUse).
//
// Thread safety: the functions keep no state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hailong/ops/progress.h"
#include "hailong/schema/status.h"
#include "hailong/schema/time.h"

namespace hailong::ops {

inline constexpr char kBackupManifestFile[] = "hailong-backup.json";
inline constexpr int kBackupFormatVersion = 1;

struct BackupOriginHead {
  std::string origin;
  uint64_t head_seq = 0;
  std::string head_hash;  // hex chain hash of head_seq
};

struct BackupManifest {
  int format_version = kBackupFormatVersion;
  std::string created_at;
  std::string tool;
  std::string source;  // absolute path of the data dir backed up
  std::string store;   // the store's path relative to the data dir ("log", or "." itself)
  uint64_t bytes = 0;  // bytes of the backup's files
  std::vector<BackupOriginHead> origins;  // sorted by origin

  // The head of `origin`, 0 when the backup holds none of its events.
  uint64_t HeadOf(const std::string& origin) const;
};

std::string EncodeBackupManifest(const BackupManifest& manifest);
// Corruption naming the key for a manifest that is not v1.
Status DecodeBackupManifest(const std::string& json, BackupManifest* out);
// Reads <backup_dir>/hailong-backup.json. NotFound when `backup_dir` is not
// a backup.
Status ReadBackupManifest(const std::string& backup_dir, BackupManifest* out);

struct BackupOptions {
  std::string data_dir;
  // Created; must not exist, or be an empty directory.
  std::string out_dir;
  // Re-open the copy and recompute every origin's hash chain. Default true.
  bool verify = true;
  // The running edge that holds data_dir ("http[s]://host:port") and the
  // bearer token whose sha256 is its admin_token_sha256; used only when
  // the data dir is in use.
  std::string edge_url;
  std::string edge_token;
  int timeout_seconds = 120;
  // Clock for created_at; nullptr = Clock::System(). Not owned.
  const Clock* clock = nullptr;
  // Bytes copied against bytes to copy, then origins verified. May be empty.
  ProgressFn progress;
};

// Writes a backup of `options.data_dir` into `options.out_dir`; the
// manifest is written last, so a directory without one is not a backup.
// Unavailable (kDataDirInUse) when a daemon holds the data dir; NotFound
// when it holds no log; InvalidArgument when out_dir exists and is not
// empty; Corruption when the copy's chains do not verify; IOError.
// On an error the partial out_dir is removed.
Status BackupDataDir(const BackupOptions& options, BackupManifest* manifest);

struct RestoreOptions {
  std::string backup_dir;
  std::string data_dir;
  // The node's own origin (its node id): the one whose events the hub
  // holds. "" = the backup's one origin other than "hub" (an edge), or
  // "hub" when it holds several (a hub).
  std::string origin;
  // When set, the hub is asked for its cursor of the origin
  // (GET /api/v1/replication/cursor with the node's bearer token).
  std::string hub_url;
  std::string token;
  int timeout_seconds = 30;
  // Restore although the hub or the data dir being replaced is ahead.
  bool force = false;
  const Clock* clock = nullptr;
  ProgressFn progress;
};

struct RestoreResult {
  BackupManifest manifest;
  std::string origin;                     // the node's own origin as decided
  uint64_t backup_head = 0;               // the backup's head of it
  std::optional<uint64_t> hub_acked;      // the hub's cursor, when asked
  std::optional<uint64_t> replaced_head;  // the replaced data dir's head, if it held a log
  // Where the data dir that was there went ("<data_dir>.before-restore-<time>"), "" if none.
  std::string moved_aside;
  bool forced = false;  // restored although something was ahead
  // Why the restore was refused (or would have been without force): "hub_ahead",
  // "data_dir_ahead", "" = nothing was ahead.
  std::string ahead;
};

// Restores a backup into `options.data_dir`. The backup is copied next to
// the data dir and its chains verified before anything is replaced; a data
// dir that was there is moved aside (never deleted). Refusals:
//  * Conflict with result->ahead "hub_ahead" when the hub has acknowledged
//    events of the origin past the backup's head: the restored node would
//    write new events under seqs the hub already holds (a fork it refuses);
//  * Conflict with "data_dir_ahead" when the data dir being replaced holds
//    more events of the origin than the backup (they would be set aside);
// both unless options.force. Unavailable (kDataDirInUse) when a daemon holds
// the data dir, or when the hub cannot be reached; Unauthenticated /
// PermissionDenied from the hub; NotFound when backup_dir is not a backup;
// Corruption when the backup does not verify; IOError.
Status RestoreDataDir(const RestoreOptions& options, RestoreResult* result);

// GET <hub_url>/api/v1/replication/cursor?origin=<origin> with a bearer
// token; *acked_seq = the hub's head of the origin.
Status FetchReplicationCursor(const std::string& hub_url, const std::string& token,
                              const std::string& origin, int timeout_seconds, uint64_t* acked_seq);

}  // namespace hailong::ops
