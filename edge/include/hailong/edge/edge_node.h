// EdgeNode: one office's hailong-edge, everything but the command line.
//
// Start opens the event log in config.data_dir, rebuilds the office's state
// from it (catalogue and templates, counter sessions, dossiers, the misuse
// detector's memory, device presence), applies the local catalogue file,
// starts the rating intake workers, the HTTP server, the MQTT link (which
// connects in the background: the edge serves HTTP while the broker is
// down) and, with a `hub` section, the replication link.
//
// Thread safety: Start, Stop and the destructor from one thread; the
// getters from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "hailong/edge/config.h"
#include "hailong/edge/replication_link.h"
#include "hailong/schema/status.h"
#include "hailong/schema/time.h"

namespace hailong::edge {

struct EdgeNodeOptions {
  // Clock for edge times; nullptr = Clock::System(). Not owned.
  const Clock* clock = nullptr;
  // Makes the replication link when config.hub is set; empty = the
  // replication library's Shipper (StartShipperLink, below).
  ReplicationLinkFactory replication_factory;
  // Web pages when config.web_root is "": $HAILONG_EDGE_WEB_DIR, else this,
  // else the source tree's edge/web compiled in.
  std::string default_web_root;
};

class EdgeNode {
 public:
  // Errors: InvalidArgument for a bad catalogue file (the message names the
  // entry), IOError when the log or the HTTP address cannot be opened.
  static Status Start(const EdgeConfig& config, const EdgeNodeOptions& options,
                      std::unique_ptr<EdgeNode>* out);
  ~EdgeNode();
  EdgeNode(const EdgeNode&) = delete;
  EdgeNode& operator=(const EdgeNode&) = delete;

  // The bound HTTP port (useful with "http.listen": "127.0.0.1:0").
  uint16_t http_port() const;
  // Stops accepting, finishes queued ratings, disconnects, closes the log.
  // Idempotent.
  void Stop();

  struct Context;

 private:
  explicit EdgeNode(std::unique_ptr<Context> ctx);
  std::unique_ptr<Context> ctx_;
};

// The link made by the replication library's Shipper (hub.url, node_id,
// token_file). Unavailable if the library has no Shipper.
Status StartShipperLink(const EdgeConfig& config, replication::EventLog* log,
                        const HubSideFetches& side_fetches, std::unique_ptr<ReplicationLink>* out);

}  // namespace hailong::edge
