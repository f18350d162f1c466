// hailongctl log import FILE (--hub URL --token-file F | --data-dir HUBDIR)
#include <memory>
#include <sstream>

#include "commands.h"
#include "credentials.h"
#include "hailong/ops/data_dir.h"
#include "hailong/ops/export_verify.h"
#include "hailong/ops/log_import.h"

namespace hailong::ops::cli {

namespace {

struct ImportArgs {
  std::string file;
  std::string hub;
  std::string token_file;
  std::string data_dir;
  std::string node_id;
  size_t batch_events = LogImportOptions().batch_events;
  size_t batch_bytes = LogImportOptions().batch_bytes;
  int timeout_seconds = HubTargetOptions().timeout_seconds;
};

void PrintResult(const Context& ctx, const ImportArgs& args, const LogImportResult& r,
                 const Status& s) {
  if (ctx.json) {
    nlohmann::json origins = nlohmann::json::array();
    for (const auto& o : r.origins) {
      origins.push_back({{"origin", o.origin},
                         {"stored", o.stored},
                         {"skipped", o.skipped},
                         {"head_seq", o.head_seq}});
    }
    nlohmann::json j = {{"ok", s.ok()},
                        {"file", args.file},
                        {"stored", r.stored},
                        {"skipped", r.skipped},
                        {"origins", origins}};
    if (r.damage) {
      j["first_bad"] = {
          {"origin", r.damage->origin}, {"seq", r.damage->seq}, {"reason", r.damage->reason}};
    }
    if (!s.ok()) j["error"] = s.message();
    ctx.PrintJson(j);
    return;
  }
  for (const auto& o : r.origins) {
    ctx.out() << "  " << o.origin << ": " << ctx.T("lưu mới ", "stored ") << o.stored
              << ctx.T(", bỏ qua (đã có) ", ", skipped (already held) ") << o.skipped << "\n";
  }
  if (s.ok()) {
    ctx.out() << ctx.T("Đã nhập: lưu mới ", "Imported: stored ") << r.stored
              << ctx.T(", bỏ qua (đã có) ", ", skipped (already held) ") << r.skipped << "\n";
  }
}

int RunImport(Context& ctx, const ImportArgs& args) {
  const bool online = !args.hub.empty();
  if (online == !args.data_dir.empty() || (online && args.token_file.empty())) {
    return ctx.Fail(
        Status::InvalidArgument(ctx.T("cần --hub URL --token-file F, hoặc --data-dir DIR",
                                      "give --hub URL --token-file F, or --data-dir DIR")),
        kExitUsage);
  }
  // The file is checked before anything is opened or created.
  ProgressBar bar(ctx.T("nhập", "import"), ctx.progress());
  LogImportOptions options;
  options.batch_events = args.batch_events;
  options.batch_bytes = args.batch_bytes;
  options.already_verified = true;
  options.progress = bar.Fn();
  LogImportResult result;
  ExportVerifyResult verify;
  Status s = VerifyExportFile(
      args.file, [&](uint64_t done, uint64_t total) { bar.Update(done, 2 * total); }, &verify);
  if (s.IsCorruption()) {
    bar.Finish();
    result.damage = verify.damage;
    PrintResult(ctx, args, result, s);
    if (!ctx.json) {
      ctx.out() << ctx.T("Từ chối tệp hỏng: ", "Refused a damaged file: ");
      if (verify.damage->seq == 0) {
        ctx.out() << ctx.T("hỏng ngoài các sự kiện", "damaged outside the events");
      } else {
        ctx.out() << ctx.T("số thứ tự hỏng đầu tiên ", "first bad seq ") << verify.damage->seq
                  << ctx.T(" (nguồn ", " (origin ") << verify.damage->origin << ")";
      }
      ctx.out() << ": " << verify.damage->reason << "\n";
    }
    return kExitDamaged;
  }
  if (!s.ok()) return ctx.Fail(s, ExitFor(s));

  std::unique_ptr<replication::EventLog> log;
  std::unique_ptr<ImportTarget> target;
  if (online) {
    HubTargetOptions hub;
    hub.url = args.hub;
    hub.timeout_seconds = args.timeout_seconds;
    s = ReadTokenFile(args.token_file, &hub.token);
    if (s.ok()) s = NewHubImportTarget(hub, &target);
    if (!s.ok()) return ctx.Fail(s, ExitFor(s));
  } else {
    s = OpenLogForImport(args.data_dir, &log, args.node_id);
    if (!s.ok()) return ctx.Fail(s, ExitForDataDir(s));
    target = NewLogImportTarget(log.get());
  }
  s = ImportExport(args.file, target.get(), options, &result);
  bar.Finish();
  PrintResult(ctx, args, result, s);
  if (s.ok()) return kExitOk;
  if (!ctx.json) ctx.err() << ctx.T("lỗi: ", "error: ") << s.message() << "\n";
  // A Corruption now comes from the target (it found an event damaged):
  // the file itself verified.
  return ExitFor(s) == kExitDamaged ? kExitFailure : ExitFor(s);
}

}  // namespace

void AddLogImportCommand(CLI::App& log, Context& ctx) {
  auto args = std::make_shared<ImportArgs>();
  CLI::App* cmd = log.add_subcommand(
      "import", ctx.T("Nhập một tệp xuất vào hub: trực tuyến (--hub) hoặc thẳng vào thư mục dữ "
                      "liệu của hub đã dừng (--data-dir); nhập hai lần không thay đổi gì",
                      "Replay an export file into a hub: online (--hub) or straight into a "
                      "stopped hub's data dir (--data-dir); importing twice changes nothing"));
  cmd->add_option("file", args->file, ctx.T("Tệp xuất", "The export file"))->required();
  CLI::Option* hub = cmd->add_option("--hub", args->hub, ctx.T("URL của hub", "The hub's URL"));
  CLI::Option* token = cmd->add_option(
      "--token-file", args->token_file,
      ctx.T("Tệp chứa token được phép đẩy sự kiện", "File holding a token allowed to push"));
  CLI::Option* dir = cmd->add_option("--data-dir", args->data_dir,
                                     ctx.T("Thư mục dữ liệu của hub", "The hub's data dir"));
  cmd->add_option("--node-id", args->node_id,
                  ctx.T("Với --data-dir của một trạm thay thế: mã nút của trạm (giữ mã chống trùng "
                        "của các đánh giá được nạp lại)",
                        "With --data-dir of a replacement edge: its node id (the replayed "
                        "ratings keep their idempotency ids)"))
      ->needs(dir);
  cmd->add_option("--batch-events", args->batch_events,
                  ctx.T("Số sự kiện tối đa mỗi lô", "Most events per batch"))
      ->check(CLI::PositiveNumber);
  cmd->add_option("--batch-bytes", args->batch_bytes,
                  ctx.T("Số byte tối đa mỗi lô", "Most bytes per batch"))
      ->check(CLI::PositiveNumber);
  cmd->add_option("--timeout", args->timeout_seconds,
                  ctx.T("Thời gian chờ hub, giây", "Seconds to wait for the hub"))
      ->check(CLI::PositiveNumber);
  hub->excludes(dir);
  token->needs(hub);
  cmd->callback([&ctx, args] { ctx.exit_code = RunImport(ctx, *args); });
}

}  // namespace hailong::ops::cli
