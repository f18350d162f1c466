#include "hailong/edge/config.h"

#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "hailong/schema/listen.h"
#include "hailong/schema/object_reader.h"
#include "hailong/schema/status_macros.h"

namespace hailong::edge {
namespace {

using json = nlohmann::json;

using schema::ObjectReader;

Status ParseListen(const std::string& listen, HttpConfig* http) {
  return schema::ParseListenAddress(listen, &http->host, &http->port);
}

Status ParseMqtt(const json& object, EdgeConfig* config) {
  ObjectReader r(object, "mqtt.");
  MqttConfig& m = config->mqtt;
  HAILONG_RETURN_IF_ERROR(r.String("url", true, &m.url));
  HAILONG_RETURN_IF_ERROR(r.String("username", false, &m.username));
  HAILONG_RETURN_IF_ERROR(r.String("password_file", false, &m.password_file));
  HAILONG_RETURN_IF_ERROR(r.String("client_id", false, &m.client_id));
  HAILONG_RETURN_IF_ERROR(r.String("ca_file", false, &m.ca_file));
  int64_t keepalive = m.keepalive_s;
  HAILONG_RETURN_IF_ERROR(r.Int("keepalive_s", 2, 3600, &keepalive));
  m.keepalive_s = static_cast<int>(keepalive);
  HAILONG_RETURN_IF_ERROR(r.RejectUnknown());
  const std::string_view url = m.url;
  if (url.rfind("tcp://", 0) != 0 && url.rfind("ssl://", 0) != 0 && url.rfind("mqtt://", 0) != 0 &&
      url.rfind("mqtts://", 0) != 0) {
    return r.Bad("url", "must start with tcp://, ssl://, mqtt:// or mqtts://");
  }
  const bool tls = url.rfind("ssl://", 0) == 0 || url.rfind("mqtts://", 0) == 0;
  if (!m.ca_file.empty() && !tls) return r.Bad("ca_file", "needs an ssl:// or mqtts:// url");
  if (m.client_id.empty()) m.client_id = "hailong-edge-" + config->office_id;
  if (m.client_id.size() > 64) return r.Bad("client_id", "must be at most 64 characters");
  return Status::OK();
}

Status ParseHttp(const json& object, HttpConfig* http) {
  ObjectReader r(object, "http.");
  HAILONG_RETURN_IF_ERROR(r.String("listen", true, &http->listen));
  int64_t v = http->threads;
  HAILONG_RETURN_IF_ERROR(r.Int("threads", 1, 64, &v));
  http->threads = static_cast<int>(v);
  v = http->max_connections;
  HAILONG_RETURN_IF_ERROR(r.Int("max_connections", 1, 100000, &v));
  http->max_connections = static_cast<int>(v);
  v = http->request_timeout_s;
  HAILONG_RETURN_IF_ERROR(r.Int("request_timeout_s", 1, 3600, &v));
  http->request_timeout_s = static_cast<int>(v);
  v = http->idle_timeout_s;
  HAILONG_RETURN_IF_ERROR(r.Int("idle_timeout_s", 1, 3600, &v));
  http->idle_timeout_s = static_cast<int>(v);
  HAILONG_RETURN_IF_ERROR(r.RejectUnknown());
  return ParseListen(http->listen, http);
}

Status ParseHub(const json& object, HubConfig* hub) {
  ObjectReader r(object, "hub.");
  HAILONG_RETURN_IF_ERROR(r.String("url", true, &hub->url));
  HAILONG_RETURN_IF_ERROR(r.String("node_id", true, &hub->node_id));
  HAILONG_RETURN_IF_ERROR(r.String("token_file", true, &hub->token_file));
  HAILONG_RETURN_IF_ERROR(r.String("ca_file", false, &hub->ca_file));
  HAILONG_RETURN_IF_ERROR(r.RejectUnknown());
  if (hub->url.rfind("http://", 0) != 0 && hub->url.rfind("https://", 0) != 0) {
    return r.Bad("url", "must start with http:// or https://");
  }
  if (!IsValidId(hub->node_id)) {
    return r.Bad("node_id", "must be 1-64 letters, digits, '-' or '_'");
  }
  return Status::OK();
}

// sha256 hex as `hailongctl new-token` prints it.
bool IsSha256Hex(const std::string& s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

bool IsValidId(std::string_view id, size_t max_len) {
  if (id.empty() || id.size() > max_len) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::string EdgeConfig::Origin() const { return hub ? hub->node_id : "edge-" + office_id; }

Status ParseEdgeConfig(std::string_view json_text, EdgeConfig* out) {
  json root = json::parse(json_text.begin(), json_text.end(), nullptr, /*allow_exceptions=*/false,
                          /*ignore_comments=*/false);
  if (root.is_discarded()) return Status::InvalidArgument("not valid JSON");
  if (!root.is_object()) return Status::InvalidArgument("the configuration must be a JSON object");
  EdgeConfig c;
  ObjectReader r(root, "");
  HAILONG_RETURN_IF_ERROR(r.String("office_id", true, &c.office_id));
  if (!IsValidId(c.office_id)) {
    return r.Bad("office_id", "must be 1-64 letters, digits, '-' or '_'");
  }
  HAILONG_RETURN_IF_ERROR(r.String("data_dir", true, &c.data_dir));
  const json* section = nullptr;
  HAILONG_RETURN_IF_ERROR(r.Object("mqtt", true, &section));
  HAILONG_RETURN_IF_ERROR(ParseMqtt(*section, &c));
  HAILONG_RETURN_IF_ERROR(r.Object("http", true, &section));
  HAILONG_RETURN_IF_ERROR(ParseHttp(*section, &c.http));
  HAILONG_RETURN_IF_ERROR(r.Object("hub", false, &section));
  if (section != nullptr) {
    c.hub.emplace();
    HAILONG_RETURN_IF_ERROR(ParseHub(*section, &*c.hub));
  }
  HAILONG_RETURN_IF_ERROR(r.String("web_root", false, &c.web_root));
  HAILONG_RETURN_IF_ERROR(r.String("public_url", false, &c.public_url));
  HAILONG_RETURN_IF_ERROR(r.String("catalogue_file", false, &c.catalogue_file));
  HAILONG_RETURN_IF_ERROR(r.String("photo_dir", false, &c.photo_dir));
  HAILONG_RETURN_IF_ERROR(r.String("officer_pins_file", false, &c.officer_pins_file));
  HAILONG_RETURN_IF_ERROR(
      r.Int("misuse_interval_ms", 0, 24LL * 3600 * 1000, &c.misuse_interval_ms));
  int64_t v = static_cast<int64_t>(c.min_free_mb);
  HAILONG_RETURN_IF_ERROR(r.Int("min_free_mb", 0, std::numeric_limits<int64_t>::max() >> 20, &v));
  c.min_free_mb = static_cast<uint64_t>(v);
  HAILONG_RETURN_IF_ERROR(r.Int("max_clock_skew_s", 1, 365LL * 24 * 3600, &c.max_clock_skew_s));
  v = c.ingest_queue;
  HAILONG_RETURN_IF_ERROR(r.Int("ingest_queue", 16, 1 << 22, &v));
  c.ingest_queue = static_cast<int>(v);
  v = c.ingest_batch;
  HAILONG_RETURN_IF_ERROR(r.Int("ingest_batch", 1, 65536, &v));
  c.ingest_batch = static_cast<int>(v);
  v = c.ingest_threads;
  HAILONG_RETURN_IF_ERROR(r.Int("ingest_threads", 1, 64, &v));
  c.ingest_threads = static_cast<int>(v);
  HAILONG_RETURN_IF_ERROR(r.String("admin_token_sha256", false, &c.admin_token_sha256));
  HAILONG_RETURN_IF_ERROR(r.StringArray("dossier_tokens_sha256", false, &c.dossier_tokens_sha256));
  HAILONG_RETURN_IF_ERROR(
      r.Int("kiosk_enrollment_ttl_s", 1, 30LL * 24 * 3600, &c.kiosk_enrollment_ttl_s));
  HAILONG_RETURN_IF_ERROR(r.Int("phone_limit_per_address", 0, 1000000, &c.phone_limit_per_address));
  HAILONG_RETURN_IF_ERROR(r.Int("phone_limit_per_counter", 0, 1000000, &c.phone_limit_per_counter));
  HAILONG_RETURN_IF_ERROR(r.Int("phone_limit_window_s", 1, 24LL * 3600, &c.phone_limit_window_s));
  HAILONG_RETURN_IF_ERROR(r.String("personal_data_public_key", false, &c.personal_data_public_key));
  HAILONG_RETURN_IF_ERROR(r.RejectUnknown());
  if (!c.admin_token_sha256.empty() && !IsSha256Hex(c.admin_token_sha256)) {
    return r.Bad("admin_token_sha256", "must be 64 lower-case hex digits (hailongctl new-token)");
  }
  for (size_t i = 0; i < c.dossier_tokens_sha256.size(); ++i) {
    if (!IsSha256Hex(c.dossier_tokens_sha256[i])) {
      return Status::InvalidArgument("\"dossier_tokens_sha256[" + std::to_string(i) +
                                     "]\" must be 64 lower-case hex digits (line 2 of "
                                     "hailongctl new-token)");
    }
  }
  if (!c.personal_data_public_key.empty() && !IsSha256Hex(c.personal_data_public_key)) {
    return r.Bad("personal_data_public_key", "must be 64 lower-case hex digits");
  }
  if (!c.public_url.empty() && c.public_url.rfind("http://", 0) != 0 &&
      c.public_url.rfind("https://", 0) != 0) {
    return r.Bad("public_url", "must start with http:// or https://");
  }
  while (!c.public_url.empty() && c.public_url.back() == '/') c.public_url.pop_back();
  if (c.photo_dir.empty()) c.photo_dir = c.data_dir + "/photos";
  *out = std::move(c);
  return Status::OK();
}

Status LoadEdgeConfig(const std::string& path, EdgeConfig* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::IOError("cannot read " + path);
  Status s = ParseEdgeConfig(text.str(), out);
  if (!s.ok()) return Status::InvalidArgument(path + ": " + s.message());
  return s;
}

}  // namespace hailong::edge
