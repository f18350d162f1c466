// The hub tests' shape of a real hailong-hub (a testing::Daemon with a
// configuration from node_config.h): two nodes (edge-p1 for office p1,
// edge-p2 for office p2) and three users (admin: every office; manager and
// viewer: office p1), and helpers to build hash-chained events, push them,
// and log in.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hailong/schema/event.h"
#include "hailong/testing/daemon.h"
#include "hailong/testing/http_client.h"
#include "hailong/testing/process.h"
#include "hailong/testing/temp_dir.h"

namespace hailong::hub_test {

inline constexpr char kTokenP1[] = "token-of-edge-p1-0123456789abcdefghijklmnop";
inline constexpr char kTokenP2[] = "token-of-edge-p2-0123456789abcdefghijklmnop";
inline constexpr char kPassword[] = "mật khẩu đủ dài 123";

// An Argon2id hash of kPassword (for users added through HubOptions).
const std::string& PasswordHash();

// Builds the events of one origin with a correct chain.
class ChainBuilder {
 public:
  explicit ChainBuilder(std::string origin) : origin_(std::move(origin)) {}
  // Serializes the next event (seq = previous + 1, prev_hash = previous chain hash).
  std::string Next(fb::EventBodyUnion body, int64_t time_ms, std::string idempotency_id = "");
  uint64_t seq() const { return seq_; }
  const std::string& origin() const { return origin_; }

 private:
  std::string origin_;
  uint64_t seq_ = 0;
  schema::Hash prev_ = schema::kZeroHash;
};

struct RatingSpec {
  std::string office = "p1";
  std::string counter = "q1";
  std::string officer = "o1";
  fb::Classification classification = fb::Classification::Satisfied;
  std::string dossier, field, procedure, comment, phone;
  std::string template_id = "tpl-a";
  int64_t time_ms = 0;
  bool misuse = false;
  fb::Channel channel = fb::Channel::Touchscreen;
  // (criterion, option) answers; empty = one "attitude" answer following
  // the classification (good, ok, bad).
  std::vector<std::pair<std::string, std::string>> answers;
};
fb::EventBodyUnion Rating(const RatingSpec& spec);

struct DossierSpec {
  std::string office = "p1";
  std::string receipt;
  bool returned = false;
  std::string counter = "q1", officer = "o1", field, procedure;
  int64_t due_ms = 0;
  int64_t at_ms = 0;
};
fb::EventBodyUnion Dossier(const DossierSpec& spec);
// The next event of `chain`: a dossier of office p1 received (or, with
// `returned`, returned) at `at_ms`.
std::string NextDossier(ChainBuilder* chain, const std::string& receipt, const std::string& counter,
                        const std::string& officer, const std::string& field,
                        const std::string& procedure, int64_t due_ms, int64_t at_ms, bool returned);

// [u32 LE length][bytes]... of the events.
std::string Frames(const std::vector<std::string>& events);

// Milliseconds at hh:mm on a day (Asia/Ho_Chi_Minh).
int64_t VnTime(const std::string& day, int hour, int minute = 0);

struct HubOptions {
  // Merged into the generated configuration (top-level keys).
  nlohmann::json extra = nlohmann::json::object();
};

class HubProcess {
 public:
  explicit HubProcess(HubOptions options = {});
  ~HubProcess();

  // Writes the configuration and starts the hub; waits for /healthz.
  void Start();
  // SIGTERM and wait; the data stays.
  void Stop();
  // SIGKILL (a crash); the data stays.
  void Kill();
  // Runs `hailong-hub --config <config> <args...>` to completion.
  testing::CommandResult Run(const std::vector<std::string>& args);

  uint16_t port() const { return daemon_.port(); }
  // The running hub's process id (0 when not running), e.g. for /proc/<pid>/status.
  int pid() const { return static_cast<int>(daemon_.pid()); }
  const std::string& config_path() const { return daemon_.config_file(); }
  std::string data_dir() const { return dir_.Join("data"); }
  std::string web_root() const { return dir_.Join("web"); }
  std::string LogTail() const { return daemon_.LogTail(4000); }
  const testing::TempDir& dir() const { return dir_; }

  testing::HttpResponse Get(const std::string& target,
                            const std::vector<std::pair<std::string, std::string>>& headers = {});
  testing::HttpResponse Post(const std::string& target, const std::string& body,
                             const std::vector<std::pair<std::string, std::string>>& headers = {},
                             const std::string& content_type = "application/json");
  // POST /api/v1/replication/push with a node's token.
  testing::HttpResponse Push(const std::string& token, const std::string& origin,
                             const std::string& body,
                             const std::vector<std::pair<std::string, std::string>>& extra = {});

 private:
  HubOptions options_;
  testing::TempDir dir_;
  testing::Daemon daemon_;
};

// A logged-in user: the cookie header and the CSRF token.
struct Session {
  std::string cookie;  // "hailong_session=..."
  std::string csrf;
  std::string set_cookie;  // the full Set-Cookie header of the login
  std::vector<std::pair<std::string, std::string>> Read() const { return {{"Cookie", cookie}}; }
  std::vector<std::pair<std::string, std::string>> Write() const {
    return {{"Cookie", cookie}, {"X-CSRF-Token", csrf}};
  }
};
// Logs in; fails the test unless the answer is 200.
Session Login(HubProcess& hub, const std::string& name, const std::string& password = kPassword);

// Waits until the hub's read models have applied every event in its log
// (GET /api/v1/status shows backlog 0); true on success.
bool WaitCaughtUp(HubProcess& hub, const Session& session);

// GET /api/v1/report?<query> past the hub's report cache (Cache-Control:
// no-cache); fails the test unless the answer is 200.
nlohmann::json GetReport(HubProcess& hub, const Session& session, const std::string& query);
// The row of `report` whose `key` is `value`, or nullptr.
const nlohmann::json* ReportRow(const nlohmann::json& report, const std::string& key,
                                const std::string& value);

}  // namespace hailong::hub_test
