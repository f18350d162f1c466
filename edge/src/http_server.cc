// The edge's requests and responses over hailong_net's server; see
// http_server.h.
#include "http_server.h"

#include <cctype>

#include "hailong/schema/version.h"

namespace hailong::edge {

namespace http = boost::beast::http;

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

net::HttpReply ToReply(HttpResponse r) {
  net::HttpReply reply;
  reply.response.result(static_cast<unsigned>(r.status));
  if (!r.content_type.empty()) reply.response.set(http::field::content_type, r.content_type);
  for (auto& [name, value] : r.headers) reply.response.set(name, value);
  reply.response.body() = std::move(r.body);
  return reply;
}

// The edge's view of a request; false (and a 400 sent) on a bad path.
bool ToEdgeRequest(net::HttpRequest& msg, const net::ClientInfo& client, HttpRequest* req) {
  req->method = std::string(msg.method_string());
  req->target = std::string(msg.target());
  const std::string_view target = msg.target();
  const size_t q = target.find('?');
  if (!net::PercentDecode(target.substr(0, q), &req->path)) return false;
  if (q != std::string_view::npos) req->query = net::ParseQuery(target.substr(q + 1));
  for (const auto& field : msg) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req->headers[name] = std::string(field.value());
  }
  req->body = std::move(msg.body());
  req->remote = client.address;
  return true;
}

}  // namespace

Status HttpServer::Start(const HttpServerOptions& options, HttpHandler handler,
                         std::unique_ptr<HttpServer>* out) {
  net::HttpServerOptions o;
  o.host = options.host;
  o.port = options.port;
  o.io_threads = options.threads;
  o.max_connections = options.max_connections;
  o.request_timeout = std::chrono::seconds(options.request_timeout_s);
  o.idle_timeout = std::chrono::seconds(options.idle_timeout_s);
  o.header_limit = options.header_limit;
  o.body_limit = options.body_limit;
  o.server_name = std::string("hailong-edge/") + kVersion;
  o.common_headers = {{"Cache-Control", "no-store"}};
  o.on_response = options.on_response;
  // *out is set before any request is served: handlers may read it (the
  // edge's status reads its connection count; found by ThreadSanitizer).
  std::unique_ptr<HttpServer> server(new HttpServer());
  HttpServer* raw = server.get();
  *out = std::move(server);
  Status s = net::HttpServer::Start(
      o,
      [handler = std::move(handler)](net::HttpRequest msg, const net::ClientInfo& client,
                                     net::HttpResponder respond) {
        HttpRequest req;
        if (!ToEdgeRequest(msg, client, &req)) {
          return respond(ToReply(HttpResponse::Error(400, "bad percent escape in the path")));
        }
        handler(std::move(req),
                [respond = std::move(respond)](HttpResponse r) { respond(ToReply(std::move(r))); });
      },
      &raw->server_);
  if (!s.ok()) out->reset();
  return s;
}

uint16_t HttpServer::port() const { return server_ ? server_->port() : 0; }

uint64_t HttpServer::connections() const { return server_ ? server_->connections() : 0; }

void HttpServer::StopAccepting() {
  if (server_) server_->StopAccepting();
}

void HttpServer::Stop() {
  if (server_) server_->Stop();
}

}  // namespace hailong::edge
