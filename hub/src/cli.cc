#include "hailong/hub/cli.h"

#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "hailong/hub/config.h"
#include "hailong/hub/hub.h"
#include "hailong/schema/version.h"

namespace hailong::hub {

int RunHubMain(int argc, char** argv) {
  CLI::App app{
      "hailong-hub: trung tâm cấp huyện của Hài Lòng — nhận nhật ký từ các điểm (edge), "
      "dựng mô hình đọc, báo cáo, bảng điều khiển.\n"
      "The Hài Lòng district hub: receives the edges' logs, keeps the read models, serves "
      "reports and the dashboard.",
      "hailong-hub"};
  std::string config_path;
  bool rebuild = false;
  app.add_option("--config", config_path, "tệp cấu hình JSON / configuration file (JSON)");
  app.add_flag("--rebuild", rebuild,
               "dựng lại mọi mô hình đọc từ nhật ký rồi thoát / rebuild every read model from "
               "the log, then exit");
  app.set_version_flag("--version", std::string("hailong-hub ") + kVersion);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  if (config_path.empty()) {
    std::cerr << "hailong-hub: cần --config FILE (--config is required)\n";
    return 2;
  }
  HubConfig config;
  Status s = LoadHubConfig(config_path, &config);
  if (!s.ok()) {
    std::cerr << "hailong-hub: cấu hình không hợp lệ / bad configuration: " << s.message() << "\n";
    return 2;
  }

  // Block the stop signals in every thread; the main thread waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  std::unique_ptr<Hub> hub;
  s = Hub::Open(config, &hub);
  if (!s.ok()) {
    std::cerr << "hailong-hub: không mở được dữ liệu / cannot open the data: " << s.ToString()
              << "\n";
    return 1;
  }
  if (rebuild) {
    RebuildStats stats;
    s = hub->Rebuild(&stats);
    if (!s.ok()) {
      std::cerr << "hailong-hub: dựng lại thất bại / rebuild failed: " << s.ToString() << "\n";
      return 1;
    }
    std::printf("rebuilt read models: %llu events from %zu origins in %.3f s (%.0f events/s)\n",
                static_cast<unsigned long long>(stats.events), stats.origins, stats.seconds,
                stats.seconds > 0 ? stats.events / stats.seconds : 0.0);
    return 0;
  }
  s = hub->Start();
  if (!s.ok()) {
    std::cerr << "hailong-hub: không khởi động được / cannot start: " << s.ToString() << "\n";
    return 1;
  }
  std::printf("hailong-hub %s listening on http://%s:%u (data %s, %zu nodes, %zu users)\n",
              kVersion, config.http.host.c_str(), hub->port(), config.data_dir.c_str(),
              config.nodes.size(), config.users.size());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  std::printf("hailong-hub: stopping (signal %d)\n", sig);
  std::fflush(stdout);
  hub->Stop();
  return 0;
}

}  // namespace hailong::hub
