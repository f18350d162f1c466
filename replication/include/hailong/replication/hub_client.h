// HubClient: a blocking HTTP/1.1 client over one kept-alive connection,
// plain TCP or TLS (Beast SSL stream, peer verified), every exchange bounded
// by a deadline. Used by the Shipper (edge → hub) and by the hub's alert
// webhook.
//
// Thread safety: one thread at a time per HubClient.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
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

  // Sends one request (target is appended to the URL's base path) and reads
  // the answer. Unavailable on connection or timeout errors; the HTTP
  // status of an answer (any code) is in *status.
  Status Exchange(boost::beast::http::verb method, const std::string& target,
                  const std::vector<std::pair<std::string, std::string>>& headers, std::string body,
                  int* status, std::string* response_body);

  void Close();

 private:
  Status Connect();
  Status ExchangeOnce(boost::beast::http::verb method, const std::string& target,
                      const std::vector<std::pair<std::string, std::string>>& headers,
                      const std::string& body, int* status, std::string* response_body);

  HubUrl url_;
  std::chrono::milliseconds timeout_;
  boost::asio::io_context ioc_;
  boost::asio::ssl::context ssl_ctx_;
  std::string ssl_error_;
  std::optional<boost::beast::tcp_stream> plain_;
  std::optional<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls_;
};

}  // namespace hailong::replication
