// HttpServer: an asynchronous HTTP/1.1 server (Boost.Beast) with the limits
// a server facing the Internet needs: header and body size limits, request
// and idle deadlines, a cap on open connections. Requests are handed to a
// handler on a separate worker pool, because handlers may block (a log
// append waits for fsync); socket I/O stays on the I/O threads.
//
// A handler may answer with an EventStream instead of a body: the session
// then writes the header and every chunk pushed into the stream until
// either side closes (server-sent events).
//
// Thread safety: Start and Stop from one thread; the handler is called
// concurrently from the worker threads.
#pragma once

#include <atomic>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "hailong/schema/status.h"

namespace hailong::hub {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

// Chunks of a long-lived response (text/event-stream). The application
// pushes; the session that serves it drains. Closed by either side.
class EventStream {
 public:
  // False once closed (the chunk is dropped). A stream holding more than
  // max_queued_bytes is closed: a client that does not read is cut off.
  bool Push(std::string chunk);
  void Close();
  bool closed() const;

  // For the session: moves the queued chunks out; `wake` is called (from
  // the pushing thread) whenever something is queued or the stream closes.
  void SetWake(std::function<void()> wake);
  std::deque<std::string> TakeAll();

  size_t max_queued_bytes = 1 << 20;

 private:
  mutable std::mutex mu_;
  std::deque<std::string> queue_;
  size_t queued_bytes_ = 0;
  bool closed_ = false;
  std::function<void()> wake_;
};

struct HttpReply {
  HttpResponse response;
  // Set: the response header is sent (no Content-Length, Connection: close)
  // followed by every chunk of the stream.
  std::shared_ptr<EventStream> stream;
};

struct ClientInfo {
  std::string address;  // the peer's IP address
};

using HttpHandler = std::function<HttpReply(HttpRequest& request, const ClientInfo& client)>;

// What HttpServerOptions::admit decides from a request's header.
struct HeaderVerdict {
  uint64_t body_limit = uint64_t{64} * 1024;  // over it: 413
  std::optional<HttpReply> reply;             // set: answered without reading the body
};

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0 = a free port; see HttpServer::port()
  int io_threads = 2;
  int worker_threads = 4;
  int max_connections = 1024;
  std::chrono::seconds request_timeout{30};
  std::chrono::seconds idle_timeout{60};
  uint32_t header_limit = 8 * 1024;
  // Called on an I/O thread once a request's header is read, before any of
  // its body: the body limit for this request, or an answer sent at once
  // (the body is then never read and the connection closes). How the hub
  // refuses an anonymous 8 MiB push before buffering it. Must be quick.
  std::function<HeaderVerdict(HttpRequest& header, const ClientInfo& peer)> admit =
      [](HttpRequest&, const ClientInfo&) { return HeaderVerdict{}; };
  // "Server" header value.
  std::string server_name = "hailong-hub";
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
  // Binds and starts listening; the threads start serving right away.
  static Status Start(const HttpServerOptions& options, HttpHandler handler,
                      std::unique_ptr<HttpServer>* out);
  virtual ~HttpServer() = default;
  // The port actually bound.
  virtual uint16_t port() const = 0;
  // Stops accepting, closes every connection, joins the threads.
  virtual void Stop() = 0;
  virtual const HttpServerStats& stats() const = 0;
};

// Small helpers for handlers.
HttpReply JsonReply(unsigned status, std::string json_text);
HttpReply TextReply(unsigned status, std::string text,
                    std::string content_type = "text/plain; charset=utf-8");

}  // namespace hailong::hub
