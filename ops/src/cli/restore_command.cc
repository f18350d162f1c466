// hailongctl restore --from DIR2 --data-dir DIR [--hub URL --token-file F] [--origin ID] [--force]
#include <memory>

#include "commands.h"
#include "credentials.h"
#include "hailong/ops/backup.h"

namespace hailong::ops::cli {

namespace {

struct RestoreArgs {
  RestoreOptions options;
  std::string token_file;
};

void PrintRefusal(const Context& ctx, const RestoreResult& r) {
  std::ostream& err = ctx.err();
  if (r.ahead == "hub_ahead") {
    err << ctx.T("TỪ CHỐI khôi phục: hub đã nhận ", "REFUSED to restore: the hub already holds ")
        << r.origin << ctx.T(" đến số thứ tự ", " up to seq ") << *r.hub_acked
        << ctx.T(", bản sao lưu chỉ đến ", ", the backup only up to seq ") << r.backup_head << ".\n"
        << ctx.T(
               "Nếu khôi phục như vậy, trạm sẽ ghi sự kiện mới trùng số thứ tự mà hub đã giữ "
               "và hub sẽ từ chối (rẽ nhánh).\n"
               "Cách làm đúng: lấy bản sao của hub, khôi phục với --force, rồi nạp lại bản sao "
               "trước khi khởi động trạm:\n",
               "The restored edge would write new events under seqs the hub already holds, "
               "and the hub would refuse them (a fork).\n"
               "Instead: fetch the hub's copy, restore with --force, and replay the copy "
               "before the edge starts:\n")
        << "  hailongctl log export --hub URL --user ADMIN --origin " << r.origin
        << " --out hub-copy.hlx\n"
        << "  hailongctl restore --from BACKUP --data-dir DIR --force\n"
        << "  hailongctl log import hub-copy.hlx --data-dir DIR --node-id " << r.origin << "\n"
        << ctx.T("(ops/doc/runbooks.md, \"Khôi phục trạm từ bản sao lưu\")\n",
                 "(ops/doc/runbooks.md, \"Restore an edge from a backup\")\n");
  } else {
    err << ctx.T("TỪ CHỐI khôi phục: thư mục dữ liệu hiện có ",
                 "REFUSED to restore: the data dir holds ")
        << r.origin << ctx.T(" đến số thứ tự ", " up to seq ") << *r.replaced_head
        << ctx.T(", bản sao lưu chỉ đến ", ", the backup only up to seq ") << r.backup_head << ".\n"
        << ctx.T(
               "Khôi phục sẽ gạt bỏ các sự kiện mới hơn; hãy xuất chúng trước (hailongctl log "
               "export) hoặc dùng --force.\n",
               "Restoring would set the newer events aside; export them first (hailongctl log "
               "export) or use --force.\n");
  }
}

int RunRestore(Context& ctx, RestoreArgs& args) {
  RestoreOptions& o = args.options;
  if (!o.hub_url.empty()) {
    if (args.token_file.empty()) {
      return ctx.Fail(
          Status::InvalidArgument(ctx.T("--hub cần --token-file F", "--hub needs --token-file F")),
          kExitUsage);
    }
    Status s = ReadTokenFile(args.token_file, &o.token);
    if (!s.ok()) return ctx.Fail(s, ExitFor(s));
  }
  ProgressBar bar(ctx.T("khôi phục", "restore"), ctx.progress());
  o.progress = bar.Fn();
  RestoreResult r;
  Status s = RestoreDataDir(o, &r);
  bar.Finish();
  nlohmann::json j = {
      {"ok", s.ok()},
      {"backup", o.backup_dir},
      {"data_dir", o.data_dir},
      {"origin", r.origin},
      {"backup_head", r.backup_head},
      {"hub_acked_seq", r.hub_acked ? nlohmann::json(*r.hub_acked) : nullptr},
      {"replaced_head", r.replaced_head ? nlohmann::json(*r.replaced_head) : nullptr},
      {"ahead", r.ahead.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.ahead)},
      {"forced", r.forced},
      {"moved_aside", r.moved_aside}};
  if (s.IsConflict()) {
    if (ctx.json) {
      j["error"] = s.message();
      ctx.PrintJson(j);
    } else {
      PrintRefusal(ctx, r);
    }
    return kExitNeedsAttention;
  }
  if (!s.ok()) return ctx.Fail(s, ExitForDataDir(s));
  if (ctx.json) {
    ctx.PrintJson(j);
    return kExitOk;
  }
  ctx.out() << ctx.T("Đã khôi phục ", "Restored ") << o.backup_dir << ctx.T(" (tạo lúc ", " (made ")
            << r.manifest.created_at << ctx.T(") vào ", ") into ") << o.data_dir << "\n";
  if (!r.origin.empty()) {
    ctx.out() << "  " << r.origin << ctx.T(": đến số thứ tự ", ": up to seq ") << r.backup_head;
    if (r.hub_acked)
      ctx.out() << ctx.T("; hub đã nhận đến ", "; the hub holds up to ") << *r.hub_acked;
    ctx.out() << "\n";
  }
  if (!r.moved_aside.empty()) {
    ctx.out() << ctx.T("  Thư mục cũ được giữ lại ở ", "  The previous data dir was kept at ")
              << r.moved_aside << "\n";
  }
  if (r.forced) {
    ctx.out() << ctx.T("  CẢNH BÁO: khôi phục dù đã bị vượt (--force): ",
                       "  WARNING: restored although something was ahead (--force): ")
              << r.ahead << "\n";
  }
  if (o.hub_url.empty() && r.origin != "hub") {
    ctx.out() << ctx.T(
        "  (chưa hỏi hub: thêm --hub URL --token-file F để kiểm tra hub không "
        "giữ sự kiện mới hơn)\n",
        "  (the hub was not asked: add --hub URL --token-file F to check it "
        "holds nothing newer)\n");
  }
  return kExitOk;
}

}  // namespace

void AddRestoreCommand(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<RestoreArgs>();
  CLI::App* cmd = app.add_subcommand(
      "restore", ctx.T("Khôi phục một bản sao lưu vào thư mục dữ liệu (nút phải dừng); từ chối "
                       "nếu hub đã giữ sự kiện mới hơn bản sao lưu, trừ khi --force",
                       "Restore a backup into a data dir (the node must be stopped); refused "
                       "when the hub holds newer events than the backup, unless --force"));
  cmd->add_option("--from", args->options.backup_dir,
                  ctx.T("Thư mục sao lưu", "The backup directory"))
      ->required();
  cmd->add_option("--data-dir", args->options.data_dir,
                  ctx.T("Thư mục dữ liệu của nút; thư mục cũ được dời sang bên cạnh",
                        "The node's data dir; a previous one is moved aside"))
      ->required();
  CLI::Option* hub = cmd->add_option("--hub", args->options.hub_url,
                                     ctx.T("URL của hub để hỏi con trỏ", "The hub to ask"));
  cmd->add_option("--token-file", args->token_file,
                  ctx.T("Tệp token của trạm", "The node's token file"))
      ->needs(hub);
  cmd->add_option("--origin", args->options.origin,
                  ctx.T("Mã nút (node id) của trạm; mặc định lấy từ bản sao lưu",
                        "The node's id; default: from the backup"));
  cmd->add_option("--timeout", args->options.timeout_seconds,
                  ctx.T("Thời gian chờ hub, giây", "Seconds to wait for the hub"))
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--force", args->options.force,
                ctx.T("Khôi phục dù hub hoặc thư mục hiện có mới hơn",
                      "Restore although the hub or the current data dir is ahead"));
  cmd->callback([&ctx, args] { ctx.exit_code = RunRestore(ctx, *args); });
}

}  // namespace hailong::ops::cli
