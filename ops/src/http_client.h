// HttpClient: a small synchronous HTTP/1.1 client (Boost.Beast) for
// hailongctl's calls to a hub or an edge. Keeps one connection alive
// between requests and reconnects once when the server closed it. http://
// and https:// (peer and host name verified against the system's trust
// store, or only against the CA bundle set by SetCaFile: hailongctl's
// --ca-file, for a hub or edge whose certificate a private CA signed).
//
// Thread safety: one client per thread; SetCaFile before any client runs.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "hailong/schema/status.h"

namespace hailong::ops {

struct HubUrl {
  bool tls = false;
  std::string host;
  std::string port;
  std::string base_path;  // "" or "/prefix" without a trailing slash
};
// Parses "http[s]://host[:port][/prefix]". InvalidArgument names the fault.
Status ParseHubUrl(const std::string& url, HubUrl* out);

struct HttpResponse {
  int status = 0;
  std::string body;
  // Header names in lower case; repeated headers joined with ", ".
  std::map<std::string, std::string> headers;
  // The header's value, "" when absent. `lower_name` in lower case.
  std::string Header(const std::string& lower_name) const;
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// CA bundle (PEM) that https:// peers must chain to, instead of the
// system's trust store; "" = the system's. Process-wide (hailongctl sets it
// from --ca-file before running a command).
void SetCaFile(std::string path);
const std::string& CaFile();

class HttpClient {
 public:
  // `timeout_seconds` bounds connect, write and read of each request.
  HttpClient(HubUrl url, int timeout_seconds);
  ~HttpClient();

  // POSTs `body` to base_path + `path` (which may hold a query). Unavailable
  // when the server cannot be reached or the exchange fails; any HTTP answer
  // is OK with its status.
  Status Post(const std::string& path, const HttpHeaders& headers, const std::string& content_type,
              std::string body, HttpResponse* response);
  // GETs base_path + `path`; errors as Post.
  Status Get(const std::string& path, const HttpHeaders& headers, HttpResponse* response);
  // DELETEs base_path + `path`; errors as Post.
  Status Delete(const std::string& path, const HttpHeaders& headers, HttpResponse* response);

  const HubUrl& url() const { return url_; }

 private:
  Status Send(int verb, const std::string& path, const HttpHeaders& headers,
              const std::string& content_type, std::string body, HttpResponse* response);
  class Connection;
  HubUrl url_;
  int timeout_seconds_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace hailong::ops
