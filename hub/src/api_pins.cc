// Officers' counter PINs (hub/README.md, "Officer PINs"):
//   POST   /api/v1/officers/{office}/{officer}/pin  {"pin"} | {"generate":true}
//   DELETE /api/v1/officers/{office}/{officer}/pin
//     a manager of the office or an admin; only the Argon2id hash is kept;
//   GET    /api/v1/officer-pins[?office=]  who has a PIN (no hashes);
//   GET    /api/v1/replication/officer-pins[?known=V]  a node: the hashes of
//     its own office, for sign-in at its counters while offline.
// A PIN is never written to a log line, an audit entry or an answer, except
// the one answer that hands out a PIN the hub generated.
#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "api.h"
#include "hailong/schema/time.h"
#include "hailong/survey/limits.h"
#include "officer_pins.h"

namespace hailong::hub {

namespace http = boost::beast::http;
using json = nlohmann::json;

namespace {

bool MayManagePins(const Principal& who, const std::string& office) {
  if (!who.is_user()) return false;
  if (who.IsAdmin()) return true;
  return who.user->role == Role::kManager && who.MaySeeOffice(office);
}

bool ParseVersion(const std::string& s, uint64_t* out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty();
}

}  // namespace

HttpReply Api::OfficerPinRoute(Call& call, const std::string& office, const std::string& officer) {
  const auto method = call.req.method();
  const bool clear = method == http::verb::delete_;
  if (!clear && method != http::verb::post) {
    return Error(call, 405, "phương thức không được hỗ trợ", "method not allowed");
  }
  if (!MayManagePins(call.who, office)) {
    return Error(call, 403,
                 "chỉ quản lý của đơn vị " + office + " hoặc quản trị viên được đặt mã PIN",
                 "only a manager of office " + office + " or an admin may set PINs");
  }
  if (!survey::IsValidNodeId(office) || !survey::IsValidNodeId(officer)) {
    return Error(call, 400, "mã đơn vị và mã cán bộ gồm 1-64 chữ, số, '-' hoặc '_'",
                 "office and officer ids are 1-64 letters, digits, '-' or '_'");
  }
  if (!KnownOffice(office)) {
    return Error(call, 404, "không có đơn vị " + office, "no office " + office);
  }
  std::string pin, hash;
  bool generated = false;
  if (!clear) {
    json body;
    HttpReply error;
    if (!ParseBody(call, &body, &error)) return error;
    auto p = body.find("pin");
    auto g = body.find("generate");
    if (g != body.end() && (!g->is_boolean() || (g->get<bool>() && p != body.end()))) {
      return Error(call, 400, "generate là true/false, và không đi cùng pin",
                   "generate must be a boolean and not come with pin");
    }
    generated = g != body.end() && g->get<bool>();
    if (generated) {
      pin = GeneratePin(6);
    } else if (p == body.end() || !p->is_string()) {
      return Error(call, 400, "cần mã PIN (chuỗi 4-8 chữ số) hoặc \"generate\": true",
                   "give a pin (a string of 4-8 digits) or \"generate\": true");
    } else {
      pin = p->get<std::string>();
    }
    switch (CheckPin(pin)) {
      case PinProblem::kOk:
        break;
      case PinProblem::kNotDigits:
      case PinProblem::kLength:
        return Error(call, 400, "mã PIN phải có 4-8 chữ số", "a PIN is 4-8 digits");
      case PinProblem::kTrivial:
        return Error(call, 400, "mã PIN quá dễ đoán (như 0000, 1234, 1212); hãy chọn mã khác",
                     "the PIN is too easy to guess (like 0000, 1234, 1212); choose another");
    }
    Status s = HashPin(pin, &hash);
    if (!s.ok()) return Error(call, 503, "không tạo được mã băm của PIN", s.ToString());
  }
  uint64_t seq = 0;
  int64_t at_ms = 0;
  Status s = ctx_->pins->Set(office, officer, hash, call.who.name(), &seq, &at_ms);
  if (!s.ok()) {
    if (s.IsStorageFull()) return Error(call, 507, "máy chủ hết chỗ lưu", "storage full");
    return Error(call, 500, "không ghi được sự kiện", s.ToString());
  }
  Audit(call, clear ? "officer_pin.clear" : "officer_pin.set", office + "/" + officer,
        json{{"generated", generated}, {"seq", seq}});
  json out{{"office", office},
           {"officer", officer},
           {"pin_set", !clear},
           {"at", FormatRfc3339(at_ms)},
           {"seq", seq}};
  if (generated) out["pin"] = pin;  // shown once; the hub keeps only the hash
  return Json(200, out);
}

HttpReply Api::OfficerPinsList(Call& call) {
  std::vector<std::string> offices;
  HttpReply error;
  if (!ScopeOffices(call, &offices, &error)) return error;
  if (offices.empty()) {  // every office
    for (const auto& n : ctx_->config->nodes) offices.push_back(n.office_id);
    std::vector<std::string> known;
    if (KnownOffices(&known).ok()) offices.insert(offices.end(), known.begin(), known.end());
    std::sort(offices.begin(), offices.end());
    offices.erase(std::unique(offices.begin(), offices.end()), offices.end());
  }
  json list = json::array();
  for (const auto& office : offices) {
    uint64_t version = 0;
    for (const auto& p : ctx_->pins->ForOffice(office, &version)) {
      list.push_back({{"office", office},
                      {"officer", p.officer},
                      {"set_at", FormatRfc3339(p.set_at_ms)},
                      {"by", p.by}});
    }
  }
  return Json(200, json{{"pins", list}});
}

HttpReply Api::NodeOfficerPins(Call& call) {
  if (!call.who.is_node()) {
    return Error(call, 403, "chỉ nút của đơn vị được lấy mã băm PIN",
                 "only an office's node may fetch its PIN hashes");
  }
  const std::string& office = call.who.node->office_id;
  uint64_t version = 0;
  const std::vector<OfficerPins::Pin> pins = ctx_->pins->ForOffice(office, &version);
  uint64_t known = 0;
  if (call.query.count("known") && ParseVersion(call.Query("known"), &known) && known == version) {
    return Json(200, json{{"office", office}, {"version", version}, {"unchanged", true}});
  }
  json list = json::array();
  for (const auto& p : pins) {
    list.push_back(
        {{"officer", p.officer}, {"pin_hash", p.hash}, {"set_at", FormatRfc3339(p.set_at_ms)}});
  }
  return Json(200, json{{"office", office}, {"version", version}, {"pins", list}});
}

}  // namespace hailong::hub
