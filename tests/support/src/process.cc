#include "hailong/testing/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "hailong/testing/temp_dir.h"

extern char** environ;

namespace hailong::testing {
namespace {

int DecodeWaitStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Forks and execs argv with stdout+stderr to `out_fd` and stdin from
// `in_fd` (-1 = /dev/null). Returns the pid or -1.
pid_t Spawn(const ProcessOptions& options, int out_fd, int in_fd) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
  for (const auto& extra : options.env) env_strings.push_back(extra);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = options.argv;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_t pid = ::fork();
  if (pid != 0) return pid;
  // Child: only async-signal-safe calls from here on.
  int null_fd = ::open("/dev/null", O_RDWR);
  ::dup2(in_fd >= 0 ? in_fd : null_fd, 0);
  ::dup2(out_fd >= 0 ? out_fd : null_fd, 1);
  ::dup2(out_fd >= 0 ? out_fd : null_fd, 2);
  if (!options.cwd.empty() && ::chdir(options.cwd.c_str()) != 0) ::_exit(126);
  // Reset signal dispositions the test runner may have changed.
  ::signal(SIGPIPE, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (std::strchr(argv[0], '/') != nullptr) {
    ::execve(argv[0], argv.data(), envp.data());
  } else {
    environ = envp.data();
    ::execvp(argv[0], argv.data());
  }
  ::_exit(127);
}

}  // namespace

Status Process::Start(const ProcessOptions& options, std::unique_ptr<Process>* out) {
  if (options.argv.empty()) return Status::InvalidArgument("no program");
  int fd = -1;
  if (!options.log_file.empty()) {
    fd = ::open(options.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return Status::IOError("cannot open " + options.log_file);
  }
  pid_t pid = Spawn(options, fd, -1);
  if (fd >= 0) ::close(fd);
  if (pid < 0) return Status::IOError(std::string("fork: ") + std::strerror(errno));
  out->reset(new Process(pid, options.log_file));
  return Status::OK();
}

Process::~Process() {
  if (!reaped_) Kill();
}

bool Process::Running() {
  if (reaped_) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    reaped_ = true;
    exit_code_ = DecodeWaitStatus(status);
    return false;
  }
  return r == 0;
}

void Process::Signal(int signal) {
  if (!reaped_) ::kill(pid_, signal);
}

Status Process::Wait(std::chrono::milliseconds timeout, int* exit_code) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (Running()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::Unavailable("process " + std::to_string(pid_) + " still running");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (exit_code != nullptr) *exit_code = exit_code_;
  return Status::OK();
}

int Process::Stop(std::chrono::milliseconds grace) {
  if (reaped_) return exit_code_;
  Signal(SIGTERM);
  int code = -1;
  if (Wait(grace, &code).ok()) return code;
  Kill();
  return exit_code_;
}

void Process::Kill() {
  if (reaped_) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  if (::waitpid(pid_, &status, 0) == pid_) exit_code_ = DecodeWaitStatus(status);
  reaped_ = true;
}

std::string Process::LogTail(size_t max_bytes) const {
  if (log_file_.empty()) return "";
  std::string all = ReadFileOrEmpty(log_file_);
  return all.size() > max_bytes ? all.substr(all.size() - max_bytes) : all;
}

Status RunCommand(const std::vector<std::string>& argv, CommandResult* result,
                  std::chrono::milliseconds timeout, const std::string& stdin_text) {
  *result = CommandResult();
  int out_pipe[2];
  int in_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(in_pipe, O_CLOEXEC) != 0) {
    return Status::IOError("pipe");
  }
  ProcessOptions options;
  options.argv = argv;
  pid_t pid = Spawn(options, out_pipe[1], in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(in_pipe[0]);
  if (pid < 0) {
    ::close(out_pipe[0]);
    ::close(in_pipe[1]);
    return Status::IOError("fork");
  }
  // Feed stdin from a thread so that a large input cannot deadlock with a
  // full output pipe.
  std::thread feeder([fd = in_pipe[1], text = stdin_text] {
    size_t done = 0;
    while (done < text.size()) {
      ssize_t n = ::write(fd, text.data() + done, text.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    ::close(fd);
  });
  ::fcntl(out_pipe[0], F_SETFL, O_NONBLOCK);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool timed_out = false;
  int status = 0;
  bool exited = false;
  char buf[4096];
  while (true) {
    ssize_t n = ::read(out_pipe[0], buf, sizeof(buf));
    if (n > 0) {
      result->output.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n == 0 && exited) break;
    if (!exited && ::waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      continue;  // drain what is left
    }
    if (n == 0 && !exited) {
      // Output closed but the process lives on (closed its stdout).
    }
    if (exited) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      timed_out = true;
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      exited = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  // Last drain.
  while (true) {
    ssize_t n = ::read(out_pipe[0], buf, sizeof(buf));
    if (n <= 0) break;
    result->output.append(buf, static_cast<size_t>(n));
  }
  ::close(out_pipe[0]);
  feeder.join();
  result->exit_code = DecodeWaitStatus(status);
  if (timed_out) return Status::Unavailable("command timed out: " + argv[0]);
  return Status::OK();
}

}  // namespace hailong::testing
