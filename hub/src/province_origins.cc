// ProvinceOrigins: see province_origins.h.
#include "province_origins.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "hailong/replication/origin_names.h"
#include "hailong/replication/shipper.h"

namespace hailong::hub {

namespace {

using json = nlohmann::json;

constexpr std::string_view kBindingPrefix = "x/hub/prov/origin/";

std::string BindingKey(std::string_view origin) {
  return std::string(kBindingPrefix) + std::string(origin);
}

}  // namespace

ProvinceOrigins::ProvinceOrigins(const HubConfig* config, replication::Store* store)
    : config_(config), store_(store) {
  for (const NodeConfig& n : config_->nodes) {
    if (n.IsDistrictHub()) district_nodes_.emplace(n.id, &n);
  }
}

Status ProvinceOrigins::Load() {
  std::string end(kBindingPrefix);
  end.back() = static_cast<char>(end.back() + 1);
  std::lock_guard<std::mutex> l(mu_);
  return store_->Scan(kBindingPrefix, end, [&](std::string_view key, std::string_view value) {
    json j = json::parse(value, nullptr, false);
    if (j.is_object()) {
      bindings_[std::string(key.substr(kBindingPrefix.size()))] =
          Binding{j.value("node", ""), j.value("office", "")};
    }
    return true;
  });
}

Status ProvinceOrigins::Resolve(const NodeConfig& node, std::string_view origin,
                                std::string_view office, bool bind, std::string* stored_origin,
                                std::string* reason_vi) {
  auto deny = [&](const std::string& vi, const std::string& en) {
    *reason_vi = vi;
    return Status::PermissionDenied(en);
  };
  const std::string o(origin);
  if (origin == replication::kHubOrigin) {
    *stored_origin = replication::AliasedOrigin(node.id, origin);
    return Status::OK();
  }
  if (!IsValidId(origin) || origin == "hub-private") {
    return deny("hub huyện " + node.id + " không được gửi nguồn " + o,
                "district hub " + node.id + " may not push origin " + o);
  }
  for (const NodeConfig& n : config_->nodes) {
    if (n.id == origin) {
      return deny("nguồn " + o + " là một nút của hub tỉnh, không thuộc hub huyện " + node.id,
                  "origin " + o + " is a node of this hub, not of district hub " + node.id);
    }
  }
  // A cursor read names no office; a push must name one of the district's.
  if (bind && std::find(node.offices.begin(), node.offices.end(), office) == node.offices.end()) {
    const std::string named = office.empty() ? "(none)" : std::string(office);
    return deny("đơn vị " + named + " của nguồn " + o + " không thuộc huyện " + node.district,
                "office " + named + " of origin " + o + " is not one of district " + node.district +
                    "'s offices");
  }
  std::lock_guard<std::mutex> l(mu_);
  auto it = bindings_.find(origin);
  if (it != bindings_.end()) {
    if (it->second.node != node.id) {
      return deny("nguồn " + o + " thuộc hub huyện " + it->second.node,
                  "origin " + o + " belongs to district hub " + it->second.node);
    }
    if (bind && it->second.office != office) {
      return deny(
          "nguồn " + o + " phục vụ đơn vị " + it->second.office + ", không phải " +
              std::string(office),
          "origin " + o + " serves office " + it->second.office + ", not " + std::string(office));
    }
  } else if (bind) {
    replication::WriteBatch batch;
    batch.Put(BindingKey(origin), json{{"node", node.id}, {"office", office}}.dump());
    Status s = store_->Write(batch, /*sync=*/true);
    if (!s.ok()) return s;
    bindings_[o] = Binding{node.id, std::string(office)};
  }
  *stored_origin = o;
  return Status::OK();
}

bool ProvinceOrigins::LearntOrigin(const std::string& origin, std::string* office) const {
  const size_t colon = origin.rfind(replication::kOriginAliasSeparator);
  if (colon != std::string::npos) {
    if (origin.substr(colon + 1) != replication::kHubOrigin) return false;
    if (!district_nodes_.count(std::string_view(origin).substr(0, colon))) return false;
    office->clear();
    return true;
  }
  std::lock_guard<std::mutex> l(mu_);
  auto it = bindings_.find(origin);
  if (it == bindings_.end()) return false;
  *office = it->second.office;
  return true;
}

std::string ProvinceOrigins::NodeOf(const std::string& origin) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = bindings_.find(origin);
  return it == bindings_.end() ? std::string() : it->second.node;
}

OriginIdentity IdentifyProjected(const ProjectorOptions& options, const std::string& origin) {
  auto district = options.district_hubs.find(origin);
  if (district != options.district_hubs.end()) {
    OriginIdentity id;
    id.kind = OriginIdentity::Kind::kDistrictHub;
    id.node = district->second.first;
    id.offices = district->second.second;
    return id;
  }
  std::string office;
  if (options.learnt_origin && options.learnt_origin(origin, &office)) {
    OriginIdentity id;
    id.kind = office.empty() ? OriginIdentity::Kind::kHub : OriginIdentity::Kind::kNode;
    id.office = std::move(office);
    return id;
  }
  return IdentifyOrigin(origin, options.origin_office);
}

}  // namespace hailong::hub
