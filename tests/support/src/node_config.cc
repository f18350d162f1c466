#include "hailong/testing/node_config.h"

#include <sodium.h>

#include "hailong/schema/event.h"

namespace hailong::testing {

std::string PasswordHash(std::string_view secret, HashCost cost) {
  if (sodium_init() < 0) return "";
  const bool minimum = cost == HashCost::kMinimum;
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(
          out, secret.data(), secret.size(),
          minimum ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE,
          minimum ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return "";
  }
  return out;
}

std::string Sha256Hex(std::string_view text) { return schema::HexEncode(schema::Sha256(text)); }

std::string RandomToken(size_t bytes) {
  if (sodium_init() < 0) return "";
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  return schema::HexEncode(raw);
}

nlohmann::json HubConfig(const std::string& data_dir) {
  return {{"data_dir", data_dir},
          {"nodes", nlohmann::json::array()},
          {"users", nlohmann::json::array()}};
}

nlohmann::json HubNodeEntry(const std::string& id, const std::string& office,
                            const std::string& token) {
  return {{"id", id}, {"office_id", office}, {"token_sha256", Sha256Hex(token)}};
}

nlohmann::json HubUserEntry(const std::string& name, const std::string& role,
                            const std::vector<std::string>& offices,
                            const std::string& password_hash) {
  return {{"name", name}, {"role", role}, {"offices", offices}, {"password_hash", password_hash}};
}

nlohmann::json EdgeConfig(const std::string& office, const std::string& data_dir,
                          const std::string& mqtt_url) {
  return {{"office_id", office},
          {"data_dir", data_dir},
          {"mqtt", {{"url", mqtt_url}}},
          {"min_free_mb", 0}};
}

nlohmann::json EdgeHubLink(const std::string& hub_url, const std::string& node_id,
                           const std::string& token_file) {
  return {{"url", hub_url}, {"node_id", node_id}, {"token_file", token_file}};
}

}  // namespace hailong::testing
