// After the Beast "advanced server" example; see http_session.h.
#include "http_session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <iostream>
#include <limits>

namespace hailong::net::internal {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

HttpSession::HttpSession(tcp::socket&& socket, std::shared_ptr<ServerShared> shared)
    : stream_(std::move(socket)), shared_(std::move(shared)) {
  beast::error_code ec;
  auto ep = stream_.socket().remote_endpoint(ec);
  if (!ec) client_.address = ep.address().to_string();
  shared_->stats.connections_open++;
  shared_->stats.connections_total++;
}

HttpSession::~HttpSession() {
  shared_->stats.connections_open--;
  if (stream_source_) stream_source_->Close();
}

void HttpSession::Start() {
  asio::dispatch(stream_.get_executor(),
                 beast::bind_front_handler(&HttpSession::ReadHeader, shared_from_this()));
}

void HttpSession::Refuse() {
  asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    HttpReply r = ErrorReply(503, "quá nhiều kết nối", "too many connections");
    r.response.set(http::field::retry_after, "1");
    self->keep_alive_ = false;
    self->Send(std::move(r));
  });
}

void HttpSession::ReadHeader() {
  parser_.emplace();
  parser_->header_limit(shared_->options.header_limit);
  // Checked against Content-Length once the header is admitted (OnHeader).
  parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
  stream_.expires_after(first_ ? shared_->options.request_timeout : shared_->options.idle_timeout);
  first_ = false;
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&HttpSession::OnHeader, shared_from_this()));
}

void HttpSession::OnHeader(beast::error_code ec, size_t) {
  if (ec) return OnReadError(ec);
  stream_.expires_after(shared_->options.request_timeout);
  auto& header = parser_->get();
  version_ = header.version();
  head_ = header.method() == http::verb::head;
  uint64_t limit = shared_->options.body_limit;
  if (shared_->options.admit) {
    HeaderVerdict verdict = shared_->options.admit(header, client_);
    if (verdict.reply) {
      // Answered from the header: the body is never read (LingeringClose
      // drains it), so the connection ends here.
      shared_->stats.requests_total++;
      keep_alive_ = false;
      return Send(std::move(*verdict.reply));
    }
    limit = verdict.body_limit;
  }
  const auto length = parser_->content_length();
  if (length && *length > limit) return OnReadError(http::error::body_limit);
  parser_->body_limit(limit);  // chunked bodies are counted as they arrive
  if (parser_->is_done()) return ReadBody();
  // Beast reads at most the buffer's free capacity (>= 512 B) at a time;
  // left at the header's size, a 2 MiB push took ~4,000 recvmsg calls,
  // each re-arming the timer. Room for 64 KiB reads (Beast's own cap).
  buffer_.reserve(buffer_.size() + std::min<uint64_t>(length.value_or(64u << 10), 64u << 10));
  if (beast::iequals(header[http::field::expect], "100-continue")) {
    // Clients that ask (curl does for bodies over 1 KiB) wait for this.
    auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_,
                                                                   header.version());
    http::async_write(stream_, *cont,
                      [self = shared_from_this(), cont](beast::error_code e, size_t) {
                        if (e) return self->Close();
                        self->ReadBody();
                      });
    return;
  }
  ReadBody();
}

void HttpSession::ReadBody() {
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&HttpSession::OnRead, shared_from_this()));
}

void HttpSession::OnReadError(beast::error_code ec) {
  if (ec == http::error::end_of_stream || ec == asio::error::eof ||
      ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
    return Close();
  }
  if (ec == beast::error::timeout) {
    shared_->stats.timeouts++;
    return Close();
  }
  keep_alive_ = false;
  head_ = false;
  if (ec == http::error::body_limit) {
    shared_->stats.requests_too_large++;
    return Send(ErrorReply(413, "yêu cầu quá lớn", "request body too large"));
  }
  if (ec == http::error::header_limit) {
    shared_->stats.requests_too_large++;
    return Send(ErrorReply(431, "phần đầu yêu cầu quá lớn", "request header too large"));
  }
  shared_->stats.requests_bad++;
  return Send(ErrorReply(400, "yêu cầu HTTP sai dạng", "malformed HTTP request"));
}

void HttpSession::OnRead(beast::error_code ec, size_t) {
  if (ec) return OnReadError(ec);
  shared_->stats.requests_total++;
  stream_.expires_never();
  HttpRequest request = parser_->release();
  parser_.reset();
  keep_alive_ = request.keep_alive();
  Dispatch(std::move(request));
}

void HttpSession::Dispatch(HttpRequest request) {
  HttpResponder respond = MakeResponder();
  if (shared_->blocking) {
    auto req = std::make_shared<HttpRequest>(std::move(request));
    asio::post(*shared_->workers, [self = shared_from_this(), req, respond] {
      try {
        respond(self->shared_->blocking(*req, self->client_));
      } catch (const std::exception& e) {
        std::cerr << self->shared_->options.server_name << ": handler failed: " << e.what() << "\n";
        respond(ErrorReply(500, "lỗi nội bộ", "internal error"));
      }
    });
    return;
  }
  try {
    shared_->handler(std::move(request), client_, respond);
  } catch (const std::exception& e) {
    std::cerr << shared_->options.server_name << ": handler failed: " << e.what() << "\n";
    respond(ErrorReply(500, "lỗi nội bộ", "internal error"));
  }
}

HttpResponder HttpSession::MakeResponder() {
  // May be called from any thread; hops onto this session's strand.
  auto once = std::make_shared<std::atomic<bool>>(false);
  return [self = shared_from_this(), once](HttpReply reply) {
    if (once->exchange(true) || self->shared_->stopped.load()) return;
    auto shared_reply = std::make_shared<HttpReply>(std::move(reply));
    asio::post(self->stream_.get_executor(),
               [self, shared_reply] { self->Send(std::move(*shared_reply)); });
  };
}

void HttpSession::Send(HttpReply reply) {
  if (shared_->options.on_response) shared_->options.on_response(reply.response.result_int());
  HttpResponse& r = reply.response;
  if (r.find(http::field::server) == r.end())
    r.set(http::field::server, shared_->options.server_name);
  for (const auto& [name, value] : shared_->options.common_headers) {
    if (r.find(name) == r.end()) r.set(name, value);
  }
  if (reply.stream) return StartStream(std::move(reply));
  response_ = std::make_shared<HttpResponse>(std::move(r));
  response_->version(version_);
  if (!response_->keep_alive()) keep_alive_ = false;
  response_->keep_alive(keep_alive_);
  response_->prepare_payload();
  stream_.expires_after(shared_->options.request_timeout);
  if (head_) {
    // The GET answer's header (Content-Length of the body a GET gets).
    head_only_ = std::make_shared<http::response<http::empty_body>>(response_->base());
    return http::async_write(stream_, *head_only_,
                             beast::bind_front_handler(&HttpSession::OnWrite, shared_from_this()));
  }
  http::async_write(stream_, *response_,
                    beast::bind_front_handler(&HttpSession::OnWrite, shared_from_this()));
}

void HttpSession::OnWrite(beast::error_code ec, size_t) {
  response_.reset();
  head_only_.reset();
  head_ = false;
  if (ec) return Close();
  if (!keep_alive_) return LingeringClose();
  ReadHeader();
}

// Closing a socket with unread input makes the kernel send a reset, which
// can destroy the answer before the client reads it (a refused upload is
// still being sent). So: stop sending, discard what still arrives (for a
// few seconds, at most 64 MiB), then close.
void HttpSession::LingeringClose() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream_.expires_after(std::chrono::seconds(5));
  Discard(0);
}

void HttpSession::Discard(size_t total) {
  stream_.async_read_some(asio::buffer(sink_),
                          [self = shared_from_this(), total](beast::error_code ec, size_t n) {
                            if (ec || total + n > (64u << 20)) return self->Close();
                            self->Discard(total + n);
                          });
}

void HttpSession::StartStream(HttpReply reply) {
  stream_source_ = std::move(reply.stream);
  HttpResponse& r = reply.response;
  std::string head =
      "HTTP/1.1 " + std::to_string(r.result_int()) + " " +
      std::string(r.reason().empty() ? http::obsolete_reason(r.result()) : r.reason()) + "\r\n";
  for (const auto& f : r) {
    head += std::string(f.name_string()) + ": " + std::string(f.value()) + "\r\n";
  }
  head += "Connection: close\r\n\r\n";
  pending_.push_back(std::move(head));
  auto weak = weak_from_this();
  auto executor = stream_.get_executor();
  stream_source_->SetWake([weak, executor] {
    asio::post(executor, [weak] {
      if (auto self = weak.lock()) self->PumpStream();
    });
  });
  stream_.expires_never();
  // A read that completes means the client went away (or sent junk).
  stream_.async_read_some(asio::buffer(sink_),
                          [self = shared_from_this()](beast::error_code, size_t) {
                            self->stream_source_->Close();
                            self->Close();
                          });
  PumpStream();
}

void HttpSession::PumpStream() {
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
  asio::async_write(stream_, asio::buffer(current_),
                    beast::bind_front_handler(&HttpSession::OnStreamWrite, shared_from_this()));
}

void HttpSession::OnStreamWrite(beast::error_code ec, size_t) {
  writing_ = false;
  stream_.expires_never();
  if (ec) {
    stream_source_->Close();
    return Close();
  }
  PumpStream();
}

void HttpSession::Close() {
  if (closed_) return;
  closed_ = true;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.socket().close(ec);
}

}  // namespace hailong::net::internal
