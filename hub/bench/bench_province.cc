// hailong-bench-province: a province hub fed by its district hubs
// (replication/README.md, "The province tier"), at scale.
//
//   1. Logs: --districts district hubs (30) x --offices offices each (100),
//      --events events in all (30M) over one year. Each district's log (an
//      EventLog data dir, as a district hub keeps it) holds one edge origin
//      per office, as that edge made it (office_log.h: ratings with
//      dossiers), and the district hub's own `hub` origin (a catalogue
//      naming its offices).
//   2. Shipping: a real `hailong-hub` process is the province (one `nodes[]`
//      entry per district hub: district, offices, token hash); every
//      district ships at once through the district hub's own code
//      (hub::StartUpstream, hub/src/upstream.cc: one replication::Shipper
//      per district with ship_origin and X-Hailong-Office), in this process.
//      Figures: events/s until every event is acknowledged (fsync'd) at the
//      province, events/s until also in its read models (/metrics projection
//      backlog 0), the province's CPU per event; beside the raw loopback copy
//      of the same bytes (the ceiling).
//   3. `hailong-hub --rebuild` of the province's data dir, beside the
//      verified full-scan rate of the same log (the ceiling).
//   4. Bytes on disk per rating at the province (its data dir / ratings).
//   5. Reports over the year by district and by office over HTTP (wrk, 200
//      connections), p50/p99, also with a different period each request.
//
// Why in-process shippers and not 30 district hub processes: the machine
// measured has 2 cores; 30 district hubs would each project their own
// year into their read models and serve HTTP, competing with the province
// for those cores, while what the province sees on the wire (one
// connection per district hub, the same pushes and headers) is the same.
//
// Usage: hailong-bench-province [--districts N] [--offices N (per district)]
//          [--events N] [--quick] [--dir DIR] [--keep] [--hub PATH] [--seconds S (wrk)]
#include <signal.h>
#include <sodium.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "bench_process.h"
#include "hailong/hub/config.h"
#include "hailong/net/url.h"
#include "hailong/replication/event_log.h"
#include "hailong/replication/shipper.h"
#include "hailong/schema/event.h"
#include "hailong/schema/time.h"
#include "hailong/schema/version.h"
#include "office_log.h"
#include "report_load.h"
#include "upstream.h"

namespace fs = std::filesystem;
using namespace hailong;
using namespace hailong::bench;
using json = nlohmann::json;

namespace {

// One district hub: its node at the province and its log.
struct District {
  std::string node;      // "hub-d07"
  std::string district;  // "d07"
  std::string token;
  std::string log_dir;
  std::vector<int> offices;               // global office numbers: office "o<n>"
  std::map<std::string, uint64_t> heads;  // shipped origin -> its head seq
  uint64_t bytes = 0;                     // framed bytes of its shipped events
  uint64_t ratings = 0;
};

std::string Office(int n) { return "o" + std::to_string(n); }
std::string EdgeOrigin(int n) { return "edge-o" + std::to_string(n); }

// Writes district `d`'s log: its offices' edges, then its catalogue.
void GenerateDistrict(District* d, uint64_t per_office, int64_t year_start) {
  replication::EventLogOptions o;
  o.origin = replication::kHubOrigin;
  o.sync = false;
  std::unique_ptr<replication::EventLog> log;
  Check(replication::EventLog::Open(o, d->log_dir, &log), "open district log");
  for (int n : d->offices) {
    d->bytes +=
        GenerateOfficeLog(log.get(), EdgeOrigin(n), Office(n), per_office, year_start,
                          static_cast<uint64_t>(n) * 7919 + 1, [d](int, int) { ++d->ratings; });
    d->heads[EdgeOrigin(n)] = per_office;
  }
  std::vector<replication::EventDraft> drafts;
  for (int n : d->offices) {
    fb::CatalogueChangedT c;
    c.kind = fb::CatalogueKind::Office;
    c.id = Office(n);
    c.name = "Bộ phận một cửa " + Office(n) + " (" + d->district + ")";
    replication::EventDraft draft;
    draft.time_ms = year_start;
    draft.body.Set(std::move(c));
    drafts.push_back(std::move(draft));
  }
  std::vector<replication::AppendResult> results;
  Check(log->AppendBatch(std::move(drafts), &results), "catalogue");
  d->heads[replication::kHubOrigin] = log->Head(replication::kHubOrigin).seq;
  Check(log->Scan(replication::kHubOrigin, 1,
                  [d](uint64_t, std::string_view b, const fb::Event&) {
                    d->bytes += b.size() + 4;
                    return true;
                  }),
        "scan catalogue");
}

struct Province {
  pid_t pid = -1;
  uint16_t port = 0;
};

Province StartProvince(const std::string& program, const std::string& config_path,
                       const std::string& log_path, uint16_t port) {
  Province p;
  p.port = port;
  p.pid = ::fork();
  if (p.pid == 0) {
    FILE* f = std::freopen(log_path.c_str(), "a", stderr);
    FILE* g = std::freopen(log_path.c_str(), "a", stdout);  // keep the table clean
    (void)f;
    (void)g;
    ::execl(program.c_str(), program.c_str(), "--config", config_path.c_str(),
            static_cast<char*>(nullptr));
    std::_Exit(127);
  }
  if (!WaitUntilListening(port, 120)) {
    std::fprintf(stderr, "bench: the province hub did not start, see %s\n", log_path.c_str());
    std::exit(1);
  }
  return p;
}

void StopProvince(const Province& p) {
  ::kill(p.pid, SIGTERM);
  int st = 0;
  ::waitpid(p.pid, &st, 0);
}

// Bytes the files under `dir` occupy on disk (du).
uint64_t DiskBytes(const std::string& dir) {
  uint64_t sum = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    struct stat st {};
    if (e.is_regular_file() && ::stat(e.path().c_str(), &st) == 0) {
      sum += static_cast<uint64_t>(st.st_blocks) * 512;
    }
  }
  return sum;
}

double ChildrenCpuSeconds() {
  rusage u{};
  ::getrusage(RUSAGE_CHILDREN, &u);
  auto secs = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

struct ShipFigures {
  double acked_secs = 0, projected_secs = 0;
  double province_cpu_acked = 0, province_cpu_projected = 0, self_cpu = 0;
};

// Ships every district at once, as each district hub's upstream would;
// returns when every event is acknowledged and projected at the province.
ShipFigures ShipAll(std::vector<District>& districts, const Province& province,
                    const std::string& dir) {
  const std::string url = "http://127.0.0.1:" + std::to_string(province.port);
  std::vector<std::unique_ptr<replication::EventLog>> logs;
  std::vector<hub::HubConfig> configs;
  for (const District& d : districts) {
    replication::EventLogOptions o;
    o.origin = replication::kHubOrigin;
    std::unique_ptr<replication::EventLog> log;
    Check(replication::EventLog::Open(o, d.log_dir, &log), "open district log");
    logs.push_back(std::move(log));
    // The district hub's configuration as far as its upstream reads it:
    // its edges (nobody pushes to it here: placeholder token hashes) and
    // the province.
    hub::HubConfig c;
    for (int n : d.offices) {
      hub::NodeConfig node;
      node.id = EdgeOrigin(n);
      node.office_id = Office(n);
      node.token_sha256 = std::string(64, '0');
      c.nodes.push_back(node);
    }
    c.upstream.url = url;
    c.upstream.node_id = d.node;
    c.upstream.token_file = dir + "/" + d.node + ".token";
    std::ofstream(c.upstream.token_file) << d.token << "\n";
    configs.push_back(std::move(c));
  }
  ShipFigures f;
  const double province_cpu0 = ProcessCpuSeconds(province.pid);
  const double self_cpu0 = SelfCpuSeconds();
  const auto start = Clk::now();
  std::vector<std::unique_ptr<replication::Shipper>> shippers;
  for (size_t i = 0; i < districts.size(); ++i) {
    std::unique_ptr<replication::Shipper> s;
    Check(hub::StartUpstream(configs[i], logs[i].get(), &s), "upstream");
    shippers.push_back(std::move(s));
  }
  for (;;) {
    bool done = true;
    for (size_t i = 0; i < districts.size() && done; ++i) {
      const replication::ShipperStatus st = shippers[i]->status();
      for (const auto& [origin, head] : districts[i].heads) {
        auto it = st.acked_by_origin.find(origin);
        if (it == st.acked_by_origin.end() || it->second < head) {
          done = false;
          break;
        }
      }
    }
    if (done) break;
    if (Seconds(start, Clk::now()) > 7200) {
      std::fprintf(stderr, "bench: shipping did not finish in 2 h: %s\n",
                   shippers[0]->status().last_error.c_str());
      std::exit(1);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  f.acked_secs = Seconds(start, Clk::now());
  f.province_cpu_acked = ProcessCpuSeconds(province.pid) - province_cpu0;
  f.self_cpu = SelfCpuSeconds() - self_cpu0;
  uint64_t refusals = 0;
  for (auto& s : shippers) {
    refusals += s->status().refusals;
    s->Stop();
  }
  if (refusals > 0) {
    std::fprintf(stderr, "bench: the province refused %llu push(es): see its log\n",
                 static_cast<unsigned long long>(refusals));
    std::exit(1);
  }
  // Until the province's read models hold every event too.
  net::Url u;
  Check(net::ParseUrl(url, &u), "province url");
  net::HttpClient client(u, "", std::chrono::seconds(30));
  for (;;) {
    const long long backlog = ProjectionBacklog(&client);
    if (backlog == 0) break;
    if (backlog < 0 || Seconds(start, Clk::now()) > 7200) {
      std::fprintf(stderr, "bench: the province's projection backlog is not readable or not 0\n");
      std::exit(1);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  f.projected_secs = Seconds(start, Clk::now());
  f.province_cpu_projected = ProcessCpuSeconds(province.pid) - province_cpu0;
  return f;
}

// The verified scan of every origin of the province's log: events/s.
double VerifiedScanRate(const std::string& log_dir, uint64_t* scanned) {
  replication::EventLogOptions o;
  o.origin = replication::kHubOrigin;
  o.sync = false;
  std::unique_ptr<replication::EventLog> log;
  Check(replication::EventLog::Open(o, log_dir, &log), "open province log");
  const auto s0 = Clk::now();
  *scanned = 0;
  for (const auto& origin : log->Origins()) {
    Check(log->Scan(origin, 1,
                    [&](uint64_t, std::string_view, const fb::Event&) {
                      ++*scanned;
                      return true;
                    }),
          "scan");
  }
  return *scanned / Seconds(s0, Clk::now());
}

struct RebuildFigures {
  uint64_t events = 0;
  double rate = 0, cpu_rate = 0;
};

// `hailong-hub --rebuild`: its own count and rate (it prints them), and
// events per CPU-second of the process.
RebuildFigures Rebuild(const std::string& program, const std::string& config_path) {
  RebuildFigures r;
  const double cpu0 = ChildrenCpuSeconds();
  const std::string cmd = "'" + program + "' --config '" + config_path + "' --rebuild 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int rc = pclose(p);
  const double cpu = ChildrenCpuSeconds() - cpu0;
  unsigned long long events = 0;
  size_t origins = 0;
  double secs = 0, rate = 0;
  const size_t at = out.find("rebuilt read models:");
  if (rc != 0 || at == std::string::npos ||
      std::sscanf(out.c_str() + at,
                  "rebuilt read models: %llu events from %zu origins in %lf s (%lf", &events,
                  &origins, &secs, &rate) != 4) {
    std::fprintf(stderr, "bench: hailong-hub --rebuild failed:\n%s\n", out.c_str());
    std::exit(1);
  }
  r.events = events;
  r.rate = rate;
  r.cpu_rate = cpu > 0 ? events / cpu : 0;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  std::string hub_program = HAILONG_HUB_PATH;
  int district_count = 30, offices_per_district = 100, wrk_seconds = 10;
  uint64_t total = 30000000;
  bool quick = false, keep = false;
  std::string dir;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") {
      quick = true;
    } else if (a == "--keep") {
      keep = true;
    } else if (a == "--districts" && i + 1 < argc) {
      district_count = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--offices" && i + 1 < argc) {
      offices_per_district = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--events" && i + 1 < argc) {
      total = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--seconds" && i + 1 < argc) {
      wrk_seconds = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else if (a == "--hub" && i + 1 < argc) {
      hub_program = argv[++i];
    } else if (a == "--version") {
      std::printf("hailong-bench-province %s\n", kVersion);
      return 0;
    } else {
      std::printf(
          "usage: hailong-bench-province [--districts N] [--offices N] [--events N] [--quick] "
          "[--dir DIR] [--keep] [--hub PATH] [--seconds S]\n");
      return a == "--help" ? 0 : 2;
    }
  }
  if (quick) {
    total = std::min<uint64_t>(total, 300000);
    wrk_seconds = std::min(wrk_seconds, 5);  // 3 s may end before one 3 MB answer by office
  }
  const int office_count = district_count * offices_per_district;
  const uint64_t per_office = std::max<uint64_t>(1, total / office_count);
  if (dir.empty())
    dir = (fs::temp_directory_path() / ("hailong-bench-province-" + std::to_string(getpid())))
              .string();
  fs::remove_all(dir);
  fs::create_directories(dir + "/province");
  int64_t year_start = 0;
  Check(ParseVietnamDay("2026-01-01", &year_start), "date");
  if (sodium_init() < 0) return 1;

  // 1. The districts' logs, two at a time (nothing is measured here).
  std::vector<District> districts(district_count);
  for (int d = 0; d < district_count; ++d) {
    char name[16];
    std::snprintf(name, sizeof name, "d%02d", d);
    districts[d].district = name;
    districts[d].node = std::string("hub-") + name;
    districts[d].token = "bench-province-token-" + std::string(name) + "-0123456789abcdef";
    districts[d].log_dir = dir + "/districts/" + name + "/log";
    for (int k = 0; k < offices_per_district; ++k) {
      districts[d].offices.push_back(d * offices_per_district + k);
    }
  }
  std::fprintf(stderr, "bench: generating %d districts x %d offices, %llu events per office...\n",
               district_count, offices_per_district, static_cast<unsigned long long>(per_office));
  const auto g0 = Clk::now();
  {
    std::vector<std::thread> workers;
    for (int w = 0; w < 2; ++w) {
      workers.emplace_back([&, w] {
        for (int d = w; d < district_count; d += 2) {
          GenerateDistrict(&districts[d], per_office, year_start);
        }
      });
    }
    for (auto& t : workers) t.join();
  }
  uint64_t events = 0, ratings = 0, bytes = 0;
  for (const District& d : districts) {
    for (const auto& [origin, head] : d.heads) events += head;
    ratings += d.ratings;
    bytes += d.bytes;
  }
  std::fprintf(stderr, "bench: generated %llu events (%llu ratings) in %.0f s\n",
               static_cast<unsigned long long>(events), static_cast<unsigned long long>(ratings),
               Seconds(g0, Clk::now()));

  // 2. The province and its configuration.
  const std::string password = "bench-password";
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return 1;
  }
  json nodes = json::array();
  for (const District& d : districts) {
    json offices = json::array();
    for (int n : d.offices) offices.push_back(Office(n));
    nodes.push_back({{"id", d.node},
                     {"district", d.district},
                     {"offices", offices},
                     {"token_sha256", schema::HexEncode(schema::Sha256(d.token))}});
  }
  const uint16_t port = FreePort();
  const std::string config_path = dir + "/province/hub.json";
  std::ofstream(config_path) << json{
      {"data_dir", dir + "/province/data"},
      {"http", {{"listen", "127.0.0.1:" + std::to_string(port)}, {"threads", 2}, {"workers", 4}}},
      {"nodes", nodes},
      {"users",
       {{{"name", "bench"},
         {"role", "admin"},
         {"offices", {"*"}},
         {"password_hash", hash}}}}}.dump(1);
  const std::string province_log = dir + "/province/hub.log";
  const double load_start = LoadAverage();
  Province province = StartProvince(hub_program, config_path, province_log, port);
  std::fprintf(stderr, "bench: shipping...\n");
  const ShipFigures ship = ShipAll(districts, province, dir);
  StopProvince(province);
  const double load_after_ship = LoadAverage();
  const double copy_rate = events / LoopbackCopySeconds(bytes);

  // 3. Rebuild, beside the verified scan of the same log; 4. bytes on disk.
  const uint64_t disk = DiskBytes(dir + "/province/data");
  uint64_t scanned = 0;
  std::fprintf(stderr, "bench: scanning and rebuilding...\n");
  const double scan_rate = VerifiedScanRate(dir + "/province/data/log", &scanned);
  const RebuildFigures rebuild = Rebuild(hub_program, config_path);

  // 5. Reports over HTTP.
  std::fprintf(stderr, "bench: reports...\n");
  province = StartProvince(hub_program, config_path, province_log, port);
  const std::string cookie = LoginCookie(port, "bench", password);
  if (cookie.empty()) {
    std::fprintf(stderr, "bench: cannot log in at the province, see %s\n", province_log.c_str());
    return 1;
  }
  const std::string year = "/api/v1/report?from=2026-01-01&to=2026-12-31&group_by=";
  const WrkResult by_district = RunWrk(port, cookie, year + "district", wrk_seconds);
  const WrkResult by_office = RunWrk(port, cookie, year + "office", wrk_seconds);
  WriteVariedPeriodScript(dir + "/district.lua", "group_by=district");
  WriteVariedPeriodScript(dir + "/office.lua", "group_by=office");
  const WrkResult varied_district = RunWrk(port, cookie, "/", wrk_seconds, dir + "/district.lua");
  const WrkResult varied_office = RunWrk(port, cookie, "/", wrk_seconds, dir + "/office.lua");
  StopProvince(province);
  const double load_end = LoadAverage();
  if (!keep) fs::remove_all(dir);

  std::printf(
      "# hailong-bench-province %s: %d district hubs x %d offices (%d offices), %llu events "
      "(%llu ratings), one year%s; 1-minute load average %.2f at the start, %.2f after shipping, "
      "%.2f at the end (on 2 cores, > 0.5 means the figures are not from a quiet run)\n\n",
      kVersion, district_count, offices_per_district, office_count,
      static_cast<unsigned long long>(events), static_cast<unsigned long long>(ratings),
      quick ? " (quick)" : "", load_start, load_after_ship, load_end);
  std::printf("| figure | value | target | ceiling measured in this run | ratio |\n");
  std::printf("|---|---:|---:|---:|---:|\n");
  const double acked_rate = events / ship.acked_secs;
  std::printf(
      "| %d district hubs -> province at once, events/s (fsync'd at the province) | %.0f | >= "
      "200000 | %.0f events/s raw loopback copy of the same %.0f MB | %.3f |\n",
      district_count, acked_rate, copy_rate, bytes / 1e6, acked_rate / copy_rate);
  std::printf(
      "| district hubs -> province: events/s until also in the province's read models | %.0f | - "
      "| - | - |\n",
      events / ship.projected_secs);
  std::printf(
      "| district hubs -> province: CPU per event, us, province process until acked / until "
      "projected / the district hubs' shippers | %.2f / %.2f / %.2f | - | - | - |\n",
      ship.province_cpu_acked * 1e6 / events, ship.province_cpu_projected * 1e6 / events,
      ship.self_cpu * 1e6 / events);
  std::printf(
      "| `hailong-hub --rebuild` of the province, events/s | %.0f | >= 1000000 | %.0f verified "
      "scan / s of the same %llu events | %.2f |\n",
      rebuild.rate, scan_rate, static_cast<unsigned long long>(scanned), rebuild.rate / scan_rate);
  std::printf("| rebuild, events per CPU-second (process) | %.0f | - | - | - |\n",
              rebuild.cpu_rate);
  std::printf(
      "| bytes on disk per rating at the province (data dir %.2f GB: log, dossiers and read "
      "models) | %.0f | <= 400 | - | - |\n",
      disk / 1e9, static_cast<double>(disk) / static_cast<double>(ratings));
  auto report_rows = [](const char* by, const WrkResult& cached, const WrkResult& varied) {
    if (!cached.ran || !varied.ran) {
      std::printf(
          "| report by %s p99 ms (200 connections) | not measured: wrk missing or "
          "errors | <= 50 | - | - |\n",
          by);
      return;
    }
    std::printf(
        "| report by %s over a year, p50 / p99 ms (200 connections)%s | %.2f / %.1f | p99 "
        "<= 50 | - | - |\n",
        by, cached.socket_errors ? " (wrk saw socket errors)" : "", cached.p50_ms, cached.p99_ms);
    std::printf("| report by %s, requests / s | %.0f | - | - | - |\n", by, cached.rps);
    std::printf(
        "| report by %s, a different period each request (no cache), p50 / p99 ms%s | %.1f / "
        "%.1f | p99 <= 50 | - | - |\n",
        by, varied.socket_errors ? " (wrk saw socket errors)" : "", varied.p50_ms, varied.p99_ms);
    std::printf(
        "| report by %s, a different period each request, requests / s | %.0f | - | - | - |\n", by,
        varied.rps);
  };
  report_rows("district", by_district, varied_district);
  report_rows("office", by_office, varied_office);
  std::printf(
      "\nShipping: each district hub's upstream code (hub::StartUpstream: one Shipper per "
      "district, every origin but hub-private, X-Hailong-Office per edge origin) runs in this "
      "process, all districts at once; the province is a real hailong-hub process. Acked = "
      "answered 200 by the province after its fsync; it projects into its read models "
      "asynchronously on the same 2 cores. Reports: %d s of wrk per row.\n",
      wrk_seconds);
  return 0;
}
