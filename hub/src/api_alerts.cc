// GET /api/v1/alerts[?status=open|closed|all][&office=ID] and
// POST /api/v1/alerts/{id}/ack | /close {"note"}: everyone sees the alerts
// of their offices (notes only admins and managers); admins and managers
// acknowledge and close them.
#include <nlohmann/json.hpp>

#include "api.h"

namespace hailong::hub {

using json = nlohmann::json;

HttpReply Api::AlertsList(Call& call) {
  const std::string status = call.Query("status", "all");
  if (status != "all" && status != "open" && status != "closed") {
    return Error(call, 400, "status phải là all, open hoặc closed",
                 "status must be all, open or closed");
  }
  const std::string office = call.Query("office");
  if (!office.empty() && !MaySeeOffice(call, office)) {
    return Error(call, 403, "bạn không có quyền xem đơn vị " + office,
                 "you may not see office " + office);
  }
  json out = ctx_->alerts->List(status, call.who.MaySeePersonalData(), [&](const std::string& o) {
    return MaySeeOffice(call, o) && (office.empty() || o == office);
  });
  return Json(200, out);
}

HttpReply Api::AlertAction(Call& call, const std::string& id, const std::string& action) {
  if (action != "ack" && action != "close") return Error(call, 404, "không tìm thấy", "not found");
  if (!call.who.is_user() || call.who.user->role == Role::kViewer) {
    return Error(call, 403, "người xem không được xử lý cảnh báo",
                 "viewers cannot acknowledge or close alerts");
  }
  std::string office;
  if (!ctx_->alerts->OfficeOf(id, &office).ok() || !MaySeeOffice(call, office)) {
    return Error(call, 404, "không tìm thấy cảnh báo", "no such alert");
  }
  json body;
  HttpReply error;
  if (!ParseBody(call, &body, &error)) return error;
  std::string note;
  if (auto it = body.find("note"); it != body.end()) {
    if (!it->is_string()) return Error(call, 400, "note phải là chuỗi", "note must be a string");
    note = it->get<std::string>();
  }
  if (note.size() > 8000) return Error(call, 400, "nội dung quá dài", "note too long");
  json view;
  Status s = ctx_->alerts->Act(id, action == "close", call.who.name(), note, &view);
  if (s.code() == Status::Code::kNotFound) {
    return Error(call, 404, "không tìm thấy cảnh báo", "no such alert");
  }
  if (s.code() == Status::Code::kConflict) {
    return s.message() == "closed"
               ? Error(call, 409, "cảnh báo đã đóng", "the alert is closed")
               : Error(call, 409, "cảnh báo đã được xác nhận", "the alert is already acknowledged");
  }
  if (!s.ok()) return Error(call, 500, "không ghi được sự kiện", s.ToString());
  Audit(call, "alert." + action, id);
  return Json(200, view);
}

}  // namespace hailong::hub
