// Helpers shared by the benchmark programs that run a real hailong-hub
// process (hailong-bench-replication, hailong-bench-province): timing, load
// average, a free port, a process's CPU time, the hub's projection backlog
// from /metrics and the raw loopback copy rate (the shipping ceiling).
//
// Header-only, for benchmarks only. Thread safety: every function is safe
// to call from any thread.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "hailong/net/http_client.h"
#include "hailong/schema/status.h"

namespace hailong::bench {

using Clk = std::chrono::steady_clock;

inline double Seconds(Clk::time_point a, Clk::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// The 1-minute load average, -1 when unknown.
inline double LoadAverage() {
  double l[1] = {0};
  return ::getloadavg(l, 1) == 1 ? l[0] : -1;
}

inline double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// Exits with the message when `s` is not ok (a benchmark has no caller to
// hand a failure to).
inline void Check(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "bench: %s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

// A TCP port on 127.0.0.1 that was free a moment ago.
inline uint16_t FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// True once something accepts connections on 127.0.0.1:`port`; polls for
// at most `seconds`.
inline bool WaitUntilListening(uint16_t port, int seconds) {
  const auto deadline = Clk::now() + std::chrono::seconds(seconds);
  while (Clk::now() < deadline) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// CPU seconds (user + system) of process `pid` so far, all its threads.
inline double ProcessCpuSeconds(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(f, line);
  const size_t close = line.rfind(')');  // the command name may hold spaces
  if (close == std::string::npos) return 0;
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {  // fields 14, 15: utime, stime
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// CPU seconds (user + system) of this process so far.
inline double SelfCpuSeconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

// The hub's projection backlog (events in its log not yet in its read
// models) from /metrics; -1 if it cannot be read.
inline long long ProjectionBacklog(net::HttpClient* client) {
  int code = 0;
  std::string body;
  if (!client->Exchange(boost::beast::http::verb::get, "/metrics", {}, "", &code, &body).ok() ||
      code != 200) {
    return -1;
  }
  const std::string name = "\nhailong_hub_projection_backlog_events ";
  const size_t at = body.find(name);
  if (at == std::string::npos) return -1;
  return std::atoll(body.c_str() + at + name.size());
}

// Seconds of a raw loopback TCP copy of `bytes` in 2 MiB writes to a reader
// that discards them.
inline double LoopbackCopySeconds(uint64_t bytes) {
  int ls = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(ls, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::listen(ls, 1);
  socklen_t len = sizeof a;
  ::getsockname(ls, reinterpret_cast<sockaddr*>(&a), &len);
  std::thread reader([&] {
    int c = ::accept(ls, nullptr, nullptr);
    std::vector<char> buf(1 << 20);
    while (::read(c, buf.data(), buf.size()) > 0) {
    }
    ::close(c);
  });
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  std::string chunk(2u << 20, 'x');
  const auto start = Clk::now();
  uint64_t sent = 0;
  while (sent < bytes) {
    const size_t n = std::min<uint64_t>(chunk.size(), bytes - sent);
    ssize_t w = ::write(fd, chunk.data(), n);
    if (w <= 0) break;
    sent += w;
  }
  ::shutdown(fd, SHUT_WR);
  reader.join();
  const double secs = Seconds(start, Clk::now());
  ::close(fd);
  ::close(ls);
  return secs;
}

}  // namespace hailong::bench
