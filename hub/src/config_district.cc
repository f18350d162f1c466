// The province tier's configuration keys (hub/README.md, "Province hub"):
// a district hub in `nodes[]` ({"id", "district", "offices",
// "token_sha256"}) and a district hub's `upstream`.
#include <set>

#include "hailong/hub/config.h"
#include "hailong/schema/object_reader.h"
#include "hailong/schema/status_macros.h"

namespace hailong::hub {

using schema::ObjectReader;

Status CheckDistrictNode(ObjectReader& r, const NodeConfig& n) {
  if (!IsValidId(n.district)) {
    return r.Bad("district", "must be 1-64 letters, digits, '-', '_' or '.'");
  }
  if (!n.office_id.empty()) {
    return r.Bad("office_id", "a district hub names its offices in \"offices\", not office_id");
  }
  if (n.offices.empty()) return r.Bad("offices", "must name at least one office");
  std::set<std::string> seen;
  for (const std::string& o : n.offices) {
    if (!IsValidId(o)) {
      return r.Bad("offices", "\"" + o + "\" must be 1-64 letters, digits, '-', '_' or '.'");
    }
    if (!seen.insert(o).second) return r.Bad("offices", "repeats office \"" + o + "\"");
  }
  return Status::OK();
}

// An office belongs to one district, and a district to one district hub.
Status CheckDistricts(const std::vector<NodeConfig>& nodes) {
  std::map<std::string, std::string> office_node, district_node;
  for (const NodeConfig& n : nodes) {
    if (!n.IsDistrictHub()) continue;
    auto d = district_node.emplace(n.district, n.id);
    if (!d.second) {
      return Status::InvalidArgument("nodes: district \"" + n.district + "\" has two hubs, " +
                                     d.first->second + " and " + n.id);
    }
    for (const std::string& o : n.offices) {
      auto it = office_node.emplace(o, n.id);
      if (!it.second) {
        return Status::InvalidArgument("nodes: office \"" + o + "\" is listed by both " +
                                       it.first->second + " and " + n.id);
      }
    }
  }
  for (const NodeConfig& n : nodes) {
    if (!n.IsDistrictHub() && office_node.count(n.office_id)) {
      return Status::InvalidArgument("nodes: office \"" + n.office_id + "\" of edge " + n.id +
                                     " is also listed by district hub " + office_node[n.office_id]);
    }
  }
  return Status::OK();
}

Status ParseUpstream(const nlohmann::json& object, UpstreamConfig* upstream) {
  ObjectReader r(object, "upstream.");
  HAILONG_RETURN_IF_ERROR(r.String("url", true, &upstream->url));
  HAILONG_RETURN_IF_ERROR(r.String("node_id", true, &upstream->node_id));
  HAILONG_RETURN_IF_ERROR(r.String("token_file", true, &upstream->token_file));
  HAILONG_RETURN_IF_ERROR(r.String("ca_file", false, &upstream->ca_file));
  HAILONG_RETURN_IF_ERROR(r.RejectUnknown());
  if (upstream->url.rfind("http://", 0) != 0 && upstream->url.rfind("https://", 0) != 0) {
    return r.Bad("url", "must start with http:// or https://");
  }
  if (!IsValidId(upstream->node_id)) {
    return r.Bad("node_id", "must be 1-64 letters, digits, '-', '_' or '.'");
  }
  if (upstream->token_file.empty()) return r.Bad("token_file", "must name a file");
  return Status::OK();
}

std::string HubConfig::DistrictOf(std::string_view office) const {
  for (const NodeConfig& n : nodes) {
    if (!n.IsDistrictHub()) continue;
    for (const std::string& o : n.offices) {
      if (o == office) return n.district;
    }
  }
  return "";
}

bool HubConfig::HasDistricts() const {
  for (const NodeConfig& n : nodes) {
    if (n.IsDistrictHub()) return true;
  }
  return false;
}

}  // namespace hailong::hub
