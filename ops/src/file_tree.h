// Copying directory trees durably (backup and restore). Private to
// hailong_ops.
//
// Thread safety: the functions keep no state.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "hailong/ops/progress.h"
#include "hailong/schema/status.h"

namespace hailong::ops {

// Bytes of the regular files under `dir` (symlinks not followed).
uint64_t TreeBytes(const std::string& dir);

// Copies the tree `from` into `to` (created; must not exist). Regular files
// are copied byte for byte and fsync'd, directories created and fsync'd,
// symlinks copied as links; other kinds are skipped. `skip` (may be empty)
// is asked with each entry's path relative to `from` ("log/000012.sst") and
// leaves it (and what is under it) out when it returns true. `progress`
// counts bytes against `total_bytes` (0 = unknown). IOError naming the path.
Status CopyTree(const std::string& from, const std::string& to,
                const std::function<bool(const std::string& relative)>& skip,
                const ProgressFn& progress, uint64_t total_bytes, uint64_t* bytes_copied);

// fsync of a directory (its entries are durable).
Status SyncDir(const std::string& dir);

// Removes a tree; OK when it does not exist.
Status RemoveTree(const std::string& dir);

}  // namespace hailong::ops

namespace hailong::ops {

// chown of every entry under (and including) `dir` to uid:gid; symlinks
// themselves. IOError naming the path.
Status ChownTree(const std::string& dir, unsigned uid, unsigned gid);

}  // namespace hailong::ops
