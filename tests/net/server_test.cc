// hailong_net's server and client over real sockets: the limits (431, 413,
// 503), the idle deadline, keep-alive, HEAD, admit, a blocking handler on
// the worker pool and server-sent events.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <future>
#include <thread>

#include "hailong/net/http_client.h"
#include "hailong/net/http_server.h"
#include "hailong/testing/http_client.h"
#include "hailong/testing/wait.h"

namespace hailong::net {
namespace {

namespace http = boost::beast::http;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Echoes method, target and body length; /events answers with a stream.
class NetServerTest : public ::testing::Test {
 protected:
  void StartServer(HttpServerOptions o) {
    o.on_response = [this](int status) { responses_.fetch_add(1), last_status_ = status; };
    Status s = HttpServer::Start(
        o,
        [this](HttpRequest req, const ClientInfo& client, HttpResponder respond) {
          if (req.target() == "/events") {
            HttpReply r;
            r.response.set(http::field::content_type, "text/event-stream");
            r.stream = std::make_shared<EventStream>();
            events_.set_value(r.stream);
            return respond(std::move(r));
          }
          if (req.target() == "/later") {
            // Answered from another thread, after the handler returned.
            std::thread([respond] { respond(TextReply(202, "later")); }).detach();
            return;
          }
          respond(TextReply(200, std::string(req.method_string()) + " " +
                                     std::string(req.target()) + " " +
                                     std::to_string(req.body().size()) + " " + client.address));
        },
        &server_);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  Url ServerUrl() const {
    Url u;
    EXPECT_TRUE(ParseUrl("http://127.0.0.1:" + std::to_string(server_->port()), &u).ok());
    return u;
  }
  std::string Raw(const std::string& bytes) {
    std::string reply;
    Status s = testing::SendRawTcp("127.0.0.1", server_->port(), bytes, &reply, seconds(10));
    EXPECT_TRUE(s.ok()) << s.ToString();
    return reply;
  }

  std::unique_ptr<HttpServer> server_;
  std::atomic<int> responses_{0};
  std::atomic<int> last_status_{0};
  std::promise<std::shared_ptr<EventStream>> events_;
};

TEST_F(NetServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  StartServer({});
  HttpClient client(ServerUrl(), "", seconds(5), "net-test");
  for (int i = 0; i < 3; ++i) {
    HttpAnswer a;
    ASSERT_TRUE(client.Exchange(http::verb::post, "/x?i=" + std::to_string(i), {}, "abc", &a).ok());
    EXPECT_EQ(a.status, 200);
    EXPECT_EQ(a.body, "POST /x?i=" + std::to_string(i) + " 3 127.0.0.1");
    EXPECT_EQ(a.Header("server"), "hailong");
  }
  EXPECT_TRUE(client.connected());
  EXPECT_EQ(server_->stats().connections_total.load(), 1u);
  EXPECT_EQ(server_->stats().requests_total.load(), 3u);
  EXPECT_EQ(responses_.load(), 3);
}

TEST_F(NetServerTest, PipelinedAnswersComeInOrderAndLaterAnswersArrive) {
  StartServer({});
  HttpClient client(ServerUrl(), "", seconds(5));
  ASSERT_TRUE(client.Send(http::verb::get, "/later", {}, "").ok());
  ASSERT_TRUE(client.Send(http::verb::get, "/a", {}, "").ok());
  EXPECT_EQ(client.in_flight(), 2u);
  HttpAnswer a;
  ASSERT_TRUE(client.Receive(&a).ok());
  EXPECT_EQ(a.status, 202);
  ASSERT_TRUE(client.Receive(&a).ok());
  EXPECT_EQ(a.body, "GET /a 0 127.0.0.1");
}

TEST_F(NetServerTest, OversizeHeaderIs431AndCloses) {
  StartServer({});
  const std::string reply = Raw("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(9000, 'a') +
                                "\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 431", 0), 0u) << reply.substr(0, 200);
  EXPECT_NE(reply.find("request header too large"), std::string::npos);
  EXPECT_EQ(reply.find("HTTP/1.1 200"), std::string::npos) << "served after 431";
  EXPECT_EQ(server_->stats().requests_too_large.load(), 1u);
}

TEST_F(NetServerTest, OversizeBodyIs413DeclaredOrChunked) {
  HttpServerOptions o;
  o.body_limit = 1000;
  StartServer(o);
  std::string reply =
      Raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n" + std::string(1001, 'b'));
  EXPECT_EQ(reply.rfind("HTTP/1.1 413", 0), 0u) << reply.substr(0, 200);
  EXPECT_NE(reply.find("Connection: close"), std::string::npos) << reply;
  std::string chunked = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) chunked += "190\r\n" + std::string(400, 'c') + "\r\n";
  reply = Raw(chunked + "0\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 413", 0), 0u) << reply.substr(0, 200);
  // At the limit: served.
  HttpClient client(ServerUrl(), "", seconds(5));
  HttpAnswer a;
  ASSERT_TRUE(client.Exchange(http::verb::post, "/", {}, std::string(1000, 'd'), &a).ok());
  EXPECT_EQ(a.status, 200);
}

TEST_F(NetServerTest, AdmitSetsTheBodyLimitOrAnswersFromTheHeader) {
  HttpServerOptions o;
  o.admit = [](HttpRequest& header, const ClientInfo&) {
    HeaderVerdict v;
    if (header.target() == "/closed") v.reply = TextReply(403, "no");
    v.body_limit = header.target() == "/big" ? 100000 : 10;
    return v;
  };
  StartServer(o);
  HttpClient client(ServerUrl(), "", seconds(5));
  HttpAnswer a;
  ASSERT_TRUE(client.Exchange(http::verb::post, "/big", {}, std::string(50000, 'e'), &a).ok());
  EXPECT_EQ(a.status, 200);
  ASSERT_TRUE(client.Exchange(http::verb::post, "/small", {}, std::string(11, 'e'), &a).ok());
  EXPECT_EQ(a.status, 413);
  EXPECT_NE(a.body.find("\"error_en\":\"request body too large\""), std::string::npos) << a.body;
  ASSERT_TRUE(client.Exchange(http::verb::post, "/closed", {}, std::string(5000, 'e'), &a).ok());
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(a.body, "no");
}

TEST_F(NetServerTest, IdleKeepAliveConnectionIsClosed) {
  HttpServerOptions o;
  o.idle_timeout = seconds(1);
  StartServer(o);
  HttpClient client(ServerUrl(), "", seconds(5));
  HttpAnswer a;
  ASSERT_TRUE(client.Exchange(http::verb::get, "/", {}, "", &a).ok());
  EXPECT_EQ(server_->connections(), 1u);
  EXPECT_TRUE(testing::WaitUntil([&] { return server_->connections() == 0; }, seconds(10)));
  EXPECT_TRUE(
      testing::WaitUntil([&] { return server_->stats().timeouts.load() == 1; }, seconds(5)));
  // The client notices the closed connection and reconnects once.
  ASSERT_TRUE(client.Exchange(http::verb::get, "/again", {}, "", &a).ok());
  EXPECT_EQ(a.status, 200);
}

TEST_F(NetServerTest, SlowRequestHitsTheRequestDeadline) {
  HttpServerOptions o;
  o.request_timeout = seconds(1);
  StartServer(o);
  // Half a header and then nothing: the server closes without answering.
  const auto start = std::chrono::steady_clock::now();
  const std::string reply = Raw("GET / HTTP/1.1\r\nHost:");
  EXPECT_EQ(reply, "");
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(8));
  // Beast closes the socket before the session counts the timeout.
  EXPECT_TRUE(
      testing::WaitUntil([&] { return server_->stats().timeouts.load() == 1; }, seconds(5)));
}

TEST_F(NetServerTest, TooManyConnectionsAre503) {
  HttpServerOptions o;
  o.max_connections = 1;
  o.common_headers = {{"Cache-Control", "no-store"}};
  StartServer(o);
  HttpClient first(ServerUrl(), "", seconds(5));
  HttpAnswer a;
  ASSERT_TRUE(first.Exchange(http::verb::get, "/", {}, "", &a).ok());
  EXPECT_EQ(a.Header("cache-control"), "no-store");
  const std::string reply = Raw("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 503", 0), 0u) << reply.substr(0, 200);
  EXPECT_NE(reply.find("Retry-After: 1"), std::string::npos) << reply;
  EXPECT_NE(reply.find("Cache-Control: no-store"), std::string::npos) << reply;
  EXPECT_EQ(server_->stats().connections_refused.load(), 1u);
}

TEST_F(NetServerTest, HeadGetsTheHeaderOnly) {
  StartServer({});
  const std::string reply = Raw("HEAD /h HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 200", 0), 0u) << reply;
  EXPECT_NE(reply.find("Content-Length: 19"), std::string::npos) << reply;
  EXPECT_EQ(reply.substr(reply.size() - 4), "\r\n\r\n") << reply;
}

TEST_F(NetServerTest, MalformedRequestIs400) {
  StartServer({});
  const std::string reply = Raw("GET / HTTP/1.1\r\nBad Header Line\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << reply;
  EXPECT_EQ(last_status_.load(), 400);
}

TEST_F(NetServerTest, BlockingHandlerRunsOnWorkersAndThrowsBecome500) {
  HttpServerOptions o;
  o.worker_threads = 2;
  Status s = HttpServer::Start(
      o,
      [](HttpRequest& req, const ClientInfo&) -> HttpReply {
        if (req.target() == "/throw") throw std::runtime_error("boom");
        return JsonReply(200, "{}");
      },
      &server_);
  ASSERT_TRUE(s.ok());
  HttpClient client(ServerUrl(), "", seconds(5));
  HttpAnswer a;
  ASSERT_TRUE(client.Exchange(http::verb::get, "/", {}, "", &a).ok());
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.Header("content-type"), "application/json; charset=utf-8");
  ASSERT_TRUE(client.Exchange(http::verb::get, "/throw", {}, "", &a).ok());
  EXPECT_EQ(a.status, 500);
}

// Reads from `sock` until `want` has arrived (or 10 s pass).
bool ReadUntil(boost::asio::ip::tcp::socket& sock, std::string* got, const std::string& want) {
  char buf[4096];
  while (got->find(want) == std::string::npos) {
    boost::system::error_code ec;
    const size_t n = sock.read_some(boost::asio::buffer(buf), ec);
    if (ec) return false;
    got->append(buf, n);
  }
  return true;
}

TEST_F(NetServerTest, ServerSentEventsStreamUntilClosed) {
  StartServer({});
  auto future = events_.get_future();
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket sock(ioc);
  sock.connect({boost::asio::ip::make_address("127.0.0.1"), server_->port()});
  timeval tv{10, 0};  // a read that waits longer fails the test
  setsockopt(sock.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  boost::asio::write(sock,
                     boost::asio::buffer(std::string("GET /events HTTP/1.1\r\nHost: x\r\n\r\n")));
  ASSERT_EQ(future.wait_for(seconds(10)), std::future_status::ready);
  std::shared_ptr<EventStream> stream = future.get();
  std::string got;
  ASSERT_TRUE(stream->Push("data: one\n\n"));
  ASSERT_TRUE(ReadUntil(sock, &got, "data: one\n\n")) << got;
  EXPECT_EQ(got.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << got;
  EXPECT_NE(got.find("Content-Type: text/event-stream\r\n"), std::string::npos) << got;
  EXPECT_NE(got.find("Connection: close\r\n"), std::string::npos) << got;
  EXPECT_EQ(got.find("Content-Length"), std::string::npos) << got;
  ASSERT_TRUE(stream->Push("data: two\n\n"));
  ASSERT_TRUE(ReadUntil(sock, &got, "data: two\n\n")) << got;
  stream->Close();
  EXPECT_FALSE(ReadUntil(sock, &got, "never")) << "the connection ends with the stream";
  EXPECT_FALSE(stream->Push("data: three\n\n"));
}

TEST_F(NetServerTest, ClientGoneClosesTheStream) {
  StartServer({});
  auto future = events_.get_future();
  {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::socket sock(ioc);
    sock.connect({boost::asio::ip::make_address("127.0.0.1"), server_->port()});
    boost::asio::write(sock,
                       boost::asio::buffer(std::string("GET /events HTTP/1.1\r\nHost: x\r\n\r\n")));
    ASSERT_EQ(future.wait_for(seconds(10)), std::future_status::ready);
  }
  std::shared_ptr<EventStream> stream = future.get();
  EXPECT_TRUE(testing::WaitUntil([&] { return stream->closed(); }, seconds(10)));
}

TEST_F(NetServerTest, ClientReportsUnreachableAsUnavailable) {
  StartServer({});
  Url u = ServerUrl();
  server_->Stop();
  HttpClient client(u, "", milliseconds(2000));
  HttpAnswer a;
  Status s = client.Exchange(http::verb::get, "/", {}, "", &a);
  EXPECT_EQ(s.code(), Status::Code::kUnavailable) << s.ToString();
}

}  // namespace
}  // namespace hailong::net
