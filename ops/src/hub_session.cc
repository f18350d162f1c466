#include "hub_session.h"

#include <nlohmann/json.hpp>

namespace hailong::ops {

using json = nlohmann::json;

std::string HttpErrorText(const HttpResponse& res) {
  json j = json::parse(res.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_object() && j.contains("error") && j["error"].is_string()) {
    return j["error"].get<std::string>() + " (HTTP " + std::to_string(res.status) + ")";
  }
  return "HTTP " + std::to_string(res.status);
}

HubSession::~HubSession() {
  if (cookie_.empty()) return;
  // Best effort: one session less for the hub to keep.
  HttpResponse ignored;
  client_
      ->Post("/api/v1/logout", {{"Cookie", cookie_}, {"X-CSRF-Token", csrf_}}, "application/json",
             "{}", &ignored)
      .PermitUncheckedError();
}

Status HubSession::Login(const std::string& user, const std::string& password) {
  HttpResponse res;
  Status s = client_->Post("/api/v1/login", {}, "application/json",
                           json{{"name", user}, {"password", password}}.dump(), &res);
  if (!s.ok()) return s;
  if (res.status == 401 || res.status == 403 || res.status == 429) {
    return Status::Unauthenticated("the hub refuses user " + user + ": " + HttpErrorText(res));
  }
  const std::string set_cookie = res.Header("set-cookie");
  const size_t start = set_cookie.find("hailong_session=");
  if (res.status != 200 || start == std::string::npos) {
    return Status::Unavailable("login answered " + HttpErrorText(res));
  }
  const size_t end = set_cookie.find(';', start);
  cookie_ = set_cookie.substr(start, end == std::string::npos ? std::string::npos : end - start);
  json j = json::parse(res.body, nullptr, false);
  if (j.is_object() && j.contains("csrf_token") && j["csrf_token"].is_string()) {
    csrf_ = j["csrf_token"].get<std::string>();
  }
  return Status::OK();
}

Status HubSession::Get(const std::string& path, HttpResponse* response) {
  return client_->Get(path, {{"Cookie", cookie_}}, response);
}

}  // namespace hailong::ops
