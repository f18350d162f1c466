// StartShipperLink: the edge's ReplicationLink over the replication
// library's Shipper (replication/include/hailong/replication/shipper.h).
// Until that header exists the edge builds without it and an edge with a
// `hub` section refuses to start with a clear message.
#include <fstream>
#include <string>

#include "hailong/edge/edge_node.h"

#if __has_include("hailong/replication/shipper.h")
#include "hailong/replication/shipper.h"
#define HAILONG_EDGE_HAVE_SHIPPER 1
#endif

namespace hailong::edge {

#ifdef HAILONG_EDGE_HAVE_SHIPPER
namespace {

class ShipperLink : public ReplicationLink {
 public:
  explicit ShipperLink(std::unique_ptr<replication::Shipper> shipper)
      : shipper_(std::move(shipper)) {}
  ~ShipperLink() override { Stop(); }

  ReplicationState state() const override {
    replication::ShipperStatus s = shipper_->status();
    ReplicationState r;
    r.replicated_seq = s.replicated_seq;
    r.hub_reachable = s.hub_reachable;
    r.last_error = s.last_error;
    r.lag_events = s.lag_events;
    r.lag_seconds = s.lag_seconds;
    r.pulled_seq = s.pulled_seq;
    r.last_contact_ms = s.last_contact_ms;
    return r;
  }

  void Stop() override { shipper_->Stop(); }

 private:
  std::unique_ptr<replication::Shipper> shipper_;
};

}  // namespace
#endif

Status StartShipperLink(const EdgeConfig& config, replication::EventLog* log,
                        const HubSideFetches& side_fetches, std::unique_ptr<ReplicationLink>* out) {
#ifdef HAILONG_EDGE_HAVE_SHIPPER
  std::ifstream in(config.hub->token_file);
  std::string token;
  if (!in || !std::getline(in, token)) {
    return Status::InvalidArgument("\"hub.token_file\": cannot read " + config.hub->token_file);
  }
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  if (token.empty()) {
    return Status::InvalidArgument("\"hub.token_file\": " + config.hub->token_file + " is empty");
  }
  replication::ShipperOptions options;
  options.hub_url = config.hub->url;
  options.node_id = config.hub->node_id;
  options.ca_file = config.hub->ca_file;
  options.token = token;
  options.side_fetches = side_fetches;
  std::unique_ptr<replication::Shipper> shipper;
  Status s = replication::Shipper::Start(options, log, &shipper);
  if (!s.ok()) return s;
  *out = std::make_unique<ShipperLink>(std::move(shipper));
  return Status::OK();
#else
  (void)config;
  (void)log;
  (void)side_fetches;
  (void)out;
  return Status::Unavailable(
      "this build has no replication shipper (hailong/replication/shipper.h); "
      "remove the \"hub\" section to run the edge alone");
#endif
}

}  // namespace hailong::edge
