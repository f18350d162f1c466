// What hailong-devsim runs once its command line is read. Each returns the
// program's exit status: 0, 1 when ratings stayed unacked or a good one was
// rejected (SimulatorReport::ExitCode), 2 on a usage or start-up error.
#pragma once

#include "options.h"

namespace hailong::devsim_cli {

// The simulator (SIGINT/SIGTERM end the pressing, a second one the drain);
// prints the summary and, with --report-json, the report on stdout.
int RunSimulator(const DevsimArgs& args);
// --responder: acks every rating without storing it (the MQTT ceiling),
// until a signal or --duration.
int RunResponder(const DevsimArgs& args);
// --list-templates: the built-in templates as JSON on stdout.
int ListTemplates();

}  // namespace hailong::devsim_cli
