// hailongctl log cat
#include <memory>

#include "commands.h"
#include "hailong/ops/data_dir.h"
#include "hailong/ops/log_cat.h"

namespace hailong::ops::cli {

namespace {
struct CatArgs {
  std::string data_dir;
  LogCatOptions options;
};
}  // namespace

void AddLogCatCommand(CLI::App& log, Context& ctx) {
  auto args = std::make_shared<CatArgs>();
  CLI::App* cmd = log.add_subcommand(
      "cat", ctx.T("In mọi sự kiện, mỗi dòng một đối tượng JSON, theo thứ tự nhật ký",
                   "Print every event, one JSON object per line, in log order"));
  cmd->add_option("--data-dir", args->data_dir,
                  ctx.T("Thư mục dữ liệu của nút (edge hoặc hub)", "The node's data dir"))
      ->required();
  cmd->add_option("--origin", args->options.origin,
                  ctx.T("Chỉ in sự kiện của nguồn này", "Only events of this origin"));
  cmd->add_option("--from", args->options.from_seq,
                  ctx.T("Bắt đầu từ số thứ tự này (mỗi nguồn)", "Start at this seq (each origin)"))
      ->check(CLI::PositiveNumber);
  cmd->callback([&ctx, args] {
    std::unique_ptr<replication::EventLog> log;
    Status s = OpenLogForReading(args->data_dir, &log);
    if (!s.ok()) {
      ctx.exit_code = ctx.Fail(s, ExitForDataDir(s));
      return;
    }
    LogCatResult result;
    s = CatLog(*log, args->options, ctx.out(), &result);
    if (!s.ok()) {
      // The lines so far are out; the error goes to stderr only, so that
      // stdout stays one event per line.
      ctx.err() << ctx.T("lỗi: ", "error: ") << s.message() << "\n";
      ctx.exit_code = ExitFor(s);
      return;
    }
    ctx.exit_code = kExitOk;
  });
}

}  // namespace hailong::ops::cli
