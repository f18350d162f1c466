// hailong-bench-replication: events shipped from edge logs to a real
// hailong-hub over loopback HTTP, by the real Shipper.
//   1. one edge, 1,000,000 events (target: <= 5 s, >= 200,000 events/s);
//   2. 20 edges at once, 50,000 events each, into one hub;
// beside the raw loopback TCP copy rate of the same bytes, measured in the
// same run (the ceiling). Medians of --runs runs.
// Usage: hailong-bench-replication [--hub PATH] [--runs N] [--quick] [--dir D]
//                                  [--case one|many] [--max-in-flight N] [--batch-kib K]
// (--case, --max-in-flight and --batch-kib are for profiling and tuning:
// one case only, the shipper's pipelining depth, its batch size.)
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_process.h"
#include "hailong/net/http_client.h"
#include "hailong/net/url.h"
#include "hailong/replication/event_log.h"
#include "hailong/replication/shipper.h"
#include "hailong/schema/version.h"

namespace fs = std::filesystem;
using namespace hailong;
using namespace hailong::replication;
using namespace hailong::bench;

namespace {

// Fills a log of `origin` with n typical ratings; returns their total bytes.
uint64_t Fill(const std::string& dir, const std::string& origin, uint64_t n) {
  EventLogOptions o;
  o.origin = origin;
  o.sync = false;
  std::unique_ptr<EventLog> log;
  Check(EventLog::Open(o, dir, &log), "open edge log");
  uint64_t bytes = 0;
  for (uint64_t i = 0; i < n; i += 4096) {
    std::vector<EventDraft> drafts;
    for (uint64_t j = i; j < std::min(n, i + 4096); ++j) {
      fb::RatingSubmittedT r;
      r.rating_id = std::to_string(j);
      r.office = "p-" + origin;
      r.counter = "q" + std::to_string(j % 8 + 1);
      r.officer = "cb-" + std::to_string(j % 20 + 1);
      r.device = "box-" + std::to_string(j % 16 + 1);
      r.channel = fb::Channel::ButtonBox;
      r.template_id = "smiley-4";
      r.template_version = 1;
      auto a = std::make_unique<fb::AnswerT>();
      a->criterion = "level";
      a->option = j % 5 == 0 ? "unsatisfied" : "very_satisfied";
      r.answers.push_back(std::move(a));
      r.classification =
          j % 5 == 0 ? fb::Classification::Unsatisfied : fb::Classification::Satisfied;
      r.device_time_ms = 1795000000000 + static_cast<int64_t>(j) * 1000;
      r.edge_time_ms = r.device_time_ms + 30;
      EventDraft d;
      d.idempotency_id = r.device + ":" + r.rating_id;
      d.time_ms = r.edge_time_ms;
      d.body.Set(std::move(r));
      drafts.push_back(std::move(d));
    }
    std::vector<AppendResult> rs;
    Check(log->AppendBatch(std::move(drafts), &rs), "fill");
  }
  Check(log->Scan(origin, 1,
                  [&](uint64_t, std::string_view b, const fb::Event&) {
                    bytes += b.size() + 4;
                    return true;
                  }),
        "scan");
  return bytes;
}

struct Hub {
  pid_t pid = -1;
  uint16_t port = 0;
};

Hub StartHub(const std::string& program, const std::string& dir, int nodes) {
  Hub h;
  h.port = FreePort();
  fs::create_directories(dir);
  std::string cfg = "{\"data_dir\":\"" + dir +
                    "/data\",\"http\":{\"listen\":\"127.0.0.1:" + std::to_string(h.port) +
                    "\"},\"nodes\":[";
  for (int i = 0; i < nodes; ++i) {
    const std::string token = "bench-token-" + std::to_string(i);
    cfg += std::string(i ? "," : "") + "{\"id\":\"edge-" + std::to_string(i) +
           "\",\"office_id\":\"p-" + std::to_string(i) + "\",\"token_sha256\":\"" +
           schema::HexEncode(schema::Sha256(token)) + "\"}";
  }
  cfg += "],\"users\":[]}";
  std::ofstream(dir + "/hub.json") << cfg;
  h.pid = ::fork();
  if (h.pid == 0) {
    const std::string log = dir + "/hub.log";
    FILE* f = std::freopen(log.c_str(), "a", stderr);
    FILE* g = std::freopen(log.c_str(), "a", stdout);  // keep the table clean
    (void)f;
    (void)g;
    ::execl(program.c_str(), program.c_str(), "--config", (dir + "/hub.json").c_str(),
            static_cast<char*>(nullptr));
    std::_Exit(127);
  }
  if (WaitUntilListening(h.port, 15)) return h;
  std::fprintf(stderr, "bench: hub did not start, see %s/hub.log\n", dir.c_str());
  std::exit(1);
}

void StopHub(const Hub& h) {
  ::kill(h.pid, SIGTERM);
  int st = 0;
  ::waitpid(h.pid, &st, 0);
}

struct ShipCpu {
  double hub = 0;             // CPU seconds of the hub process while shipping
  double edge = 0;            // CPU seconds of this process (the edges) while shipping
  double projected_secs = 0;  // from the start until the hub's projection backlog was 0
};

// Ships the logs in `dirs` (origin edge-<i>) at once; returns seconds until
// the hub acknowledged every event (answered 200 after its fsync: the
// Shipper's replicated_seq; projection into the hub's reports follows
// asynchronously and is not waited for, though its CPU is in cpu->hub).
struct ShipSettings {
  int max_in_flight = ShipperOptions().max_in_flight;
  size_t max_batch_bytes = ShipperOptions().max_batch_bytes;
};
ShipSettings g_ship;

double Ship(const std::vector<std::string>& dirs, uint64_t per_log, uint16_t port, pid_t hub_pid,
            ShipCpu* cpu) {
  std::vector<std::unique_ptr<EventLog>> logs;
  std::vector<std::unique_ptr<Shipper>> shippers;
  for (size_t i = 0; i < dirs.size(); ++i) {
    EventLogOptions o;
    o.origin = "edge-" + std::to_string(i);
    std::unique_ptr<EventLog> log;
    Check(EventLog::Open(o, dirs[i], &log), "open");
    logs.push_back(std::move(log));
  }
  const double hub_cpu0 = ProcessCpuSeconds(hub_pid);
  const double self_cpu0 = SelfCpuSeconds();
  const auto start = Clk::now();
  for (size_t i = 0; i < dirs.size(); ++i) {
    ShipperOptions so;
    so.hub_url = "http://127.0.0.1:" + std::to_string(port);
    so.node_id = "edge-" + std::to_string(i);
    so.token = "bench-token-" + std::to_string(i);
    so.pull = false;
    so.backoff_max_ms = 1000;
    so.max_in_flight = g_ship.max_in_flight;
    so.max_batch_bytes = g_ship.max_batch_bytes;
    std::unique_ptr<Shipper> s;
    Check(Shipper::Start(so, logs[i].get(), &s), "shipper");
    shippers.push_back(std::move(s));
  }
  for (;;) {
    bool done = true;
    for (auto& s : shippers) done = done && s->status().replicated_seq >= per_log;
    if (done) break;
    if (Seconds(start, Clk::now()) > 600) {
      std::fprintf(stderr, "bench: replication did not finish: %s\n",
                   shippers[0]->status().last_error.c_str());
      std::exit(1);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  const double secs = Seconds(start, Clk::now());
  cpu->hub = ProcessCpuSeconds(hub_pid) - hub_cpu0;
  cpu->edge = SelfCpuSeconds() - self_cpu0;
  for (auto& s : shippers) s->Stop();
  // Then how long until the hub's read models hold every event too.
  net::Url url;
  Check(net::ParseUrl("http://127.0.0.1:" + std::to_string(port), &url), "hub url");
  net::HttpClient client(url, "", std::chrono::seconds(30));
  for (;;) {
    const long long backlog = ProjectionBacklog(&client);
    if (backlog == 0 || Seconds(start, Clk::now()) > 600) break;
    if (backlog < 0) {
      cpu->projected_secs = -1;  // not reported by this hub
      return secs;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  cpu->projected_secs = Seconds(start, Clk::now());
  return secs;
}

}  // namespace

int main(int argc, char** argv) {
  std::string hub_program = HAILONG_HUB_PATH;
  std::string dir = fs::temp_directory_path() / ("hailong-bench-repl-" + std::to_string(getpid()));
  int runs = 3;
  bool quick = false;
  std::string only;  // "one" or "many": run just that case (profiling)
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--hub" && i + 1 < argc) {
      hub_program = argv[++i];
    } else if (a == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else if (a == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--quick") {
      quick = true;
    } else if (a == "--case" && i + 1 < argc) {
      only = argv[++i];
    } else if (a == "--max-in-flight" && i + 1 < argc) {
      g_ship.max_in_flight = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--batch-kib" && i + 1 < argc) {
      g_ship.max_batch_bytes = static_cast<size_t>(std::max(1, std::atoi(argv[++i]))) << 10;
    } else if (a == "--version") {
      std::printf("hailong-bench-replication %s\n", kVersion);
      return 0;
    } else {
      std::printf(
          "usage: hailong-bench-replication [--hub PATH] [--runs N] [--quick] [--dir D] [--case "
          "one|many] [--max-in-flight N] [--batch-kib K]\n");
      return a == "--help" ? 0 : 2;
    }
  }
  if (quick) runs = 1;
  const uint64_t one_n = quick ? 100000 : 1000000;
  const int edges = 20;
  const uint64_t per_edge = quick ? 5000 : 50000;
  fs::remove_all(dir);
  fs::create_directories(dir);

  std::printf("# hailong-bench-replication %s: preparing logs...\n", kVersion);
  std::fflush(stdout);
  const uint64_t one_bytes = only == "many" ? 0 : Fill(dir + "/one", "edge-0", one_n);
  uint64_t many_bytes = 0;
  std::vector<std::string> many_dirs;
  for (int i = 0; i < edges && only != "one"; ++i) {
    many_dirs.push_back(dir + "/many-" + std::to_string(i));
    many_bytes += Fill(many_dirs.back(), "edge-" + std::to_string(i), per_edge);
  }

  std::vector<double> one_rate, many_rate, copy_rate_one, copy_rate_many;
  std::vector<double> one_hub_us, one_edge_us, many_hub_us, many_edge_us;
  std::vector<double> one_projected, many_projected;
  const double load_start = LoadAverage();
  for (int run = 0; run < runs; ++run) {
    const std::string hub_dir = dir + "/hub-" + std::to_string(run);
    if (only != "many") {
      Hub hub = StartHub(hub_program, hub_dir + "-one", edges);
      ShipCpu cpu;
      one_rate.push_back(one_n / Ship({dir + "/one"}, one_n, hub.port, hub.pid, &cpu));
      one_hub_us.push_back(cpu.hub * 1e6 / one_n);
      one_edge_us.push_back(cpu.edge * 1e6 / one_n);
      one_projected.push_back(cpu.projected_secs > 0 ? one_n / cpu.projected_secs : 0);
      StopHub(hub);
      copy_rate_one.push_back(one_n / LoopbackCopySeconds(one_bytes));
    }
    if (only != "one") {
      Hub hub = StartHub(hub_program, hub_dir + "-many", edges);
      ShipCpu cpu;
      many_rate.push_back(edges * per_edge / Ship(many_dirs, per_edge, hub.port, hub.pid, &cpu));
      many_hub_us.push_back(cpu.hub * 1e6 / (edges * per_edge));
      many_edge_us.push_back(cpu.edge * 1e6 / (edges * per_edge));
      many_projected.push_back(cpu.projected_secs > 0 ? edges * per_edge / cpu.projected_secs : 0);
      StopHub(hub);
      copy_rate_many.push_back(edges * per_edge / LoopbackCopySeconds(many_bytes));
    }
    fs::remove_all(hub_dir + "-one");
    fs::remove_all(hub_dir + "-many");
  }
  fs::remove_all(dir);

  std::printf(
      "# hailong-bench-replication %s, median of %d run(s); 1-minute load average %.2f at the "
      "start, %.2f at the end (on 2 cores, > 0.5 means the figures are not from a quiet run); "
      "shipper: %d push(es) in flight, batches of %zu KiB\n\n",
      kVersion, runs, load_start, LoadAverage(), g_ship.max_in_flight,
      g_ship.max_batch_bytes >> 10);
  std::printf("| figure | value | target | ceiling measured in this run | ratio |\n");
  std::printf("|---|---:|---:|---:|---:|\n");
  if (only != "many")
    std::printf(
        "| 1 edge -> hub, %llu events, events/s (fsync'd at the hub) | %.0f | >= 200000 (%.1f s "
        "for 1M) | %.0f events/s raw loopback copy of the same %.0f MB | %.3f |\n",
        static_cast<unsigned long long>(one_n), Median(one_rate), 1e6 / Median(one_rate),
        Median(copy_rate_one), one_bytes / 1e6, Median(one_rate) / Median(copy_rate_one));
  if (only != "many") {
    std::printf(
        "| 1 edge -> hub: CPU per acked event, us, hub process (all threads) / edge process | "
        "%.2f / %.2f | - | - | - |\n",
        Median(one_hub_us), Median(one_edge_us));
    std::printf(
        "| 1 edge -> hub: events/s until also in the hub's read models | %.0f | - | - | - |\n",
        Median(one_projected));
  }
  if (only != "one")
    std::printf(
        "| %d edges -> hub at once, %llu events each, events/s | %.0f | - | %.0f events/s raw "
        "loopback copy | %.3f |\n",
        edges, static_cast<unsigned long long>(per_edge), Median(many_rate), Median(copy_rate_many),
        Median(many_rate) / Median(copy_rate_many));
  if (only != "one") {
    std::printf(
        "| %d edges -> hub: CPU per acked event, us, hub process (all threads) / edges' process | "
        "%.2f / %.2f | - | - | - |\n",
        edges, Median(many_hub_us), Median(many_edge_us));
    std::printf(
        "| %d edges -> hub: events/s until also in the hub's read models | %.0f | - | - | - |\n",
        edges, Median(many_projected));
  }
  std::printf(
      "\nAcked = answered 200 by the hub after its fsync (the shipper's replicated_seq). The hub "
      "projects into its read models asynchronously, on the same cores: the CPU figures count "
      "what it did until the last ack; the read-model rows time until its projection backlog "
      "(/metrics) is 0.\n");
  return 0;
}
