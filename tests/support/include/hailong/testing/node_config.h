// The configurations tests give hailong-edge and hailong-hub, built in one
// place: the smallest valid configuration of each, the entries tests add
// (a hub's nodes and users, an edge's link to its hub) and the credentials
// they carry (Argon2id password hashes, SHA-256 token hashes, random
// tokens). A test merges its own keys into these (nlohmann::json
// merge_patch), Daemon adds the listen address.
//
// Thread safety: free functions, no shared state (libsodium is initialised
// on first use, which is thread-safe).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace hailong::testing {

// Argon2id cost of a test password hash. The daemons verify with the
// limits stored in the hash: kMinimum keeps tests quick; kInteractive is
// what the hub itself writes.
enum class HashCost { kMinimum, kInteractive };
// An Argon2id hash string of `secret`; "" if libsodium fails.
std::string PasswordHash(std::string_view secret, HashCost cost = HashCost::kInteractive);
// Lower-case hex SHA-256 of `text` (token_sha256 and friends).
std::string Sha256Hex(std::string_view text);
// `bytes` random bytes as lower-case hex (node tokens, secrets).
std::string RandomToken(size_t bytes = 24);

// {"data_dir", "nodes": [], "users": []}: a hub without nodes or users.
nlohmann::json HubConfig(const std::string& data_dir);
// One entry of a hub's "nodes": node `id` speaks for `office` with `token`.
nlohmann::json HubNodeEntry(const std::string& id, const std::string& office,
                            const std::string& token);
// One entry of a hub's "users".
nlohmann::json HubUserEntry(const std::string& name, const std::string& role,
                            const std::vector<std::string>& offices,
                            const std::string& password_hash);

// {"office_id", "data_dir", "mqtt": {"url"}, "min_free_mb": 0}: an edge
// without a hub, whose disk floor never stops a test.
nlohmann::json EdgeConfig(const std::string& office, const std::string& data_dir,
                          const std::string& mqtt_url);
// An edge's "hub" object: ship to `hub_url` as `node_id` with the token in
// `token_file`.
nlohmann::json EdgeHubLink(const std::string& hub_url, const std::string& node_id,
                           const std::string& token_file);

}  // namespace hailong::testing
