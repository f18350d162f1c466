// Opening a node's data dir (edge or hub) from hailongctl.
//
// The event log is a RocksDB store. A daemon holds it open with RocksDB's
// lock (an fcntl lock on the store's LOCK file); hailongctl never takes a
// store away from a running daemon. Reading commands open a stopped node's
// store without creating anything in it.
//
// Thread safety: the functions are thread-safe; the returned log follows
// EventLog's rules.
#pragma once

#include <memory>
#include <string>

#include "hailong/replication/event_log.h"
#include "hailong/schema/status.h"

namespace hailong::ops {

// Where hailong-edge and hailong-hub keep the log's store inside their
// data_dir: <data_dir>/log.
inline constexpr char kStoreSubdir[] = "log";

// The text every command prints when a daemon holds the data dir.
inline constexpr char kDataDirInUse[] =
    "data dir is in use by a running daemon; stop it or use a backup";

// The directory that holds the RocksDB store of `data_dir`: `data_dir`
// itself, or the one subdirectory of it that holds a store. NotFound when
// there is none.
Status FindLogStore(const std::string& data_dir, std::string* store_dir);

// True when another process holds the store's lock; *pid (may be null) is
// that process, 0 if unknown.
bool StoreInUse(const std::string& store_dir, int* pid);

// Opens the event log of an existing data dir for reading. NotFound when
// the dir holds no log; Unavailable with kDataDirInUse (and the pid) when a
// running daemon holds it; Corruption / IOError from RocksDB otherwise.
Status OpenLogForReading(const std::string& data_dir, std::unique_ptr<replication::EventLog>* out);

// Opens the event log of a data dir for an offline import, creating it (in
// <data_dir>/log, where the daemons look) when the dir holds none. `node_id` is the origin the log
// is opened as: events of that origin ingested into it keep their idempotency records (a
// replacement edge replaying its predecessor's log: the replayed ratings'
// ids stay known, so a device resending one gets the old seq). "" = a tool
// origin (a hub's data dir). Unavailable (kDataDirInUse) when a daemon holds
// it.
Status OpenLogForImport(const std::string& data_dir, std::unique_ptr<replication::EventLog>* out,
                        const std::string& node_id = "");

}  // namespace hailong::ops
