// HubClient: a blocking HTTP/1.1 client over one kept-alive connection,
// plain TCP or TLS (Beast SSL stream, peer verified), every exchange bounded
// by a deadline. Used by the Shipper (edge → hub) and by the hub's alert
// webhook.
//
// Thread safety: one thread at a time per HubClient.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hailong/schema/status.h"

namespace hailong::replication {

struct HubUrl {
  bool tls = false;
  std::string host;
  std::string port;
  std::string base;  // path prefix without trailing '/', usually ""
};

// Parses "http://host:port[/base]" or "https://...". InvalidArgument if not.
Status ParseHubUrl(std::string_view url, HubUrl* out);

class HubClient {
 public:
  HubClient(HubUrl url, const std::string& ca_file, std::chrono::milliseconds timeout);
  ~HubClient();

  using Headers = std::vector<std::pair<std::string, std::string>>;

  // Sends one request (target is appended to the URL's base path) and reads
  // the answer. Unavailable on connection or timeout errors; the HTTP
  // status of an answer (any code) is in *status. A kept-alive connection
  // the server closed meanwhile is reopened once (every request of the
  // protocol is idempotent). InvalidArgument while Send()s are unanswered.
  Status Exchange(boost::beast::http::verb method, const std::string& target,
                  const Headers& headers, std::string body, int* status,
                  std::string* response_body);

  // HTTP/1.1 pipelining: Send writes a request (connecting if needed)
  // without waiting for its answer; Receive reads the answer to the oldest
  // unanswered one (answers come in request order). On an error (Unavailable)
  // the connection is closed and every unanswered request is lost: the
  // caller starts again from what was answered. No retry here.
  Status Send(boost::beast::http::verb method, const std::string& target, const Headers& headers,
              std::string body);
  Status Receive(int* status, std::string* response_body);
  // Requests sent and not yet answered.
  size_t in_flight() const { return in_flight_; }
  // Whether a connection is open (it may have been closed by the server).
  bool connected() const { return plain_.has_value() || tls_.has_value(); }

  void Close();

 private:
  Status Connect();

  HubUrl url_;
  std::chrono::milliseconds timeout_;
  boost::asio::io_context ioc_;
  boost::asio::ssl::context ssl_ctx_;
  std::string ssl_error_;
  std::optional<boost::beast::tcp_stream> plain_;
  std::optional<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls_;
  // Bytes read past an answer (the start of the next one), kept per connection.
  boost::beast::flat_buffer read_buffer_;
  size_t in_flight_ = 0;
};

}  // namespace hailong::replication
