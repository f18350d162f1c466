// Building blocks the edge's HTTP endpoint files share (edge_api.cc and
// the *_api.cc files): the common refusals, readers of a JSON body, the
// hand-off to the blocking pool, and the files of the web root.
//
// Thread safety: free functions without state of their own, callable from
// any thread. Ownership: OffThread posts to ctx->blocking; ctx must outlive
// the work (the node joins the pool before it destroys the context).
// Errors: a refusal is returned as the HttpResponse to send, never thrown.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "edge_context.h"
#include "http_server.h"

namespace hailong::edge {

// 404 "không tìm thấy" and 405 "phương thức không được hỗ trợ".
HttpResponse NotFound();
HttpResponse MethodNotAllowed();

// A failed append: 507 when the disk is full, 400 for InvalidArgument,
// 404 for NotFound, else 503 with the status text.
HttpResponse StatusError(const Status& s);

// A refused counter id (Catalogue::CheckCounter): 404 when unknown, else 400.
HttpResponse CounterError(const Status& s);

// Parses the request body as a JSON object; false with *error (400) when
// it is not JSON or not an object.
bool ParseObject(const HttpRequest& req, nlohmann::json* out, HttpResponse* error);

// Reads an optional string member into *out (left as is when absent or
// null); false with *error (400) when it is not a string.
bool OptionalString(const nlohmann::json& j, const char* key, std::string* out,
                    HttpResponse* error);

// An RFC 3339 time, or null for 0.
nlohmann::json TimeOrNull(int64_t ms);

// Runs `work` on the blocking pool (appends wait for an fsync, Argon2id
// takes a while) and answers with its response.
void OffThread(EdgeNode::Context* ctx, HttpResponder respond, std::function<HttpResponse()> work);

// A plain file name inside a served directory: no separators, no leading
// dot (so no "..", no hidden files), nothing outside [A-Za-z0-9._-].
bool IsSafeFileName(std::string_view name);

// The whole of a regular file; false if it is not one or cannot be read.
bool ReadWholeFile(const std::string& path, std::string* out);

// The file `name` of directory `dir` with its content type; 404 when the
// name is not safe, the file is missing, or a link leads outside `dir`.
HttpResponse ServeFile(const std::string& dir, std::string_view name);

}  // namespace hailong::edge
