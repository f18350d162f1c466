// HttpServer: the project's one HTTP/1.1 server (Boost.Beast, asynchronous,
// one strand per connection), with the limits a listener facing a network
// needs. It knows no routes: every request that arrives within the limits
// goes to the daemon's handler (the edge's and the hub's APIs).
//
// Limits (HttpServerOptions, set by each daemon from its configuration):
// header size (431), body size (413; per request through `admit`, which
// sees the header before any of the body is read), a whole-request
// deadline, an idle deadline between keep-alive requests, a cap on open
// connections (more are answered 503 with Retry-After and closed). A
// request that does not parse is answered 400 once and the connection
// closed. An answer that closes the connection drains what the client still
// sends (a few seconds, 64 MiB at most) so that the client reads the answer
// instead of a reset.
//
// Answers: an HttpReply, once, from any thread, now or later (HttpResponder),
// or from a blocking handler run on the worker pool (BlockingHttpHandler). A
// reply with an EventStream is a long-lived answer (server-sent events): its
// header, then every chunk pushed, until either side closes. HEAD requests
// get the header of the answer (with its Content-Length), never the body.
//
// Thread safety: Start and Stop from one thread; port(), connections() and
// stats() from any thread. An HttpHandler runs on an I/O thread and must not
// block; a BlockingHttpHandler runs concurrently on the worker threads.
// Ownership: the caller owns the server; Stop (or the destructor) closes
// every connection and joins the threads, and answers given after Stop are
// dropped. Errors: Start returns IOError when the address cannot be bound,
// InvalidArgument when the host does not resolve; exceptions thrown by a
// handler are caught and answered 500 (handlers should not throw).
#pragma once

#include <atomic>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hailong/net/event_stream.h"
#include "hailong/schema/status.h"

namespace hailong::net {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

struct HttpReply {
  HttpResponse response;
  // Set: the response header is sent (no Content-Length, Connection: close)
  // followed by every chunk of the stream.
  std::shared_ptr<EventStream> stream;
};

struct ClientInfo {
  std::string address;  // the peer's IP address
};

// Answers one request; call once, from any thread (later calls are ignored).
using HttpResponder = std::function<void(HttpReply reply)>;
using HttpHandler =
    std::function<void(HttpRequest request, const ClientInfo& client, HttpResponder respond)>;
using BlockingHttpHandler =
    std::function<HttpReply(HttpRequest& request, const ClientInfo& client)>;

// What HttpServerOptions::admit decides from a request's header.
struct HeaderVerdict {
  uint64_t body_limit = uint64_t{64} * 1024;  // over it: 413
  std::optional<HttpReply> reply;             // set: answered without reading the body
};

struct HttpServerOptions {
  std::string host = "127.0.0.1";  // an address or a name to resolve
  uint16_t port = 0;               // 0 = a free port; see HttpServer::port()
  int io_threads = 2;
  int worker_threads = 0;  // for a BlockingHttpHandler (at least 1 then)
  int max_connections = 1024;
  std::chrono::seconds request_timeout{30};  // headers and body of one request; one write
  std::chrono::seconds idle_timeout{60};     // a kept-alive connection waiting for a request
  uint32_t header_limit = 8 * 1024;
  uint64_t body_limit = 64 * 1024;  // when there is no `admit`
  // Called on an I/O thread once a request's header is read, before any of
  // its body: the body limit for this request, or an answer sent at once
  // (the body is then never read and the connection closes). Must be quick.
  // Empty: every request may send `body_limit` bytes.
  std::function<HeaderVerdict(HttpRequest& header, const ClientInfo& peer)> admit;
  // "Server" header value.
  std::string server_name = "hailong";
  // Set on every answer that does not set them itself (the edge: Cache-Control).
  std::vector<std::pair<std::string, std::string>> common_headers;
  // Called with the status of every answer, the server's own 4xx/5xx too
  // (metrics). On an I/O thread; must be quick. May be empty.
  std::function<void(int status)> on_response;
};

struct HttpServerStats {
  std::atomic<uint64_t> connections_open{0};
  std::atomic<uint64_t> connections_total{0};
  std::atomic<uint64_t> connections_refused{0};
  std::atomic<uint64_t> requests_total{0};
  std::atomic<uint64_t> requests_too_large{0};
  std::atomic<uint64_t> requests_bad{0};
  std::atomic<uint64_t> timeouts{0};
};

class HttpServer {
 public:
  // Binds and listens, sets *out, then serves on the I/O threads (so a
  // handler may read *out). The handler is copied into the server.
  static Status Start(const HttpServerOptions& options, HttpHandler handler,
                      std::unique_ptr<HttpServer>* out);
  // The same with a handler that may block: it runs on the worker pool
  // (options.worker_threads, at least one).
  static Status Start(const HttpServerOptions& options, BlockingHttpHandler handler,
                      std::unique_ptr<HttpServer>* out);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The port actually bound.
  uint16_t port() const;
  // Connections open now.
  uint64_t connections() const;
  const HttpServerStats& stats() const;
  // Stops accepting; open connections are served until Stop.
  void StopAccepting();
  // Closes every connection and joins the threads. Idempotent.
  void Stop();

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// {"error": vi, "error_en": en} — the server's own answers and a handler's.
HttpReply ErrorReply(unsigned status, const std::string& vi, const std::string& en);
HttpReply JsonReply(unsigned status, std::string json_text);
HttpReply TextReply(unsigned status, std::string text,
                    std::string content_type = "text/plain; charset=utf-8");

}  // namespace hailong::net
