#include "nodes.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "hailong/schema/event.h"
#include "hailong/testing/http_client.h"
#include "hailong/testing/ports.h"
#include "hailong/testing/wait.h"

namespace hailong::hostile {

namespace fs = std::filesystem;
using hailong::testing::Process;
using hailong::testing::ProcessOptions;
using json = nlohmann::json;

namespace {

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

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

HostileNodes::~HostileNodes() {
  if (edge_) edge_->Kill();
  if (hub_) hub_->Kill();
}

Status HostileNodes::Start() {
  if (sodium_init() < 0) return Status::IOError("sodium_init");
  unsigned char raw[24];
  randombytes_buf(raw, sizeof raw);
  token_ = "tok" + schema::HexEncode(std::string_view(reinterpret_cast<char*>(raw), sizeof raw));
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, kPassword, sizeof kPassword - 1, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Status::IOError("crypto_pwhash_str");
  }
  const std::string secret = tmp_.WriteFile("outside/secret.txt", kSecretMarker);
  CopyWebRoot(HAILONG_EDGE_WEB, tmp_.Join("edge-web"), "evil.js", secret);
  CopyWebRoot(HAILONG_HUB_WEB, tmp_.Join("hub-web"), "assets/evil.js", secret);
  WriteText(tmp_.Join("edge.token"), token_ + "\n");

  hailong::testing::MosquittoOptions mo;
  mo.dir = tmp_.Join("broker");
  fs::create_directories(mo.dir);
  Status s = hailong::testing::MosquittoBroker::Start(mo, &broker_);
  if (!s.ok()) return s;

  hub_port_ = hailong::testing::FreeTcpPort();
  edge_port_ = hailong::testing::FreeTcpPort();
  const json http_limits = {{"request_timeout_s", 3}, {"idle_timeout_s", 3}};
  json hub = {
      {"data_dir", tmp_.Join("hub")},
      {"web_root", tmp_.Join("hub-web")},
      {"http", {{"listen", "127.0.0.1:" + std::to_string(hub_port_)}}},
      {"nodes", json::array({{{"id", "edge-p1"},
                              {"office_id", "p1"},
                              {"token_sha256", schema::HexEncode(schema::Sha256(token_))}}})},
      {"users", json::array({{{"name", "admin"},
                              {"role", "admin"},
                              {"offices", json::array({"*"})},
                              {"password_hash", std::string(hash)}}})}};
  hub["http"].update(http_limits);
  WriteText(tmp_.Join("hub.json"), hub.dump(2));
  json edge = {{"office_id", edge_office_},
               {"data_dir", tmp_.Join("edge")},
               {"web_root", tmp_.Join("edge-web")},
               {"mqtt", {{"url", broker_->url()}}},
               {"http", {{"listen", "127.0.0.1:" + std::to_string(edge_port_)}}},
               {"min_free_mb", 0},
               {"dossier_tokens_sha256", {schema::HexEncode(schema::Sha256(dossier_token()))}},
               {"admin_token_sha256", schema::HexEncode(schema::Sha256(edge_admin_token()))},
               {"hub",
                {{"url", "http://127.0.0.1:" + std::to_string(hub_port_)},
                 {"node_id", "edge-p1"},
                 {"token_file", tmp_.Join("edge.token")}}}};
  edge["http"].update(http_limits);
  WriteText(tmp_.Join("edge.json"), edge.dump(2));

  ProcessOptions po;
  po.argv = {HAILONG_HUB_PATH, "--config", tmp_.Join("hub.json")};
  po.log_file = tmp_.Join("hub.log");
  s = Process::Start(po, &hub_);
  if (!s.ok()) return s;
  s = hailong::testing::WaitForHttpOk("127.0.0.1", hub_port_, "/healthz", std::chrono::seconds(30));
  if (!s.ok()) return Status::Unavailable("hub: " + s.ToString() + "\n" + HubLog());
  po.argv = {HAILONG_EDGE_PATH, "--config", tmp_.Join("edge.json")};
  po.log_file = tmp_.Join("edge.log");
  s = Process::Start(po, &edge_);
  if (!s.ok()) return s;
  s = hailong::testing::WaitForHttpOk("127.0.0.1", edge_port_, "/healthz",
                                      std::chrono::seconds(30));
  if (!s.ok()) return Status::Unavailable("edge: " + s.ToString() + "\n" + EdgeLog());
  return Status::OK();
}

std::string HostileNodes::EdgeLog() const {
  return hailong::testing::ReadFileOrEmpty(tmp_.Join("edge.log"));
}
std::string HostileNodes::HubLog() const {
  return hailong::testing::ReadFileOrEmpty(tmp_.Join("hub.log"));
}

void HostileNodes::Stop() {
  if (edge_) edge_->Stop();
  if (hub_) hub_->Stop();
}

Status HostileNodes::Login(std::string* cookie) {
  hailong::testing::HttpResponse res;
  Status s = hailong::testing::HttpPost(
      hub_port_, "/api/v1/login", json({{"name", "admin"}, {"password", kPassword}}).dump(), &res);
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
