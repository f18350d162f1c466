#include "hailong/testing/wait.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "hailong/testing/http_client.h"

namespace hailong::testing {

bool WaitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
               std::chrono::milliseconds poll) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(poll);
  }
}

Status WaitForTcpPort(const std::string& host, uint16_t port, std::chrono::milliseconds timeout) {
  in_addr address{};
  if (::inet_pton(AF_INET, host.c_str(), &address) != 1) {
    return Status::InvalidArgument("not an IPv4 address: " + host);
  }
  bool ok = WaitUntil(
      [&] {
        int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) return false;
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr = address;
        addr.sin_port = htons(port);
        bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
        ::close(fd);
        return connected;
      },
      timeout, std::chrono::milliseconds(10));
  if (!ok) return Status::Unavailable("nothing listens on " + host + ":" + std::to_string(port));
  return Status::OK();
}

Status WaitForHttpOk(const std::string& host, uint16_t port, const std::string& target,
                     std::chrono::milliseconds timeout) {
  int last_status = 0;
  bool ok = WaitUntil(
      [&] {
        HttpRequest request;
        request.target = target;
        HttpResponse response;
        if (!SendHttp(host, port, request, &response, std::chrono::seconds(2)).ok()) return false;
        last_status = response.status;
        return response.status == 200;
      },
      timeout, std::chrono::milliseconds(20));
  if (!ok) {
    return Status::Unavailable("GET " + target + " on port " + std::to_string(port) +
                               " never answered 200 (last " + std::to_string(last_status) + ")");
  }
  return Status::OK();
}

}  // namespace hailong::testing
