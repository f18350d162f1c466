// Api (api.h): its construction and the helpers every route uses: replies,
// bodies, office scopes, the audit trail and the hub's own events.
#include "api.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "codec.h"
#include "hailong/net/content_type.h"
#include "hailong/net/percent.h"
#include "hailong/schema/version.h"

namespace hailong::hub {

namespace http = boost::beast::http;
using json = nlohmann::json;

std::string Api::Call::Query(const std::string& key, const std::string& fallback) const {
  auto it = query.find(key);
  return it == query.end() ? fallback : it->second;
}

Api::Api(HubContext* context) : ctx_(context) {
  Metrics& m = *ctx_->metrics;
  m.Describe("hailong_hub_http_requests_total", "counter", "HTTP requests by route and status.");
  m.Describe("hailong_hub_push_batches_total", "counter", "Replication pushes accepted.");
  m.Describe("hailong_hub_push_events_total", "counter", "Events received by push, by result.");
  m.Describe("hailong_hub_push_refused_total", "counter", "Replication pushes refused, by reason.");
  m.Describe("hailong_hub_pull_events_total", "counter", "Hub events served to nodes.");
  m.Describe("hailong_hub_logins_total", "counter", "Login attempts by result.");
  m.Describe("hailong_hub_personal_data_access_total", "counter",
             "Responses that showed phone numbers or comments (each audited).");
}

HttpReply Api::Json(unsigned status, const json& body) const {
  return JsonReply(status, codec::Dump(body));
}

HttpReply Api::Error(const Call& call, unsigned status, const std::string& vi,
                     const std::string& en, json extra) const {
  extra["error"] = call.english ? en : vi;
  if (!call.english) extra["error_en"] = en;
  return Json(status, extra);
}

HttpReply Api::NotJson(const Call& call) const {
  return Error(call, 415, "nội dung phải là JSON (Content-Type: application/json)",
               "the body must be JSON (Content-Type: application/json)");
}

bool Api::ParseBody(const Call& call, json* body, HttpReply* error) const {
  *body = json::parse(call.req.body(), nullptr, false);
  if (body->is_discarded() || !body->is_object()) {
    *error = Error(call, 400, "nội dung yêu cầu không phải là đối tượng JSON hợp lệ",
                   "the request body is not a valid JSON object");
    return false;
  }
  return true;
}

std::string Api::BodyText(const json& body, const char* key) {
  auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool Api::MaySeeOffice(const Call& call, const std::string& office) const {
  return call.who.MaySeeOffice(office);
}

Status Api::KnownOffices(std::vector<std::string>* offices) const {
  // Offices appear only through the projector, which then moves to a new
  // generation; the list read after noting the generation is at least as
  // new as it.
  const uint64_t generation = ctx_->projector->generation();
  {
    std::lock_guard<std::mutex> lock(offices_mu_);
    if (offices_ != nullptr && offices_generation_ == generation) {
      *offices = *offices_;
      return Status::OK();
    }
  }
  Status s = ListOffices(*ctx_->log->store(), offices);
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> lock(offices_mu_);
  if (offices_ == nullptr || generation >= offices_generation_) {
    offices_ = std::make_shared<const std::vector<std::string>>(*offices);
    offices_generation_ = generation;
  }
  return Status::OK();
}

bool Api::ScopeOffices(const Call& call, std::vector<std::string>* offices,
                       HttpReply* error) const {
  offices->clear();
  const std::string office = call.Query("office");
  if (!office.empty()) {
    if (!MaySeeOffice(call, office)) {
      *error = Error(call, 403, "bạn không có quyền xem đơn vị " + office,
                     "you may not see office " + office);
      return false;
    }
    offices->push_back(office);
    return true;
  }
  if (call.who.AllOffices()) return true;  // empty = every office
  std::vector<std::string> all;
  Status s = KnownOffices(&all);
  if (!s.ok()) {
    *error = Error(call, 500, "lỗi đọc dữ liệu", s.ToString());
    return false;
  }
  for (const auto& o : all) {
    if (MaySeeOffice(call, o)) offices->push_back(o);
  }
  if (call.who.is_user()) {
    for (const auto& o : call.who.user->offices) {
      if (o != "*") offices->push_back(o);
    }
  }
  std::sort(offices->begin(), offices->end());
  offices->erase(std::unique(offices->begin(), offices->end()), offices->end());
  if (offices->empty()) offices->push_back("\x01none");  // nothing visible
  return true;
}

bool Api::ScopeOrKnownOffices(const Call& call, std::vector<std::string>* offices,
                              HttpReply* error) const {
  if (!ScopeOffices(call, offices, error)) return false;
  if (!offices->empty()) return true;
  Status s = KnownOffices(offices);
  if (!s.ok()) {
    *error = Error(call, 500, "lỗi đọc dữ liệu", s.ToString());
    return false;
  }
  return true;
}

void Api::Audit(const Call& call, const std::string& action, const std::string& target,
                const json& detail) {
  const std::string role = call.who.is_user() ? RoleName(call.who.user->role) : "node";
  Status s =
      ctx_->audit->Record(call.who.name(), role, call.client.address, action, target, detail);
  if (!s.ok()) std::fprintf(stderr, "hailong-hub: audit write failed: %s\n", s.ToString().c_str());
}

Status Api::AppendHubEvent(replication::EventDraft draft, uint64_t* seq) {
  replication::AppendResult result;
  const std::string origin = draft.origin.empty() ? ctx_->log->origin() : draft.origin;
  Status s = ctx_->log->Append(std::move(draft), &result);
  if (!s.ok()) return s;
  *seq = result.seq;
  // Answer once the read models show the change (bounded wait).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (ctx_->projector->Applied(origin) < result.seq &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return Status::OK();
}

}  // namespace hailong::hub
