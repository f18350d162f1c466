// log_crash_child DIR PREFIX THREADS: appends ratings with ids
// "<PREFIX>-<thread>-<n>" from THREADS threads until killed, writing
// "ack <idempotency id> <seq>\n" to stdout (unbuffered write(2)) after each
// Append returned OK. Exits 1 on any error.
#include <unistd.h>

#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "test_events.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: log_crash_child DIR PREFIX THREADS\n");
    return 2;
  }
  hailong::replication::EventLogOptions o;
  o.origin = "edge-crash";
  std::unique_ptr<hailong::replication::EventLog> log;
  hailong::Status s = hailong::replication::EventLog::Open(o, argv[1], &log);
  if (!s.ok()) {
    std::fprintf(stderr, "open: %s\n", s.ToString().c_str());
    return 1;
  }
  const std::string prefix = argv[2];
  std::mutex out_mu;
  std::vector<std::thread> threads;
  for (int t = 0; t < std::atoi(argv[3]); ++t) {
    threads.emplace_back([&, t] {
      for (uint64_t n = 0;; ++n) {
        const std::string id = prefix + "-" + std::to_string(t) + "-" + std::to_string(n);
        hailong::replication::AppendResult r;
        hailong::Status as = log->Append(hailong::replication::testing::RatingDraft(id), &r);
        if (!as.ok()) {
          std::fprintf(stderr, "append: %s\n", as.ToString().c_str());
          std::_Exit(1);
        }
        const std::string line = "ack box-1:" + id + " " + std::to_string(r.seq) + "\n";
        std::lock_guard<std::mutex> l(out_mu);
        if (::write(1, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
          std::_Exit(1);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  return 0;
}
