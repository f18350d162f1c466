// A tiny synchronous HTTP/1.1 client (Boost.Beast) for tests: one request
// per connection, every operation bounded by a timeout.
//
// Thread safety: free functions and a value type; no shared state.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "hailong/net/http_client.h"
#include "hailong/schema/status.h"

namespace hailong::testing {

// status, body, headers (names in lower case) and Header(lower_name).
using HttpResponse = hailong::net::HttpAnswer;

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

// Sends one request to host:port and reads the answer. Unavailable if the
// connection fails or `timeout` passes; the HTTP status is in *response.
Status SendHttp(const std::string& host, uint16_t port, const HttpRequest& request,
                HttpResponse* response,
                std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Convenience wrappers.
Status HttpGet(uint16_t port, const std::string& target, HttpResponse* response,
               const std::string& host = "127.0.0.1");
Status HttpPost(uint16_t port, const std::string& target, const std::string& body,
                HttpResponse* response, const std::string& content_type = "application/json",
                const std::string& host = "127.0.0.1");

// Writes raw bytes to host:port, half-closes nothing, and reads until the
// peer closes or `timeout` passes; *reply gets what was read. For malformed
// requests that a real client would not send.
Status SendRawTcp(const std::string& host, uint16_t port, const std::string& bytes,
                  std::string* reply, std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace hailong::testing
