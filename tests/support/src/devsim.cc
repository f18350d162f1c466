#include "hailong/testing/devsim.h"

#include "hailong/testing/programs.h"

namespace hailong::testing {

std::vector<std::string> DevsimCommand(const std::string& broker_url, const std::string& office,
                                       const std::vector<std::string>& args) {
  std::vector<std::string> argv = {DevsimProgram(), "--broker", broker_url, "--office", office};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

Status StartDevsim(const std::string& broker_url, const std::string& office,
                   const std::vector<std::string>& args, const std::string& log_file,
                   std::unique_ptr<Process>* out) {
  ProcessOptions p;
  p.argv = DevsimCommand(broker_url, office, args);
  p.log_file = log_file;
  return Process::Start(p, out);
}

Status RunDevsim(const std::string& broker_url, const std::string& office,
                 const std::vector<std::string>& args, CommandResult* result,
                 nlohmann::json* report, std::chrono::milliseconds timeout) {
  Status s = RunCommand(DevsimCommand(broker_url, office, args), result, timeout);
  *report = LastJsonLine(result->output);
  return s;
}

nlohmann::json LastJsonLine(const std::string& output) {
  size_t end = output.size();
  while (end > 0) {
    size_t start = output.rfind('\n', end - 1);
    start = start == std::string::npos ? 0 : start + 1;
    if (start < end && output[start] == '{') {
      return nlohmann::json::parse(output.substr(start, end - start), nullptr, false);
    }
    if (start == 0) break;
    end = start - 1;
  }
  return nlohmann::json(nlohmann::json::value_t::discarded);
}

}  // namespace hailong::testing
