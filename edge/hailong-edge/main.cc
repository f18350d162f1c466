// hailong-edge: the office node. See edge/README.md.
//
//   hailong-edge --config FILE
//
// Exit status: 0 after SIGINT/SIGTERM, 2 for a bad command line or
// configuration (the message names the key), 1 if it cannot start.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "hailong/edge/config.h"
#include "hailong/edge/edge_node.h"
#include "hailong/schema/version.h"

int main(int argc, char** argv) {
  CLI::App app{
      "hailong-edge: the Hài Lòng office node. Takes ratings from button boxes (MQTT), the\n"
      "counter kiosk and the phone survey (HTTP), stores them durably in the office's event log\n"
      "and ships the log to the hub.",
      "hailong-edge"};
  std::string config_file;
  app.add_option("--config", config_file, "configuration file (JSON, see edge/README.md)")
      ->required();
  app.set_version_flag("--version", std::string("hailong-edge ") + hailong::kVersion);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }

  hailong::edge::EdgeConfig config;
  hailong::Status s = hailong::edge::LoadEdgeConfig(config_file, &config);
  if (!s.ok()) {
    std::cerr << "hailong-edge: configuration error: " << s.message() << "\n";
    return 2;
  }

  // Signals are taken by sigwait below; every thread started from here on
  // inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  std::unique_ptr<hailong::edge::EdgeNode> node;
  s = hailong::edge::EdgeNode::Start(config, {}, &node);
  if (!s.ok()) {
    std::cerr << "hailong-edge: cannot start: " << s.ToString() << "\n";
    return s.IsInvalidArgument() ? 2 : 1;
  }
  int sig = 0;
  sigwait(&signals, &sig);
  std::cerr << "hailong-edge: " << (sig == SIGINT ? "SIGINT" : "SIGTERM") << ", stopping\n";
  node->Stop();
  std::cerr << "hailong-edge: stopped\n";
  return 0;
}
