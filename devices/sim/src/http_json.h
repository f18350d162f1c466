// devsim's JSON calls to an edge (counters, templates, dossiers) over
// hailong_net's client (hailong/net/http_client.h). Plain http:// only; one
// connection per request (private to hailong_devices).
//
// Thread safety: free functions, no shared state.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "hailong/schema/status.h"

namespace hailong::devices::internal {

struct HttpReply {
  int status = 0;
  std::string body;
};

// `base_url` is "http://host:port" (a trailing '/' is ignored); `target`
// starts with '/'. A non-empty `json_body` is sent with Content-Type
// application/json; a non-empty `bearer_token` as `Authorization: Bearer`.
// Unavailable when the edge cannot be reached or does not answer within
// `timeout`; any HTTP status is OK (see reply->status).
Status HttpRequest(std::string_view base_url, std::string_view method, std::string_view target,
                   std::string_view json_body, HttpReply* reply,
                   std::chrono::milliseconds timeout = std::chrono::seconds(10),
                   std::string_view bearer_token = {});

// GET returning a JSON document; NotFound/Unavailable/Corruption otherwise.
Status HttpGetJson(std::string_view base_url, std::string_view target, nlohmann::json* out);

}  // namespace hailong::devices::internal
