// hailongctl hash-password
#include <iostream>
#include <string>

#include "commands.h"
#include "credentials.h"
#include "hailong/ops/tokens.h"

namespace hailong::ops::cli {

void AddHashPasswordCommand(CLI::App& app, Context& ctx) {
  CLI::App* cmd = app.add_subcommand(
      "hash-password",
      ctx.T("Đọc một mật khẩu từ stdin, in chuỗi băm Argon2id cho password_hash của hub",
            "Read one password from stdin, print its Argon2id hash for the hub's password_hash"));
  cmd->callback([&ctx] {
    std::istream& in = ctx.streams.in;
    const bool terminal = ctx.streams.stdin_is_terminal;
    std::string password;
    bool read = false;
    {
      std::string again;
      std::unique_ptr<NoEcho> quiet;
      if (terminal) {
        quiet = std::make_unique<NoEcho>();
        ctx.err() << ctx.T("Mật khẩu: ", "Password: ") << std::flush;
      }
      read = ReadLine(in, &password);
      if (terminal && read && !password.empty()) {
        ctx.err() << "\n" << ctx.T("Nhập lại mật khẩu: ", "Repeat the password: ") << std::flush;
        if (!ReadLine(in, &again) || again != password) {
          ctx.err() << "\n";
          ctx.exit_code = ctx.Fail(
              Status::InvalidArgument(ctx.T("hai lần nhập không khớp", "the passwords differ")),
              kExitUsage);
          return;
        }
      }
      if (terminal) ctx.err() << "\n";
    }
    if (!read || password.empty()) {
      ctx.exit_code = ctx.Fail(
          Status::InvalidArgument(ctx.T("mật khẩu rỗng", "the password is empty")), kExitUsage);
      return;
    }
    std::string hash;
    Status s = HashPassword(password, &hash);
    std::fill(password.begin(), password.end(), '\0');
    if (!s.ok()) {
      ctx.exit_code = ctx.Fail(s, ExitFor(s));
      return;
    }
    if (ctx.json) {
      ctx.PrintJson({{"password_hash", hash}});
    } else {
      ctx.out() << hash << "\n";
    }
    ctx.exit_code = kExitOk;
  });
}

}  // namespace hailong::ops::cli
