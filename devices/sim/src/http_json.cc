// HttpRequest: see http_json.h.
#include "http_json.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace hailong::devices::internal {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

Status HttpRequest(std::string_view base_url, std::string_view method, std::string_view target,
                   std::string_view json_body, HttpReply* reply, std::chrono::milliseconds timeout,
                   std::string_view bearer_token) {
  std::string_view rest = base_url;
  if (rest.substr(0, 7) != "http://") {
    return Status::InvalidArgument("--edge-url: expected http://host:port");
  }
  rest.remove_prefix(7);
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  const size_t colon = rest.rfind(':');
  const std::string host(colon == std::string_view::npos ? rest : rest.substr(0, colon));
  const std::string port(colon == std::string_view::npos ? "80" : rest.substr(colon + 1));
  try {
    net::io_context io;
    net::ip::tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    stream.expires_after(timeout);
    stream.connect(resolver.resolve(host, port));
    http::request<http::string_body> req(http::string_to_verb(method), std::string(target), 11);
    req.set(http::field::host, host);
    req.set(http::field::user_agent, "hailong-devsim");
    if (!bearer_token.empty()) {
      req.set(http::field::authorization, "Bearer " + std::string(bearer_token));
    }
    if (!json_body.empty()) {
      req.set(http::field::content_type, "application/json");
      req.body() = std::string(json_body);
    }
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(16 * 1024 * 1024);
    http::read(stream, buffer, parser);
    reply->status = static_cast<int>(parser.get().result_int());
    reply->body = std::move(parser.get().body());
    beast::error_code ec;
    stream.socket().shutdown(net::ip::tcp::socket::shutdown_both, ec);
    return Status::OK();
  } catch (const std::exception& e) {
    return Status::Unavailable(std::string("edge ") + std::string(base_url) + ": " + e.what());
  }
}

Status HttpGetJson(std::string_view base_url, std::string_view target, nlohmann::json* out) {
  HttpReply reply;
  Status s = HttpRequest(base_url, "GET", target, "", &reply);
  if (!s.ok()) return s;
  if (reply.status == 404) return Status::NotFound(std::string(target));
  if (reply.status != 200) {
    return Status::Unavailable(std::string(target) + ": HTTP " + std::to_string(reply.status));
  }
  *out = nlohmann::json::parse(reply.body, nullptr, false);
  if (out->is_discarded()) return Status::Corruption(std::string(target) + ": not JSON");
  return Status::OK();
}

}  // namespace hailong::devices::internal
