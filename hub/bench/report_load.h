// Report load over HTTP for the hub benchmarks (hailong-bench-hub,
// hailong-bench-province): a session cookie from POST /api/v1/login, and
// wrk runs with many connections whose p50/p99 latency and requests/s are
// read from wrk's --latency output.
//
// Header-only, for benchmarks only. Thread safety: every function is safe
// to call from any thread.
#pragma once

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace hailong::bench {

struct WrkResult {
  double p50_ms = 0, p99_ms = 0, rps = 0;
  bool ran = false;            // false: wrk is missing or saw non-2xx answers
  bool socket_errors = false;  // timeouts or broken connections
};

// `label` of wrk's latency distribution ("     50%    2.91ms"), not a
// percentage elsewhere in its output ("+/- Stdev ... 85.50%").
inline double WrkMs(const std::string& text, const std::string& label) {
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

// Runs wrk against http://127.0.0.1:`port``target` with `connections`
// connections for `seconds`; `script`: a wrk Lua script ("" = none).
inline WrkResult RunWrk(uint16_t port, const std::string& cookie, const std::string& target,
                        int seconds, const std::string& script = "", int connections = 200) {
  WrkResult r;
  if (std::system("command -v wrk >/dev/null 2>&1") != 0) return r;
  const std::string cmd = "wrk -t2 -c" + std::to_string(connections) + " -d" +
                          std::to_string(seconds) + "s --timeout 10s --latency " +
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
  // Timeouts (10 s) and broken connections: their requests are not in the
  // percentiles, so the run is marked.
  r.socket_errors = out.find("Socket errors") != std::string::npos;
  if (r.socket_errors) std::fprintf(stderr, "bench: wrk saw socket errors:\n%s\n", out.c_str());
  return r;
}

// Writes a wrk script asking GET /api/v1/report from a random day of
// January to the end of the year with Cache-Control: no-cache, so every
// answer is aggregated afresh (days of January from the day tallies,
// February to December from the roll-ups). `query`: further parameters,
// e.g. "group_by=office".
inline void WriteVariedPeriodScript(const std::string& path, const std::string& query) {
  std::ofstream(path) << "math.randomseed(7)\n"
                         "request = function()\n"
                         "  local d = math.random(1, 31)\n"
                         "  local path = string.format('/api/v1/report?from=2026-01-%02d"
                         "&to=2026-12-31&" +
                             query +
                             "', d)\n"
                             "  local h = {}\n"
                             "  for k, v in pairs(wrk.headers) do h[k] = v end\n"
                             "  h['Cache-Control'] = 'no-cache'\n"
                             "  return wrk.format(nil, path, h)\n"
                             "end\n";
}

// Logs `name` in and returns "hailong_session=..." ("" on failure; a
// synchronous Beast client).
inline std::string LoginCookie(uint16_t port, const std::string& name,
                               const std::string& password) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  namespace asio = boost::asio;
  asio::io_context io;
  beast::tcp_stream stream(io);
  beast::error_code ec;
  stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return "";
  http::request<http::string_body> req{http::verb::post, "/api/v1/login", 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::content_type, "application/json");
  req.body() = nlohmann::json{{"name", name}, {"password", password}}.dump();
  req.prepare_payload();
  http::write(stream, req, ec);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res, ec);
  if (ec) return "";
  const std::string cookie(res[http::field::set_cookie]);
  return cookie.substr(0, cookie.find(';'));
}

}  // namespace hailong::bench
