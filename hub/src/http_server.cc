#include "hailong/hub/http_server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <iostream>
#include <limits>
#include <optional>
#include <thread>
#include <vector>

namespace hailong::hub {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// ---- EventStream -----------------------------------------------------------

bool EventStream::Push(std::string chunk) {
  std::function<void()> wake;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return false;
    queued_bytes_ += chunk.size();
    queue_.push_back(std::move(chunk));
    if (queued_bytes_ > max_queued_bytes) {
      closed_ = true;
      queue_.clear();
      queued_bytes_ = 0;
    }
    wake = wake_;
  }
  if (wake) wake();
  return true;
}

void EventStream::Close() {
  std::function<void()> wake;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return;
    closed_ = true;
    wake = wake_;
  }
  if (wake) wake();
}

bool EventStream::closed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return closed_;
}

void EventStream::SetWake(std::function<void()> wake) {
  std::lock_guard<std::mutex> lock(mu_);
  wake_ = std::move(wake);
}

std::deque<std::string> EventStream::TakeAll() {
  std::lock_guard<std::mutex> lock(mu_);
  std::deque<std::string> out;
  out.swap(queue_);
  queued_bytes_ = 0;
  return out;
}

HttpReply JsonReply(unsigned status, std::string json_text) {
  HttpReply r;
  r.response.result(status);
  r.response.set(http::field::content_type, "application/json; charset=utf-8");
  r.response.body() = std::move(json_text);
  return r;
}

HttpReply TextReply(unsigned status, std::string text, std::string content_type) {
  HttpReply r;
  r.response.result(status);
  r.response.set(http::field::content_type, content_type);
  r.response.body() = std::move(text);
  return r;
}

namespace {

struct Shared {
  HttpServerOptions options;
  HttpHandler handler;
  net::thread_pool* workers = nullptr;
  HttpServerStats stats;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, std::shared_ptr<Shared> shared)
      : stream_(std::move(socket)), shared_(std::move(shared)) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) client_.address = ep.address().to_string();
    shared_->stats.connections_open++;
    shared_->stats.connections_total++;
  }
  ~Session() {
    shared_->stats.connections_open--;
    if (stream_source_) stream_source_->Close();
  }

  void Start() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::ReadHeader, shared_from_this()));
  }

  // Answers 503 and closes (too many connections).
  void Refuse() {
    auto self = shared_from_this();
    net::dispatch(stream_.get_executor(), [self] {
      HttpReply r = TextReply(503, "quá nhiều kết nối / too many connections\n");
      r.response.set(http::field::retry_after, "1");
      self->keep_alive_ = false;
      self->Send(std::move(r));
    });
  }

 private:
  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(shared_->options.header_limit);
    // Checked against Content-Length once the target is known (OnHeader).
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    stream_.expires_after(first_ ? shared_->options.request_timeout
                                 : shared_->options.idle_timeout);
    first_ = false;
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, size_t) {
    if (ec) return OnReadError(ec);
    HeaderVerdict verdict = shared_->options.admit(parser_->get(), client_);
    if (verdict.reply) {
      // Answered from the header: the body is never read (LingeringClose
      // drains it through a fixed buffer), so the connection ends here.
      shared_->stats.requests_total++;
      version_ = parser_->get().version();
      keep_alive_ = false;
      return Send(std::move(*verdict.reply));
    }
    const uint64_t limit = verdict.body_limit;
    const auto length = parser_->content_length();
    if (length && *length > limit) return OnReadError(http::error::body_limit);
    parser_->body_limit(limit);  // chunked bodies are counted as they arrive
    // Beast reads at most the buffer's free capacity (>= 512 B) at a time;
    // left at the header's size, a 2 MiB push took ~4,000 recvmsg calls,
    // each re-arming the timer. Room for 64 KiB reads (Beast's own cap).
    if (!parser_->is_done()) {
      buffer_.reserve(buffer_.size() + std::min<uint64_t>(length.value_or(64u << 10), 64u << 10));
    }
    stream_.expires_after(shared_->options.request_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnReadError(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == net::error::eof ||
        ec == net::error::connection_reset || ec == net::error::operation_aborted) {
      return Close();
    }
    if (ec == beast::error::timeout) {
      shared_->stats.timeouts++;
      return Close();
    }
    keep_alive_ = false;
    if (ec == http::error::body_limit) {
      shared_->stats.requests_too_large++;
      return Send(JsonReply(413, R"({"error":"request body too large"})"));
    }
    if (ec == http::error::header_limit) {
      shared_->stats.requests_too_large++;
      return Send(JsonReply(431, R"({"error":"request header too large"})"));
    }
    shared_->stats.requests_bad++;
    return Send(JsonReply(400, R"({"error":"malformed request"})"));
  }

  void OnRead(beast::error_code ec, size_t) {
    if (ec) return OnReadError(ec);
    shared_->stats.requests_total++;
    stream_.expires_never();
    auto request = std::make_shared<HttpRequest>(parser_->release());
    keep_alive_ = request->keep_alive();
    version_ = request->version();
    auto self = shared_from_this();
    net::post(*shared_->workers, [self, request] {
      auto shared_reply = std::make_shared<HttpReply>(self->Handle(*request));
      net::post(self->stream_.get_executor(),
                [self, shared_reply] { self->Send(std::move(*shared_reply)); });
    });
  }

  HttpReply Handle(HttpRequest& request) {
    try {
      return shared_->handler(request, client_);
    } catch (const std::exception& e) {
      std::cerr << "hailong-hub: handler failed: " << e.what() << "\n";
      return JsonReply(500, R"({"error":"internal error"})");
    }
  }

  void Send(HttpReply reply) {
    if (reply.stream) return StartStream(std::move(reply));
    response_ = std::make_shared<HttpResponse>(std::move(reply.response));
    response_->version(version_);
    response_->set(http::field::server, shared_->options.server_name);
    if (!response_->keep_alive()) keep_alive_ = false;
    response_->keep_alive(keep_alive_);
    response_->prepare_payload();
    stream_.expires_after(shared_->options.request_timeout);
    http::async_write(stream_, *response_,
                      beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
  }

  void OnWrite(beast::error_code ec, size_t) {
    response_.reset();
    if (ec) return Close();
    if (!keep_alive_) return LingeringClose();
    ReadHeader();
  }

  // Closing a socket with unread input makes the kernel send a reset, which
  // can destroy the answer before the client reads it (a refused upload is
  // still being sent). So: stop sending, discard what still arrives (for a
  // few seconds, at most 64 MiB), then close.
  void LingeringClose() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(std::chrono::seconds(5));
    Discard(0);
  }

  void Discard(size_t total) {
    stream_.async_read_some(net::buffer(sink_),
                            [self = shared_from_this(), total](beast::error_code ec, size_t n) {
                              if (ec || total + n > (64u << 20)) return self->Close();
                              self->Discard(total + n);
                            });
  }

  // ---- server-sent events ----
  void StartStream(HttpReply reply) {
    stream_source_ = std::move(reply.stream);
    HttpResponse& r = reply.response;
    std::string head =
        "HTTP/1.1 " + std::to_string(r.result_int()) + " " +
        std::string(r.reason().empty() ? http::obsolete_reason(r.result()) : r.reason()) + "\r\n";
    for (const auto& f : r) {
      head += std::string(f.name_string()) + ": " + std::string(f.value()) + "\r\n";
    }
    head += "Server: " + shared_->options.server_name + "\r\nConnection: close\r\n\r\n";
    pending_.push_back(std::move(head));
    auto weak = weak_from_this();
    auto executor = stream_.get_executor();
    stream_source_->SetWake([weak, executor] {
      net::post(executor, [weak] {
        if (auto self = weak.lock()) self->PumpStream();
      });
    });
    stream_.expires_never();
    // A read that completes means the client went away (or sent junk).
    stream_.async_read_some(net::buffer(sink_),
                            beast::bind_front_handler(&Session::OnStreamRead, shared_from_this()));
    PumpStream();
  }

  void OnStreamRead(beast::error_code ec, size_t) {
    if (stream_source_) stream_source_->Close();
    Close();
  }

  void PumpStream() {
    if (writing_ || closed_) return;
    for (auto& c : stream_source_->TakeAll()) pending_.push_back(std::move(c));
    if (pending_.empty()) {
      if (stream_source_->closed()) Close();
      return;
    }
    writing_ = true;
    current_.clear();
    while (!pending_.empty()) {
      current_ += pending_.front();
      pending_.pop_front();
    }
    stream_.expires_after(shared_->options.request_timeout);
    net::async_write(stream_, net::buffer(current_),
                     beast::bind_front_handler(&Session::OnStreamWrite, shared_from_this()));
  }

  void OnStreamWrite(beast::error_code ec, size_t) {
    writing_ = false;
    stream_.expires_never();
    if (ec) {
      stream_source_->Close();
      return Close();
    }
    PumpStream();
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  std::shared_ptr<Shared> shared_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<HttpResponse> response_;
  ClientInfo client_;
  bool first_ = true;
  bool keep_alive_ = true;
  bool closed_ = false;
  unsigned version_ = 11;
  // stream mode
  std::shared_ptr<EventStream> stream_source_;
  std::deque<std::string> pending_;
  std::string current_;
  bool writing_ = false;
  char sink_[16384];
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& ioc, tcp::acceptor acceptor, std::shared_ptr<Shared> shared)
      : ioc_(ioc), acceptor_(std::move(acceptor)), shared_(std::move(shared)) {}

  void Run() { Accept(); }
  void Close() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
      beast::error_code ec;
      self->acceptor_.close(ec);
    });
  }

 private:
  void Accept() {
    acceptor_.async_accept(net::make_strand(ioc_),
                           beast::bind_front_handler(&Listener::OnAccept, shared_from_this()));
  }
  void OnAccept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {
      // Out of file descriptors (EMFILE) and the like: the pending
      // connection stays queued, so accepting again at once would spin.
      auto timer = std::make_shared<net::steady_timer>(acceptor_.get_executor(),
                                                       std::chrono::milliseconds(50));
      timer->async_wait([self = shared_from_this(), timer](beast::error_code) {
        if (self->acceptor_.is_open()) self->Accept();
      });
      return;
    }
    {
      // Small answers must not wait for the client's delayed ACK (Nagle).
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      auto session = std::make_shared<Session>(std::move(socket), shared_);
      if (shared_->stats.connections_open >
          static_cast<uint64_t>(shared_->options.max_connections)) {
        shared_->stats.connections_refused++;
        session->Refuse();
      } else {
        session->Start();
      }
    }
    Accept();
  }

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  std::shared_ptr<Shared> shared_;
};

class HttpServerImpl : public HttpServer {
 public:
  HttpServerImpl(const HttpServerOptions& options, HttpHandler handler)
      : ioc_(options.io_threads), workers_(static_cast<size_t>(options.worker_threads)) {
    shared_ = std::make_shared<Shared>();
    shared_->options = options;
    shared_->handler = std::move(handler);
    shared_->workers = &workers_;
  }
  ~HttpServerImpl() override { Stop(); }

  Status Bind() {
    beast::error_code ec;
    auto address = net::ip::make_address(shared_->options.host, ec);
    if (ec) {
      // A host name ("localhost"): resolve it.
      tcp::resolver resolver(ioc_);
      auto results = resolver.resolve(shared_->options.host, "", ec);
      if (ec || results.empty()) {
        return Status::InvalidArgument("cannot resolve listen host " + shared_->options.host);
      }
      address = results.begin()->endpoint().address();
    }
    tcp::endpoint endpoint(address, shared_->options.port);
    tcp::acceptor acceptor(net::make_strand(ioc_));
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      return Status::IOError("cannot listen on " + shared_->options.host + ":" +
                             std::to_string(shared_->options.port) + ": " + ec.message());
    }
    port_ = acceptor.local_endpoint().port();
    listener_ = std::make_shared<Listener>(ioc_, std::move(acceptor), shared_);
    listener_->Run();
    for (int i = 0; i < shared_->options.io_threads; ++i) {
      threads_.emplace_back([this] { ioc_.run(); });
    }
    return Status::OK();
  }

  uint16_t port() const override { return port_; }

  void Stop() override {
    if (stopped_.exchange(true)) return;
    if (listener_) listener_->Close();
    ioc_.stop();
    for (auto& t : threads_) t.join();
    threads_.clear();
    workers_.join();
  }

  const HttpServerStats& stats() const override { return shared_->stats; }

 private:
  net::io_context ioc_;
  net::thread_pool workers_;
  std::shared_ptr<Shared> shared_;
  std::shared_ptr<Listener> listener_;
  std::vector<std::thread> threads_;
  uint16_t port_ = 0;
  std::atomic<bool> stopped_{false};
};

}  // namespace

Status HttpServer::Start(const HttpServerOptions& options, HttpHandler handler,
                         std::unique_ptr<HttpServer>* out) {
  auto server = std::make_unique<HttpServerImpl>(options, std::move(handler));
  Status s = server->Bind();
  if (!s.ok()) return s;
  *out = std::move(server);
  return Status::OK();
}

}  // namespace hailong::hub
