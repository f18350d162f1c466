// After the edge's first shipper client (replication), now the one client.
#include "hailong/net/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/http.hpp>
#include <cctype>

namespace hailong::net {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

std::string HttpAnswer::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

HttpClient::HttpClient(Url url, const std::string& ca_file, std::chrono::milliseconds timeout,
                       std::string user_agent)
    : url_(std::move(url)),
      timeout_(timeout),
      user_agent_(std::move(user_agent)),
      ssl_ctx_(ssl::context::tls_client) {
  if (url_.tls) {
    beast::error_code ec;
    ssl_ctx_.set_verify_mode(ssl::verify_peer, ec);
    if (ca_file.empty()) {
      ssl_ctx_.set_default_verify_paths(ec);
    } else {
      ssl_ctx_.load_verify_file(ca_file, ec);
    }
    if (ec)
      ssl_error_ =
          "cannot load CA " + (ca_file.empty() ? "defaults" : ca_file) + ": " + ec.message();
  }
}

HttpClient::~HttpClient() { Close(); }

void HttpClient::Close() {
  in_flight_ = 0;
  read_buffer_.clear();
  beast::error_code ec;
  if (plain_) plain_->socket().close(ec);
  if (tls_) beast::get_lowest_layer(*tls_).socket().close(ec);
  plain_.reset();
  tls_.reset();
}

namespace {

// Runs the io_context until the started operation completes.
template <class Start>
beast::error_code RunOp(asio::io_context& ioc, Start&& start) {
  beast::error_code result = asio::error::would_block;
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  ioc.restart();
  ioc.run();
  return result;
}

Status NetError(std::string_view what, const beast::error_code& ec) {
  return Status::Unavailable(std::string(what) + ": " + ec.message());
}

}  // namespace

Status HttpClient::Connect() {
  if (!ssl_error_.empty()) return Status::InvalidArgument(ssl_error_);
  tcp::resolver resolver(ioc_);
  tcp::resolver::results_type endpoints;
  beast::error_code ec = RunOp(ioc_, [&](auto handler) {
    resolver.async_resolve(
        url_.host, url_.port,
        [&endpoints, handler](beast::error_code e, tcp::resolver::results_type r) {
          endpoints = std::move(r);
          handler(e);
        });
  });
  if (ec) return NetError("resolve " + url_.host, ec);
  beast::tcp_stream* lowest;
  if (url_.tls) {
    tls_.emplace(ioc_, ssl_ctx_);
    lowest = &beast::get_lowest_layer(*tls_);
  } else {
    plain_.emplace(ioc_);
    lowest = &*plain_;
  }
  lowest->expires_after(timeout_);
  ec = RunOp(ioc_, [&](auto handler) {
    lowest->async_connect(endpoints,
                          [handler](beast::error_code e, const tcp::endpoint&) { handler(e); });
  });
  if (ec) {
    Close();
    return NetError("connect " + url_.host + ":" + url_.port, ec);
  }
  lowest->socket().set_option(tcp::no_delay(true), ec);
  if (url_.tls) {
    if (!SSL_set_tlsext_host_name(tls_->native_handle(), url_.host.c_str())) {
      Close();
      return Status::Unavailable("TLS: cannot set server name");
    }
    tls_->set_verify_callback(ssl::host_name_verification(url_.host), ec);
    ec = RunOp(ioc_,
               [&](auto handler) { tls_->async_handshake(ssl::stream_base::client, handler); });
    if (ec) {
      Close();
      return NetError("TLS handshake with " + url_.host, ec);
    }
  }
  return Status::OK();
}

Status HttpClient::Send(http::verb method, const std::string& target, const Headers& headers,
                        std::string body) {
  if (!connected()) {
    Status s = Connect();
    if (!s.ok()) return s;
  }
  http::request<http::string_body> req{method, url_.base_path + target, 11};
  req.set(http::field::host, url_.Authority());
  req.set(http::field::user_agent, user_agent_);
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = std::move(body);
  req.prepare_payload();
  req.keep_alive(true);
  beast::error_code ec;
  if (url_.tls) {
    beast::get_lowest_layer(*tls_).expires_after(timeout_);
    ec = RunOp(ioc_, [&](auto h) { http::async_write(*tls_, req, h); });
  } else {
    plain_->expires_after(timeout_);
    ec = RunOp(ioc_, [&](auto h) { http::async_write(*plain_, req, h); });
  }
  if (ec) {
    Close();
    return NetError("HTTP request to " + url_.host, ec);
  }
  ++in_flight_;
  return Status::OK();
}

Status HttpClient::Receive(HttpAnswer* answer) {
  if (in_flight_ == 0 || !connected()) return Status::InvalidArgument("no request to answer");
  http::response_parser<http::string_body> parser;
  parser.body_limit(body_limit_);
  // Beast reads at most the buffer's free capacity: room for 64 KiB reads
  // of a pulled body (it would grow from 512 B, one small read at a time).
  read_buffer_.reserve(read_buffer_.size() + (64u << 10));
  beast::error_code ec;
  if (url_.tls) {
    beast::get_lowest_layer(*tls_).expires_after(timeout_);
    ec = RunOp(ioc_, [&](auto h) { http::async_read(*tls_, read_buffer_, parser, h); });
  } else {
    plain_->expires_after(timeout_);
    ec = RunOp(ioc_, [&](auto h) { http::async_read(*plain_, read_buffer_, parser, h); });
  }
  if (ec) {
    Close();
    return NetError("HTTP answer from " + url_.host, ec);
  }
  --in_flight_;
  auto res = parser.release();
  answer->status = static_cast<int>(res.result_int());
  answer->body = std::move(res.body());
  answer->headers.clear();
  for (const auto& field : res) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string& value = answer->headers[name];
    if (!value.empty()) value += ", ";
    value.append(field.value());
  }
  if (!res.keep_alive()) Close();
  return Status::OK();
}

Status HttpClient::Receive(int* status, std::string* response_body) {
  HttpAnswer answer;
  Status s = Receive(&answer);
  if (!s.ok()) return s;
  *status = answer.status;
  *response_body = std::move(answer.body);
  return Status::OK();
}

Status HttpClient::Exchange(Verb method, const std::string& target, const Headers& headers,
                            std::string body, int* status, std::string* response_body) {
  HttpAnswer answer;
  Status s = Exchange(method, target, headers, std::move(body), &answer);
  if (!s.ok()) return s;
  *status = answer.status;
  *response_body = std::move(answer.body);
  return Status::OK();
}

Status HttpClient::Exchange(Verb method, const std::string& target, const Headers& headers,
                            std::string body, HttpAnswer* answer) {
  if (in_flight_ > 0) return Status::InvalidArgument("pipelined requests are unanswered");
  const bool reused = connected();
  // The body is kept for the one retry below only when it may be needed.
  Status s = Send(method, target, headers, reused ? body : std::move(body));
  if (s.ok()) s = Receive(answer);
  if (!s.ok() && reused) {
    // A kept-alive connection the server closed: one fresh attempt (the
    // contract asks for requests that are safe to repeat).
    s = Send(method, target, headers, std::move(body));
    if (s.ok()) s = Receive(answer);
  }
  return s;
}

}  // namespace hailong::net
