// HttpRequest over hailong_net's client: see http_json.h.
#include "http_json.h"

#include <boost/beast/http/verb.hpp>

#include "hailong/net/http_client.h"
#include "hailong/net/url.h"

namespace hailong::devices::internal {

Status HttpRequest(std::string_view base_url, std::string_view method, std::string_view target,
                   std::string_view json_body, HttpReply* reply, std::chrono::milliseconds timeout,
                   std::string_view bearer_token) {
  net::Url url;
  if (!net::ParseUrl(base_url, &url).ok() || url.tls) {
    return Status::InvalidArgument("--edge-url: expected http://host:port");
  }
  net::HttpClient::Headers headers;
  if (!bearer_token.empty())
    headers.emplace_back("Authorization", "Bearer " + std::string(bearer_token));
  if (!json_body.empty()) headers.emplace_back("Content-Type", "application/json");
  net::HttpClient client(std::move(url), "", timeout, "hailong-devsim");
  client.set_body_limit(16 * 1024 * 1024);
  net::HttpAnswer answer;
  Status s = client.Exchange(boost::beast::http::string_to_verb(method), std::string(target),
                             headers, std::string(json_body), &answer);
  if (!s.ok()) return Status::Unavailable("edge " + std::string(base_url) + ": " + s.message());
  reply->status = answer.status;
  reply->body = std::move(answer.body);
  return Status::OK();
}

Status HttpGetJson(std::string_view base_url, std::string_view target, nlohmann::json* out) {
  HttpReply reply;
  Status s = HttpRequest(base_url, "GET", target, "", &reply);
  if (!s.ok()) return s;
  if (reply.status == 404) return Status::NotFound(std::string(target));
  if (reply.status != 200) {
    return Status::Unavailable(std::string(target) + ": HTTP " + std::to_string(reply.status));
  }
  *out = nlohmann::json::parse(reply.body, nullptr, false);
  if (out->is_discarded()) return Status::Corruption(std::string(target) + ": not JSON");
  return Status::OK();
}

}  // namespace hailong::devices::internal
