// Personal data routes (replication/doc/personal_data.md):
//   GET  /api/v1/replication/personal-data-key  nodes, admins: the hub's public key
//   POST /api/v1/replication/personal-keys      nodes: data keys sealed to it
//   GET  /api/v1/erasures                       admins: the erasures, newest first
//   POST /api/v1/erasures                       admins: {"phone"|"rating", "reason"}
#include <nlohmann/json.hpp>

#include "api.h"

namespace hailong::hub {

using json = nlohmann::json;

namespace {
constexpr size_t kMaxKeysPerPost = 4096;
}  // namespace

HttpReply Api::PersonalDataKey(Call& call) {
  if (!call.who.is_node() && !call.who.IsAdmin()) {
    return Error(call, 403, "chỉ nút (edge) hoặc quản trị viên", "nodes and admins only");
  }
  return Json(200, json{{"public_key",
                         replication::personal::PublicKeyHex(ctx_->keys->secrets().public_key())},
                        {"algorithm", "x25519 crypto_box_seal (libsodium)"}});
}

HttpReply Api::PersonalKeysPost(Call& call) {
  if (!call.who.is_node()) {
    return Error(call, 403, "chỉ nút (edge) mới được gửi khoá", "only nodes may send keys");
  }
  json body;
  HttpReply error;
  if (!ParseBody(call, &body, &error)) return error;
  const json keys = body.value("keys", json());
  if (!keys.is_array() || keys.size() > kMaxKeysPerPost) {
    return Error(call, 400, "keys phải là mảng (tối đa 4096)", "keys must be an array (≤ 4096)");
  }
  std::vector<std::string> sealed;
  for (const json& k : keys) {
    std::string bytes;
    if (!k.is_string() || !schema::HexDecode(k.get<std::string>(), &bytes) ||
        (bytes.size() != replication::personal::kSealedDataKeyBytes &&
         bytes.size() != replication::personal::kSessionSealedDataKeyBytes)) {
      return Error(call, 400, "khoá không hợp lệ", "bad sealed key");
    }
    sealed.push_back(std::move(bytes));
  }
  size_t kept = 0, refused = 0;
  Status s = ctx_->keys->Accept(call.who.node->id, sealed, &kept, &refused);
  if (s.IsInvalidArgument()) {
    return Error(call, 400, "khoá không mở được bằng khoá của hub (khoá công khai cũ?)",
                 s.message());
  }
  if (!s.ok()) return Error(call, 500, "không lưu được khoá", s.ToString());
  ctx_->metrics->Add("hailong_hub_personal_keys_received_total", kept);
  return Json(200, json{{"kept", kept}, {"already_erased", refused}});
}

HttpReply Api::ErasuresList(Call& call) {
  if (!call.who.IsAdmin()) return Error(call, 403, "chỉ quản trị viên", "admins only");
  json list;
  Status s = ctx_->keys->ListErasures(200, &list);
  if (!s.ok()) return Error(call, 500, "lỗi đọc dữ liệu", s.ToString());
  return Json(200,
              json{{"erasures", list}, {"personal_data_days", ctx_->config->personal_data_days}});
}

HttpReply Api::ErasurePost(Call& call) {
  if (!call.who.IsAdmin()) {
    return Error(call, 403, "chỉ quản trị viên được xoá dữ liệu cá nhân", "admins only");
  }
  json body;
  HttpReply error;
  if (!ParseBody(call, &body, &error)) return error;
  auto text = [&](const char* key) { return BodyText(body, key); };
  const std::string reason = text("reason"), phone = text("phone"), rating = text("rating");
  if (reason.empty() || reason.size() > 1000) {
    return Error(call, 400, "cần lý do (reason, tối đa 1.000 ký tự)",
                 "reason is required (at most 1,000 characters)");
  }
  if (phone.empty() == rating.empty()) {
    return Error(call, 400, "cần đúng một trong hai: phone hoặc rating (\"<origin>/<seq>\")",
                 "exactly one of phone or rating (\"<origin>/<seq>\") is required");
  }
  ErasureResult result;
  Status s;
  std::string target;
  if (!rating.empty()) {
    const size_t slash = rating.rfind('/');
    uint64_t seq = 0;
    const std::string seq_text = slash == std::string::npos ? "" : rating.substr(slash + 1);
    if (slash == std::string::npos || slash == 0 || seq_text.empty() || seq_text.size() > 19 ||
        seq_text.find_first_not_of("0123456789") != std::string::npos ||
        (seq = std::stoull(seq_text)) == 0) {
      return Error(call, 400, "rating phải có dạng \"<origin>/<seq>\"",
                   "rating must be \"<origin>/<seq>\"");
    }
    target = rating;
    s = ctx_->eraser->ByRating(rating.substr(0, slash), seq, call.who.name(), reason, &result);
  } else {
    target = "phone";  // the number itself is never written down
    s = ctx_->eraser->ByPhone(phone, call.who.name(), reason, &result);
  }
  if (s.IsNotFound()) return Error(call, 404, "không tìm thấy đánh giá", "no such rating");
  if (s.IsInvalidArgument()) {
    return Error(call, 400, "số điện thoại không hợp lệ (8-16 chữ số)", s.message());
  }
  if (!s.ok()) return Error(call, 500, "không xoá được dữ liệu cá nhân", s.ToString());
  Audit(call, "personal_data.erase", target,
        json{{"erasure", result.summary.value("id", "")},
             {"scope", result.summary.value("scope", "")},
             {"ratings", result.summary.value("ratings", json::array())},
             {"keys", result.summary.value("keys", 0)}});
  ctx_->metrics->Add("hailong_hub_personal_data_erasures_total");
  return Json(200, result.summary);
}

void Api::RevealFollowUp(json* f, bool personal, bool* had_personal) const {
  const std::string id = f->value("id", "");
  const bool hidden = ctx_->keys->IsHidden(PersonalKeys::kFollowUpMarker + id, 0);
  auto reveal = [&](json* field, const char* name, const char* state_key, json* owner) {
    if (field == nullptr || field->is_null()) return;
    std::string text;
    TextState state = ctx_->keys->RevealJson(*field, name, &text);
    if (hidden && field->is_string() && state == TextState::kShown) state = TextState::kErased;
    if (state != TextState::kAbsent) (*owner)[state_key] = TextStateName(state);
    if (personal && state == TextState::kShown) {
      *field = text;
      *had_personal = true;
    } else {
      *field = "";
    }
  };
  if (f->contains("reason_sealed")) {
    json sealed = (*f)["reason_sealed"];
    f->erase("reason_sealed");
    reveal(&sealed, "reason", "reason_state", f);
    if (personal && sealed.is_string() && !sealed.get<std::string>().empty())
      (*f)["reason"] = sealed;
  }
  if (f->contains("resolution")) reveal(&(*f)["resolution"], "resolution", "resolution_state", f);
  if (f->contains("notes") && (*f)["notes"].is_array()) {
    for (auto& n : (*f)["notes"]) {
      if (n.contains("note")) reveal(&n["note"], "note", "note_state", &n);
      if (!personal) n.erase("note");
    }
  }
}

}  // namespace hailong::hub
