// HttpServer: the edge's face of hailong_net's server (hailong/net/
// http_server.h, which holds the limits, timeouts and keep-alive): it turns
// each request into the edge's HttpRequest (path and query decoded, header
// names in lower case; a bad escape in the path is answered 400) and the
// edge's HttpResponse back, adds the edge's Server name and Cache-Control:
// no-store. The edge's handlers see only the types below.
//
// Limits (HttpServerOptions): header and body size (431 / 413 answered and
// the connection closed), a whole-request deadline, an idle deadline for
// keep-alive connections, and a maximum number of open connections (more
// are answered 503 and closed).
//
// Thread safety: Start/Stop from one thread; port() and connections() from
// any thread. Handlers run on the server's threads and must not block:
// hand blocking work (log appends) to another executor and answer later.
// Errors: Start returns the net server's Status (IOError: address taken).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "hailong/net/http_server.h"
#include "hailong/net/percent.h"
#include "hailong/schema/status.h"

namespace hailong::edge {

struct HttpRequest {
  std::string method;                          // "GET", "POST", ...
  std::string target;                          // as sent: path and query
  std::string path;                            // percent-decoded path, no query
  std::map<std::string, std::string> query;    // percent-decoded
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string remote;  // peer address
  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static HttpResponse Json(int status, const nlohmann::json& body);
  // {"error": message} with the status.
  static HttpResponse Error(int status, const std::string& message);
  static HttpResponse Bytes(int status, std::string content_type, std::string body);
};

// Answers one request. Call exactly once, from any thread. Answers after
// the server has stopped are dropped.
using HttpResponder = std::function<void(HttpResponse)>;
using HttpHandler = std::function<void(HttpRequest request, HttpResponder respond)>;

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0 = any free port (see HttpServer::port)
  int threads = 2;
  int max_connections = 512;
  int request_timeout_s = 15;  // headers and body of one request
  int idle_timeout_s = 60;     // keep-alive connection waiting for a request
  uint32_t header_limit = 8 * 1024;
  uint64_t body_limit = 64 * 1024;
  // Called with the status of every answer (metrics). May be empty.
  std::function<void(int status)> on_response;
};

class HttpServer {
 public:
  // Binds and listens (IOError if the address is taken), then serves on
  // options.threads threads until Stop.
  static Status Start(const HttpServerOptions& options, HttpHandler handler,
                      std::unique_ptr<HttpServer>* out);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  uint16_t port() const;
  uint64_t connections() const;
  // Stops accepting; open connections are served until Stop.
  void StopAccepting();
  // Closes everything and joins the threads. Idempotent.
  void Stop();

 private:
  HttpServer() = default;
  std::unique_ptr<net::HttpServer> server_;
};

using net::ParseQuery;
using net::PercentDecode;

}  // namespace hailong::edge
