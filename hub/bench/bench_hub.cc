// hailong-bench-hub: the hub's read models and reports.
//
// Workloads (a year of events for --offices offices, one origin each):
//   1. rebuild: every read model from --events events (hailong-hub --rebuild's
//      code path), beside the verified full-scan rate of the same log (the
//      ceiling: the projector cannot be faster than reading its input);
//   2. report queries: GET /api/v1/report over the whole year by office, by
//      a real hub over HTTP with 200 concurrent connections (wrk), p50/p99;
//   3. SQLite: the same aggregation (ratings by office and classification
//      over the year) over the same ratings in an SQLite table with an index,
//      measured in the same run, printed beside.
// Usage: hailong-bench-hub [--events N (10M)] [--offices N (100)] [--dir DIR] [--keep] [--quick]
//                          [--rebuild-only (workload 1 alone)]
//                          [--group-by G (office): the reports' grouping, e.g. criterion]
#include <sodium.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench_process.h"
#include "hailong/hub/config.h"
#include "hailong/hub/hub.h"
#include "hailong/hub/report.h"
#include "hailong/replication/event_log.h"
#include "hailong/schema/event.h"
#include "hailong/schema/time.h"
#include "hailong/schema/version.h"
#include "office_log.h"
#include "report_load.h"

namespace fs = std::filesystem;
using namespace hailong;
using namespace hailong::bench;
using json = nlohmann::json;

namespace {

struct Rating {
  int office;
  int day;  // 0..364
  int cls;  // 1 satisfied, 2 neutral, 3 unsatisfied
};

// Generates the events of one office and ingests them; remembers the ratings
// for SQLite.
void GenerateOffice(replication::EventLog* log, int office, uint64_t events, int64_t year_start,
                    std::vector<Rating>* ratings) {
  bench::GenerateOfficeLog(log, "edge-o" + std::to_string(office), "o" + std::to_string(office),
                           events, year_start, office * 7919 + 1, [&](int day, int cls) {
                             ratings->push_back(Rating{office, day, cls});
                           });
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

// The title, the table head and the rebuild's rows, as every run prints them.
void PrintRebuildRows(uint64_t events, int offices, const char* kind, double rebuild_rate,
                      double scan_rate, double rebuild_cpu_rate) {
  std::printf("# hailong-bench-hub %s: %llu events, %d offices, one year%s\n\n", kVersion,
              static_cast<unsigned long long>(events), offices, kind);
  std::printf("| figure | value | target | ceiling / peer measured in this run | ratio |\n");
  std::printf("|---|---:|---:|---:|---:|\n");
  std::printf("| rebuild, events / s | %.0f | >= 1000000 | %.0f verified scan / s | %.2f |\n",
              rebuild_rate, scan_rate, rebuild_rate / scan_rate);
  std::printf("| rebuild, events per CPU-second (process) | %.0f | - | - | - |\n",
              rebuild_cpu_rate);
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t total = 10000000;  // the rebuild benchmark: 10M events
  int offices = 100;
  bool quick = false, keep = false, rebuild_only = false;
  std::string dir;
  std::string group_by = "office";  // the reports' grouping (letters only)
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") {
      quick = true;
    } else if (a == "--rebuild-only") {
      rebuild_only = true;
    } else if (a == "--events" && i + 1 < argc) {
      total = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--offices" && i + 1 < argc) {
      offices = std::atoi(argv[++i]);
    } else if (a == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else if (a == "--group-by" && i + 1 < argc) {
      group_by = argv[++i];
      if (group_by.empty() ||
          group_by.find_first_not_of("abcdefghijklmnopqrstuvwxyz") != std::string::npos) {
        std::fprintf(stderr, "--group-by: a grouping name (office, criterion, ...)\n");
        return 2;
      }
    } else if (a == "--keep") {
      keep = true;
    } else if (a == "--version") {
      std::printf("hailong-bench-hub %s\n", kVersion);
      return 0;
    } else {
      std::printf(
          "usage: hailong-bench-hub [--events N] [--offices N] [--dir DIR] [--keep] [--quick] "
          "[--rebuild-only] [--group-by G]\n");
      return a == "--help" ? 0 : 2;
    }
  }
  if (quick) total = std::min<uint64_t>(total, 200000);
  if (dir.empty())
    dir = (fs::temp_directory_path() / ("hailong-bench-hub-" + std::to_string(getpid()))).string();
  fs::remove_all(dir);
  fs::create_directories(dir);
  int64_t year_start = 0;
  Check(ParseVietnamDay("2026-01-01", &year_start), "date");

  // 1. Generate and ingest.
  std::vector<Rating> ratings;
  ratings.reserve(total);
  double scan_rate = 0;
  {
    replication::EventLogOptions o;
    o.origin = "hub";
    o.sync = false;
    std::unique_ptr<replication::EventLog> log;
    Check(replication::EventLog::Open(o, dir + "/data/log", &log), "open");
    const auto t0 = Clk::now();
    for (int office = 0; office < offices; ++office) {
      GenerateOffice(log.get(), office, total / offices, year_start, &ratings);
    }
    std::fprintf(stderr, "bench: generated %llu events in %.1f s\n",
                 static_cast<unsigned long long>(total), Seconds(t0, Clk::now()));
    Check(log->store()->CompactAll(), "compact");
    // The ceiling: a verified scan of every origin.
    const auto s0 = Clk::now();
    uint64_t scanned = 0;
    for (const auto& origin : log->Origins()) {
      Check(log->Scan(origin, 1,
                      [&](uint64_t, std::string_view, const fb::Event&) {
                        ++scanned;
                        return true;
                      }),
            "scan");
    }
    scan_rate = scanned / Seconds(s0, Clk::now());
  }

  // The hub's configuration.
  if (sodium_init() < 0) return 1;
  const std::string password = "bench-password";
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return 1;
  }
  hub::HubConfig config;
  // Each office's origin is a configured node (events of any other origin
  // count in no figure); nobody pushes, so the token is a placeholder.
  json nodes = json::array();
  for (int office = 0; office < offices; ++office) {
    nodes.push_back({{"id", "edge-o" + std::to_string(office)},
                     {"office_id", "o" + std::to_string(office)},
                     {"token_sha256", std::string(64, '0')}});
  }
  json cj{{"data_dir", dir + "/data"},
          {"http", {{"listen", "127.0.0.1:0"}, {"threads", 2}, {"workers", 4}}},
          {"nodes", nodes},
          {"users",
           {{{"name", "bench"}, {"role", "admin"}, {"offices", {"*"}}, {"password_hash", hash}}}}};
  Check(hub::ParseHubConfig(cj.dump(), &config), "config");

  // 2. Rebuild.
  double rebuild_rate = 0, rebuild_cpu_rate = 0;
  uint64_t rebuilt = 0;
  {
    std::unique_ptr<hub::Hub> h;
    Check(hub::Hub::Open(config, &h), "hub open");
    hub::RebuildStats stats;
    const std::clock_t c0 = std::clock();
    Check(h->Rebuild(&stats), "rebuild");
    // Process CPU time (RocksDB's background threads too): on a shared
    // machine, events per CPU-second shows the cost when wall time does not.
    const double cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
    rebuilt = stats.events;
    rebuild_rate = stats.events / stats.seconds;
    rebuild_cpu_rate = cpu > 0 ? stats.events / cpu : 0;
  }

  if (rebuild_only) {
    if (!keep) fs::remove_all(dir);
    PrintRebuildRows(rebuilt, offices, " (rebuild only)", rebuild_rate, scan_rate,
                     rebuild_cpu_rate);
    return 0;
  }

  // 3. Report queries over HTTP.
  WrkResult wrk, varied;
  {
    std::unique_ptr<hub::Hub> h;
    Check(hub::Hub::Open(config, &h), "hub open");
    Check(h->Start(), "hub start");
    const std::string cookie = LoginCookie(h->port(), "bench", password);
    wrk =
        RunWrk(h->port(), cookie,
               "/api/v1/report?from=2026-01-01&to=2026-12-31&group_by=" + group_by, quick ? 3 : 10);
    // Periods from a random day of January to the end of the year, asked with
    // Cache-Control: no-cache: every answer is aggregated afresh (days of
    // January from the day tallies, February to December from the roll-ups).
    // The hub keeps the tally ranges it scanned in memory until the models
    // change (ReportCache), so with no events arriving the sums read memory.
    const std::string script = dir + "/varied.lua";
    WriteVariedPeriodScript(script, "group_by=" + group_by);
    varied = RunWrk(h->port(), cookie, "/", quick ? 3 : 10, script);
    h->Stop();
  }

  // 4. SQLite: the same aggregation over the same ratings.
  double sqlite_ms = 0, hub_ms = 0, varied_ms = 0, varied_cached_us = 0, varied_json_us = 0;
  {
    sqlite3* db = nullptr;
    sqlite3_open((dir + "/bench.sqlite").c_str(), &db);
    sqlite3_exec(db,
                 "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
                 "CREATE TABLE rating(office INTEGER, day INTEGER, cls INTEGER);",
                 nullptr, nullptr, nullptr);
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    sqlite3_stmt* ins = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO rating VALUES(?,?,?)", -1, &ins, nullptr);
    for (const Rating& r : ratings) {
      sqlite3_bind_int(ins, 1, r.office);
      sqlite3_bind_int(ins, 2, r.day);
      sqlite3_bind_int(ins, 3, r.cls);
      sqlite3_step(ins);
      sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    sqlite3_exec(db, "COMMIT; CREATE INDEX rating_day ON rating(day, office, cls);", nullptr,
                 nullptr, nullptr);
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(db,
                       "SELECT office, count(*), sum(cls=1), sum(cls=2), sum(cls=3) FROM rating "
                       "WHERE day BETWEEN 0 AND 364 GROUP BY office",
                       -1, &q, nullptr);
    std::vector<double> times;
    for (int i = 0; i < (quick ? 3 : 7); ++i) {
      const auto t0 = Clk::now();
      while (sqlite3_step(q) == SQLITE_ROW) {
      }
      sqlite3_reset(q);
      times.push_back(Seconds(t0, Clk::now()) * 1000);
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    sqlite_ms = Percentile(times, 0.5);
    // The hub's own aggregation, in process, for the same query.
    std::unique_ptr<hub::Hub> h;
    Check(hub::Hub::Open(config, &h), "hub open");
    hub::ReportQuery rq;
    rq.from = "2026-01-01";
    rq.to = "2026-12-31";
    times.clear();
    for (int i = 0; i < (quick ? 3 : 7); ++i) {
      hub::Report report;
      const auto t0 = Clk::now();
      Check(hub::RunReport(*h->log()->store(), rq, &report), "report");
      times.push_back(Seconds(t0, Clk::now()) * 1000);
    }
    hub_ms = Percentile(times, 0.5);
    // The no-cache workload's kind of period (days of January from the day
    // tallies, February to December from the month roll-ups), in process:
    // what one uncached answer costs without HTTP and queueing.
    times.clear();
    for (int i = 0; i < (quick ? 5 : 21); ++i) {
      hub::ReportQuery vq = rq;
      vq.from = "2026-01-" + std::string(i % 31 + 1 < 10 ? "0" : "") + std::to_string(i % 31 + 1);
      hub::Report report;
      const auto t0 = Clk::now();
      Check(hub::RunReport(*h->log()->store(), vq, &report), "report");
      times.push_back(Seconds(t0, Clk::now()) * 1000);
    }
    varied_ms = Percentile(times, 0.5);
    // The same with the hub's ReportCache warm (what the no-cache HTTP run
    // does after its first requests), and the JSON text of the answer.
    hub::ReportCache cache;
    std::vector<double> json_times;
    times.clear();
    for (int i = 0; i < (quick ? 62 : 310); ++i) {
      hub::ReportQuery vq = rq;
      vq.from = "2026-01-" + std::string(i % 31 + 1 < 10 ? "0" : "") + std::to_string(i % 31 + 1);
      hub::Report report;
      const auto t0 = Clk::now();
      Check(hub::RunReport(*h->log()->store(), vq, &report, &cache, 1, 1), "report");
      const auto t1 = Clk::now();
      const std::string text = hub::ReportToJsonText(report, config);
      if (i >= 31) {
        times.push_back(Seconds(t0, t1) * 1e6);
        json_times.push_back(Seconds(t1, Clk::now()) * 1e6);
      }
    }
    varied_cached_us = Percentile(times, 0.5);
    varied_json_us = Percentile(json_times, 0.5);
  }
  if (!keep) fs::remove_all(dir);

  PrintRebuildRows(rebuilt, offices, quick ? " (quick)" : "", rebuild_rate, scan_rate,
                   rebuild_cpu_rate);
  if (wrk.ran) {
    std::printf("| report by %s over a year, p50 ms (200 connections) | %.2f | - | - | - |\n",
                group_by.c_str(), wrk.p50_ms);
    std::printf("| report by %s over a year, p99 ms (200 connections) | %.1f | <= 50 | - | - |\n",
                group_by.c_str(), wrk.p99_ms);
    std::printf("| report requests / s | %.0f | - | - | - |\n", wrk.rps);
    std::printf(
        "| report, a different period each request (no cache), p50 / p99 ms | %.1f / %.1f | p99 "
        "<= 50 | - | - |\n",
        varied.p50_ms, varied.p99_ms);
    std::printf("| report, a different period each request, requests / s | %.0f | - | - | - |\n",
                varied.rps);
  } else {
    std::printf(
        "| report p99 ms (200 connections) | not measured: wrk missing | <= 50 | - | - |\n");
  }
  std::printf("| the same aggregation in process, ms (median) | %.2f | - | %.2f SQLite | %.2f |\n",
              hub_ms, sqlite_ms, sqlite_ms > 0 ? hub_ms / sqlite_ms : 0);
  std::printf("| a period from a day of January, in process, ms (median) | %.2f | - | - | - |\n",
              varied_ms);
  std::printf(
      "| the same with the hub's tally cache warm: report / its JSON text, us (median) | %.0f / "
      "%.0f | - | - | - |\n",
      varied_cached_us, varied_json_us);
  return 0;
}
