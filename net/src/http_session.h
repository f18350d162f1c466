// HttpSession: one accepted connection of an HttpServer, on its own strand:
// reads requests within the limits, hands them to the handler, writes the
// answers (or streams an EventStream), keeps the connection alive or closes
// it. Private to hailong_net; see hailong/net/http_server.h for the contract.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "hailong/net/http_server.h"

namespace hailong::net::internal {

// What every session of one server shares; outlives the server while a
// session still holds it.
struct ServerShared {
  HttpServerOptions options;
  HttpHandler handler;           // one of these two
  BlockingHttpHandler blocking;  // (runs on `workers`)
  std::unique_ptr<boost::asio::thread_pool> workers;
  HttpServerStats stats;
  std::atomic<bool> stopped{false};
};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<ServerShared> shared);
  ~HttpSession();
  // Serves requests until the connection ends.
  void Start();
  // Answers 503 (too many connections) and closes.
  void Refuse();

 private:
  void ReadHeader();
  void OnHeader(boost::beast::error_code ec, size_t);
  void ReadBody();
  void OnReadError(boost::beast::error_code ec);
  void OnRead(boost::beast::error_code ec, size_t);
  void Dispatch(HttpRequest request);
  HttpResponder MakeResponder();
  void Send(HttpReply reply);
  void OnWrite(boost::beast::error_code ec, size_t);
  void LingeringClose();
  void Discard(size_t total);
  void StartStream(HttpReply reply);
  void PumpStream();
  void OnStreamWrite(boost::beast::error_code ec, size_t);
  void Close();

  boost::beast::tcp_stream stream_;
  std::shared_ptr<ServerShared> shared_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::shared_ptr<HttpResponse> response_;
  std::shared_ptr<boost::beast::http::response<boost::beast::http::empty_body>> head_only_;
  ClientInfo client_;
  bool first_ = true;
  bool keep_alive_ = true;
  bool head_ = false;  // the request being answered is a HEAD
  bool closed_ = false;
  unsigned version_ = 11;
  // Stream mode.
  std::shared_ptr<EventStream> stream_source_;
  std::deque<std::string> pending_;
  std::string current_;
  bool writing_ = false;
  char sink_[16384];
};

}  // namespace hailong::net::internal
