// Api (api.h): the dashboard's and the survey's web files.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "api.h"
#include "codec.h"
#include "hailong/net/content_type.h"
#include "hailong/net/percent.h"
#include "hailong/schema/version.h"

namespace hailong::hub {

namespace http = boost::beast::http;
using json = nlohmann::json;

HttpReply Api::StaticFile(Call& call) {
  namespace fs = std::filesystem;
  std::string relative;
  const std::string& p = call.path;
  if (p == "/" || p == "/index.html") {
    relative = "index.html";
  } else if (p.rfind("/assets/", 0) == 0) {
    relative = p.substr(1);
  } else if (p.rfind("/s/", 0) == 0 && call.segments.size() == 3) {
    relative = "survey.html";
  } else if ((p == "/ket-qua" || p == "/ket-qua/" ||
              (p.rfind("/ket-qua/", 0) == 0 && call.segments.size() == 2)) &&
             ctx_->config->public_results) {
    relative = "public.html";  // the office, if any, is read by public.js
  } else if (p == "/bao-cao" || p == "/bao-cao/") {
    relative = "periodic.html";  // the printable periodic report; its data needs a session
  } else if (p == "/favicon.ico") {
    relative = "favicon.ico";
  } else {
    return Error(call, 404, "không tìm thấy", "not found");
  }
  // Traversal: no "..", no backslash, no empty segment; then the canonical
  // path must stay under the canonical web root.
  if (relative.find("..") != std::string::npos || relative.find('\\') != std::string::npos ||
      relative.find("//") != std::string::npos) {
    return Error(call, 404, "không tìm thấy", "not found");
  }
  // The canonical file must stay under the canonical root; "" if absent.
  auto resolve = [](const std::string& root_dir, const std::string& rel) -> fs::path {
    std::error_code ec;
    const fs::path root = fs::canonical(root_dir, ec);
    if (ec) return {};
    const fs::path f = fs::weakly_canonical(root / rel, ec);
    if (ec || f.string().rfind(root.string() + "/", 0) != 0 || !fs::is_regular_file(f, ec)) {
      return {};
    }
    return f;
  };
  fs::path file = resolve(ctx_->web_root, relative);
  // The phone survey is the edge's page (edge/web): its survey.html and
  // scripts, unless web_root has its own file of that name (survey-host.js).
  if (file.empty() && !ctx_->survey_web_root.empty()) {
    if (relative.rfind("assets/", 0) == 0) {
      file = resolve(ctx_->survey_web_root, relative.substr(7));
    } else if (relative == "survey.html") {
      file = resolve(ctx_->survey_web_root, relative);
    }
  }
  if (file.empty()) return Error(call, 404, "không tìm thấy", "not found");
  std::ifstream in(file, std::ios::binary);
  std::ostringstream data;
  data << in.rdbuf();
  if (!in.good() && !in.eof()) return Error(call, 500, "không đọc được tệp", "cannot read file");
  HttpReply r = TextReply(200, data.str(), net::ContentTypeFor(file.string()));
  if (relative.rfind("assets/", 0) == 0) {
    r.response.set(http::field::cache_control, "public, max-age=3600");
  } else {
    r.response.set(http::field::cache_control, "no-cache");
  }
  if (net::ContentTypeFor(file.string()).rfind("text/html", 0) == 0) {
    r.response.set("Content-Security-Policy",
                   "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                   "frame-ancestors 'none'");
  }
  if (call.req.method() == http::verb::head) r.response.body().clear();
  return r;
}

}  // namespace hailong::hub
