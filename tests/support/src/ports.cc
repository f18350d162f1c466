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
  // Ports below Linux's ephemeral range (32768..60999): a port from that
  // range can be taken between this check and the daemon's bind by any
  // outgoing connection's local end (the hostile tests open thousands).
  // Each process starts at its own place in 10000..32767 and walks forward;
  // binding checks that nothing listens there now.
  constexpr uint32_t kFirst = 10000, kCount = 32768 - kFirst;
  static std::atomic<uint32_t> next{static_cast<uint32_t>(::getpid() * 97u) % kCount};
  for (uint32_t attempt = 0; attempt < kCount; ++attempt) {
    uint16_t port = static_cast<uint16_t>(kFirst + next.fetch_add(1) % kCount);
    if (CanBind(port)) return port;
  }
  std::abort();  // no free port at all: the machine is unusable for tests
}

}  // namespace hailong::testing
