// hailong-bench-hub: the district hub's read models and reports, measured with
// real processes.
//   1. rebuild: a log of --events events (ratings and dossiers of --offices
//      offices over 2026, one edge origin per office, ingested as replication
//      stores them) rebuilt by `hailong-hub --config CFG --rebuild` (the real
//      program, wall time of the process): events/s, target >= 1,000,000;
//      beside the verified full scan of the same log (the ceiling: a rebuild
//      reads every event once);
//   2. report queries: a running hailong-hub, a logged-in admin, wrk with 200
//      connections against GET /api/v1/report over the year grouped by office:
//      p99, target <= 50 ms; asked with Cache-Control: no-cache (every answer
//      aggregated afresh) and again as dashboards ask it (the hub's cache);
//   3. SQLite (the peer, same run): the same ratings loaded into a table, the
//      same aggregation (ratings by office and classification over the year),
//      beside one report request; the full rebuild beside SQLite's load, index
//      and aggregation.
// Medians of --runs runs for the rebuild and the single-query times.
// Usage: hailong-bench-hub [--hub PATH] [--events N] [--offices N] [--runs N]
//                          [--quick] [--dir DIR] [--keep]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "hailong/replication/event_log.h"
#include "hailong/schema/event.h"
#include "hailong/schema/time.h"
#include "hailong/schema/version.h"

namespace fs = std::filesystem;
using namespace hailong;
using Clk = std::chrono::steady_clock;
using json = nlohmann::json;

namespace {

constexpr const char* kFrom = "2026-01-01";
constexpr const char* kTo = "2026-12-31";
constexpr const char* kPassword = "bench-password-2026";

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
void Fail(const std::string& what) {
  std::fprintf(stderr, "bench: %s\n", what.c_str());
  std::exit(1);
}

uint16_t FreePort() {
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

std::string OfficeId(int office) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "ub-%03d", office + 1);
  return buf;
}

// One rating as SQLite gets it.
struct Rating {
  uint16_t office;
  uint16_t day;  // 0..364 in 2026 (Asia/Ho_Chi_Minh)
  uint8_t cls;   // fb::Classification
};

// A year of one office's traffic: each visit is a dossier received, three
// ratings (the first about that dossier when the citizen gave the receipt,
// 60%), and the dossier returned a few days later (some after the due time).
// Ingested as replication stores an edge's log: chained, in batches.
uint64_t GenerateOffice(replication::EventLog* log, int office, uint64_t events, int64_t year_start,
                        std::vector<Rating>* ratings) {
  const std::string origin = "edge-" + OfficeId(office);
  const std::string office_id = OfficeId(office);
  std::mt19937_64 rng(static_cast<uint64_t>(office) * 7919 + 17);
  // Offices differ: the share of unsatisfied citizens ranges over 2..14%.
  const int unsatisfied_pct = 2 + office % 13;
  schema::Hash prev = schema::kZeroHash;
  std::vector<std::string> batch;
  batch.reserve(8192);
  uint64_t bytes = 0, receipt = 0;
  std::string open_receipt, open_field, open_procedure, open_counter;
  int64_t open_due = 0;
  for (uint64_t i = 0; i < events; ++i) {
    const int day = static_cast<int>(i * 365 / events);
    const int64_t t = year_start + int64_t{day} * 86400000 + 7 * 3600000 +
                      static_cast<int64_t>(rng() % (10 * 3600000));
    fb::EventT e;
    e.origin = origin;
    e.seq = i + 1;
    e.time_ms = t + 40;
    e.prev_hash.assign(prev.begin(), prev.end());
    const int phase = static_cast<int>(i % 5);
    if (phase == 0 || phase == 4) {
      fb::DossierRecordedT d;
      if (phase == 0) {
        open_receipt = office_id + "-" + std::to_string(++receipt);
        open_counter = "q" + std::to_string(rng() % 6 + 1);
        open_field = "LV" + std::to_string(rng() % 12 + 1);
        open_procedure = open_field + "-TT" + std::to_string(rng() % 8 + 1);
        open_due = t + 3 * 86400000LL;
        d.stage = fb::DossierStage::Received;
        d.at_ms = t;
      } else {
        d.stage = fb::DossierStage::Returned;
        // 0..4 days after intake: days 3 and 4 are late.
        d.at_ms = open_due - 3 * 86400000LL + static_cast<int64_t>(rng() % 5) * 86400000LL;
      }
      d.receipt = open_receipt;
      d.office = office_id;
      d.counter = open_counter;
      d.officer = "cb-" + std::to_string(rng() % 12 + 1);
      d.field = open_field;
      d.procedure = open_procedure;
      d.due_ms = open_due;
      e.body.Set(std::move(d));
    } else {
      fb::RatingSubmittedT r;
      r.rating_id = std::to_string(i);
      r.office = office_id;
      r.counter = phase == 1 ? open_counter : "q" + std::to_string(rng() % 6 + 1);
      r.officer = "cb-" + std::to_string(rng() % 12 + 1);
      const int channel = static_cast<int>(rng() % 10);
      r.channel = channel < 6   ? fb::Channel::ButtonBox
                  : channel < 9 ? fb::Channel::Touchscreen
                                : fb::Channel::Phone;
      r.device = r.channel == fb::Channel::Phone ? "hub-web" : "box-" + r.counter;
      r.template_id = "smiley-4";
      r.template_version = 1;
      const int roll = static_cast<int>(rng() % 100);
      const fb::Classification cls = roll < unsatisfied_pct        ? fb::Classification::Unsatisfied
                                     : roll < unsatisfied_pct + 10 ? fb::Classification::Neutral
                                                                   : fb::Classification::Satisfied;
      auto a = std::make_unique<fb::AnswerT>();
      a->criterion = "level";
      a->option = cls == fb::Classification::Satisfied
                      ? (roll % 2 ? "very_satisfied" : "satisfied")
                      : (cls == fb::Classification::Neutral ? "neutral" : "unsatisfied");
      r.answers.push_back(std::move(a));
      r.classification = cls;
      if (phase == 1 && rng() % 10 < 6) {
        r.dossier = open_receipt;
        r.field = open_field;
        r.procedure = open_procedure;
      }
      // A few satisfied citizens leave a comment (unsatisfied ones with a
      // comment would open follow-ups: events the rebuild must append).
      if (cls == fb::Classification::Satisfied && rng() % 100 == 0) {
        r.comment = "Cán bộ hướng dẫn tận tình, cảm ơn.";
      }
      r.device_time_ms = t;
      r.edge_time_ms = t + 25;
      e.body.Set(std::move(r));
      ratings->push_back(Rating{static_cast<uint16_t>(office), static_cast<uint16_t>(day),
                                static_cast<uint8_t>(cls)});
    }
    batch.push_back(schema::SerializeEvent(e));
    bytes += batch.back().size();
    prev = schema::ChainHash(prev, batch.back());
    if (batch.size() == 8192 || i + 1 == events) {
      std::vector<std::string_view> views(batch.begin(), batch.end());
      replication::IngestResult result;
      Check(log->Ingest(origin, views, &result), "ingest");
      batch.clear();
    }
  }
  return bytes;
}

// ---- processes -------------------------------------------------------------

// Runs `argv`, stdout and stderr to `out_file`; returns the exit status.
int RunProcess(const std::vector<std::string>& args, const std::string& out_file) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    FILE* f = std::freopen(out_file.c_str(), "w", stdout);
    (void)f;
    ::dup2(STDOUT_FILENO, STDERR_FILENO);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    std::_Exit(127);
  }
  int st = 0;
  ::waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// ---- a minimal HTTP/1.1 client (one request per connection) -----------------

struct HttpReply {
  int status = 0;
  std::string headers;
  std::string body;
};

std::string Dechunk(const std::string& b) {
  std::string out;
  size_t at = 0;
  while (at < b.size()) {
    const size_t eol = b.find("\r\n", at);
    if (eol == std::string::npos) break;
    const size_t n = std::strtoul(b.c_str() + at, nullptr, 16);
    if (n == 0) break;
    out.append(b, eol + 2, n);
    at = eol + 2 + n + 2;
  }
  return out;
}

bool Http(uint16_t port, const std::string& method, const std::string& target,
          const std::string& extra_headers, const std::string& body, HttpReply* reply) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return false;
  }
  std::string req = method + " " + target +
                    " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + extra_headers;
  if (!body.empty()) {
    req +=
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  req += "\r\n" + body;
  for (size_t sent = 0; sent < req.size();) {
    const ssize_t w = ::write(fd, req.data() + sent, req.size() - sent);
    if (w <= 0) break;
    sent += static_cast<size_t>(w);
  }
  std::string in;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    in.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  const size_t head_end = in.find("\r\n\r\n");
  if (head_end == std::string::npos || in.size() < 12) return false;
  reply->status = std::atoi(in.c_str() + 9);
  reply->headers = in.substr(0, head_end);
  reply->body = in.substr(head_end + 4);
  std::string lower = reply->headers;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  if (lower.find("transfer-encoding: chunked") != std::string::npos) {
    reply->body = Dechunk(reply->body);
  }
  return true;
}

struct HubProcess {
  pid_t pid = -1;
  uint16_t port = 0;
};

HubProcess StartHub(const std::string& program, const std::string& config,
                    const std::string& log_file, uint16_t port) {
  HubProcess h;
  h.port = port;
  h.pid = ::fork();
  if (h.pid == 0) {
    FILE* f = std::freopen(log_file.c_str(), "w", stdout);
    (void)f;
    ::dup2(STDOUT_FILENO, STDERR_FILENO);
    ::execl(program.c_str(), program.c_str(), "--config", config.c_str(),
            static_cast<char*>(nullptr));
    std::_Exit(127);
  }
  for (int i = 0; i < 1200; ++i) {
    HttpReply r;
    if (Http(port, "GET", "/healthz", "", "", &r) && r.status == 200) return h;
    int st = 0;
    if (::waitpid(h.pid, &st, WNOHANG) == h.pid) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  Fail("hailong-hub did not start, see " + log_file);
  return h;
}

void StopHub(const HubProcess& h) {
  ::kill(h.pid, SIGTERM);
  int st = 0;
  ::waitpid(h.pid, &st, 0);
}

// ---- wrk --------------------------------------------------------------------

struct WrkResult {
  bool ran = false;
  double p50_ms = 0, p99_ms = 0, rps = 0;
  uint64_t requests = 0;
  std::string problem;  // non-2xx answers or socket errors
};

// "     99%   12.34ms" -> 12.34
double WrkLatencyMs(const std::string& out, const std::string& label) {
  const size_t dist = out.find("Latency Distribution");
  if (dist == std::string::npos) return 0;
  const size_t at = out.find(label, dist);
  if (at == std::string::npos) return 0;
  double v = 0;
  char unit[8] = {0};
  if (std::sscanf(out.c_str() + at + label.size(), " %lf%7s", &v, unit) != 2) return 0;
  const std::string u = unit;
  if (u == "us") return v / 1000;
  if (u == "s") return v * 1000;
  if (u == "m") return v * 60000;
  return v;
}

WrkResult RunWrk(uint16_t port, const std::vector<std::string>& headers, const std::string& target,
                 int seconds, const std::string& out_file) {
  WrkResult r;
  std::vector<std::string> args = {
      "wrk", "-t2", "-c200", "-d" + std::to_string(seconds) + "s", "--timeout", "10s", "--latency"};
  for (const auto& h : headers) {
    args.push_back("-H");
    args.push_back(h);
  }
  args.push_back("http://127.0.0.1:" + std::to_string(port) + target);
  const int rc = RunProcess(args, out_file);
  const std::string out = ReadFile(out_file);
  if (rc != 0) {
    r.problem = rc == 127 ? "wrk not found" : "wrk exited with " + std::to_string(rc);
    return r;
  }
  r.p50_ms = WrkLatencyMs(out, "50%");
  r.p99_ms = WrkLatencyMs(out, "99%");
  size_t at = out.find("Requests/sec:");
  if (at != std::string::npos) r.rps = std::atof(out.c_str() + at + 13);
  at = out.find(" requests in ");
  if (at != std::string::npos) {
    size_t s = out.rfind('\n', at);
    r.requests = std::strtoull(out.c_str() + (s == std::string::npos ? 0 : s + 1), nullptr, 10);
  }
  at = out.find("Non-2xx or 3xx responses:");
  if (at != std::string::npos) r.problem = out.substr(at, out.find('\n', at) - at);
  at = out.find("Socket errors:");
  if (at != std::string::npos) {
    r.problem += (r.problem.empty() ? "" : "; ") + out.substr(at, out.find('\n', at) - at);
  }
  r.ran = r.p99_ms > 0;
  if (!r.ran && r.problem.empty()) r.problem = "no latency in wrk's output (" + out_file + ")";
  return r;
}

// ---- SQLite -------------------------------------------------------------------

void Sql(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    Fail(std::string("sqlite: ") + (err ? err : "?") + " in " + sql);
  }
}

struct SqliteResult {
  double load_s = 0;        // create, insert every rating, index
  double aggregate_ms = 0;  // median of the GROUP BY office query
  uint64_t ratings = 0, satisfied = 0, neutral = 0, unsatisfied = 0;
  size_t offices = 0;
};

// The ratings in a table of a file database (the same shape a report needs:
// office, Vietnam day, classification), then the report's aggregation.
SqliteResult RunSqlite(const std::string& path, const std::vector<Rating>& ratings, int runs) {
  SqliteResult res;
  fs::remove(path);
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) Fail("sqlite open " + path);
  std::vector<std::string> days(365);
  int64_t start = 0;
  Check(ParseVietnamDay(kFrom, &start), "day");
  for (int d = 0; d < 365; ++d) days[d] = VietnamDay(start + int64_t{d} * 86400000 + 3600000);
  const auto t0 = Clk::now();
  Sql(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;");
  Sql(db, "CREATE TABLE rating(office TEXT NOT NULL, day TEXT NOT NULL, cls INTEGER NOT NULL)");
  Sql(db, "BEGIN");
  sqlite3_stmt* ins = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO rating VALUES(?,?,?)", -1, &ins, nullptr);
  std::vector<std::string> office_ids;
  for (const Rating& r : ratings) {
    while (office_ids.size() <= r.office) office_ids.push_back(OfficeId(office_ids.size()));
    sqlite3_bind_text(ins, 1, office_ids[r.office].c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 2, days[r.day].c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_int(ins, 3, r.cls);
    if (sqlite3_step(ins) != SQLITE_DONE) Fail("sqlite insert");
    sqlite3_reset(ins);
  }
  sqlite3_finalize(ins);
  Sql(db, "COMMIT");
  // Covering, in GROUP BY order: the query reads the index only, office after office.
  Sql(db, "CREATE INDEX rating_office_day ON rating(office, day, cls)");
  res.load_s = Seconds(t0, Clk::now());
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT office, count(*), sum(cls = 1), sum(cls = 2), sum(cls = 3) "
                     "FROM rating WHERE day BETWEEN ?1 AND ?2 GROUP BY office ORDER BY office",
                     -1, &q, nullptr);
  std::vector<double> times;
  for (int run = 0; run < runs; ++run) {
    const auto q0 = Clk::now();
    sqlite3_bind_text(q, 1, kFrom, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, kTo, -1, SQLITE_STATIC);
    SqliteResult sums;
    while (sqlite3_step(q) == SQLITE_ROW) {
      ++sums.offices;
      sums.ratings += sqlite3_column_int64(q, 1);
      sums.satisfied += sqlite3_column_int64(q, 2);
      sums.neutral += sqlite3_column_int64(q, 3);
      sums.unsatisfied += sqlite3_column_int64(q, 4);
    }
    sqlite3_reset(q);
    times.push_back(Seconds(q0, Clk::now()) * 1000);
    res.ratings = sums.ratings;
    res.satisfied = sums.satisfied;
    res.neutral = sums.neutral;
    res.unsatisfied = sums.unsatisfied;
    res.offices = sums.offices;
  }
  sqlite3_finalize(q);
  sqlite3_close(db);
  res.aggregate_ms = Median(times);
  return res;
}

}  // namespace

int main(int argc, char** argv) {
  std::string hub_program = HAILONG_HUB_PATH;
  std::string dir;
  uint64_t events = 0;
  int offices = 100;
  int runs = 3;
  bool quick = false, keep = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--hub" && i + 1 < argc) {
      hub_program = argv[++i];
    } else if (a == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else if (a == "--events" && i + 1 < argc) {
      events = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--offices" && i + 1 < argc) {
      offices = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--quick") {
      quick = true;
    } else if (a == "--keep") {
      keep = true;
    } else if (a == "--version") {
      std::printf("hailong-bench-hub %s\n", kVersion);
      return 0;
    } else {
      std::printf(
          "usage: hailong-bench-hub [--hub PATH] [--events N] [--offices N] [--runs N] [--quick] "
          "[--dir DIR] [--keep]\n"
          "  --events N   events in the log (default 10000000; --quick 500000)\n"
          "  --offices N  offices, one edge origin each (default 100)\n"
          "  --runs N     rebuilds and single queries, median (default 3; --quick 1)\n"
          "  --dir DIR    scratch directory (default a new one under $TMPDIR), removed after\n"
          "               unless --keep\n");
      return a == "--help" ? 0 : 2;
    }
  }
  if (events == 0) events = quick ? 500000 : 10000000;
  if (quick) runs = 1;
  const int wrk_seconds = quick ? 3 : 10;
  if (dir.empty()) {
    dir = (fs::temp_directory_path() / ("hailong-bench-hub-" + std::to_string(getpid()))).string();
  }
  fs::remove_all(dir);
  fs::create_directories(dir + "/data");
  int64_t year_start = 0;
  Check(ParseVietnamDay(kFrom, &year_start), "year start");
  if (sodium_init() < 0) Fail("libsodium");

  // 1. The log.
  std::printf("# hailong-bench-hub %s: generating %llu events for %d offices...\n", kVersion,
              static_cast<unsigned long long>(events), offices);
  std::fflush(stdout);
  std::vector<Rating> ratings;
  ratings.reserve(events * 3 / 5 + offices);
  uint64_t log_bytes = 0;
  double scan_rate = 0, generate_s = 0;
  {
    replication::EventLogOptions o;
    o.origin = "hub";
    o.sync = false;
    std::unique_ptr<replication::EventLog> log;
    Check(replication::EventLog::Open(o, dir + "/data/log", &log), "open the hub's log");
    const auto g0 = Clk::now();
    for (int office = 0; office < offices; ++office) {
      const uint64_t n = events / offices + (static_cast<uint64_t>(office) < events % offices);
      log_bytes += GenerateOffice(log.get(), office, n, year_start, &ratings);
    }
    Check(log->store()->CompactAll(), "compact");
    generate_s = Seconds(g0, Clk::now());
    // The ceiling: every event read and verified once, as a rebuild must.
    std::vector<double> rates;
    for (int run = 0; run < runs; ++run) {
      uint64_t scanned = 0;
      const auto s0 = Clk::now();
      for (const auto& origin : log->Origins()) {
        Check(log->Scan(origin, 1,
                        [&](uint64_t, std::string_view, const fb::Event&) {
                          ++scanned;
                          return true;
                        }),
              "scan");
      }
      rates.push_back(scanned / Seconds(s0, Clk::now()));
    }
    scan_rate = Median(rates);
  }
  std::printf("# generated in %.1f s (%.0f MB of events); rebuilding...\n", generate_s,
              log_bytes / 1e6);
  std::fflush(stdout);

  // The hub's configuration: one node per office, one admin.
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, kPassword, std::strlen(kPassword), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    Fail("crypto_pwhash_str");
  }
  const uint16_t port = FreePort();
  json nodes = json::array();
  for (int office = 0; office < offices; ++office) {
    const std::string token = "bench-token-" + std::to_string(office);
    nodes.push_back({{"id", "edge-" + OfficeId(office)},
                     {"office_id", OfficeId(office)},
                     {"token_sha256", schema::HexEncode(schema::Sha256(token))}});
  }
  const json config = {
      {"data_dir", dir + "/data"},
      {"http", {{"listen", "127.0.0.1:" + std::to_string(port)}}},
      {"nodes", nodes},
      {"users",
       {{{"name", "bench"}, {"role", "admin"}, {"offices", {"*"}}, {"password_hash", hash}}}}};
  const std::string config_path = dir + "/hub.json";
  std::ofstream(config_path) << config.dump(2);

  // 2. Rebuild: the real program, wall time.
  std::vector<double> rebuild_s, rebuild_inner_rate;
  uint64_t rebuilt = 0;
  for (int run = 0; run < runs; ++run) {
    const std::string out = dir + "/rebuild-" + std::to_string(run) + ".out";
    const auto r0 = Clk::now();
    const int rc = RunProcess({hub_program, "--config", config_path, "--rebuild"}, out);
    rebuild_s.push_back(Seconds(r0, Clk::now()));
    const std::string text = ReadFile(out);
    if (rc != 0) Fail("hailong-hub --rebuild exited with " + std::to_string(rc) + ":\n" + text);
    unsigned long long n = 0;
    size_t origins = 0;
    double secs = 0;
    const size_t at = text.find("rebuilt read models:");
    if (at == std::string::npos ||
        std::sscanf(text.c_str() + at, "rebuilt read models: %llu events from %zu origins in %lf s",
                    &n, &origins, &secs) != 3) {
      Fail("unexpected output of hailong-hub --rebuild:\n" + text);
    }
    rebuilt = n;
    rebuild_inner_rate.push_back(secs > 0 ? n / secs : 0);
  }
  if (rebuilt < events) {
    std::fprintf(stderr, "bench: the rebuild applied %llu events of %llu\n",
                 static_cast<unsigned long long>(rebuilt), static_cast<unsigned long long>(events));
  }
  const double rebuild_rate = rebuilt / Median(rebuild_s);

  // 3. Reports from a running hub.
  std::printf("# querying reports...\n");
  std::fflush(stdout);
  const HubProcess hub = StartHub(hub_program, config_path, dir + "/hub.out", port);
  HttpReply login;
  if (!Http(port, "POST", "/api/v1/login", "",
            json{{"name", "bench"}, {"password", kPassword}}.dump(), &login) ||
      login.status != 200) {
    StopHub(hub);
    Fail("login failed: " + std::to_string(login.status) + " " + login.body);
  }
  std::string cookie;
  {
    std::string lower = login.headers;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    const size_t at = lower.find("set-cookie:");
    if (at == std::string::npos) Fail("login answered no cookie");
    size_t v = at + 11;
    while (v < login.headers.size() && login.headers[v] == ' ') ++v;
    cookie = login.headers.substr(v, login.headers.find_first_of(";\r", v) - v);
  }
  const std::string target =
      std::string("/api/v1/report?from=") + kFrom + "&to=" + kTo + "&group_by=office";
  // One request at a time, aggregated afresh: the figure beside SQLite's.
  std::vector<double> single_ms;
  json report;
  for (int run = 0; run < std::max(5, runs * 3); ++run) {
    HttpReply r;
    const auto q0 = Clk::now();
    const bool ok =
        Http(port, "GET", target, "Cookie: " + cookie + "\r\nCache-Control: no-cache\r\n", "", &r);
    single_ms.push_back(Seconds(q0, Clk::now()) * 1000);
    if (!ok || r.status != 200) {
      StopHub(hub);
      Fail("report answered " + std::to_string(r.status) + ": " + r.body);
    }
    report = json::parse(r.body, nullptr, false);
  }
  const WrkResult fresh = RunWrk(port, {"Cookie: " + cookie, "Cache-Control: no-cache"}, target,
                                 wrk_seconds, dir + "/wrk-fresh.out");
  const WrkResult cached =
      RunWrk(port, {"Cookie: " + cookie}, target, wrk_seconds, dir + "/wrk-cached.out");
  StopHub(hub);

  // 4. SQLite, the same ratings and aggregation.
  std::printf("# loading SQLite...\n");
  std::fflush(stdout);
  const SqliteResult lite = RunSqlite(dir + "/ratings.sqlite", ratings, std::max(3, runs));

  // The two must agree.
  uint64_t hub_ratings = 0, hub_sat = 0, hub_neu = 0, hub_unsat = 0;
  size_t hub_rows = 0;
  if (report.is_object() && report.contains("totals")) {
    const json& t = report["totals"];
    hub_ratings = t.value("ratings", uint64_t{0});
    hub_sat = t.value("satisfied", uint64_t{0});
    hub_neu = t.value("neutral", uint64_t{0});
    hub_unsat = t.value("unsatisfied", uint64_t{0});
    hub_rows = report.value("rows", json::array()).size();
  }
  const bool agree = hub_ratings == lite.ratings && hub_sat == lite.satisfied &&
                     hub_neu == lite.neutral && hub_unsat == lite.unsatisfied &&
                     hub_rows == lite.offices;
  if (!keep) fs::remove_all(dir);

  const double single = Median(single_ms);
  std::printf(
      "\n# hailong-bench-hub %s: %llu events (%llu ratings) of %d offices over 2026, %s\n\n",
      kVersion, static_cast<unsigned long long>(rebuilt),
      static_cast<unsigned long long>(ratings.size()), offices,
      runs == 1 ? "one run" : ("median of " + std::to_string(runs) + " runs").c_str());
  std::printf("| figure | value | target | ceiling / peer measured in this run | ratio |\n");
  std::printf("|---|---:|---:|---:|---:|\n");
  std::printf(
      "| rebuild, `hailong-hub --rebuild` (process wall time), events/s | %.0f | >= 1000000 | "
      "%.0f events/s verified scan of the same log | %.2f |\n",
      rebuild_rate, scan_rate, rebuild_rate / scan_rate);
  std::printf(
      "| rebuild, the hub's own timing (printed by --rebuild), events/s | %.0f | >= 1000000 | "
      "%.0f | %.2f |\n",
      Median(rebuild_inner_rate), scan_rate, Median(rebuild_inner_rate) / scan_rate);
  std::printf(
      "| full rebuild vs SQLite load + index + aggregation of the ratings, s | %.2f | - | %.2f "
      "SQLite | %.2f |\n",
      Median(rebuild_s), lite.load_s + lite.aggregate_ms / 1000,
      Median(rebuild_s) / (lite.load_s + lite.aggregate_ms / 1000));
  std::printf(
      "| one report by office over the year (HTTP, no-cache, one at a time), ms | %.2f | - | "
      "%.2f SQLite GROUP BY office | %.3g |\n",
      single, lite.aggregate_ms, single / lite.aggregate_ms);
  const auto wrk_rows = [&](const WrkResult& w, const char* what) {
    if (!w.ran) {
      std::printf(
          "| report by office, %s, 200 connections (wrk) | not measured: %s | <= 50 ms p99 "
          "| - | - |\n",
          what, w.problem.c_str());
      return;
    }
    std::printf(
        "| report by office, %s, 200 connections (wrk %d s), p99 ms | %.1f | <= 50 | "
        "%.2f SQLite GROUP BY office | %.3g |\n",
        what, wrk_seconds, w.p99_ms, lite.aggregate_ms, w.p99_ms / lite.aggregate_ms);
    std::printf("| report by office, %s, p50 ms / requests/s | %.1f / %.0f | - | - | - |\n", what,
                w.p50_ms, w.rps);
  };
  wrk_rows(fresh, "every answer aggregated afresh (no-cache)");
  wrk_rows(cached, "as dashboards ask it (the hub's cache)");
  std::printf("\n");
  std::printf("- log: %llu events, %.0f MB, %d origins; generated and compacted in %.1f s\n",
              static_cast<unsigned long long>(events), log_bytes / 1e6, offices, generate_s);
  std::printf("- SQLite %s: %llu ratings loaded in %.2f s (file database, journal off)\n",
              sqlite3_libversion(), static_cast<unsigned long long>(lite.ratings), lite.load_s);
  std::printf(
      "- hub and SQLite totals %s: hub %llu ratings (%llu / %llu / %llu) in %zu rows, "
      "SQLite %llu (%llu / %llu / %llu) in %zu rows\n",
      agree ? "agree" : "DIFFER", static_cast<unsigned long long>(hub_ratings),
      static_cast<unsigned long long>(hub_sat), static_cast<unsigned long long>(hub_neu),
      static_cast<unsigned long long>(hub_unsat), hub_rows,
      static_cast<unsigned long long>(lite.ratings),
      static_cast<unsigned long long>(lite.satisfied),
      static_cast<unsigned long long>(lite.neutral),
      static_cast<unsigned long long>(lite.unsatisfied), lite.offices);
  if (!fresh.problem.empty()) std::printf("- wrk (no-cache): %s\n", fresh.problem.c_str());
  if (!cached.problem.empty()) std::printf("- wrk (cached): %s\n", cached.problem.c_str());
  return agree ? 0 : 1;
}
