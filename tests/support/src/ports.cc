#include "hailong/testing/ports.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>

namespace hailong::testing {
namespace {

bool CanBind(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

uint16_t FreeTcpPort() {
  // Each process starts at its own place in 20000..59999 (outside Linux's
  // default ephemeral range 32768..60999 is impossible to guarantee, so we
  // also check by binding) and walks forward.
  static std::atomic<uint32_t> next{20000u + static_cast<uint32_t>(::getpid() * 97u) % 40000u};
  for (int attempt = 0; attempt < 40000; ++attempt) {
    uint32_t candidate = next.fetch_add(1);
    uint16_t port = static_cast<uint16_t>(20000u + (candidate - 20000u) % 40000u);
    if (CanBind(port)) return port;
  }
  std::abort();  // no free port at all: the machine is unusable for tests
}

}  // namespace hailong::testing
