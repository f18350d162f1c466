// hailongctl new-token
#include "commands.h"
#include "hailong/ops/tokens.h"

namespace hailong::ops::cli {

void AddNewTokenCommand(CLI::App& app, Context& ctx) {
  CLI::App* cmd = app.add_subcommand(
      "new-token", ctx.T("Tạo mã thông báo (token) mới cho một nút: dòng 1 là token (đưa vào "
                         "token_file của edge), dòng 2 là sha256 của nó (token_sha256 của hub)",
                         "Make a fresh node token: line 1 the token (the edge's token_file), "
                         "line 2 its sha256 (the hub's token_sha256)"));
  cmd->callback([&ctx] {
    NodeToken token;
    Status s = NewNodeToken(&token);
    if (!s.ok()) {
      ctx.exit_code = ctx.Fail(s, kExitFailure);
      return;
    }
    if (ctx.json) {
      ctx.PrintJson({{"token", token.token}, {"token_sha256", token.sha256_hex}});
    } else {
      ctx.out() << token.token << "\n" << token.sha256_hex << "\n";
    }
    ctx.exit_code = kExitOk;
  });
}

}  // namespace hailong::ops::cli
