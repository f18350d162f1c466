#include "hailong/hub/config.h"

#include <fstream>
#include <set>
#include <sstream>

#include "hailong/schema/listen.h"
#include "hailong/schema/object_reader.h"
#include "hailong/schema/status_macros.h"

namespace hailong::hub {

// config_district.cc: the province tier's keys.
Status CheckDistrictNode(schema::ObjectReader& r, const NodeConfig& n);
Status ParseUpstream(const nlohmann::json& object, UpstreamConfig* upstream);
Status CheckDistricts(const std::vector<NodeConfig>& nodes);

namespace {

using schema::ObjectReader;

using json = nlohmann::json;

std::string Indexed(const char* array, size_t i) {
  return std::string(array) + "[" + std::to_string(i) + "].";
}

bool IsLowerHex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Status ParseListen(HttpConfig* http) {
  return schema::ParseListenAddress(http->listen, &http->host, &http->port);
}

Status ParseHttp(const json& object, HttpConfig* http) {
  ObjectReader r(object, "http.");
  HAILONG_RETURN_IF_ERROR(r.String("listen", true, &http->listen));
  HAILONG_RETURN_IF_ERROR(r.Int("threads", 1, 64, &http->threads));
  HAILONG_RETURN_IF_ERROR(r.Int("workers", 1, 256, &http->workers));
  HAILONG_RETURN_IF_ERROR(r.Int("max_connections", 1, 1000000, &http->max_connections));
  HAILONG_RETURN_IF_ERROR(r.Int("request_timeout_s", 1, 3600, &http->request_timeout_s));
  HAILONG_RETURN_IF_ERROR(r.Int("idle_timeout_s", 1, 3600, &http->idle_timeout_s));
  HAILONG_RETURN_IF_ERROR(r.Int("max_body_kib", 1, 1 << 20, &http->max_body_kib));
  HAILONG_RETURN_IF_ERROR(r.Int("max_push_mib", 1, 1024, &http->max_push_mib));
  HAILONG_RETURN_IF_ERROR(r.StringArray("trusted_proxies", false, &http->trusted_proxies));
  HAILONG_RETURN_IF_ERROR(r.RejectUnknown());
  for (const std::string& p : http->trusted_proxies) {
    if (p.empty() || p.find_first_not_of("0123456789abcdefABCDEF.:") != std::string::npos) {
      return r.Bad("trusted_proxies", "\"" + p + "\" is not an IP address");
    }
  }
  return ParseListen(http);
}

Status ParseNodes(const json& array, std::vector<NodeConfig>* nodes) {
  std::set<std::string> ids;
  for (size_t i = 0; i < array.size(); ++i) {
    const std::string path = Indexed("nodes", i);
    if (!array[i].is_object()) {
      return Status::InvalidArgument("\"nodes[" + std::to_string(i) + "]\" must be an object");
    }
    ObjectReader r(array[i], path);
    NodeConfig n;
    HAILONG_RETURN_IF_ERROR(r.String("id", true, &n.id));
    // A district hub at a province hub names its district and offices
    // instead of one office (config_district.cc).
    HAILONG_RETURN_IF_ERROR(r.String("district", false, &n.district));
    HAILONG_RETURN_IF_ERROR(r.String("office_id", n.district.empty(), &n.office_id));
    HAILONG_RETURN_IF_ERROR(r.String("token_sha256", true, &n.token_sha256));
    if (!n.district.empty()) {
      HAILONG_RETURN_IF_ERROR(r.StringArray("offices", true, &n.offices));
    }
    HAILONG_RETURN_IF_ERROR(r.RejectUnknown());
    if (!IsValidId(n.id)) return r.Bad("id", "must be 1-64 letters, digits, '-', '_' or '.'");
    if (n.id == "hub" || n.id == "hub-private") {
      return r.Bad("id", "\"" + n.id + "\" is one of the hub's own origins");
    }
    if (!n.district.empty()) {
      HAILONG_RETURN_IF_ERROR(CheckDistrictNode(r, n));
      n.office_id.clear();
    } else if (!IsValidId(n.office_id)) {
      return r.Bad("office_id", "must be 1-64 letters, digits, '-', '_' or '.'");
    }
    for (char& c : n.token_sha256) c = static_cast<char>(std::tolower(c));
    if (!IsLowerHex64(n.token_sha256)) return r.Bad("token_sha256", "must be 64 hex digits");
    if (!ids.insert(n.id).second) return r.Bad("id", "repeats node \"" + n.id + "\"");
    nodes->push_back(std::move(n));
  }
  return Status::OK();
}

Status ParseRole(const std::string& name, Role* role) {
  if (name == "admin") {
    *role = Role::kAdmin;
  } else if (name == "manager") {
    *role = Role::kManager;
  } else if (name == "viewer") {
    *role = Role::kViewer;
  } else {
    return Status::InvalidArgument("must be admin, manager or viewer");
  }
  return Status::OK();
}

Status ParseUsers(const json& array, std::vector<UserConfig>* users) {
  std::set<std::string> names;
  for (size_t i = 0; i < array.size(); ++i) {
    const std::string path = Indexed("users", i);
    if (!array[i].is_object()) {
      return Status::InvalidArgument("\"users[" + std::to_string(i) + "]\" must be an object");
    }
    ObjectReader r(array[i], path);
    UserConfig u;
    std::string role;
    HAILONG_RETURN_IF_ERROR(r.String("name", true, &u.name));
    HAILONG_RETURN_IF_ERROR(r.String("role", true, &role));
    HAILONG_RETURN_IF_ERROR(r.StringArray("offices", true, &u.offices));
    HAILONG_RETURN_IF_ERROR(r.String("password_hash", true, &u.password_hash));
    HAILONG_RETURN_IF_ERROR(r.RejectUnknown());
    Status s = ParseRole(role, &u.role);
    if (!s.ok()) return r.Bad("role", s.message());
    if (u.offices.empty()) return r.Bad("offices", "must name at least one office or \"*\"");
    if (u.password_hash.rfind("$argon2id$", 0) != 0) {
      return r.Bad("password_hash", "must be an Argon2id hash from `hailongctl hash-password`");
    }
    if (u.name.size() > 64) return r.Bad("name", "must be at most 64 bytes");
    if (!names.insert(u.name).second) return r.Bad("name", "repeats user \"" + u.name + "\"");
    users->push_back(std::move(u));
  }
  return Status::OK();
}

Status ParseTargetValues(ObjectReader* r, Targets* t) {
  HAILONG_RETURN_IF_ERROR(r->Double("satisfaction", 0.0, 1.0, &t->satisfaction));
  HAILONG_RETURN_IF_ERROR(r->Double("participation", 0.0, 1.0, &t->participation));
  HAILONG_RETURN_IF_ERROR(r->Double("decision766", 0.0, 1.0, &t->decision766));
  HAILONG_RETURN_IF_ERROR(r->Double("participation_intake", 0.0, 1.0, &t->participation_intake));
  HAILONG_RETURN_IF_ERROR(r->Double("participation_return", 0.0, 1.0, &t->participation_return));
  HAILONG_RETURN_IF_ERROR(r->Double("participation_visits", 0.0, 1.0, &t->participation_visits));
  return Status::OK();
}

Status ParseTargets(const json& object, HubConfig* c) {
  ObjectReader r(object, "targets.");
  HAILONG_RETURN_IF_ERROR(ParseTargetValues(&r, &c->targets));
  const json* offices = nullptr;
  HAILONG_RETURN_IF_ERROR(r.Object("offices", false, &offices));
  HAILONG_RETURN_IF_ERROR(r.RejectUnknown());
  if (offices == nullptr) return Status::OK();
  for (auto it = offices->begin(); it != offices->end(); ++it) {
    const std::string path = "targets.offices." + it.key();
    if (!it->is_object()) return Status::InvalidArgument("\"" + path + "\" must be an object");
    ObjectReader o(*it, path + ".");
    Targets t = c->targets;
    HAILONG_RETURN_IF_ERROR(ParseTargetValues(&o, &t));
    HAILONG_RETURN_IF_ERROR(o.RejectUnknown());
    c->office_targets[it.key()] = t;
  }
  return Status::OK();
}

constexpr int64_t kYearS = int64_t{365} * 24 * 3600;

Status ParseWebhook(const json& object, AlertsConfig* a) {
  ObjectReader r(object, "alerts.webhook.");
  HAILONG_RETURN_IF_ERROR(r.String("url", true, &a->webhook_url));
  HAILONG_RETURN_IF_ERROR(r.String("ca_file", false, &a->webhook_ca_file));
  HAILONG_RETURN_IF_ERROR(
      r.Int("timeout_ms", int64_t{100}, int64_t{600000}, &a->webhook_timeout_ms));
  HAILONG_RETURN_IF_ERROR(r.Int("retries", int64_t{0}, int64_t{100}, &a->webhook_retries));
  HAILONG_RETURN_IF_ERROR(
      r.Int("backoff_ms", int64_t{10}, int64_t{600000}, &a->webhook_backoff_ms));
  const json* headers = nullptr;
  HAILONG_RETURN_IF_ERROR(r.Object("headers", false, &headers));
  HAILONG_RETURN_IF_ERROR(r.RejectUnknown());
  if (a->webhook_url.rfind("http://", 0) != 0 && a->webhook_url.rfind("https://", 0) != 0) {
    return r.Bad("url", "must start with http:// or https://");
  }
  if (headers != nullptr) {
    for (auto it = headers->begin(); it != headers->end(); ++it) {
      if (!it->is_string()) {
        return Status::InvalidArgument("\"alerts.webhook.headers." + it.key() +
                                       "\" must be a string");
      }
      a->webhook_headers[it.key()] = it->get<std::string>();
    }
  }
  return Status::OK();
}

Status ParseAlerts(const json& object, AlertsConfig* a) {
  ObjectReader r(object, "alerts.");
  const json* section = nullptr;
  HAILONG_RETURN_IF_ERROR(r.Object("unsatisfied_share", false, &section));
  if (section != nullptr) {
    a->unsatisfied_enabled = true;
    ObjectReader o(*section, "alerts.unsatisfied_share.");
    HAILONG_RETURN_IF_ERROR(o.Int("window_s", int64_t{60}, kYearS, &a->unsatisfied_window_s));
    HAILONG_RETURN_IF_ERROR(o.Double("threshold", 0.0, 1.0, &a->unsatisfied_threshold));
    HAILONG_RETURN_IF_ERROR(
        o.Int("min_ratings", int64_t{1}, int64_t{1000000}, &a->unsatisfied_min_ratings));
    HAILONG_RETURN_IF_ERROR(o.RejectUnknown());
  }
  HAILONG_RETURN_IF_ERROR(r.Object("open_follow_ups", false, &section));
  if (section != nullptr) {
    a->follow_ups_enabled = true;
    ObjectReader o(*section, "alerts.open_follow_ups.");
    HAILONG_RETURN_IF_ERROR(
        o.Int("threshold", int64_t{1}, int64_t{1000000}, &a->follow_ups_threshold));
    HAILONG_RETURN_IF_ERROR(o.RejectUnknown());
  }
  HAILONG_RETURN_IF_ERROR(r.Object("replication_lag", false, &section));
  if (section != nullptr) {
    a->lag_enabled = true;
    ObjectReader o(*section, "alerts.replication_lag.");
    HAILONG_RETURN_IF_ERROR(o.Int("events", int64_t{0}, int64_t{1} << 40, &a->lag_events));
    HAILONG_RETURN_IF_ERROR(o.Int("seconds", int64_t{0}, kYearS, &a->lag_seconds));
    HAILONG_RETURN_IF_ERROR(o.RejectUnknown());
    if (a->lag_events == 0 && a->lag_seconds == 0) {
      return o.Bad("seconds", "events and seconds cannot both be 0");
    }
  }
  HAILONG_RETURN_IF_ERROR(
      r.Int("check_interval_s", int64_t{1}, int64_t{86400}, &a->check_interval_s));
  HAILONG_RETURN_IF_ERROR(r.Object("webhook", false, &section));
  if (section != nullptr) HAILONG_RETURN_IF_ERROR(ParseWebhook(*section, a));
  return r.RejectUnknown();
}

}  // namespace

const char* RoleName(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kManager:
      return "manager";
    case Role::kViewer:
      return "viewer";
  }
  return "viewer";
}

bool UserConfig::AllOffices() const {
  for (const auto& o : offices) {
    if (o == "*") return true;
  }
  return false;
}

bool UserConfig::MaySee(std::string_view office) const {
  for (const auto& o : offices) {
    if (o == "*" || o == office) return true;
  }
  return false;
}

const char* NeutralPolicyName(NeutralPolicy p) {
  switch (p) {
    case NeutralPolicy::kExcluded:
      return "excluded";
    case NeutralPolicy::kSatisfied:
      return "satisfied";
    case NeutralPolicy::kNotSatisfied:
      break;
  }
  return "not_satisfied";
}

const Targets& HubConfig::TargetsFor(std::string_view office) const {
  auto it = office_targets.find(std::string(office));
  return it == office_targets.end() ? targets : it->second;
}

bool IsValidId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

Status ParseHubConfig(std::string_view json_text, HubConfig* out) {
  json root = json::parse(json_text.begin(), json_text.end(), nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return Status::InvalidArgument("not valid JSON");
  if (!root.is_object()) return Status::InvalidArgument("the configuration must be a JSON object");
  HubConfig c;
  ObjectReader r(root, "");
  HAILONG_RETURN_IF_ERROR(r.String("data_dir", true, &c.data_dir));
  const json* section = nullptr;
  HAILONG_RETURN_IF_ERROR(r.Object("http", true, &section));
  HAILONG_RETURN_IF_ERROR(ParseHttp(*section, &c.http));
  HAILONG_RETURN_IF_ERROR(r.Array("nodes", true, &section));
  HAILONG_RETURN_IF_ERROR(ParseNodes(*section, &c.nodes));
  HAILONG_RETURN_IF_ERROR(r.Array("users", true, &section));
  HAILONG_RETURN_IF_ERROR(ParseUsers(*section, &c.users));
  HAILONG_RETURN_IF_ERROR(r.String("web_root", false, &c.web_root));
  HAILONG_RETURN_IF_ERROR(r.Object("targets", false, &section));
  if (section != nullptr) HAILONG_RETURN_IF_ERROR(ParseTargets(*section, &c));
  HAILONG_RETURN_IF_ERROR(
      r.Int("clock_skew_limit_s", int64_t{1}, int64_t{365} * 24 * 3600, &c.clock_skew_limit_s));
  HAILONG_RETURN_IF_ERROR(
      r.Int("lag_warning_s", int64_t{1}, int64_t{365} * 24 * 3600, &c.lag_warning_s));
  HAILONG_RETURN_IF_ERROR(
      r.Int("follow_up_due_hours", int64_t{1}, int64_t{24} * 365, &c.follow_up_due_hours));
  HAILONG_RETURN_IF_ERROR(r.String("personal_data_key_file", false, &c.personal_data_key_file));
  HAILONG_RETURN_IF_ERROR(
      r.Int("personal_data_days", int64_t{1}, int64_t{365} * 100, &c.personal_data_days));
  HAILONG_RETURN_IF_ERROR(
      r.Int("personal_data_sweep_s", int64_t{1}, int64_t{7} * 86400, &c.personal_data_sweep_s));
  HAILONG_RETURN_IF_ERROR(
      r.Int("session_ttl_s", int64_t{60}, int64_t{30} * 24 * 3600, &c.session_ttl_s));
  HAILONG_RETURN_IF_ERROR(r.Bool("cookie_secure", &c.cookie_secure));
  HAILONG_RETURN_IF_ERROR(
      r.Int("login_attempts_per_minute", 1, 100000, &c.login_attempts_per_minute));
  HAILONG_RETURN_IF_ERROR(r.Int("login_failures_per_name", 1, 100000, &c.login_failures_per_name));
  HAILONG_RETURN_IF_ERROR(r.Int("login_backstop_failures", 1, 1000000, &c.login_backstop_failures));
  HAILONG_RETURN_IF_ERROR(r.Int("survey_ratings_per_address_per_hour", 1, 1000000,
                                &c.survey_ratings_per_address_per_hour));
  HAILONG_RETURN_IF_ERROR(r.String("survey_template", false, &c.survey_template));
  HAILONG_RETURN_IF_ERROR(r.Bool("public_results", &c.public_results));
  HAILONG_RETURN_IF_ERROR(r.String("public_title", false, &c.public_title));
  if (c.public_title.size() > 200) {
    return Status::InvalidArgument("public_title: at most 200 bytes");
  }
  std::string neutral = NeutralPolicyName(c.satisfaction_neutral);
  HAILONG_RETURN_IF_ERROR(r.String("satisfaction_neutral", false, &neutral));
  if (neutral == "not_satisfied") {
    c.satisfaction_neutral = NeutralPolicy::kNotSatisfied;
  } else if (neutral == "excluded") {
    c.satisfaction_neutral = NeutralPolicy::kExcluded;
  } else if (neutral == "satisfied") {
    c.satisfaction_neutral = NeutralPolicy::kSatisfied;
  } else {
    return r.Bad("satisfaction_neutral",
                 "must be \"not_satisfied\", \"excluded\" or \"satisfied\"");
  }
  HAILONG_RETURN_IF_ERROR(r.Object("periodic_report", false, &section));
  if (section != nullptr) {
    HAILONG_RETURN_IF_ERROR(ParsePeriodicReportConfig(*section, &c.periodic_report));
  }
  HAILONG_RETURN_IF_ERROR(r.Object("alerts", false, &section));
  if (section != nullptr) HAILONG_RETURN_IF_ERROR(ParseAlerts(*section, &c.alerts));
  HAILONG_RETURN_IF_ERROR(r.Object("upstream", false, &section));
  if (section != nullptr) HAILONG_RETURN_IF_ERROR(ParseUpstream(*section, &c.upstream));
  HAILONG_RETURN_IF_ERROR(r.RejectUnknown());
  HAILONG_RETURN_IF_ERROR(CheckDistricts(c.nodes));
  if (c.personal_data_key_file.empty()) {
    std::string dir = c.data_dir;
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    c.personal_data_key_file = dir + ".personal_data.key";
  }
  *out = std::move(c);
  return Status::OK();
}

Status LoadHubConfig(const std::string& path, HubConfig* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::IOError("cannot read " + path);
  Status s = ParseHubConfig(text.str(), out);
  if (!s.ok()) return Status::InvalidArgument(path + ": " + s.message());
  return s;
}

}  // namespace hailong::hub
