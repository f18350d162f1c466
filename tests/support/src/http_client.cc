#include "hailong/testing/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>

namespace hailong::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

std::string HttpResponse::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

Status SendHttp(const std::string& host, uint16_t port, const HttpRequest& request,
                HttpResponse* response, std::chrono::milliseconds timeout) {
  *response = HttpResponse();
  try {
    net::io_context io;
    beast::tcp_stream stream(io);
    tcp::resolver resolver(io);
    beast::error_code ec;
    auto endpoints = resolver.resolve(host, std::to_string(port), ec);
    if (ec) return Status::Unavailable("resolve " + host + ": " + ec.message());
    http::request<http::string_body> req;
    req.method_string(request.method);
    req.target(request.target);
    req.version(11);
    req.set(http::field::host, host + ":" + std::to_string(port));
    req.set(http::field::connection, "close");
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
      req.set(http::field::content_type, request.content_type);
      req.body() = request.body;
      req.prepare_payload();
    }
    for (const auto& [name, value] : request.headers) req.set(name, value);

    http::response_parser<http::string_body> parser;
    parser.body_limit(64u << 20);
    beast::flat_buffer buffer;
    bool done = false;
    stream.expires_after(timeout);
    stream.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) {
      if (e) {
        ec = e;
        return;
      }
      http::async_write(stream, req, [&](beast::error_code e2, size_t) {
        if (e2) {
          ec = e2;
          return;
        }
        http::async_read(stream, buffer, parser, [&](beast::error_code e3, size_t) {
          ec = e3;
          done = !e3;
        });
      });
    });
    io.run();
    if (!done)
      return Status::Unavailable(request.method + " " + request.target + ": " + ec.message());
    const auto& res = parser.get();
    response->status = static_cast<int>(res.result_int());
    response->body = res.body();
    for (const auto& field : res) {
      response->headers[Lower(std::string(field.name_string()))] = std::string(field.value());
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    return Status::OK();
  } catch (const std::exception& e) {
    return Status::Unavailable(e.what());
  }
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
    net::io_context io;
    beast::tcp_stream stream(io);
    tcp::endpoint endpoint(net::ip::make_address(host), port);
    beast::error_code ec;
    bool connected = false;
    std::array<char, 4096> chunk;
    std::function<void()> read_more = [&] {
      stream.async_read_some(net::buffer(chunk), [&](beast::error_code e, size_t n) {
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
      net::async_write(stream, net::buffer(bytes), [&](beast::error_code e2, size_t) {
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
