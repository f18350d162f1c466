// Api (api.h): signing in and out, and who is signed in.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "api.h"
#include "codec.h"
#include "hailong/net/content_type.h"
#include "hailong/net/percent.h"
#include "hailong/schema/version.h"

namespace hailong::hub {

namespace http = boost::beast::http;
using json = nlohmann::json;

HttpReply Api::Login(Call& call) {
  json body;
  HttpReply error;
  if (!ParseBody(call, &body, &error)) return error;
  auto name = body.find("name");
  auto password = body.find("password");
  if (name == body.end() || !name->is_string() || password == body.end() ||
      !password->is_string()) {
    return Error(call, 400, "cần \"name\" và \"password\" dạng chuỗi",
                 "\"name\" and \"password\" (strings) are required");
  }
  LoginResult login;
  int retry_after = 0;
  Status s = ctx_->auth->Login(name->get<std::string>(), password->get<std::string>(),
                               call.client.address, &login, &retry_after);
  if (s.code() == Status::Code::kUnavailable) {
    ctx_->metrics->Add("hailong_hub_logins_total{result=\"limited\"}");
    HttpReply r = Error(call, 429, "đăng nhập sai quá nhiều lần; vui lòng thử lại sau",
                        "too many login attempts; try again later");
    r.response.set(http::field::retry_after, std::to_string(retry_after));
    return r;
  }
  if (!s.ok()) {
    ctx_->metrics->Add("hailong_hub_logins_total{result=\"failed\"}");
    return Error(call, 401, "sai tên đăng nhập hoặc mật khẩu", "wrong name or password");
  }
  ctx_->metrics->Add("hailong_hub_logins_total{result=\"ok\"}");
  json offices = login.user->offices;
  HttpReply r = Json(200, json{{"name", login.user->name},
                               {"role", RoleName(login.user->role)},
                               {"offices", offices},
                               {"csrf_token", login.csrf_token},
                               {"expires", FormatRfc3339(login.expires_ms)}});
  r.response.set(http::field::set_cookie, ctx_->auth->SessionCookie(login));
  return r;
}

HttpReply Api::Logout(Call& call) {
  ctx_->auth->Logout(call.who);
  ctx_->live->EndSession(call.who.session_hash);  // its live-update streams end with it
  HttpReply r = Json(200, json{{"status", "logged_out"}});
  r.response.set(http::field::set_cookie, ctx_->auth->ClearCookie());
  return r;
}

HttpReply Api::Me(Call& call) {
  json j{{"name", call.who.user->name},
         {"role", RoleName(call.who.user->role)},
         {"offices", call.who.user->offices},
         {"personal_data", call.who.MaySeePersonalData()}};
  if (call.who.via_cookie) j["csrf_token"] = call.who.csrf_token;
  return Json(200, j);
}

}  // namespace hailong::hub
