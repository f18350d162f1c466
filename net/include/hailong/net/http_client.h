// HttpClient: the project's one blocking HTTP/1.1 client (Boost.Beast) over
// one kept-alive connection, plain TCP or TLS (peer and host name verified
// against the system's trust store or a given CA bundle), every exchange
// bounded by a deadline, with HTTP/1.1 pipelining for the shipper. Used by
// the shipper and the edge's key link (to the hub), the hub's alert
// webhook, hailongctl, devsim and the tests.
//
// Thread safety: one thread at a time per HttpClient. Ownership: the client
// owns its connection; Close() or the destructor ends it. Errors: Status
// values, never exceptions: Unavailable when the peer cannot be reached or
// an exchange fails or times out (any HTTP answer, whatever its code, is OK
// with the code in the answer); InvalidArgument for a CA bundle that does
// not load and for Receive without an unanswered request.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hailong/net/url.h"
#include "hailong/schema/status.h"

namespace hailong::net {

struct HttpAnswer {
  int status = 0;
  std::string body;
  // Header names in lower case; repeated headers joined with ", ".
  std::map<std::string, std::string> headers;
  // The header's value, "" when absent. `lower_name` in lower case.
  std::string Header(const std::string& lower_name) const;
};

class HttpClient {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;
  using Verb = boost::beast::http::verb;

  // `ca_file` "" = the system's trust store (https:// only). `timeout`
  // bounds connecting and each write and read. `user_agent` names the caller.
  HttpClient(Url url, const std::string& ca_file, std::chrono::milliseconds timeout,
             std::string user_agent = "hailong");
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request (`target` is appended to the URL's base path; headers
  // as given, Content-Length computed) and reads the answer. A kept-alive
  // connection the server closed meanwhile is reopened once, so requests
  // sent through Exchange must be safe to repeat. InvalidArgument while
  // Send()s are unanswered.
  Status Exchange(Verb method, const std::string& target, const Headers& headers, std::string body,
                  HttpAnswer* answer);
  Status Exchange(Verb method, const std::string& target, const Headers& headers, std::string body,
                  int* status, std::string* response_body);

  // Pipelining: Send writes a request (connecting if needed) without waiting
  // for its answer; Receive reads the answer to the oldest unanswered one.
  // On an error the connection is closed and every unanswered request is
  // lost: the caller starts again from what was answered. No retry here.
  Status Send(Verb method, const std::string& target, const Headers& headers, std::string body);
  Status Receive(HttpAnswer* answer);
  Status Receive(int* status, std::string* response_body);

  size_t in_flight() const { return in_flight_; }
  bool connected() const { return plain_.has_value() || tls_.has_value(); }
  const Url& url() const { return url_; }
  // Answers larger than this are an error (Unavailable). Default 64 MiB.
  void set_body_limit(uint64_t bytes) { body_limit_ = bytes; }
  void Close();

 private:
  Status Connect();
  Url url_;
  std::chrono::milliseconds timeout_;
  std::string user_agent_;
  uint64_t body_limit_ = uint64_t{64} << 20;
  boost::asio::io_context ioc_;
  boost::asio::ssl::context ssl_ctx_;
  std::string ssl_error_;
  std::optional<boost::beast::tcp_stream> plain_;
  std::optional<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls_;
  // Bytes read past an answer (the start of the next one), per connection.
  boost::beast::flat_buffer read_buffer_;
  size_t in_flight_ = 0;
};

}  // namespace hailong::net
