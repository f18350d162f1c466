#include "nodes.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "hailong/testing/http_client.h"
#include "hailong/testing/node_config.h"
#include "hailong/testing/programs.h"

namespace hailong::hostile {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// Copies a web root (without node_modules) and plants `link` -> the secret.
void CopyWebRoot(const std::string& from, const std::string& to, const std::string& link,
                 const std::string& secret) {
  fs::create_directories(to);
  for (const auto& entry : fs::directory_iterator(from)) {
    if (entry.path().filename() == "node_modules") continue;
    fs::copy(entry.path(), to / entry.path().filename(),
             fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  }
  fs::create_directories(fs::path(to + "/" + link).parent_path());
  fs::create_symlink(secret, to + "/" + link);
}

}  // namespace

HostileNodes::HostileNodes(const hailong::testing::TempDir& tmp)
    : tmp_(tmp),
      hub_("hub", hailong::testing::HubProgram(), tmp.path()),
      edge_("edge", hailong::testing::EdgeProgram(), tmp.path()) {}

Status HostileNodes::Start() {
  namespace ht = hailong::testing;
  token_ = "tok" + ht::RandomToken(24);
  const std::string hash = ht::PasswordHash(kPassword);
  if (hash.empty()) return Status::IOError("crypto_pwhash_str");
  const std::string secret = tmp_.WriteFile("outside/secret.txt", kSecretMarker);
  CopyWebRoot(ht::EdgeWebRoot(), tmp_.Join("edge-web"), "evil.js", secret);
  CopyWebRoot(ht::HubWebRoot(), tmp_.Join("hub-web"), "assets/evil.js", secret);
  tmp_.WriteFile("edge.token", token_ + "\n");

  ht::MosquittoOptions mo;
  mo.dir = tmp_.Join("broker");
  Status s = ht::MosquittoBroker::Start(mo, &broker_);
  if (!s.ok()) return s;

  const json http_limits = {{"request_timeout_s", 3}, {"idle_timeout_s", 3}};
  json hub = ht::HubConfig(tmp_.Join("hub"));
  hub["web_root"] = tmp_.Join("hub-web");
  hub["http"] = http_limits;
  hub["nodes"] = json::array({ht::HubNodeEntry("edge-p1", "p1", token_)});
  hub["users"] = json::array({ht::HubUserEntry("admin", "admin", {"*"}, hash)});
  json edge = ht::EdgeConfig(edge_office_, tmp_.Join("edge"), broker_->url());
  edge["web_root"] = tmp_.Join("edge-web");
  edge["http"] = http_limits;
  edge["dossier_tokens_sha256"] = json::array({ht::Sha256Hex(dossier_token())});
  edge["admin_token_sha256"] = ht::Sha256Hex(edge_admin_token());
  edge["hub"] = ht::EdgeHubLink(hub_.url(), "edge-p1", tmp_.Join("edge.token"));

  s = hub_.Start(std::move(hub));
  if (!s.ok()) return s;
  return edge_.Start(std::move(edge));
}

void HostileNodes::Stop() {
  edge_.Stop();
  hub_.Stop();
}

Status HostileNodes::Login(std::string* cookie) {
  hailong::testing::HttpResponse res;
  Status s =
      hailong::testing::HttpPost(hub_.port(), "/api/v1/login",
                                 json({{"name", "admin"}, {"password", kPassword}}).dump(), &res);
  if (!s.ok()) return s;
  if (res.status != 200) return Status::Unavailable("login: HTTP " + std::to_string(res.status));
  *cookie = res.Header("set-cookie");
  *cookie = cookie->substr(0, cookie->find(';'));
  return Status::OK();
}

int RawReply::Status() const {
  if (bytes.rfind("HTTP/1.", 0) != 0 || bytes.size() < 12) return 0;
  return std::atoi(bytes.substr(9, 3).c_str());
}

RawReply RawExchange(uint16_t port, const std::string& bytes, std::chrono::milliseconds timeout) {
  RawReply r;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return r;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    r.closed = true;
    return r;
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  size_t sent = 0;
  char buf[16384];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, static_cast<short>(POLLIN | (sent < bytes.size() ? POLLOUT : 0)), 0};
    ::poll(&p, 1, 50);
    if (p.revents & POLLOUT) {
      const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n > 0) sent += static_cast<size_t>(n);
      if (n < 0 && errno != EAGAIN) sent = bytes.size();  // the peer gave up on us
    }
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n > 0) {
        r.bytes.append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EAGAIN) {
        r.closed = true;
        break;
      }
    }
  }
  ::close(fd);
  return r;
}

}  // namespace hailong::hostile
