// EnableTcpNoDelayOnAllSockets: see tcp_nodelay.h.
#include "tcp_nodelay.h"

#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cstdlib>

namespace hailong::edge {

int EnableTcpNoDelayOnAllSockets() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return 0;
  const int dir_fd = dirfd(dir);
  int changed = 0;
  while (dirent* entry = readdir(dir)) {
    char* end = nullptr;
    long fd = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || fd == dir_fd) continue;
    // No fstat(2) first: getsockopt fails with ENOTSOCK on anything but a
    // socket, and ThreadSanitizer's fstat interceptor crashes (CHECK failed
    // in AddLocation) reporting a descriptor another thread just closed.
    int domain = 0, type = 0;
    socklen_t len = sizeof(domain);
    if (getsockopt(static_cast<int>(fd), SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0) continue;
    if (domain != AF_INET && domain != AF_INET6) continue;
    len = sizeof(type);
    if (getsockopt(static_cast<int>(fd), SOL_SOCKET, SO_TYPE, &type, &len) != 0 ||
        type != SOCK_STREAM) {
      continue;
    }
    int on = 0;
    len = sizeof(on);
    if (getsockopt(static_cast<int>(fd), IPPROTO_TCP, TCP_NODELAY, &on, &len) == 0 && on) continue;
    on = 1;
    if (setsockopt(static_cast<int>(fd), IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) == 0) {
      ++changed;
    }
  }
  closedir(dir);
  return changed;
}

}  // namespace hailong::edge
