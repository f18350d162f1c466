// Hub: the district hub as one object: the merged event log (origin "hub",
// in <data_dir>/log), the projector keeping the read models, users and
// sessions, and the HTTP API. hailong-hub is a thin command line over it.
//
// Thread safety: Open, Start, Stop and Rebuild from one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "hailong/hub/config.h"
#include "hailong/hub/projector.h"
#include "hailong/replication/event_log.h"
#include "hailong/schema/status.h"

namespace hailong::hub {

inline constexpr char kHubOrigin[] = "hub";
// The hub's events holding personal data (phone ratings taken at the hub,
// follow-ups): a second origin of the hub's log that edges never pull.
inline constexpr char kHubPrivateOrigin[] = "hub-private";

struct RebuildStats {
  uint64_t events = 0;
  size_t origins = 0;
  double seconds = 0;
};

class Hub {
 public:
  // Opens (creating) the data directory and the log. IOError if the log is
  // held by another process.
  static Status Open(const HubConfig& config, std::unique_ptr<Hub>* out);
  ~Hub();

  // Starts the projector and the HTTP server.
  Status Start();
  // The bound HTTP port (after Start).
  uint16_t port() const;
  // Stops serving and projecting; the log stays open until destruction.
  void Stop();

  // Drops every read model and replays every origin from seq 1 (not while started).
  Status Rebuild(RebuildStats* stats);

  replication::EventLog* log();
  Projector* projector();
  const HubConfig& config() const;

 private:
  struct Impl;
  explicit Hub(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The dashboard directory: config.web_root, else $HAILONG_HUB_WEB_DIR, else
// the compiled-in source directory hub/web.
std::string WebRoot(const HubConfig& config);

}  // namespace hailong::hub
