// StartUpstream: see upstream.h.
#include "upstream.h"

#include <fstream>
#include <map>
#include <set>
#include <string>

namespace hailong::hub {

Status StartUpstream(const HubConfig& config, replication::EventLog* log,
                     std::unique_ptr<replication::Shipper>* out) {
  const UpstreamConfig& up = config.upstream;
  std::ifstream in(up.token_file);
  std::string token;
  if (!in || !std::getline(in, token)) {
    return Status::InvalidArgument("upstream.token_file: cannot read " + up.token_file);
  }
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  if (token.empty())
    return Status::InvalidArgument("upstream.token_file: " + up.token_file +
                                   " holds no token on its first line");
  // The configured edges' origins and their offices: what this hub has
  // verified (the push endpoint admits only them). Copied: the shipper's
  // thread reads them.
  auto edge_office = std::make_shared<std::map<std::string, std::string, std::less<>>>();
  for (const NodeConfig& n : config.nodes) {
    if (!n.IsDistrictHub()) (*edge_office)[n.id] = n.office_id;
  }
  replication::ShipperOptions o;
  o.hub_url = up.url;
  o.node_id = up.node_id;
  o.token = token;
  o.ca_file = up.ca_file;
  o.pull = false;  // the province's own events do not flow down
  o.ship_origin = [edge_office](std::string_view origin) {
    return origin == replication::kHubOrigin || edge_office->count(origin) > 0;
  };
  o.push_headers = [edge_office](std::string_view origin) {
    std::vector<std::pair<std::string, std::string>> h;
    auto it = edge_office->find(origin);
    if (it != edge_office->end()) h.emplace_back("X-Hailong-Office", it->second);
    return h;
  };
  return replication::Shipper::Start(o, log, out);
}

}  // namespace hailong::hub
