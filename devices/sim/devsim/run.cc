// hailong-devsim's runs: see run.h.
#include "run.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "hailong/survey/template_codec.h"
#include "hailong/survey/template_registry.h"

namespace hailong::devsim_cli {
namespace {

using devices::Simulator;

std::atomic<Simulator*> g_simulator{nullptr};
std::atomic<int> g_signals{0};

void OnSignal(int) {
  const int n = g_signals.fetch_add(1) + 1;
  Simulator* sim = g_simulator.load();
  if (sim == nullptr) return;
  if (n == 1) {
    sim->Stop();
  } else {
    sim->Abort();
  }
}

}  // namespace

int RunResponder(const DevsimArgs& args) {
  const bool en = args.en;
  const bool progress = args.sim.progress;
  const double duration_s = args.sim.duration_s;
  devices::AckResponder responder(ResponderOptions(args));
  Status s = responder.Start();
  if (!s.ok()) {
    std::cerr << s.message() << "\n";
    return 2;
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  // Subscribed: what devices publish from now on reaches the responder.
  std::fprintf(stderr, en ? "responder: ready\n" : "responder: sẵn sàng\n");
  const auto start = std::chrono::steady_clock::now();
  uint64_t last = 0;
  int seconds = 0;
  while (g_signals.load() == 0 &&
         (duration_s <= 0 ||
          std::chrono::steady_clock::now() - start < std::chrono::duration<double>(duration_s))) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (progress && std::chrono::steady_clock::now() - start >= std::chrono::seconds(seconds + 1)) {
      ++seconds;
      uint64_t now = responder.stored();
      std::fprintf(stderr,
                   en ? "t=%ds stored=%llu stored/s=%llu rejected=%llu received=%llu\n"
                      : "t=%ds đã xác nhận=%llu xác nhận/giây=%llu từ chối=%llu đã nhận=%llu\n",
                   seconds, static_cast<unsigned long long>(now),
                   static_cast<unsigned long long>(now - last),
                   static_cast<unsigned long long>(responder.rejected()),
                   static_cast<unsigned long long>(responder.received()));
      last = now;
    }
  }
  responder.Stop();
  if (args.report_json) {
    std::cout << nlohmann::json{{"stored", responder.stored()},
                                {"repeated", responder.repeated()},
                                {"rejected", responder.rejected()},
                                {"publish_errors", responder.publish_errors()},
                                {"received", responder.received()},
                                {"received_per_s", responder.received_per_s()}}
                     .dump()
              << std::endl;
  }
  return 0;
}

int RunSimulator(const DevsimArgs& args) {
  std::unique_ptr<Simulator> sim;
  Status s = Simulator::Create(args.sim, &sim);
  if (!s.ok()) {
    std::cerr << s.message() << "\n";
    return 2;
  }
  g_simulator.store(sim.get());
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);

  devices::SimulatorReport report;
  s = sim->Run(&report);
  g_simulator.store(nullptr);
  if (!s.ok()) {
    std::cerr << s.message() << "\n";
    return 2;
  }
  if (args.report_json) std::cout << report.ToJson().dump() << std::endl;
  if (!args.quiet || !args.report_json) {
    std::fprintf(
        stderr,
        args.en ? "sent %llu, stored %llu, rejected %llu, unacked %llu, resent %llu; "
                  "%.0f stored/s; ack latency p50 %.2f ms, p99 %.2f ms\n"
                : "đã gửi %llu, đã lưu %llu, bị từ chối %llu, chưa xác nhận %llu, gửi lại %llu; "
                  "%.0f lượt lưu/giây; độ trễ xác nhận p50 %.2f ms, p99 %.2f ms\n",
        static_cast<unsigned long long>(report.sent),
        static_cast<unsigned long long>(report.acked_stored),
        static_cast<unsigned long long>(report.rejected),
        static_cast<unsigned long long>(report.unacked),
        static_cast<unsigned long long>(report.resent), report.acked_per_s, report.latency_p50_ms,
        report.latency_p99_ms);
  }
  return report.ExitCode();
}

int ListTemplates() {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& t : survey::BuiltinTemplates()) {
    list.push_back(survey::TemplateToJson(t));
  }
  std::cout << nlohmann::json{{"templates", list}}.dump(2) << "\n";
  return 0;
}

}  // namespace hailong::devsim_cli
