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

#include "hailong/hub/config.h"
#include "hailong/hub/hub.h"
#include "hailong/hub/report.h"
#include "hailong/replication/event_log.h"
#include "hailong/schema/event.h"
#include "hailong/schema/time.h"
#include "hailong/schema/version.h"

namespace fs = std::filesystem;
using namespace hailong;
using Clk = std::chrono::steady_clock;
using json = nlohmann::json;

namespace {

double Seconds(Clk::time_point a, Clk::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

void Check(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "bench: %s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

struct Rating {
  int office;
  int day;  // 0..364
  int cls;  // 1 satisfied, 2 neutral, 3 unsatisfied
};

// Generates the events of one office and ingests them; remembers the ratings
// for SQLite.
void GenerateOffice(replication::EventLog* log, int office, uint64_t events, int64_t year_start,
                    std::vector<Rating>* ratings) {
  const std::string origin = "edge-o" + std::to_string(office);
  const std::string office_id = "o" + std::to_string(office);
  std::mt19937_64 rng(office * 7919 + 1);
  schema::Hash prev = schema::kZeroHash;
  std::vector<std::string> batch;
  uint64_t dossier = 0;
  for (uint64_t i = 0; i < events; ++i) {
    const int day = static_cast<int>(i * 365 / events);
    const int64_t t = year_start + int64_t{day} * 86400000 + 8 * 3600000 +
                      static_cast<int64_t>(rng() % (9 * 3600000));
    fb::EventT e;
    e.origin = origin;
    e.seq = i + 1;
    e.time_ms = t;
    e.prev_hash.assign(prev.begin(), prev.end());
    if (i % 5 == 0) {
      fb::DossierRecordedT d;
      d.receipt = office_id + "-" + std::to_string(++dossier);
      d.stage = fb::DossierStage::Received;
      d.office = office_id;
      d.counter = "q" + std::to_string(rng() % 6 + 1);
      d.officer = "cb-" + std::to_string(rng() % 12 + 1);
      d.field = "F" + std::to_string(rng() % 8);
      d.procedure = d.field + "-" + std::to_string(rng() % 6);
      d.due_ms = t + 3 * 86400000LL;
      d.at_ms = t;
      e.body.Set(std::move(d));
    } else {
      fb::RatingSubmittedT r;
      r.rating_id = std::to_string(i);
      r.office = office_id;
      r.counter = "q" + std::to_string(rng() % 6 + 1);
      r.officer = "cb-" + std::to_string(rng() % 12 + 1);
      r.device = "box-" + r.counter;
      r.channel = fb::Channel::ButtonBox;
      r.template_id = "smiley-4";
      r.template_version = 1;
      const int roll = static_cast<int>(rng() % 100);
      const int cls = roll < 82 ? 1 : (roll < 93 ? 2 : 3);
      auto a = std::make_unique<fb::AnswerT>();
      a->criterion = "overall";
      a->option = cls == 1 ? "satisfied" : (cls == 2 ? "neutral" : "unsatisfied");
      r.answers.push_back(std::move(a));
      r.classification = static_cast<fb::Classification>(cls);
      if (rng() % 3 == 0 && dossier > 0) {
        r.dossier = office_id + "-" + std::to_string(dossier);
        r.field = "F" + std::to_string(rng() % 8);
        r.procedure = r.field + "-" + std::to_string(rng() % 6);
      }
      r.device_time_ms = t;
      r.edge_time_ms = t;
      e.body.Set(std::move(r));
      ratings->push_back(Rating{office, day, cls});
    }
    batch.push_back(schema::SerializeEvent(e));
    prev = schema::ChainHash(prev, batch.back());
    if (batch.size() == 20000 || i + 1 == events) {
      std::vector<std::string_view> views(batch.begin(), batch.end());
      replication::IngestResult result;
      Check(log->Ingest(origin, views, &result), "ingest");
      batch.clear();
    }
  }
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

// Runs wrk; returns {p50 ms, p99 ms, requests/s} or zeros when wrk is missing.
struct WrkResult {
  double p50_ms = 0, p99_ms = 0, rps = 0;
  bool ran = false;
};

// `label` of wrk's latency distribution ("     50%    2.91ms"), not a
// percentage elsewhere in its output ("+/- Stdev ... 85.50%").
double WrkMs(const std::string& text, const std::string& label) {
  size_t at = text.find(label);
  while (at != std::string::npos && at > 0 && text[at - 1] != ' ') {
    at = text.find(label, at + 1);
  }
  if (at == std::string::npos) return 0;
  double v = 0;
  char unit[8] = {0};
  if (std::sscanf(text.c_str() + at + label.size(), " %lf%7s", &v, unit) != 2) return 0;
  const std::string u = unit;
  if (u == "us") return v / 1000;
  if (u == "s") return v * 1000;
  return v;  // ms
}

// `script`: a wrk Lua script ("" = none).
WrkResult RunWrk(uint16_t port, const std::string& cookie, const std::string& target, int seconds,
                 const std::string& script = "") {
  WrkResult r;
  if (std::system("command -v wrk >/dev/null 2>&1") != 0) return r;
  const std::string cmd = "wrk -t2 -c200 -d" + std::to_string(seconds) + "s --latency " +
                          (script.empty() ? "" : "-s '" + script + "' ") + "-H 'Cookie: " + cookie +
                          "' 'http://127.0.0.1:" + std::to_string(port) + target + "' 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  pclose(p);
  r.p50_ms = WrkMs(out, "50%");
  r.p99_ms = WrkMs(out, "99%");
  const size_t at = out.find("Requests/sec:");
  if (at != std::string::npos) r.rps = std::atof(out.c_str() + at + 13);
  r.ran = r.p99_ms > 0;
  if (std::getenv("HAILONG_BENCH_VERBOSE")) std::fprintf(stderr, "%s\n", out.c_str());
  if (out.find("Non-2xx") != std::string::npos) {
    std::fprintf(stderr, "bench: wrk saw errors:\n%s\n", out.c_str());
    r.ran = false;
  }
  return r;
}

// Logs in and returns "hailong_session=..." (a synchronous Beast client).
std::string LoginCookie(uint16_t port, const std::string& password) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  namespace net = boost::asio;
  net::io_context io;
  beast::tcp_stream stream(io);
  beast::error_code ec;
  stream.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return "";
  http::request<http::string_body> req{http::verb::post, "/api/v1/login", 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::content_type, "application/json");
  req.body() = json{{"name", "bench"}, {"password", password}}.dump();
  req.prepare_payload();
  http::write(stream, req, ec);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res, ec);
  if (ec) return "";
  const std::string cookie(res[http::field::set_cookie]);
  return cookie.substr(0, cookie.find(';'));
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
    const std::string cookie = LoginCookie(h->port(), password);
    wrk =
        RunWrk(h->port(), cookie,
               "/api/v1/report?from=2026-01-01&to=2026-12-31&group_by=" + group_by, quick ? 3 : 10);
    // Periods from a random day of January to the end of the year, asked with
    // Cache-Control: no-cache: every answer is aggregated afresh (days of
    // January from the day tallies, February to December from the roll-ups).
    // The hub keeps the tally ranges it scanned in memory until the models
    // change (ReportCache), so with no events arriving the sums read memory.
    const std::string script = dir + "/varied.lua";
    std::ofstream(script) << "math.randomseed(7)\n"
                             "request = function()\n"
                             "  local d = math.random(1, 31)\n"
                             "  local path = string.format('/api/v1/report?from=2026-01-%02d"
                             "&to=2026-12-31&group_by=" +
                                 group_by +
                                 "', d)\n"
                                 "  local h = {}\n"
                                 "  for k, v in pairs(wrk.headers) do h[k] = v end\n"
                                 "  h['Cache-Control'] = 'no-cache'\n"
                                 "  return wrk.format(nil, path, h)\n"
                                 "end\n";
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
