// hailong-faultproxy: a TCP proxy that injects network faults, for the
// replication and chaos tests. It listens on one address and forwards every
// connection to a target; the fault mode is read from a control file that is
// polled every 50 ms, so scripts and tests switch it at run time with
// `echo "delay 300" > FILE`.
//
// Modes (one line in the control file; an absent or empty file = pass):
//   pass            forward bytes unchanged
//   delay N         forward every byte N ms late (latency, both directions)
//   drop [P]        reset a new connection, and an open one at each chunk it
//                   carries, with probability P percent (default 100)
//   cut             drop 100: reset every open connection and every new one
//   blackhole       accept and read, never forward nor answer; connections
//                   that saw the blackhole are reset when it ends
// Each change of mode is logged on stderr with the counters so far.
//
// Thread safety: one thread runs one io_context; nothing else is shared.
#include <array>
#include <boost/asio.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

enum class Mode { kPass, kDelay, kDrop, kBlackhole };

struct State {
  Mode mode = Mode::kPass;
  int delay_ms = 0;
  int drop_pct = 100;
  uint64_t accepted = 0, reset = 0, bytes = 0;
  std::mt19937 rng{std::random_device{}()};
  bool Roll() { return static_cast<int>(rng() % 100) < drop_pct; }
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(asio::io_context& io, tcp::socket client, State* state)
      : client_(std::move(client)),
        upstream_(io),
        state_(state),
        up_(io, &client_, &upstream_),
        down_(io, &upstream_, &client_) {}

  void Start(const tcp::endpoint& target) {
    if (state_->mode == Mode::kBlackhole) poisoned_ = true;
    if (poisoned_) {
      Read(up_);
      return;
    }
    auto self = shared_from_this();
    upstream_.async_connect(target, [this, self](boost::system::error_code ec) {
      if (ec) return Close(true);
      upstream_.set_option(tcp::no_delay(true), ec);
      connected_ = true;
      Read(up_);
      Read(down_);
    });
  }

  // Resets both sockets (RST, as a dropping network would).
  void Close(bool reset) {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ec;
    for (tcp::socket* s : {&client_, &upstream_}) {
      if (reset) s->set_option(asio::socket_base::linger(true, 0), ec);
      s->close(ec);
    }
    up_.timer.cancel();
    down_.timer.cancel();
  }
  bool closed() const { return closed_; }
  bool poisoned() const { return poisoned_; }
  void Poison() { poisoned_ = true; }

 private:
  struct Pipe {
    Pipe(asio::io_context& io, tcp::socket* f, tcp::socket* t) : from(f), to(t), timer(io) {}
    tcp::socket* from;
    tcp::socket* to;
    std::array<char, 16384> buf{};
    std::deque<std::pair<Clock::time_point, std::string>> queue;
    size_t queued = 0;
    bool reading = false, writing = false, eof = false;
    asio::steady_timer timer;
  };
  static constexpr size_t kMaxQueued = 4 << 20;

  void Read(Pipe& p) {
    if (closed_ || p.reading || p.eof || p.queued > kMaxQueued) return;
    p.reading = true;
    auto self = shared_from_this();
    p.from->async_read_some(asio::buffer(p.buf),
                            [this, self, &p](boost::system::error_code ec, size_t n) {
                              p.reading = false;
                              if (closed_) return;
                              if (ec) {
                                if (ec != asio::error::eof || poisoned_) return Close(false);
                                p.eof = true;
                                if (p.queue.empty()) FinishDirection(p);
                                return;
                              }
                              if (state_->mode == Mode::kBlackhole) poisoned_ = true;
                              if (poisoned_) return Read(p);  // swallowed
                              if (state_->mode == Mode::kDrop && state_->Roll()) {
                                ++state_->reset;
                                return Close(true);
                              }
                              const int delay = state_->mode == Mode::kDelay ? state_->delay_ms : 0;
                              p.queue.emplace_back(Clock::now() + std::chrono::milliseconds(delay),
                                                   std::string(p.buf.data(), n));
                              p.queued += n;
                              state_->bytes += n;
                              Write(p);
                              Read(p);
                            });
  }

  void Write(Pipe& p) {
    if (closed_ || p.writing || p.queue.empty()) return;
    p.writing = true;
    auto self = shared_from_this();
    p.timer.expires_at(p.queue.front().first);
    p.timer.async_wait([this, self, &p](boost::system::error_code) {
      if (closed_) return;
      asio::async_write(*p.to, asio::buffer(p.queue.front().second),
                        [this, self, &p](boost::system::error_code ec, size_t n) {
                          p.writing = false;
                          if (closed_) return;
                          if (ec) return Close(true);
                          p.queued -= n;
                          p.queue.pop_front();
                          if (p.queue.empty() && p.eof) return FinishDirection(p);
                          Write(p);
                          Read(p);
                        });
    });
  }

  void FinishDirection(Pipe& p) {
    boost::system::error_code ec;
    p.to->shutdown(tcp::socket::shutdown_send, ec);
    if (up_.eof && down_.eof && up_.queue.empty() && down_.queue.empty()) Close(false);
  }

  tcp::socket client_, upstream_;
  State* state_;
  Pipe up_, down_;
  bool closed_ = false, poisoned_ = false, connected_ = false;
};

class Proxy {
 public:
  Proxy(asio::io_context& io, tcp::endpoint listen, tcp::endpoint target, std::string control)
      : io_(io), acceptor_(io, listen), target_(target), control_(std::move(control)), poll_(io) {}

  void Run() {
    Accept();
    Poll();
  }

 private:
  void Accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (!ec) {
        ++state_.accepted;
        if (state_.mode == Mode::kDrop && state_.Roll()) {
          ++state_.reset;
          socket.set_option(asio::socket_base::linger(true, 0), ec);
          socket.close(ec);
        } else {
          socket.set_option(tcp::no_delay(true), ec);
          auto s = std::make_shared<Session>(io_, std::move(socket), &state_);
          sessions_.push_back(s);
          s->Start(target_);
        }
      }
      Accept();
    });
  }

  void Poll() {
    std::string text;
    if (!control_.empty()) {
      std::ifstream in(control_);
      std::getline(in, text);
    }
    if (text != last_) {
      last_ = text;
      Apply(text);
    }
    std::erase_if(sessions_, [](const std::weak_ptr<Session>& w) {
      auto s = w.lock();
      return !s || s->closed();
    });
    poll_.expires_after(std::chrono::milliseconds(50));
    poll_.async_wait([this](boost::system::error_code ec) {
      if (!ec) Poll();
    });
  }

  void Apply(const std::string& line) {
    std::istringstream in(line);
    std::string word;
    in >> word;
    const Mode before = state_.mode;
    if (word.empty() || word == "pass") {
      state_.mode = Mode::kPass;
    } else if (word == "delay") {
      state_.mode = Mode::kDelay;
      if (!(in >> state_.delay_ms)) state_.delay_ms = 1000;
    } else if (word == "drop" || word == "cut") {
      state_.mode = Mode::kDrop;
      if (word == "cut" || !(in >> state_.drop_pct)) state_.drop_pct = 100;
    } else if (word == "blackhole") {
      state_.mode = Mode::kBlackhole;
    } else {
      std::fprintf(stderr, "faultproxy: unknown mode '%s' ignored\n", line.c_str());
      return;
    }
    for (auto& w : sessions_) {
      auto s = w.lock();
      if (!s) continue;
      if (state_.mode == Mode::kDrop && state_.drop_pct >= 100) s->Close(true);
      if (state_.mode == Mode::kBlackhole) s->Poison();
      if (before == Mode::kBlackhole && state_.mode != Mode::kBlackhole && s->poisoned()) {
        s->Close(true);
      }
    }
    std::fprintf(stderr, "faultproxy: mode '%s' (accepted %llu, reset %llu, bytes %llu)\n",
                 line.c_str(), static_cast<unsigned long long>(state_.accepted),
                 static_cast<unsigned long long>(state_.reset),
                 static_cast<unsigned long long>(state_.bytes));
  }

  asio::io_context& io_;
  tcp::acceptor acceptor_;
  tcp::endpoint target_;
  std::string control_, last_;
  asio::steady_timer poll_;
  State state_;
  std::vector<std::weak_ptr<Session>> sessions_;
};

bool ParseEndpoint(const std::string& text, tcp::endpoint* out) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(text.substr(0, colon), ec);
  const long port = std::strtol(text.c_str() + colon + 1, nullptr, 10);
  if (ec || port <= 0 || port > 65535) return false;
  *out = tcp::endpoint(addr, static_cast<uint16_t>(port));
  return true;
}

constexpr char kUsage[] =
    "Usage: hailong-faultproxy --listen HOST:PORT --target HOST:PORT [--control FILE]\n"
    "A TCP proxy that injects faults for tests. FILE holds one line: pass | delay N |\n"
    "drop [P] | cut | blackhole (polled every 50 ms; absent = pass).\n";

}  // namespace

int main(int argc, char** argv) {
  std::string listen, target, control;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--listen") {
      listen = next();
    } else if (a == "--target") {
      target = next();
    } else if (a == "--control") {
      control = next();
    } else if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (a == "--version") {
      std::puts("hailong-faultproxy 1");
      return 0;
    } else {
      std::fprintf(stderr, "hailong-faultproxy: unknown argument %s\n%s", a.c_str(), kUsage);
      return 2;
    }
  }
  tcp::endpoint l, t;
  if (!ParseEndpoint(listen, &l) || !ParseEndpoint(target, &t)) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  try {
    asio::io_context io;
    Proxy proxy(io, l, t, control);
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code, int) { io.stop(); });
    proxy.Run();
    std::fprintf(stderr, "faultproxy: %s -> %s\n", listen.c_str(), target.c_str());
    io.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "hailong-faultproxy: %s\n", e.what());
    return 1;
  }
  return 0;
}
