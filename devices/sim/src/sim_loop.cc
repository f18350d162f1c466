// SimLoop: see sim_loop.h.
#include "sim_loop.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

namespace hailong::devices::internal {

SimLoop::~SimLoop() {
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

Status SimLoop::Open() {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) return Status::IOError("epoll_create1 failed");
  return Status::OK();
}

void SimLoop::Poll(const std::vector<std::unique_ptr<SimDevice>>& devices,
                   Steady::time_point deadline) {
  for (const auto& dp : devices) {
    SimDevice& d = *dp;
    const int fd = d.Socket();
    if (fd < 0) {
      // Closed: the kernel dropped it from the set already.
      d.registered_fd = -1;
      continue;
    }
    const uint32_t want = EPOLLIN | (d.WantsWrite() ? EPOLLOUT : 0u);
    if (fd == d.registered_fd && want == d.registered_events) continue;
    epoll_event ev{};
    ev.events = want;
    ev.data.ptr = &d;
    if (fd != d.registered_fd) {
      if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0 && errno == EEXIST) {
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev);
      }
    } else {
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev);
    }
    d.registered_fd = fd;
    d.registered_events = want;
  }
  const auto wait = std::max(Steady::duration::zero(), deadline - Steady::now());
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(wait).count();
  timespec timeout{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
  epoll_event events[256];
  int n = -1;
  if (!no_pwait2_) {
    n = ::epoll_pwait2(epoll_fd_, events, 256, &timeout, nullptr);
    if (n < 0 && errno == ENOSYS) no_pwait2_ = true;  // kernel older than 5.11
  }
  if (no_pwait2_) {
    // Millisecond resolution, rounded up (never a busy loop).
    n = ::epoll_wait(epoll_fd_, events, 256, static_cast<int>((ns + 999999) / 1000000));
  }
  for (int i = 0; i < n; ++i) {
    static_cast<SimDevice*>(events[i].data.ptr)->HandleEvents(events[i].events);
  }
}

void SimLoop::Tick(const std::vector<std::unique_ptr<SimDevice>>& devices) {
  for (const auto& d : devices) d->Tick();
}

}  // namespace hailong::devices::internal
