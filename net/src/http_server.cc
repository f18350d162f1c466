// HttpServer: the listener (accepting on its own strand) and the threads;
// each connection is an HttpSession (http_session.h).
#include "hailong/net/http_server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <thread>
#include <vector>

#include "http_session.h"

namespace hailong::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using internal::HttpSession;
using internal::ServerShared;

struct HttpServer::Impl {
  explicit Impl(int io_threads) : ioc(io_threads < 1 ? 1 : io_threads) {}

  void Accept() {
    acceptor->async_accept(asio::make_strand(ioc), [this](boost::system::error_code ec,
                                                          tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor->is_open()) return;
      if (ec) {
        // Out of file descriptors (EMFILE) and the like: the pending
        // connection stays queued, so accepting again at once would spin.
        auto timer = std::make_shared<asio::steady_timer>(ioc, std::chrono::milliseconds(50));
        timer->async_wait([this, timer](boost::system::error_code) {
          if (acceptor->is_open()) Accept();
        });
        return;
      }
      // Small answers must not wait for the client's delayed ACK (Nagle).
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      auto session = std::make_shared<HttpSession>(std::move(socket), shared);
      if (shared->stats.connections_open > static_cast<uint64_t>(shared->options.max_connections)) {
        shared->stats.connections_refused++;
        session->Refuse();
      } else {
        session->Start();
      }
      Accept();
    });
  }

  Status Bind() {
    const HttpServerOptions& o = shared->options;
    boost::system::error_code ec;
    auto address = asio::ip::make_address(o.host, ec);
    if (ec) {
      // A host name ("localhost"): resolve it.
      tcp::resolver resolver(ioc);
      auto results = resolver.resolve(o.host, "", ec);
      if (ec || results.empty()) {
        return Status::InvalidArgument("cannot resolve listen host " + o.host);
      }
      address = results.begin()->endpoint().address();
    }
    tcp::endpoint endpoint(address, o.port);
    acceptor.emplace(asio::make_strand(ioc));
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return Status::IOError("cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " +
                             ec.message());
    }
    port = acceptor->local_endpoint().port();
    return Status::OK();
  }

  void Serve(int io_threads) {
    asio::dispatch(acceptor->get_executor(), [this] { Accept(); });
    for (int i = 0; i < (io_threads < 1 ? 1 : io_threads); ++i) {
      threads.emplace_back([this] {
        auto guard = asio::make_work_guard(ioc);
        ioc.run();
      });
    }
  }

  std::shared_ptr<ServerShared> shared = std::make_shared<ServerShared>();
  asio::io_context ioc;
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  uint16_t port = 0;
};

namespace {

Status StartWith(const HttpServerOptions& options, std::unique_ptr<HttpServer::Impl> impl,
                 std::unique_ptr<HttpServer>* out,
                 std::unique_ptr<HttpServer> (*make)(std::unique_ptr<HttpServer::Impl>)) {
  impl->shared->options = options;
  Status s = impl->Bind();
  if (!s.ok()) return s;
  HttpServer::Impl* raw = impl.get();
  // *out is set before any request is served: handlers may read it (the
  // edge's status reads its connection count; found by ThreadSanitizer).
  *out = make(std::move(impl));
  raw->Serve(options.io_threads);
  return Status::OK();
}

}  // namespace

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start(const HttpServerOptions& options, HttpHandler handler,
                         std::unique_ptr<HttpServer>* out) {
  auto impl = std::make_unique<Impl>(options.io_threads);
  impl->shared->handler = std::move(handler);
  return StartWith(options, std::move(impl), out, [](std::unique_ptr<Impl> i) {
    return std::unique_ptr<HttpServer>(new HttpServer(std::move(i)));
  });
}

Status HttpServer::Start(const HttpServerOptions& options, BlockingHttpHandler handler,
                         std::unique_ptr<HttpServer>* out) {
  auto impl = std::make_unique<Impl>(options.io_threads);
  impl->shared->blocking = std::move(handler);
  impl->shared->workers = std::make_unique<asio::thread_pool>(
      static_cast<size_t>(options.worker_threads < 1 ? 1 : options.worker_threads));
  return StartWith(options, std::move(impl), out, [](std::unique_ptr<Impl> i) {
    return std::unique_ptr<HttpServer>(new HttpServer(std::move(i)));
  });
}

uint16_t HttpServer::port() const { return impl_->port; }

uint64_t HttpServer::connections() const { return impl_->shared->stats.connections_open.load(); }

const HttpServerStats& HttpServer::stats() const { return impl_->shared->stats; }

void HttpServer::StopAccepting() {
  if (!impl_ || !impl_->acceptor) return;
  asio::post(impl_->acceptor->get_executor(), [impl = impl_.get()] {
    boost::system::error_code ignored;
    impl->acceptor->close(ignored);
  });
}

void HttpServer::Stop() {
  if (!impl_ || impl_->shared->stopped.exchange(true)) return;
  StopAccepting();
  impl_->ioc.stop();
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
  impl_->threads.clear();
  if (impl_->shared->workers) impl_->shared->workers->join();
}

}  // namespace hailong::net
