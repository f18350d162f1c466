// hailongctl backup --data-dir DIR --out DIR2 [--url EDGE_URL --token-file F]
#include <memory>

#include "commands.h"
#include "credentials.h"
#include "hailong/ops/backup.h"

namespace hailong::ops::cli {

namespace {

struct BackupArgs {
  BackupOptions options;
  bool no_verify = false;
  std::string token_file;
};

nlohmann::json OriginsJson(const BackupManifest& m) {
  nlohmann::json origins = nlohmann::json::array();
  for (const auto& o : m.origins) {
    origins.push_back({{"origin", o.origin}, {"head_seq", o.head_seq}, {"head_hash", o.head_hash}});
  }
  return origins;
}

}  // namespace

void AddBackupCommand(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<BackupArgs>();
  CLI::App* cmd = app.add_subcommand(
      "backup",
      ctx.T("Sao lưu thư mục dữ liệu của một nút (bản chụp RocksDB của nhật ký và các tệp "
            "khác), rồi kiểm tra bản sao. Trạm edge đang chạy: thêm --url và --token-file, trạm "
            "tự chụp nhật ký đang ghi",
            "Back up a node's data dir (a RocksDB checkpoint of the log and the other files), "
            "then verify the copy. A running edge: add --url and --token-file, the edge "
            "checkpoints its live log itself"));
  cmd->add_option("--data-dir", args->options.data_dir,
                  ctx.T("Thư mục dữ liệu của nút", "The node's data dir"))
      ->required();
  cmd->add_option("--out", args->options.out_dir,
                  ctx.T("Thư mục sao lưu (chưa có, hoặc rỗng); nên ở một ổ đĩa khác",
                        "The backup directory (new or empty); better on another disk"))
      ->required();
  cmd->add_option("--url", args->options.edge_url,
                  ctx.T("Địa chỉ HTTP của trạm edge đang chạy trên thư mục dữ liệu này (sao lưu "
                        "trực tuyến)",
                        "HTTP URL of the edge running on this data dir (online backup)"));
  cmd->add_option("--token-file", args->token_file,
                  ctx.T("Tệp chứa mã quản trị của trạm (sha256 của nó là admin_token_sha256)",
                        "File holding the edge's admin token (its sha256 is admin_token_sha256)"));
  cmd->add_option("--timeout", args->options.timeout_seconds,
                  ctx.T("Giới hạn mỗi yêu cầu HTTP, giây", "Limit of each HTTP request, seconds"))
      ->capture_default_str();
  cmd->add_flag(
      "--no-verify", args->no_verify,
      ctx.T("Không kiểm tra lại chuỗi băm của bản sao", "Do not recompute the copy's hash chains"));
  cmd->callback([&ctx, args] {
    if (!args->options.edge_url.empty()) {
      if (args->token_file.empty()) {
        ctx.exit_code = ctx.Fail(
            Status::InvalidArgument(ctx.T("--url cần --token-file", "--url needs --token-file")),
            kExitUsage);
        return;
      }
      Status t = ReadTokenFile(args->token_file, &args->options.edge_token);
      if (!t.ok()) {
        ctx.exit_code = ctx.Fail(t, kExitUsage);
        return;
      }
    }
    ProgressBar bar(ctx.T("sao lưu", "backup"), ctx.progress());
    args->options.progress = bar.Fn();
    args->options.verify = !args->no_verify;
    BackupManifest m;
    Status s = BackupDataDir(args->options, &m);
    bar.Finish();
    if (!s.ok()) {
      ctx.exit_code = ctx.Fail(s, ExitForDataDir(s));
      return;
    }
    if (ctx.json) {
      ctx.PrintJson({{"ok", true},
                     {"backup", args->options.out_dir},
                     {"source", m.source},
                     {"created_at", m.created_at},
                     {"bytes", m.bytes},
                     {"verified", args->options.verify},
                     {"origins", OriginsJson(m)}});
    } else {
      ctx.out() << ctx.T("Đã sao lưu ", "Backed up ") << m.source << ctx.T(" vào ", " to ")
                << args->options.out_dir << " (" << (m.bytes >> 10) << " KiB"
                << (args->options.verify
                        ? ctx.T(", đã kiểm tra chuỗi băm", ", hash chains verified")
                        : "")
                << ")\n";
      for (const auto& o : m.origins) {
        ctx.out() << "  " << o.origin << ctx.T(": đến số thứ tự ", ": up to seq ") << o.head_seq
                  << "\n";
      }
    }
    ctx.exit_code = kExitOk;
  });
}

}  // namespace hailong::ops::cli
