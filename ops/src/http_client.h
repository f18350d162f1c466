// HttpClient: hailongctl's calls to a hub or an edge, over hailong_net's
// client (hailong/net/http_client.h: one kept-alive connection, reopened
// once when the server closed it; http:// and https://, the peer verified
// against the system's trust store or the CA bundle set by SetCaFile:
// hailongctl's --ca-file, for a hub or edge whose certificate a private CA
// signed).
//
// Thread safety: one client per thread; SetCaFile before any client runs.
// Errors: Unavailable ("cannot reach host:port: ...") when the exchange
// fails or the CA bundle does not load; any HTTP answer is OK with its status.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "hailong/net/http_client.h"
#include "hailong/net/url.h"
#include "hailong/schema/status.h"

namespace hailong::ops {

using HubUrl = net::Url;
// Parses "http[s]://host[:port][/prefix]". InvalidArgument names the fault.
inline Status ParseHubUrl(const std::string& url, HubUrl* out) { return net::ParseUrl(url, out); }

using HttpResponse = net::HttpAnswer;
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

  // POSTs `body` to base_path + `path` (which may hold a query).
  Status Post(const std::string& path, const HttpHeaders& headers, const std::string& content_type,
              std::string body, HttpResponse* response);
  Status Get(const std::string& path, const HttpHeaders& headers, HttpResponse* response);
  Status Delete(const std::string& path, const HttpHeaders& headers, HttpResponse* response);

  const HubUrl& url() const { return client_.url(); }

 private:
  Status Send(net::HttpClient::Verb verb, const std::string& path, HttpHeaders headers,
              std::string body, HttpResponse* response);
  net::HttpClient client_;
};

}  // namespace hailong::ops
