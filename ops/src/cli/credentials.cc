#include "credentials.h"

#include <unistd.h>

#include <fstream>

namespace hailong::ops::cli {

NoEcho::NoEcho() {
  if (::tcgetattr(STDIN_FILENO, &saved_) == 0) {
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    active_ = ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
  }
}

NoEcho::~NoEcho() {
  if (active_) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
}

bool ReadLine(std::istream& in, std::string* line) {
  line->clear();
  if (!std::getline(in, *line) && line->empty()) return false;
  if (!line->empty() && line->back() == '\r') line->pop_back();
  return true;
}

Status ReadTokenFile(const std::string& path, std::string* token) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot read the token file " + path);
  std::getline(in, *token);
  const char* ws = " \t\r\n";
  token->erase(0, token->find_first_not_of(ws));
  token->erase(token->find_last_not_of(ws) + 1);
  if (token->empty()) return Status::InvalidArgument("the token file " + path + " is empty");
  return Status::OK();
}

Status ReadPassword(const Context& ctx, const std::string& file, std::string* password) {
  password->clear();
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) return Status::NotFound("cannot read the password file " + file);
    ReadLine(in, password);
  } else if (ctx.streams.stdin_is_terminal) {
    NoEcho quiet;
    ctx.err() << ctx.T("Mật khẩu: ", "Password: ") << std::flush;
    ReadLine(ctx.streams.in, password);
    ctx.err() << "\n";
  } else {
    ReadLine(ctx.streams.in, password);
  }
  if (password->empty()) return Status::InvalidArgument("the password is empty");
  return Status::OK();
}

}  // namespace hailong::ops::cli
