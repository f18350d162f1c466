// hailong-bench-log: durable append rate with 1, 8 and 64 concurrent
// appenders, full-scan read rate and bytes on disk per typical rating.
// Prints each figure beside its target and the ceiling measured in the same
// run (plain write+fdatasync rate on the same file system). Medians of
// --runs runs. Usage: hailong-bench-log [--dir DIR] [--runs N] [--quick]
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "hailong/replication/event_log.h"
#include "hailong/schema/version.h"

namespace fs = std::filesystem;
using hailong::Status;
using namespace hailong;
using namespace hailong::replication;
using Clk = std::chrono::steady_clock;

namespace {

double Seconds(Clk::time_point a, Clk::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

void Check(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "bench: %s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

// A typical button-box rating: smiley template, one answer, no comment.
EventDraft TypicalRating(uint64_t n) {
  auto r = std::make_unique<fb::RatingSubmittedT>();
  r->rating_id = std::to_string(n);
  r->office = "phuong-tan-dinh";
  r->counter = "q" + std::to_string(n % 8 + 1);
  r->officer = "cb-" + std::to_string(n % 20 + 1);
  r->device = "box-" + std::to_string(n % 16 + 1);
  r->channel = fb::Channel::ButtonBox;
  r->template_id = "smiley-4";
  r->template_version = 1;
  auto a = std::make_unique<fb::AnswerT>();
  a->criterion = "overall";
  a->option = (n % 5 == 0) ? "unsatisfied" : "very_satisfied";
  r->answers.push_back(std::move(a));
  r->classification =
      (n % 5 == 0) ? fb::Classification::Unsatisfied : fb::Classification::Satisfied;
  r->procedure = "1.001234";
  r->field = "HT";
  r->device_time_ms = 1795000000000 + static_cast<int64_t>(n) * 1000;
  r->edge_time_ms = r->device_time_ms + 40;
  EventDraft d;
  d.idempotency_id = r->device + ":" + r->rating_id;
  d.body.Set(std::move(*r));
  return d;
}

// Plain write(256 bytes) + fdatasync, the ceiling for one durable write.
double FdatasyncRate(const std::string& dir, double seconds) {
  const std::string path = dir + "/fdatasync.probe";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return 0;
  char buf[256];
  std::memset(buf, 'x', sizeof buf);
  uint64_t n = 0;
  const auto start = Clk::now();
  while (Seconds(start, Clk::now()) < seconds) {
    if (::write(fd, buf, sizeof buf) != sizeof buf) break;
    ::fdatasync(fd);
    ++n;
  }
  const double rate = n / Seconds(start, Clk::now());
  ::close(fd);
  fs::remove(path);
  return rate;
}

double AppendRate(const std::string& dir, int threads, uint64_t per_thread, bool sync) {
  fs::remove_all(dir);
  EventLogOptions o;
  o.origin = "edge-bench";
  o.sync = sync;
  std::unique_ptr<EventLog> log;
  Check(EventLog::Open(o, dir, &log), "open");
  std::atomic<uint64_t> next{0};
  std::vector<std::thread> pool;
  const auto start = Clk::now();
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (uint64_t i = 0; i < per_thread; ++i) {
        AppendResult r;
        Check(log->Append(TypicalRating(next++), &r), "append");
      }
    });
  }
  for (auto& th : pool) th.join();
  const double secs = Seconds(start, Clk::now());
  return threads * per_thread / secs;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = fs::temp_directory_path() / ("hailong-bench-log-" + std::to_string(getpid()));
  int runs = 3;
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else if (a == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--quick") {
      quick = true;
    } else if (a == "--version") {
      std::printf("hailong-bench-log %s\n", hailong::kVersion);
      return 0;
    } else {
      std::printf("usage: hailong-bench-log [--dir DIR] [--runs N] [--quick]\n");
      return a == "--help" ? 0 : 2;
    }
  }
  if (quick) runs = 1;
  fs::create_directories(dir);
  const double scale = quick ? 0.1 : 1.0;

  std::vector<double> fsync_rates, a1, a8, a64, nosync64, scan_rates, bytes_per;
  for (int run = 0; run < runs; ++run) {
    fsync_rates.push_back(FdatasyncRate(dir, quick ? 0.5 : 2.0));
    a1.push_back(AppendRate(dir + "/log", 1, static_cast<uint64_t>(2000 * scale), true));
    a8.push_back(AppendRate(dir + "/log", 8, static_cast<uint64_t>(2000 * scale), true));
    a64.push_back(AppendRate(dir + "/log", 64, static_cast<uint64_t>(4000 * scale), true));
    nosync64.push_back(AppendRate(dir + "/log", 64, static_cast<uint64_t>(4000 * scale), false));

    // Scan and size over a log of typical ratings written in big groups.
    fs::remove_all(dir + "/scan");
    EventLogOptions o;
    o.origin = "edge-bench";
    std::unique_ptr<EventLog> log;
    Check(EventLog::Open(o, dir + "/scan", &log), "open");
    const uint64_t n = static_cast<uint64_t>(1000000 * scale);
    for (uint64_t i = 0; i < n; i += 4096) {
      std::vector<EventDraft> drafts;
      for (uint64_t j = i; j < std::min(n, i + 4096); ++j) drafts.push_back(TypicalRating(j));
      std::vector<AppendResult> rs;
      Check(log->AppendBatch(std::move(drafts), &rs), "append batch");
    }
    Check(log->store()->CompactAll(), "compact");
    bytes_per.push_back(static_cast<double>(log->store()->DiskBytes()) / n);
    uint64_t seen = 0;
    const auto start = Clk::now();
    Check(log->Scan("edge-bench", 1,
                    [&](uint64_t, std::string_view, const fb::Event& e) {
                      seen += e.seq() > 0;
                      return true;
                    }),
          "scan");
    scan_rates.push_back(seen / Seconds(start, Clk::now()));
    log.reset();
  }
  fs::remove_all(dir);

  const double fsync = Median(fsync_rates);
  std::printf("# hailong-bench-log %s, median of %d run(s)\n\n", hailong::kVersion, runs);
  std::printf("| figure | value | target | ceiling measured in this run | ratio |\n");
  std::printf("|---|---:|---:|---:|---:|\n");
  std::printf("| plain write+fdatasync / s | %.0f | - | - | - |\n", fsync);
  std::printf("| durable appends / s, 1 appender | %.0f | - | %.0f fdatasync/s | %.2f |\n",
              Median(a1), fsync, Median(a1) / fsync);
  std::printf("| durable appends / s, 8 appenders | %.0f | - | %.0f fdatasync/s | %.2f |\n",
              Median(a8), fsync, Median(a8) / fsync);
  std::printf(
      "| durable appends / s, 64 appenders | %.0f | >= 50000 | %.0f fdatasync/s; %.0f without "
      "fsync | %.2f of no-fsync |\n",
      Median(a64), fsync, Median(nosync64), Median(a64) / Median(nosync64));
  std::printf("| full scan, events / s (verified) | %.0f | >= 2000000 | - | - |\n",
              Median(scan_rates));
  std::printf("| bytes on disk per typical rating | %.0f | <= 400 | - | - |\n", Median(bytes_per));
  return 0;
}
