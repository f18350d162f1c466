// Exit statuses of hailongctl, for technicians' scripts (documented in
// ops/doc/hailongctl.md). Stable: scripts test them.
#pragma once

namespace hailong::ops {

inline constexpr int kExitOk = 0;
// The operation failed: I/O error, unreachable hub, refused import.
inline constexpr int kExitFailure = 1;
// Wrong arguments or input (unknown option, empty password, bad date).
inline constexpr int kExitUsage = 2;
// Damage found: `log verify` (file or data dir), a damaged export refused
// by `log import`, an unverifiable event met by `log cat`.
inline constexpr int kExitDamaged = 3;
// The data dir is held by a running daemon and cannot be opened.
inline constexpr int kExitBusy = 4;
// `status`: the node answers, but something needs a technician's attention
// (the warnings printed); `restore`: refused because the hub (or the data
// dir being replaced) is ahead of the backup.
inline constexpr int kExitNeedsAttention = 5;

}  // namespace hailong::ops
