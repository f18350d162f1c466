// Building blocks of the edge's HTTP endpoints: see api_support.h.
#include "api_support.h"

#include <boost/asio/post.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "hailong/net/content_type.h"
#include "hailong/schema/time.h"

namespace hailong::edge {

namespace fs = std::filesystem;
using net::ContentTypeFor;
using nlohmann::json;
using Context = EdgeNode::Context;

bool IsSafeFileName(std::string_view name) {
  if (name.empty() || name.size() > 128 || name[0] == '.') return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

bool ReadWholeFile(const std::string& path, std::string* out) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return false;
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  *out = s.str();
  return static_cast<bool>(in) || in.eof();
}

HttpResponse ServeFile(const std::string& dir, std::string_view name) {
  if (!IsSafeFileName(name)) return HttpResponse::Error(404, "không tìm thấy tệp");
  // A symlink in the web root must not lead outside it.
  std::error_code ec;
  const fs::path root = fs::canonical(dir, ec);
  const fs::path file = ec ? fs::path() : fs::canonical(root / std::string(name), ec);
  if (ec || file.parent_path() != root) return HttpResponse::Error(404, "không tìm thấy tệp");
  std::string body;
  if (!ReadWholeFile(file.string(), &body)) {
    return HttpResponse::Error(404, "không tìm thấy tệp");
  }
  return HttpResponse::Bytes(200, ContentTypeFor(name), std::move(body));
}

HttpResponse NotFound() { return HttpResponse::Error(404, "không tìm thấy"); }
HttpResponse MethodNotAllowed() {
  return HttpResponse::Error(405, "phương thức không được hỗ trợ");
}
// Parses a JSON object body; on failure sets *error.
bool ParseObject(const HttpRequest& req, json* out, HttpResponse* error) {
  *out = json::parse(req.body, nullptr, false);
  if (out->is_discarded()) {
    *error = HttpResponse::Error(400, "malformed JSON");
    return false;
  }
  if (!out->is_object()) {
    *error = HttpResponse::Error(400, "body must be a JSON object");
    return false;
  }
  return true;
}

// Reads an optional string member; false (and *error) if it is not a string.
bool OptionalString(const json& j, const char* key, std::string* out, HttpResponse* error) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return true;
  if (!it->is_string()) {
    *error = HttpResponse::Error(400, std::string("field '") + key + "' must be a string");
    return false;
  }
  *out = it->get<std::string>();
  return true;
}
HttpResponse StatusError(const Status& s) {
  if (s.IsStorageFull()) {
    return HttpResponse::Json(507, {{"status", "rejected"}, {"error", "storage full"}});
  }
  if (s.IsInvalidArgument()) return HttpResponse::Error(400, s.message());
  if (s.IsNotFound()) return HttpResponse::Error(404, s.message());
  return HttpResponse::Error(503, s.ToString());
}
json TimeOrNull(int64_t ms) { return ms == 0 ? json(nullptr) : json(FormatRfc3339(ms)); }

HttpResponse CounterError(const Status& s) {
  if (s.IsNotFound()) return HttpResponse::Error(404, s.message());
  return HttpResponse::Error(400, s.message());
}

void OffThread(Context* ctx, HttpResponder respond, std::function<HttpResponse()> work) {
  boost::asio::post(*ctx->blocking,
                    [respond = std::move(respond), work = std::move(work)] { respond(work()); });
}
}  // namespace hailong::edge
