// The hailong-hub command line: --config FILE [--rebuild], --help, --version.
// Exit status: 0 after a clean stop (SIGINT/SIGTERM) or a finished rebuild,
// 1 when the hub fails at run time, 2 for a bad command line or configuration
// (the message names the key).
#pragma once

namespace hailong::hub {

int RunHubMain(int argc, char** argv);

}  // namespace hailong::hub
