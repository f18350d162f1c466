// hailong-devsim for a test: simulated button boxes (or an ack-only
// responder) against a broker, in the background or to completion, and
// the report it prints with --report-json.
//
// Thread safety: free functions; the Process as in process.h.
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hailong/schema/status.h"
#include "hailong/testing/process.h"

namespace hailong::testing {

// hailong-devsim --broker <broker_url> --office <office> args...
std::vector<std::string> DevsimCommand(const std::string& broker_url, const std::string& office,
                                       const std::vector<std::string>& args);

// Starts it in the background, its output in `log_file`.
Status StartDevsim(const std::string& broker_url, const std::string& office,
                   const std::vector<std::string>& args, const std::string& log_file,
                   std::unique_ptr<Process>* out);

// Runs it to completion (killed after `timeout`); *report = its report
// (LastJsonLine of the output; discarded when there is none).
Status RunDevsim(const std::string& broker_url, const std::string& office,
                 const std::vector<std::string>& args, CommandResult* result,
                 nlohmann::json* report,
                 std::chrono::milliseconds timeout = std::chrono::seconds(60));

// The last line of `output` that starts with '{', parsed (devsim's and
// the responder's --report-json); a discarded value if there is none.
nlohmann::json LastJsonLine(const std::string& output);

}  // namespace hailong::testing
