#include "http_client.h"

#include <chrono>

#include "hailong/schema/version.h"

namespace hailong::ops {

namespace {
std::string& CaFileSetting() {
  static std::string path;
  return path;
}
}  // namespace

void SetCaFile(std::string path) { CaFileSetting() = std::move(path); }
const std::string& CaFile() { return CaFileSetting(); }

HttpClient::HttpClient(HubUrl url, int timeout_seconds)
    : client_(std::move(url), CaFile(), std::chrono::seconds(timeout_seconds),
              std::string("hailongctl/") + kVersion) {}

Status HttpClient::Post(const std::string& path, const HttpHeaders& headers,
                        const std::string& content_type, std::string body, HttpResponse* response) {
  HttpHeaders all = headers;
  if (!content_type.empty()) all.insert(all.begin(), {"Content-Type", content_type});
  return Send(net::HttpClient::Verb::post, path, std::move(all), std::move(body), response);
}

Status HttpClient::Get(const std::string& path, const HttpHeaders& headers,
                       HttpResponse* response) {
  return Send(net::HttpClient::Verb::get, path, headers, "", response);
}

Status HttpClient::Delete(const std::string& path, const HttpHeaders& headers,
                          HttpResponse* response) {
  return Send(net::HttpClient::Verb::delete_, path, headers, "", response);
}

Status HttpClient::Send(net::HttpClient::Verb verb, const std::string& path, HttpHeaders headers,
                        std::string body, HttpResponse* response) {
  Status s = client_.Exchange(verb, path, headers, std::move(body), response);
  if (s.ok()) return s;
  return Status::Unavailable("cannot reach " + url().Authority() + ": " + s.message());
}

}  // namespace hailong::ops
