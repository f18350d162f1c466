#include "hailong/testing/daemon.h"

#include <signal.h>

#include "hailong/testing/ports.h"
#include "hailong/testing/temp_dir.h"
#include "hailong/testing/wait.h"

namespace hailong::testing {

Daemon::Daemon(DaemonOptions options)
    : options_(std::move(options)),
      port_(FreeTcpPort()),
      config_file_(options_.dir + "/" + options_.name + ".json"),
      log_file_(options_.dir + "/" + options_.name + ".log") {}

Daemon::Daemon(std::string name, std::string program, std::string dir)
    : Daemon([&] {
        DaemonOptions o;
        o.name = std::move(name);
        o.program = std::move(program);
        o.dir = std::move(dir);
        return o;
      }()) {}

Daemon::~Daemon() { Kill(); }

Status Daemon::WriteConfig(nlohmann::json config) {
  if (!config.is_object()) return Status::InvalidArgument(options_.name + ": config not an object");
  if (!config["http"].is_object()) config["http"] = nlohmann::json::object();
  if (!config["http"].contains("listen")) {
    config["http"]["listen"] = "127.0.0.1:" + std::to_string(port_);
  }
  config_ = std::move(config);
  WriteTextFile(config_file_, config_.dump(2));
  return Status::OK();
}

Status Daemon::Start(nlohmann::json config) {
  Status s = WriteConfig(std::move(config));
  if (!s.ok()) return s;
  return Restart();
}

Status Daemon::Restart() {
  if (config_.is_null()) return Status::InvalidArgument(options_.name + ": never started");
  Kill();
  ProcessOptions p;
  p.argv = options_.wrapper;
  p.argv.insert(p.argv.end(), {options_.program, "--config", config_file_});
  p.env = options_.env;
  p.log_file = log_file_;
  Status s = Process::Start(p, &process_);
  if (!s.ok()) return s;
  s = WaitForHttpOk("127.0.0.1", port_, "/healthz", options_.ready_timeout);
  if (!s.ok()) {
    return Status::Unavailable(options_.name + ": " + s.message() + "\n" + LogTail());
  }
  return Status::OK();
}

int Daemon::Stop(std::chrono::milliseconds grace) {
  if (!process_) return -1;
  const int code = process_->Stop(grace);
  process_.reset();
  return code;
}

void Daemon::Kill() {
  if (process_) process_->Kill();
  process_.reset();
}

void Daemon::Signal(int signal) {
  if (process_) process_->Signal(signal);
}

Status Daemon::Run(const std::vector<std::string>& args, CommandResult* result,
                   std::chrono::milliseconds timeout) {
  std::vector<std::string> argv = options_.wrapper;
  argv.insert(argv.end(), {options_.program, "--config", config_file_});
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, result, timeout);
}

std::string Daemon::Log() const { return ReadFileOrEmpty(log_file_); }

std::string Daemon::LogTail(size_t max_bytes) const {
  std::string all = Log();
  return all.size() > max_bytes ? all.substr(all.size() - max_bytes) : all;
}

HttpResponse Daemon::Send(const HttpRequest& request, std::chrono::milliseconds timeout) const {
  HttpResponse response;
  if (!SendHttp("127.0.0.1", port_, request, &response, timeout).ok()) response.status = 0;
  return response;
}

HttpResponse Daemon::Get(const std::string& target,
                         const std::vector<std::pair<std::string, std::string>>& headers) const {
  HttpRequest request;
  request.target = target;
  request.headers = headers;
  return Send(request);
}

HttpResponse Daemon::Post(const std::string& target, const std::string& body,
                          const std::vector<std::pair<std::string, std::string>>& headers,
                          const std::string& content_type) const {
  HttpRequest request;
  request.method = "POST";
  request.target = target;
  request.body = body;
  request.content_type = content_type;
  request.headers = headers;
  return Send(request);
}

}  // namespace hailong::testing
