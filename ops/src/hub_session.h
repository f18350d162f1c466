// A user's session at a hub (POST /api/v1/login), for hailongctl commands
// that read what only users may read. Private to hailong_ops.
//
// Thread safety: like the HttpClient it uses (one thread).
#pragma once

#include <string>

#include "hailong/schema/status.h"
#include "http_client.h"

namespace hailong::ops {

class HubSession {
 public:
  // `client` is borrowed and must outlive the session.
  explicit HubSession(HttpClient* client) : client_(client) {}
  // Logs out when logged in.
  ~HubSession();
  HubSession(const HubSession&) = delete;
  HubSession& operator=(const HubSession&) = delete;

  // Unauthenticated when the hub refuses the name or password (or limits
  // logins: the message says so); Unavailable otherwise.
  Status Login(const std::string& user, const std::string& password);
  // GET with the session cookie.
  Status Get(const std::string& path, HttpResponse* response);
  bool logged_in() const { return !cookie_.empty(); }

 private:
  HttpClient* client_;
  std::string cookie_;  // "hailong_session=..."
  std::string csrf_;
};

// The "error" of a JSON answer, else "HTTP <status>".
std::string HttpErrorText(const HttpResponse& response);

}  // namespace hailong::ops
