#include "http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <chrono>
#include <optional>
#include <stdexcept>

#include "hailong/schema/version.h"

namespace hailong::ops {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

Status ParseHubUrl(const std::string& url, HubUrl* out) {
  *out = HubUrl();
  std::string rest;
  if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else if (url.rfind("https://", 0) == 0) {
    out->tls = true;
    rest = url.substr(8);
  } else {
    return Status::InvalidArgument("hub URL must start with http:// or https://: " + url);
  }
  const size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) {
    out->base_path = rest.substr(slash);
    while (!out->base_path.empty() && out->base_path.back() == '/') out->base_path.pop_back();
  }
  if (authority.empty()) return Status::InvalidArgument("hub URL has no host: " + url);
  if (authority.find('@') != std::string::npos) {
    return Status::InvalidArgument("hub URL must not hold credentials: use --token-file");
  }
  size_t colon = std::string::npos;
  if (authority.front() == '[') {  // [::1]:9090
    const size_t close = authority.find(']');
    if (close == std::string::npos) return Status::InvalidArgument("bad IPv6 host in " + url);
    out->host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return Status::InvalidArgument("bad host in " + url);
      colon = close + 1;
    }
  } else {
    colon = authority.rfind(':');
    out->host = authority.substr(0, colon);
  }
  out->port = colon == std::string::npos ? (out->tls ? "443" : "80") : authority.substr(colon + 1);
  if (out->host.empty() || out->port.empty() ||
      out->port.find_first_not_of("0123456789") != std::string::npos || out->port.size() > 5 ||
      std::stoul(out->port) == 0 || std::stoul(out->port) > 65535) {
    return Status::InvalidArgument("bad host or port in hub URL " + url);
  }
  return Status::OK();
}

namespace {
std::string& CaFileSetting() {
  static std::string path;
  return path;
}
}  // namespace

void SetCaFile(std::string path) { CaFileSetting() = std::move(path); }
const std::string& CaFile() { return CaFileSetting(); }

class HttpClient::Connection {
 public:
  Connection(const HubUrl& url, int timeout_seconds)
      : url_(url),
        timeout_(std::chrono::seconds(timeout_seconds)),
        ssl_(net::ssl::context::tls_client) {}

  // Connects (resolving the host). Throws beast::system_error.
  void Connect() {
    tcp::resolver resolver(io_);
    auto endpoints = resolver.resolve(url_.host, url_.port);
    if (url_.tls) {
      if (CaFile().empty()) {
        ssl_.set_default_verify_paths();
      } else {
        beast::error_code ec;
        ssl_.load_verify_file(CaFile(), ec);
        if (ec) throw std::runtime_error("cannot load CA file " + CaFile() + ": " + ec.message());
      }
      ssl_.set_verify_mode(net::ssl::verify_peer);
      tls_.emplace(io_, ssl_);
      if (!SSL_set_tlsext_host_name(tls_->native_handle(), url_.host.c_str())) {
        throw beast::system_error(
            beast::error_code(static_cast<int>(::ERR_get_error()), net::error::get_ssl_category()));
      }
      tls_->set_verify_callback(net::ssl::host_name_verification(url_.host));
      beast::get_lowest_layer(*tls_).expires_after(timeout_);
      beast::get_lowest_layer(*tls_).connect(endpoints);
      beast::get_lowest_layer(*tls_).expires_after(timeout_);
      tls_->handshake(net::ssl::stream_base::client);
    } else {
      plain_.emplace(io_);
      plain_->expires_after(timeout_);
      plain_->connect(endpoints);
    }
  }

  // One exchange. Throws beast::system_error.
  void RoundTrip(http::request<http::string_body>& req, http::response<http::string_body>* res) {
    if (tls_) {
      Exchange(*tls_, beast::get_lowest_layer(*tls_), req, res);
    } else {
      Exchange(*plain_, *plain_, req, res);
    }
  }

 private:
  template <class Stream>
  void Exchange(Stream& stream, beast::tcp_stream& lowest, http::request<http::string_body>& req,
                http::response<http::string_body>* res) {
    lowest.expires_after(timeout_);
    http::write(stream, req);
    http::response_parser<http::string_body> parser;
    parser.body_limit(8u << 20);
    lowest.expires_after(timeout_);
    http::read(stream, buffer_, parser);
    *res = parser.release();
  }

  HubUrl url_;
  std::chrono::steady_clock::duration timeout_;
  net::io_context io_;
  net::ssl::context ssl_;
  std::optional<beast::tcp_stream> plain_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_;
  beast::flat_buffer buffer_;
};

HttpClient::HttpClient(HubUrl url, int timeout_seconds)
    : url_(std::move(url)), timeout_seconds_(timeout_seconds) {}
HttpClient::~HttpClient() = default;

std::string HttpResponse::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

Status HttpClient::Post(const std::string& path, const HttpHeaders& headers,
                        const std::string& content_type, std::string body, HttpResponse* response) {
  return Send(static_cast<int>(http::verb::post), path, headers, content_type, std::move(body),
              response);
}

Status HttpClient::Get(const std::string& path, const HttpHeaders& headers,
                       HttpResponse* response) {
  return Send(static_cast<int>(http::verb::get), path, headers, "", "", response);
}

Status HttpClient::Delete(const std::string& path, const HttpHeaders& headers,
                          HttpResponse* response) {
  return Send(static_cast<int>(http::verb::delete_), path, headers, "", "", response);
}

Status HttpClient::Send(int verb, const std::string& path, const HttpHeaders& headers,
                        const std::string& content_type, std::string body, HttpResponse* response) {
  http::request<http::string_body> req{static_cast<http::verb>(verb), url_.base_path + path, 11};
  req.set(http::field::host, url_.host + ":" + url_.port);
  req.set(http::field::user_agent, std::string("hailongctl/") + kVersion);
  if (!content_type.empty()) req.set(http::field::content_type, content_type);
  req.keep_alive(true);
  for (const auto& [name, value] : headers) req.set(name, value);
  req.body() = std::move(body);
  req.prepare_payload();

  std::string last_error;
  // A kept-alive connection may have been closed by the hub: retry once on
  // a fresh connection.
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = connection_ != nullptr;
    try {
      if (!connection_) {
        auto c = std::make_unique<Connection>(url_, timeout_seconds_);
        c->Connect();
        connection_ = std::move(c);
      }
      http::response<http::string_body> res;
      connection_->RoundTrip(req, &res);
      response->status = static_cast<int>(res.result_int());
      response->body = std::move(res.body());
      response->headers.clear();
      for (const auto& field : res) {
        std::string name(field.name_string());
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string& value = response->headers[name];
        if (!value.empty()) value += ", ";
        value.append(field.value());
      }
      if (!res.keep_alive()) connection_.reset();
      return Status::OK();
    } catch (const std::exception& e) {
      connection_.reset();
      last_error = e.what();
      if (!reused) break;
    }
  }
  return Status::Unavailable("cannot reach " + url_.host + ":" + url_.port + ": " + last_error);
}

}  // namespace hailong::ops
