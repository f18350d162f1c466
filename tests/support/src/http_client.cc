#include "hailong/testing/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>

#include "hailong/net/http_client.h"
#include "hailong/net/url.h"

namespace hailong::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

Status SendHttp(const std::string& host, uint16_t port, const HttpRequest& request,
                HttpResponse* response, std::chrono::milliseconds timeout) {
  *response = HttpResponse();
  const http::verb verb = http::string_to_verb(request.method);
  if (verb == http::verb::unknown) return Status::InvalidArgument("method " + request.method);
  hailong::net::Url url;
  const bool v6 = host.find(':') != std::string::npos;
  Status s = hailong::net::ParseUrl(
      "http://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port), &url);
  if (!s.ok()) return s;
  hailong::net::HttpClient::Headers headers;
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
    headers.emplace_back("Content-Type", request.content_type);
  }
  for (const auto& h : request.headers) headers.push_back(h);
  // One request per connection: the client closes it when it goes.
  hailong::net::HttpClient client(url, "", timeout, "hailong-test");
  hailong::net::HttpAnswer answer;
  s = client.Exchange(verb, request.target, headers, request.body, &answer);
  if (!s.ok())
    return Status::Unavailable(request.method + " " + request.target + ": " + s.message());
  response->status = answer.status;
  response->body = std::move(answer.body);
  response->headers = std::move(answer.headers);
  return Status::OK();
}

Status HttpGet(uint16_t port, const std::string& target, HttpResponse* response,
               const std::string& host) {
  HttpRequest request;
  request.target = target;
  return SendHttp(host, port, request, response);
}

Status HttpPost(uint16_t port, const std::string& target, const std::string& body,
                HttpResponse* response, const std::string& content_type, const std::string& host) {
  HttpRequest request;
  request.method = "POST";
  request.target = target;
  request.body = body;
  request.content_type = content_type;
  return SendHttp(host, port, request, response);
}

Status SendRawTcp(const std::string& host, uint16_t port, const std::string& bytes,
                  std::string* reply, std::chrono::milliseconds timeout) {
  reply->clear();
  try {
    asio::io_context io;
    beast::tcp_stream stream(io);
    tcp::endpoint endpoint(asio::ip::make_address(host), port);
    beast::error_code ec;
    bool connected = false;
    std::array<char, 4096> chunk;
    std::function<void()> read_more = [&] {
      stream.async_read_some(asio::buffer(chunk), [&](beast::error_code e, size_t n) {
        reply->append(chunk.data(), n);
        if (!e) read_more();
      });
    };
    stream.expires_after(timeout);
    stream.async_connect(endpoint, [&](beast::error_code e) {
      if (e) {
        ec = e;
        return;
      }
      connected = true;
      asio::async_write(stream, asio::buffer(bytes), [&](beast::error_code e2, size_t) {
        // The server may answer and close before reading everything.
        read_more();
        (void)e2;
      });
    });
    io.run();
    if (!connected) return Status::Unavailable("connect: " + ec.message());
    return Status::OK();
  } catch (const std::exception& e) {
    return Status::Unavailable(e.what());
  }
}

}  // namespace hailong::testing
