#include "hub_harness.h"

#include <gtest/gtest.h>

#include <chrono>

#include "hailong/schema/time.h"
#include "hailong/testing/node_config.h"
#include "hailong/testing/programs.h"
#include "hailong/testing/wait.h"

namespace hailong::hub_test {

using json = nlohmann::json;

std::string ChainBuilder::Next(fb::EventBodyUnion body, int64_t time_ms,
                               std::string idempotency_id) {
  fb::EventT e;
  e.origin = origin_;
  e.seq = ++seq_;
  e.time_ms = time_ms;
  e.idempotency_id = std::move(idempotency_id);
  e.prev_hash.assign(prev_.begin(), prev_.end());
  e.body = std::move(body);
  std::string bytes = schema::SerializeEvent(e);
  prev_ = schema::ChainHash(prev_, bytes);
  return bytes;
}

fb::EventBodyUnion Rating(const RatingSpec& s) {
  fb::RatingSubmittedT r;
  static int counter = 0;
  r.rating_id = "r" + std::to_string(++counter);
  r.office = s.office;
  r.counter = s.counter;
  r.officer = s.officer;
  r.device = "dev-1";
  r.channel = s.channel;
  r.template_id = s.template_id;
  r.template_version = 1;
  if (s.answers.empty()) {
    auto a = std::make_unique<fb::AnswerT>();
    a->criterion = "attitude";
    a->option = s.classification == fb::Classification::Satisfied     ? "good"
                : s.classification == fb::Classification::Unsatisfied ? "bad"
                                                                      : "ok";
    r.answers.push_back(std::move(a));
  }
  for (const auto& [criterion, option] : s.answers) {
    auto a = std::make_unique<fb::AnswerT>();
    a->criterion = criterion;
    a->option = option;
    r.answers.push_back(std::move(a));
  }
  r.classification = s.classification;
  r.dossier = s.dossier;
  r.procedure = s.procedure;
  r.field = s.field;
  r.comment = s.comment;
  r.phone = s.phone;
  r.device_time_ms = s.time_ms;
  r.edge_time_ms = s.time_ms;
  r.flags = s.misuse ? fb::RatingFlags::SuspectedMisuse : fb::RatingFlags::NONE;
  fb::EventBodyUnion body;
  body.Set(std::move(r));
  return body;
}

std::string NextDossier(ChainBuilder* chain, const std::string& receipt, const std::string& counter,
                        const std::string& officer, const std::string& field,
                        const std::string& procedure, int64_t due_ms, int64_t at_ms,
                        bool returned) {
  DossierSpec d;
  d.receipt = receipt;
  d.counter = counter;
  d.officer = officer;
  d.field = field;
  d.procedure = procedure;
  d.due_ms = due_ms;
  d.at_ms = at_ms;
  d.returned = returned;
  return chain->Next(Dossier(d), at_ms);
}

fb::EventBodyUnion Dossier(const DossierSpec& s) {
  fb::DossierRecordedT d;
  d.receipt = s.receipt;
  d.stage = s.returned ? fb::DossierStage::Returned : fb::DossierStage::Received;
  d.office = s.office;
  d.procedure = s.procedure;
  d.field = s.field;
  d.counter = s.counter;
  d.officer = s.officer;
  d.due_ms = s.due_ms;
  d.at_ms = s.at_ms;
  fb::EventBodyUnion body;
  body.Set(std::move(d));
  return body;
}

std::string Frames(const std::vector<std::string>& events) {
  std::string body;
  for (const auto& e : events) {
    const auto n = static_cast<uint32_t>(e.size());
    for (int i = 0; i < 4; ++i) body.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
    body += e;
  }
  return body;
}

int64_t VnTime(const std::string& day, int hour, int minute) {
  int64_t ms = 0;
  EXPECT_TRUE(ParseVietnamDay(day, &ms).ok()) << day;
  return ms + (int64_t{hour} * 60 + minute) * 60 * 1000;
}

// Argon2id hash of kPassword, computed once per test program.
const std::string& PasswordHash() {
  static const std::string hash = testing::PasswordHash(kPassword);
  EXPECT_FALSE(hash.empty());
  return hash;
}

HubProcess::HubProcess(HubOptions options)
    : options_(std::move(options)),
      dir_("hailong-hub"),
      daemon_("hub", testing::HubProgram(), dir_.path()) {
  dir_.WriteFile("web/index.html", "<!doctype html><title>Hài Lòng</title>\n");
  dir_.WriteFile("web/assets/app.js", "console.log('hài lòng');\n");
  dir_.WriteFile("secret.txt", "do not serve\n");
}

HubProcess::~HubProcess() { daemon_.Stop(); }

void HubProcess::Start() {
  json config = testing::HubConfig(data_dir());
  config["http"] = {{"max_push_mib", 1}};
  config["web_root"] = web_root();
  config["nodes"] = json::array({testing::HubNodeEntry("edge-p1", "p1", kTokenP1),
                                 testing::HubNodeEntry("edge-p2", "p2", kTokenP2)});
  config["users"] =
      json::array({testing::HubUserEntry("admin", "admin", {"*"}, PasswordHash()),
                   testing::HubUserEntry("manager", "manager", {"p1"}, PasswordHash()),
                   testing::HubUserEntry("viewer", "viewer", {"p1"}, PasswordHash())});
  config.merge_patch(options_.extra);  // objects (e.g. "http") merge key by key
  const Status s = daemon_.Start(std::move(config));
  ASSERT_TRUE(s.ok()) << s.ToString();
}

void HubProcess::Stop() {
  if (!daemon_.started()) return;
  EXPECT_EQ(daemon_.Stop(), 0) << daemon_.LogTail();
}

void HubProcess::Kill() { daemon_.Kill(); }

testing::CommandResult HubProcess::Run(const std::vector<std::string>& args) {
  testing::CommandResult result;
  const Status s = daemon_.Run(args, &result);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return result;
}

testing::HttpResponse HubProcess::Get(
    const std::string& target, const std::vector<std::pair<std::string, std::string>>& headers) {
  testing::HttpResponse res = daemon_.Get(target, headers);
  EXPECT_NE(res.status, 0) << "GET " << target << ": no answer";
  return res;
}

testing::HttpResponse HubProcess::Post(
    const std::string& target, const std::string& body,
    const std::vector<std::pair<std::string, std::string>>& headers,
    const std::string& content_type) {
  testing::HttpResponse res = daemon_.Post(target, body, headers, content_type);
  EXPECT_NE(res.status, 0) << "POST " << target << ": no answer";
  return res;
}

testing::HttpResponse HubProcess::Push(
    const std::string& token, const std::string& origin, const std::string& body,
    const std::vector<std::pair<std::string, std::string>>& extra) {
  std::vector<std::pair<std::string, std::string>> headers = {{"Authorization", "Bearer " + token},
                                                              {"X-Hailong-Origin", origin}};
  headers.insert(headers.end(), extra.begin(), extra.end());
  return Post("/api/v1/replication/push", body, headers, "application/octet-stream");
}

Session Login(HubProcess& hub, const std::string& name, const std::string& password) {
  Session s;
  auto res = hub.Post("/api/v1/login", json{{"name", name}, {"password", password}}.dump());
  EXPECT_EQ(res.status, 200) << res.body;
  s.set_cookie = res.Header("set-cookie");
  const size_t semi = s.set_cookie.find(';');
  s.cookie = s.set_cookie.substr(0, semi);
  json j = json::parse(res.body, nullptr, false);
  if (j.is_object()) s.csrf = j.value("csrf_token", "");
  return s;
}

bool WaitCaughtUp(HubProcess& hub, const Session& session) {
  return testing::WaitUntil(
      [&] {
        auto res = hub.Get("/api/v1/status", session.Read());
        if (res.status != 200) return false;
        json j = json::parse(res.body, nullptr, false);
        return j.is_object() && j.value("backlog", uint64_t{1}) == 0;
      },
      std::chrono::seconds(20), std::chrono::milliseconds(25));
}

nlohmann::json GetReport(HubProcess& hub, const Session& session, const std::string& query) {
  auto res = hub.Get("/api/v1/report?" + query,
                     {{"Cookie", session.cookie}, {"Cache-Control", "no-cache"}});
  EXPECT_EQ(res.status, 200) << res.body;
  return nlohmann::json::parse(res.body, nullptr, false);
}

const nlohmann::json* ReportRow(const nlohmann::json& report, const std::string& key,
                                const std::string& value) {
  for (const auto& row : report["rows"]) {
    if (row.value(key, "") == value) return &row;
  }
  return nullptr;
}

}  // namespace hailong::hub_test
