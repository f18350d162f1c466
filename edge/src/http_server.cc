// HttpServer with Boost.Beast: a listener accepting on its own strand and
// one HttpSession per connection on its own strand (after the Beast
// "advanced server" example). See http_server.h.
#include "http_server.h"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/version.hpp>
#include <chrono>
#include <optional>
#include <thread>

#include "hailong/schema/version.h"

namespace hailong::edge {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

HttpResponse HttpResponse::Json(int status, const nlohmann::json& body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json; charset=utf-8";
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

HttpResponse HttpResponse::Error(int status, const std::string& message) {
  return Json(status, nlohmann::json{{"error", message}});
}

HttpResponse HttpResponse::Bytes(int status, std::string content_type, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool PercentDecode(std::string_view in, std::string* out) {
  std::string s;
  s.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      s += in[i];
      continue;
    }
    if (i + 2 >= in.size()) return false;
    const int hi = HexValue(in[i + 1]);
    const int lo = HexValue(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    s += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  *out = std::move(s);
  return true;
}

std::map<std::string, std::string> ParseQuery(std::string_view query) {
  std::map<std::string, std::string> out;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string_view k = pair.substr(0, eq);
    std::string_view v = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    std::string key, value;
    if (!PercentDecode(k, &key)) key = std::string(k);
    std::string plus(v);
    for (char& c : plus) {
      if (c == '+') c = ' ';
    }
    if (!PercentDecode(plus, &value)) value = plus;
    out.emplace(std::move(key), std::move(value));
  }
  return out;
}

struct HttpServer::Impl {
  // Declared before the io_context: sessions destroyed with it still
  // touch these.
  HttpServerOptions options;
  HttpHandler handler;
  std::atomic<uint64_t> connections{0};
  std::atomic<bool> stopped{false};
  uint16_t port = 0;
  net::io_context ioc;
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;

  void Accept();
  void Respond(int status) {
    if (options.on_response) options.on_response(status);
  }
};

namespace {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket&& socket, HttpServer::Impl* server)
      : stream_(std::move(socket)), server_(server) {
    ++server_->connections;
  }
  ~HttpSession() { --server_->connections; }

  void Run(bool over_limit) {
    net::dispatch(
        stream_.get_executor(),
        beast::bind_front_handler(over_limit ? &HttpSession::RefuseBusy : &HttpSession::ReadHeader,
                                  shared_from_this()));
  }

 private:
  void RefuseBusy() {
    HttpResponse r = HttpResponse::Error(503, "too many connections");
    keep_alive_ = false;
    Write(std::move(r), 11);
  }

  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(server_->options.header_limit);
    parser_->body_limit(server_->options.body_limit);
    const int timeout =
        first_ ? server_->options.request_timeout_s : server_->options.idle_timeout_s;
    stream_.expires_after(std::chrono::seconds(timeout));
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&HttpSession::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, size_t) {
    first_ = false;
    if (ec) return Fail(ec);
    stream_.expires_after(std::chrono::seconds(server_->options.request_timeout_s));
    const auto& header = parser_->get();
    if (beast::iequals(header[http::field::expect], "100-continue") && !parser_->is_done()) {
      // Clients that ask (curl does for bodies over 1 KiB) wait for this.
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_,
                                                                     header.version());
      http::async_write(stream_, *cont,
                        [self = shared_from_this(), cont](beast::error_code e, size_t) {
                          if (e) return self->Fail(e);
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&HttpSession::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, size_t) {
    if (ec) return Fail(ec);
    stream_.expires_never();
    auto& msg = parser_->get();
    keep_alive_ = msg.keep_alive();
    version_ = msg.version();
    head_ = msg.method() == http::verb::head;
    HttpRequest req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    std::string_view target = msg.target();
    size_t q = target.find('?');
    std::string_view raw_path = target.substr(0, q);
    if (!PercentDecode(raw_path, &req.path)) {
      return Write(HttpResponse::Error(400, "bad percent escape in the path"), version_);
    }
    if (q != std::string_view::npos) req.query = ParseQuery(target.substr(q + 1));
    for (const auto& field : msg) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      req.headers[name] = std::string(field.value());
    }
    req.body = std::move(msg.body());
    beast::error_code ignored;
    auto endpoint = stream_.socket().remote_endpoint(ignored);
    if (!ignored) req.remote = endpoint.address().to_string();
    parser_.reset();

    // The responder may be called from any thread; it hops onto our strand.
    auto self = shared_from_this();
    auto once = std::make_shared<std::atomic<bool>>(false);
    HttpResponder respond = [self, once](HttpResponse r) {
      if (once->exchange(true)) return;
      if (self->server_->stopped.load()) return;
      net::post(self->stream_.get_executor(),
                [self, r = std::move(r)]() mutable { self->Write(std::move(r), self->version_); });
    };
    server_->handler(std::move(req), std::move(respond));
  }

  void Write(HttpResponse r, unsigned version) {
    server_->Respond(r.status);
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(version);
    res->result(static_cast<http::status>(r.status));
    res->set(http::field::server, std::string("hailong-edge/") + kVersion);
    if (!r.content_type.empty()) res->set(http::field::content_type, r.content_type);
    res->set(http::field::cache_control, "no-store");
    for (auto& [k, v] : r.headers) res->set(k, v);
    res->body() = std::move(r.body);
    res->keep_alive(keep_alive_);
    res->prepare_payload();
    stream_.expires_after(std::chrono::seconds(server_->options.request_timeout_s));
    if (head_) {
      // HEAD: the GET answer's headers (Content-Length of the body a GET
      // would get), no body.
      auto head = std::make_shared<http::response<http::empty_body>>(res->base());
      http::async_write(stream_, *head,
                        [self = shared_from_this(), head](beast::error_code ec, size_t) {
                          self->OnWrite(ec, head->need_eof());
                        });
      return;
    }
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res](beast::error_code ec, size_t) {
                        self->OnWrite(ec, res->need_eof());
                      });
  }

  void OnWrite(beast::error_code ec, bool close) {
    head_ = false;
    if (ec) return Fail(ec);
    if (close || !keep_alive_) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      return;
    }
    ReadHeader();
  }

  void Fail(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      keep_alive_ = false;
      return Write(HttpResponse::Error(413, "request body too large"), version_);
    }
    if (ec == http::error::header_limit) {
      keep_alive_ = false;
      return Write(HttpResponse::Error(431, "request header too large"), 11);
    }
    if (ec == http::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == beast::error::timeout || ec == net::error::eof ||
        ec == net::error::connection_reset) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      return;
    }
    // Any other parse error: a bad request; say so once and close.
    if (ec.category() == beast::error_code(http::error::bad_method).category() && !answered_bad_) {
      answered_bad_ = true;
      keep_alive_ = false;
      return Write(HttpResponse::Error(400, "malformed HTTP request"), 11);
    }
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpServer::Impl* server_;
  bool keep_alive_ = true;
  bool head_ = false;  // the request being answered is a HEAD
  bool first_ = true;
  bool answered_bad_ = false;
  unsigned version_ = 11;
};

}  // namespace

void HttpServer::Impl::Accept() {
  acceptor->async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == net::error::operation_aborted || !acceptor->is_open()) return;
      // EMFILE and friends: try again shortly instead of spinning.
      auto timer = std::make_shared<net::steady_timer>(ioc, std::chrono::milliseconds(50));
      timer->async_wait([this, timer](beast::error_code) {
        if (acceptor->is_open()) Accept();
      });
      return;
    }
    socket.set_option(tcp::no_delay(true), ec);
    const bool over = connections.load() >= static_cast<uint64_t>(options.max_connections);
    std::make_shared<HttpSession>(std::move(socket), this)->Run(over);
    Accept();
  });
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start(const HttpServerOptions& options, HttpHandler handler,
                         std::unique_ptr<HttpServer>* out) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->handler = std::move(handler);
  beast::error_code ec;
  auto address = net::ip::make_address(options.host, ec);
  if (ec) return Status::InvalidArgument("http.listen: bad address \"" + options.host + "\"");
  tcp::endpoint endpoint(address, options.port);
  impl->acceptor.emplace(net::make_strand(impl->ioc));
  impl->acceptor->open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor->bind(endpoint, ec);
  if (!ec) impl->acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::IOError("http: cannot listen on " + options.host + ":" +
                           std::to_string(options.port) + ": " + ec.message());
  }
  impl->port = impl->acceptor->local_endpoint().port();
  Impl* raw = impl.get();
  // *out is set before any request is served: handlers may read it (the
  // edge's status reads its connection count; found by ThreadSanitizer).
  out->reset(new HttpServer(std::move(impl)));
  net::dispatch(raw->acceptor->get_executor(), [raw] { raw->Accept(); });
  const int n = options.threads < 1 ? 1 : options.threads;
  for (int i = 0; i < n; ++i) {
    raw->threads.emplace_back([raw] {
      auto guard = net::make_work_guard(raw->ioc);
      raw->ioc.run();
    });
  }
  return Status::OK();
}

uint16_t HttpServer::port() const { return impl_->port; }

uint64_t HttpServer::connections() const { return impl_->connections.load(); }

void HttpServer::StopAccepting() {
  if (!impl_ || !impl_->acceptor) return;
  net::post(impl_->acceptor->get_executor(), [impl = impl_.get()] {
    beast::error_code ignored;
    impl->acceptor->close(ignored);
  });
}

void HttpServer::Stop() {
  if (!impl_ || impl_->stopped.exchange(true)) return;
  StopAccepting();
  impl_->ioc.stop();
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
}

}  // namespace hailong::edge
