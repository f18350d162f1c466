// Officers' PINs at counter sign-in and sign-out (edge/README.md, "Officer
// PINs"): the credential checks shared by the two endpoints of edge_api.cc.
// Every refusal stores nothing; errors are Vietnamese (`error`) with English
// (`error_en`), for the kiosk's screen.
#include <iostream>

#include "edge_api.h"
#include "edge_context.h"

namespace hailong::edge {

namespace {

HttpResponse PinError(int status, const std::string& vi, const std::string& en) {
  return HttpResponse::Json(status, {{"error", vi}, {"error_en", en}});
}

bool IsPinShape(const std::string& pin) {
  if (pin.size() < 4 || pin.size() > 8) return false;
  for (char c : pin) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::optional<HttpResponse> AdmitPin(EdgeNode::Context* ctx, const std::string& counter,
                                     const std::string& officer, const nlohmann::json& body,
                                     std::string* pin) {
  auto p = body.find("pin");
  if (p == body.end() || p->is_null() || (p->is_string() && p->get<std::string>().empty())) {
    return PinError(401, "Cần nhập mã PIN của cán bộ.", "the officer's PIN is required");
  }
  if (!p->is_string() || !IsPinShape(p->get<std::string>())) {
    return PinError(400, "Mã PIN gồm 4-8 chữ số.", "a PIN is a string of 4-8 digits");
  }
  if (!ctx->pins.HashOf(officer)) {
    return PinError(403,
                    "Cán bộ " + officer +
                        " chưa có mã PIN. Đề nghị lãnh đạo đơn vị đặt mã PIN trên hệ thống quản "
                        "lý (hub).",
                    "officer " + officer +
                        " has no PIN yet; ask the office's manager to set one "
                        "at the hub");
  }
  int retry_after_s = 0;
  if (!ctx->pin_attempts.Admit(counter, officer, ctx->clock->NowMs(), &retry_after_s)) {
    ++ctx->metrics.pins_limited;
    const std::string minutes = std::to_string((retry_after_s + 59) / 60);
    HttpResponse r =
        PinError(429, "Nhập sai mã PIN quá nhiều lần. Vui lòng thử lại sau " + minutes + " phút.",
                 "too many wrong PINs; try again in " + minutes + " minute(s)");
    r.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
    return r;
  }
  *pin = p->get<std::string>();
  return std::nullopt;
}

std::optional<HttpResponse> CheckAdmittedPin(EdgeNode::Context* ctx, const std::string& counter,
                                             const std::string& officer, const std::string& pin,
                                             const char* action) {
  const std::optional<std::string> hash = ctx->pins.HashOf(officer);
  if (hash && VerifyPin(*hash, pin)) {
    ctx->pin_attempts.Succeeded(counter, officer);
    ++ctx->metrics.pins_right;
    return std::nullopt;
  }
  ++ctx->metrics.pins_wrong;
  std::cerr << "hailong-edge: wrong PIN for officer " << officer << " at counter " << counter
            << " (" << action << ")\n";
  return PinError(403, "Mã PIN không đúng.", "wrong PIN");
}

}  // namespace hailong::edge
