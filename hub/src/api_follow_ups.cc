// The follow-up routes: GET /api/v1/follow-ups, GET /api/v1/follow-ups/{id}
// and POST /api/v1/follow-ups/{id}/{assign,note,close}. Personal text only
// for admins and managers, audited first.
#include <algorithm>
#include <climits>
#include <nlohmann/json.hpp>

#include "api.h"
#include "codec.h"
#include "hailong/hub/hub.h"
#include "names.h"
#include "projection_state.h"

namespace hailong::hub {

namespace http = boost::beast::http;
using json = nlohmann::json;

namespace {

// What a viewer may not read of a follow-up: every free text a person wrote
// (notes, the resolution) and an opening reason other than the projector's
// own codes (batch_applier.h). Who acted and when stay.
void StripPersonalText(json* f) {
  f->erase("resolution");
  const std::string reason = f->value("reason", "");
  if (reason != "unsatisfied_with_comment" && reason != "unsatisfied_with_phone" &&
      reason != "suggestion") {
    f->erase("reason");
  }
  if (auto it = f->find("notes"); it != f->end() && it->is_array()) {
    for (auto& n : *it) n.erase("note");
  }
}

json FollowUpView(json f, int64_t now, int64_t due_ms) {
  const bool open = f.value("status", "") == "open";
  const int64_t opened = f.value("opened_ms", int64_t{0});
  f["overdue"] = open && now - opened > due_ms;
  f["opened_at"] = FormatRfc3339(opened);
  f["due_at"] = FormatRfc3339(opened + due_ms);
  if (f.contains("closed_ms")) f["closed_at"] = FormatRfc3339(f["closed_ms"].get<int64_t>());
  for (auto& n : f["notes"]) n["at"] = FormatRfc3339(n.value("at_ms", int64_t{0}));
  return f;
}

}  // namespace

HttpReply Api::FollowUps(Call& call) {
  const std::string status = call.Query("status", "all");
  if (status != "all" && status != "open" && status != "closed" && status != "overdue") {
    return Error(call, 400, "status phải là all, open, closed hoặc overdue",
                 "status must be all, open, closed or overdue");
  }
  const std::string office = call.Query("office");
  if (!office.empty() && !MaySeeOffice(call, office)) {
    return Error(call, 403, "bạn không có quyền xem đơn vị " + office,
                 "you may not see office " + office);
  }
  const int64_t now = ctx_->clock->NowMs();
  const int64_t due_ms = ctx_->config->follow_up_due_hours * 3600 * 1000;
  std::vector<json> list;
  std::string end(codec::kFollowUpPrefix);
  end.back() = static_cast<char>('/' + 1);
  Status s = ctx_->log->store()->Scan(
      codec::kFollowUpPrefix, end, [&](std::string_view, std::string_view v) {
        json f = json::parse(v, nullptr, false);
        if (f.is_discarded()) return true;
        const std::string o = f.value("office", "");
        if (!MaySeeOffice(call, o) || (!office.empty() && o != office)) return true;
        f = FollowUpView(std::move(f), now, due_ms);
        if (status == "open" && f["status"] != "open") return true;
        if (status == "closed" && f["status"] != "closed") return true;
        if (status == "overdue" && !f["overdue"].get<bool>()) return true;
        list.push_back(std::move(f));
        return true;
      });
  if (!s.ok()) return Error(call, 500, "lỗi đọc dữ liệu", s.ToString());
  std::sort(list.begin(), list.end(), [](const json& a, const json& b) {
    return a.value("opened_ms", int64_t{0}) > b.value("opened_ms", int64_t{0});
  });
  const bool personal = call.who.MaySeePersonalData();
  bool had_personal = false;
  json out = json::array();
  size_t open = 0, overdue = 0;
  for (auto& f : list) {
    if (f["status"] == "open") ++open;
    if (f["overdue"].get<bool>()) ++overdue;
    if (out.size() >= 500) continue;
    f["rating"] = RatingJson(f.value("rating_origin", ""), f.value("rating_seq", uint64_t{0}),
                             personal, &had_personal);
    RevealFollowUp(&f, personal, &had_personal);
    if (!personal) StripPersonalText(&f);
    out.push_back(std::move(f));
  }
  if (had_personal) {
    Audit(call, "follow_ups.list", office.empty() ? "*" : office, json{{"count", out.size()}});
    ctx_->metrics->Add("hailong_hub_personal_data_access_total");
  }
  return Json(200, json{{"follow_ups", out}, {"open", open}, {"overdue", overdue}});
}

json Api::FollowUpForRole(json f, const Call& call, bool* had_personal) const {
  f = FollowUpView(std::move(f), ctx_->clock->NowMs(),
                   ctx_->config->follow_up_due_hours * 3600 * 1000);
  const bool personal = call.who.MaySeePersonalData();
  RevealFollowUp(&f, personal, had_personal);
  if (!personal) StripPersonalText(&f);
  return f;
}

bool Api::LoadFollowUp(const Call& call, const std::string& id, json* f, HttpReply* error) const {
  std::string v;
  if (!ctx_->log->store()->Get(codec::FollowUpKey(id), &v).ok()) {
    *error = Error(call, 404, "không tìm thấy việc xử lý", "no such follow-up");
    return false;
  }
  *f = json::parse(v, nullptr, false);
  if (f->is_discarded() || !MaySeeOffice(call, f->value("office", ""))) {
    *error = Error(call, 404, "không tìm thấy việc xử lý", "no such follow-up");
    return false;
  }
  return true;
}

HttpReply Api::FollowUp(Call& call, const std::string& id) {
  json f;
  HttpReply error;
  if (!LoadFollowUp(call, id, &f, &error)) return error;
  bool had_personal = false;
  f = FollowUpForRole(std::move(f), call, &had_personal);
  f["rating"] = RatingJson(f.value("rating_origin", ""), f.value("rating_seq", uint64_t{0}),
                           call.who.MaySeePersonalData(), &had_personal);
  if (had_personal) {
    Audit(call, "follow_up.view", id);
    ctx_->metrics->Add("hailong_hub_personal_data_access_total");
  }
  return Json(200, f);
}

HttpReply Api::FollowUpAction(Call& call, const std::string& id, const std::string& action) {
  if (!call.who.is_user() || call.who.user->role == Role::kViewer) {
    return Error(call, 403, "người xem không được xử lý phản ánh",
                 "viewers cannot act on follow-ups");
  }
  json f;
  HttpReply error;
  if (!LoadFollowUp(call, id, &f, &error)) return error;
  if (f.value("status", "") == "closed") {
    return Error(call, 409, "việc xử lý đã đóng", "the follow-up is closed");
  }
  json body;
  if (!ParseBody(call, &body, &error)) return error;
  auto text = [&](const char* key) { return BodyText(body, key); };
  replication::EventDraft draft;
  if (action == "assign") {
    fb::FollowUpNotedT n;
    n.follow_up_id = id;
    n.author = call.who.name();
    n.action = fb::FollowUpAction::Assigned;
    n.assignee = text("assignee");
    n.note = text("note");
    if (n.assignee.empty())
      return Error(call, 400, "cần người được giao (assignee)", "assignee is required");
    draft.body.Set(std::move(n));
  } else if (action == "note") {
    fb::FollowUpNotedT n;
    n.follow_up_id = id;
    n.author = call.who.name();
    const std::string kind = text("action").empty() ? "note" : text("action");
    if (!FollowUpActionFromName(kind, &n.action) || n.action == fb::FollowUpAction::Assigned) {
      return Error(call, 400,
                   "action phải là note, called_back, written_explanation, apology hoặc minutes",
                   "action must be note, called_back, written_explanation, apology or minutes");
    }
    n.note = text("note");
    if (n.note.empty()) return Error(call, 400, "cần nội dung (note)", "note is required");
    if (n.note.size() > 8000) return Error(call, 400, "nội dung quá dài", "note too long");
    draft.body.Set(std::move(n));
  } else if (action == "close") {
    fb::FollowUpClosedT c;
    c.follow_up_id = id;
    c.author = call.who.name();
    c.resolution = text("resolution");
    if (c.resolution.empty())
      return Error(call, 400, "cần kết quả xử lý (resolution)", "resolution is required");
    draft.body.Set(std::move(c));
  } else {
    return Error(call, 404, "không tìm thấy", "not found");
  }
  // Notes and resolutions may name the citizen: the log keeps them encrypted.
  Status sealed;
  if (auto* n = draft.body.AsFollowUpNoted()) {
    sealed = ctx_->keys->SealField(&n->note, "note", &n->sealed_note);
  } else if (auto* c = draft.body.AsFollowUpClosed()) {
    sealed = ctx_->keys->SealField(&c->resolution, "resolution", &c->sealed_resolution);
  }
  if (!sealed.ok()) return Error(call, 500, "không mã hoá được nội dung", sealed.ToString());
  draft.origin = kHubPrivateOrigin;  // notes may name the citizen
  uint64_t seq = 0;
  Status s = AppendHubEvent(std::move(draft), &seq);
  if (!s.ok()) return Error(call, 500, "không ghi được sự kiện", s.ToString());
  Audit(call, "follow_up." + action, id);
  // Texts past the retention period waited for this follow-up to close.
  if (action == "close") ctx_->eraser->Wake();
  return FollowUp(call, id);
}

}  // namespace hailong::hub
