// hailong-bench-edge: durable ratings through a real Mosquitto and a real
// hailong-edge, driven by hailong-devsim with 200 simulated devices.
//   1. acknowledged (fsync'd) ratings per second, as fast as devices go
//      (target >= 20,000/s), beside the ceiling measured in the same run:
//      Mosquitto's own QoS 1 publish-to-subscriber rate, the same 200
//      devices (`--publish-only`: a rating is done at the broker's PUBACK)
//      publishing to one subscriber (`hailong-devsim --responder
//      --responder-count-only`), all libmosquitto clients like devsim's;
//      also the round trip through an ack-only responder (reads each
//      rating's id and acks over the same broker without storing); and the
//      CPU time each process spent per rating, whose sum bounds the rate
//      the machine's cores allow;
//   2. ack latency p50/p99 at 2,000 ratings/s (target p99 <= 20 ms);
//   3. resident memory of an idle edge (target <= 64 MiB).
// Devices keep at most 16 ratings each unacknowledged (3,200 in flight),
// as real boxes wait for acks; a run fails if any rating stays unacked.
// The throughput runs drive the 200 devices from one devsim process (one
// thread, one epoll loop over the 200 device connections).
// `--template gia-lam-phone` makes the devices' unsatisfied ratings carry a
// comment and a phone number (encrypted by the edge before they are stored,
// replication/doc/personal_data.md); the default smiley-4 carries none.
// Usage: hailong-bench-edge [--runs N] [--quick] [--dir D] [--template T]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_process.h"  // replication/bench: helpers shared by the benchmarks
#include "hailong/schema/version.h"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

using hailong::bench::FreePort;
using hailong::bench::Median;
// True once something listens on the port (at most `seconds`).
bool WaitPort(uint16_t port, int seconds) {
  return hailong::bench::WaitUntilListening(port, seconds);
}
double CpuSeconds(pid_t pid) { return hailong::bench::ProcessCpuSeconds(pid); }

std::string g_template = "smiley-4";  // --template

// Every process Spawn started and Reap has not reaped (Fail stops them).
std::vector<pid_t> g_children;

// Starts argv with stdout to `out` and stderr to `err` ("" = /dev/null).
pid_t Spawn(const std::vector<std::string>& argv, const std::string& out, const std::string& err) {
  pid_t pid = ::fork();
  if (pid == 0) {
    std::FILE* f1 = std::freopen(out.empty() ? "/dev/null" : out.c_str(), "w", stdout);
    std::FILE* f2 = std::freopen(err.empty() ? "/dev/null" : err.c_str(), "a", stderr);
    (void)f1;
    (void)f2;
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    std::_Exit(127);
  }
  if (pid > 0) g_children.push_back(pid);
  return pid;
}

int Reap(pid_t pid, double* cpu_s = nullptr) {
  int st = 0;
  struct rusage ru {};
  ::wait4(pid, &st, 0, &ru);
  g_children.erase(std::remove(g_children.begin(), g_children.end(), pid), g_children.end());
  if (cpu_s != nullptr) {
    *cpu_s = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
             static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void Stop(pid_t pid) {
  ::kill(pid, SIGTERM);
  Reap(pid);
}

json ReadJsonFile(const std::string& path) {
  std::ifstream in(path);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '{') last = line;
  }
  return json::parse(last, nullptr, false);
}

double RssMiB(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      std::istringstream ls(line.substr(6));
      double kb = 0;
      ls >> kb;
      return kb / 1024.0;
    }
  }
  return 0;
}

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "bench: %s\n", what.c_str());
  for (pid_t pid : g_children) ::kill(pid, SIGTERM);
  std::exit(1);
}

struct Setup {
  std::string dir;
  uint16_t broker_port = 0;
  pid_t broker = -1;
  std::string broker_url() const { return "tcp://127.0.0.1:" + std::to_string(broker_port); }
};

// The broker runs with the office broker's persistence, queue and in-flight
// settings (ops/mosquitto/make-office-broker), but anonymous: the load
// generator's devices and responders do not log in (the office's per-device
// passwords and ACL cost Mosquitto no measurable CPU per rating).
void StartBroker(Setup* s) {
  s->broker_port = FreePort();
  const std::string conf = s->dir + "/mosquitto.conf";
  std::ofstream(conf) << "listener " << s->broker_port << " 127.0.0.1\n"
                      << "allow_anonymous true\nset_tcp_nodelay true\n"
                      << "persistence true\npersistence_location " << s->dir
                      << "/\nautosave_interval 60\n"
                      << "max_queued_messages 0\nmax_queued_bytes 0\nmax_inflight_messages 1000\n"
                      << "max_packet_size 1048576\n"
                      << "log_dest stderr\nlog_type error\n";
  s->broker = Spawn({HAILONG_MOSQUITTO, "-c", conf}, "", s->dir + "/mosquitto.log");
  if (!WaitPort(s->broker_port, 10)) Fail("mosquitto did not start");
}

std::vector<std::string> DevsimArgs(const Setup& s, const std::string& office, int devices) {
  return {HAILONG_DEVSIM_PATH,
          "--broker",
          s.broker_url(),
          "--office",
          office,
          "--devices",
          std::to_string(devices),
          "--counters",
          "8",
          "--template",
          g_template,
          "--report-json",
          "--quiet",
          "--clean-session"};
}

// CPU microseconds per acknowledged rating of the load generator, the
// broker and the process answering (edge or responder) during one run.
struct CpuPerRating {
  double devsim = 0, broker = 0, target = 0;
  double sum() const { return devsim + broker + target; }
};

// Runs the devsim processes (argv each) at once and waits for all. The
// report sums their acked ratings and rates (they run side by side over the
// same interval); a single process's report is returned as it is.
json RunDevsim(const Setup& s, const std::vector<std::vector<std::string>>& argvs,
               const std::string& name, pid_t target = -1, CpuPerRating* cpu = nullptr) {
  const double broker0 = CpuSeconds(s.broker);
  const double target0 = target > 0 ? CpuSeconds(target) : 0;
  std::vector<pid_t> pids;
  std::vector<std::string> outs;
  for (size_t i = 0; i < argvs.size(); ++i) {
    const std::string stem = s.dir + "/" + name + (argvs.size() > 1 ? "-" + std::to_string(i) : "");
    outs.push_back(stem + ".json");
    pids.push_back(Spawn(argvs[i], outs.back(), stem + ".log"));
  }
  double devsim_s = 0;
  json total;
  for (size_t i = 0; i < pids.size(); ++i) {
    double cpu_s = 0;
    const int code = Reap(pids[i], &cpu_s);
    devsim_s += cpu_s;
    json j = ReadJsonFile(outs[i]);
    if (!j.is_object()) {
      Fail(name + ": no report (exit " + std::to_string(code) + "), see " + s.dir);
    }
    if (j.value("unacked", 0) != 0) Fail(name + ": ratings left unacknowledged: " + j.dump());
    if (i == 0) {
      total = j;
    } else {
      total["acked_stored"] = total.value("acked_stored", 0.0) + j.value("acked_stored", 0.0);
      total["acked_per_s"] = total.value("acked_per_s", 0.0) + j.value("acked_per_s", 0.0);
    }
  }
  if (cpu != nullptr) {
    const double broker_s = CpuSeconds(s.broker) - broker0;
    const double target_s = target > 0 ? CpuSeconds(target) - target0 : 0;
    const double acked = total.value("acked_stored", 0.0);
    if (acked > 0) {
      cpu->devsim = devsim_s * 1e6 / acked;
      cpu->broker = broker_s * 1e6 / acked;
      cpu->target = target_s * 1e6 / acked;
    }
  }
  return total;
}

// The throughput run's load: `devices` split over kLoadProcesses devsim
// processes, each pressing as fast as its devices' windows allow.
constexpr int kLoadProcesses = 1;

// A devsim responder on one connection for the "ceiling" office; `mode` is
// --responder-count-only (a subscriber that only counts) or
// --responder-ack-only (acks without storing).
std::vector<std::string> ResponderArgs(const Setup& s, const char* mode) {
  return {HAILONG_DEVSIM_PATH,
          "--responder",
          mode,
          "--responder-clients",
          "1",
          "--broker",
          s.broker_url(),
          "--office",
          "ceiling",
          "--quiet"};
}

std::vector<std::vector<std::string>> LoadArgs(const Setup& s, const std::string& office,
                                               int devices, uint64_t count) {
  std::vector<std::vector<std::string>> out;
  for (int i = 0; i < kLoadProcesses; ++i) {
    auto args = DevsimArgs(s, office, devices / kLoadProcesses);
    args.insert(args.end(), {"--device-prefix", "p" + std::to_string(i + 1) + "-sim-", "--count",
                             std::to_string(count / kLoadProcesses), "--total-rate", "1000000",
                             "--max-in-flight", "16", "--drain-timeout-ms", "120000"});
    out.push_back(std::move(args));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = fs::temp_directory_path() / ("hailong-bench-edge-" + std::to_string(getpid()));
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
    } else if (a == "--template" && i + 1 < argc) {
      g_template = argv[++i];
    } else if (a == "--version") {
      std::printf("hailong-bench-edge %s\n", hailong::kVersion);
      return 0;
    } else {
      std::printf("usage: hailong-bench-edge [--runs N] [--quick] [--dir D] [--template T]\n");
      return a == "--help" ? 0 : 2;
    }
  }
  if (quick) runs = 1;
  const int devices = 200;
  const uint64_t count = quick ? 20000 : 200000;
  const int latency_s = quick ? 5 : 15;
  fs::remove_all(dir);
  fs::create_directories(dir);

  std::vector<double> edge_rate, ceiling_rate, roundtrip_rate, p50, p99, ceiling_p99, rss;
  std::vector<double> cpu_sub, cpu_sub_broker, cpu_sub_devsim, cpu_sub_sum;
  std::vector<double> cpu_edge, cpu_edge_broker, cpu_edge_devsim, cpu_edge_sum;
  std::vector<double> cpu_resp, cpu_resp_broker, cpu_resp_devsim, cpu_resp_sum;
  for (int run = 0; run < runs; ++run) {
    Setup s;
    s.dir = dir + "/run-" + std::to_string(run);
    fs::create_directories(s.dir);
    // Mosquitto started as root runs as user mosquitto: its persistence
    // database is written here.
    fs::permissions(s.dir, fs::perms::all);
    StartBroker(&s);

    // Ceiling: Mosquitto's QoS 1 publish-to-subscriber rate, the same
    // devices publishing to one subscriber that only counts.
    std::vector<std::string> subscriber_argv = ResponderArgs(s, "--responder-count-only");
    subscriber_argv.push_back("--report-json");
    pid_t subscriber =
        Spawn(subscriber_argv, s.dir + "/subscriber.json", s.dir + "/subscriber.log");
    std::this_thread::sleep_for(std::chrono::seconds(1));
    CpuPerRating cpu;
    auto publish_args = LoadArgs(s, "ceiling", devices, count);
    for (auto& a : publish_args) a.push_back("--publish-only");
    RunDevsim(s, publish_args, "ceiling", subscriber, &cpu);
    Stop(subscriber);
    json sub = ReadJsonFile(s.dir + "/subscriber.json");
    if (!sub.is_object() || sub.value("received", 0.0) < static_cast<double>(count)) {
      Fail("subscriber: not every publication arrived, see " + s.dir);
    }
    ceiling_rate.push_back(sub.value("received_per_s", 0.0));
    cpu_sub.push_back(cpu.target);
    cpu_sub_broker.push_back(cpu.broker);
    cpu_sub_devsim.push_back(cpu.devsim);
    cpu_sub_sum.push_back(cpu.sum());

    // The round trip without storing: the same devices and broker, acks
    // from a responder that only reads each rating's id, through one
    // connection like the edge's.
    pid_t responder = Spawn(ResponderArgs(s, "--responder-ack-only"), "", s.dir + "/responder.log");
    std::this_thread::sleep_for(std::chrono::seconds(1));
    json c = RunDevsim(s, LoadArgs(s, "ceiling", devices, count), "roundtrip", responder, &cpu);
    roundtrip_rate.push_back(c["acked_per_s"].get<double>());
    cpu_resp.push_back(cpu.target);
    cpu_resp_broker.push_back(cpu.broker);
    cpu_resp_devsim.push_back(cpu.devsim);
    cpu_resp_sum.push_back(cpu.sum());
    Stop(responder);

    // The real edge.
    const uint16_t http_port = FreePort();
    json cfg = {{"office_id", "bench"},
                {"data_dir", s.dir + "/edge"},
                {"mqtt", {{"url", s.broker_url()}}},
                {"http", {{"listen", "127.0.0.1:" + std::to_string(http_port)}}},
                // A hub's public key (no hub runs): comments and phone
                // numbers are sealed to it.
                {"personal_data_public_key",
                 "fcbf671e1ee08be12c4fa787cdcbd6efd8c70e00a45679c2f9835f7ba830543b"}};
    std::ofstream(s.dir + "/edge.json") << cfg.dump();
    pid_t edge =
        Spawn({HAILONG_EDGE_PATH, "--config", s.dir + "/edge.json"}, "", s.dir + "/edge.log");
    if (!WaitPort(http_port, 30)) Fail("hailong-edge did not start, see " + s.dir + "/edge.log");
    std::this_thread::sleep_for(std::chrono::seconds(3));
    rss.push_back(RssMiB(edge));

    json e = RunDevsim(s, LoadArgs(s, "bench", devices, count), "edge", edge, &cpu);
    edge_rate.push_back(e["acked_per_s"].get<double>());
    cpu_edge.push_back(cpu.target);
    cpu_edge_broker.push_back(cpu.broker);
    cpu_edge_devsim.push_back(cpu.devsim);
    cpu_edge_sum.push_back(cpu.sum());

    auto args = DevsimArgs(s, "bench", devices);
    args.insert(args.end(), {"--total-rate", "2000", "--duration", std::to_string(latency_s)});
    json l = RunDevsim(s, {args}, "latency");
    p50.push_back(l["latency_ms"]["p50"].get<double>());
    p99.push_back(l["latency_ms"]["p99"].get<double>());
    Stop(edge);

    responder = Spawn(ResponderArgs(s, "--responder-ack-only"), "", s.dir + "/responder2.log");
    std::this_thread::sleep_for(std::chrono::seconds(1));
    args = DevsimArgs(s, "ceiling", devices);
    args.insert(args.end(), {"--total-rate", "2000", "--duration", std::to_string(latency_s)});
    json cl = RunDevsim(s, {args}, "ceiling-latency");
    ceiling_p99.push_back(cl["latency_ms"]["p99"].get<double>());
    Stop(responder);
    Stop(s.broker);
  }
  fs::remove_all(dir);

  std::printf("# hailong-bench-edge %s, %d devices, median of %d run(s)\n\n", hailong::kVersion,
              devices, runs);
  std::printf("| figure | value | target | ceiling measured in this run | ratio |\n");
  std::printf("|---|---:|---:|---:|---:|\n");
  std::printf(
      "| acknowledged durable ratings / s (%llu ratings) | %.0f | >= 20000 | %.0f / s: Mosquitto's "
      "QoS 1 publish-to-subscriber rate | %.2f |\n",
      static_cast<unsigned long long>(count), Median(edge_rate), Median(ceiling_rate),
      Median(edge_rate) / std::max(1.0, Median(ceiling_rate)));
  std::printf(
      "| (the same, against an ack-only responder: the MQTT round trip without storing) | %.0f | - "
      "| %.0f / s publish-to-subscriber | %.2f |\n",
      Median(roundtrip_rate), Median(ceiling_rate),
      Median(roundtrip_rate) / std::max(1.0, Median(ceiling_rate)));
  std::printf("| ack latency p50 at 2,000 ratings/s, ms | %.1f | - | - | - |\n", Median(p50));
  std::printf(
      "| ack latency p99 at 2,000 ratings/s, ms | %.1f | <= 20 | %.1f ms without storing | %.2f "
      "|\n",
      Median(p99), Median(ceiling_p99), Median(p99) / std::max(0.001, Median(ceiling_p99)));
  std::printf("| resident memory of an idle edge, MiB | %.1f | <= 64 | - | - |\n", Median(rss));
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  std::printf(
      "\nCPU time per acknowledged rating (user + system, microseconds; %u cores allow at most "
      "%u x 1e6 / sum ratings/s):\n\n",
      cores, cores);
  std::printf(
      "| run | answering process | Mosquitto | hailong-devsim (200 devices) | sum | "
      "cores' bound, ratings/s |\n|---|---:|---:|---:|---:|---:|\n");
  std::printf("| edge (durable) | %.1f | %.1f | %.1f | %.1f | %.0f |\n", Median(cpu_edge),
              Median(cpu_edge_broker), Median(cpu_edge_devsim), Median(cpu_edge_sum),
              cores * 1e6 / std::max(1.0, Median(cpu_edge_sum)));
  std::printf("| publish to subscriber (ceiling) | %.1f | %.1f | %.1f | %.1f | %.0f |\n",
              Median(cpu_sub), Median(cpu_sub_broker), Median(cpu_sub_devsim), Median(cpu_sub_sum),
              cores * 1e6 / std::max(1.0, Median(cpu_sub_sum)));
  std::printf("| responder (ack only) | %.1f | %.1f | %.1f | %.1f | %.0f |\n", Median(cpu_resp),
              Median(cpu_resp_broker), Median(cpu_resp_devsim), Median(cpu_resp_sum),
              cores * 1e6 / std::max(1.0, Median(cpu_resp_sum)));
  return 0;
}
