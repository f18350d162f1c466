// hailongctl log export
#include <memory>

#include "commands.h"
#include "hailong/ops/data_dir.h"
#include "hailong/ops/log_export.h"

namespace hailong::ops::cli {

namespace {
struct ExportArgs {
  std::string data_dir;
  std::string out;
  LogExportOptions options;
};

nlohmann::json RangesJson(const ExportMetadata& m) {
  nlohmann::json origins = nlohmann::json::array();
  for (const auto& r : m.origins) {
    origins.push_back({{"origin", r.origin},
                       {"first_seq", r.first_seq},
                       {"last_seq", r.last_seq},
                       {"events", r.events()},
                       {"first_time", FormatRfc3339(r.first_time_ms)},
                       {"last_time", FormatRfc3339(r.last_time_ms)}});
  }
  return origins;
}
}  // namespace

void AddLogExportCommand(CLI::App& log, Context& ctx) {
  auto args = std::make_shared<ExportArgs>();
  CLI::App* cmd = log.add_subcommand(
      "export", ctx.T("Xuất nhật ký ra một tệp tự kiểm chứng (xem ops/doc/export_format.md)",
                      "Export the log to a self-verifying file (see ops/doc/export_format.md)"));
  cmd->add_option("--data-dir", args->data_dir,
                  ctx.T("Thư mục dữ liệu của nút", "The node's data dir"))
      ->required();
  cmd->add_option("--out", args->out, ctx.T("Tệp xuất", "The export file"))->required();
  cmd->add_option("--origin", args->options.origin,
                  ctx.T("Chỉ xuất sự kiện của nguồn này", "Only events of this origin"));
  cmd->add_option("--from", args->options.from_day,
                  ctx.T("Từ ngày YYYY-MM-DD (giờ Việt Nam), tính cả ngày này",
                        "From day YYYY-MM-DD (Vietnam time), inclusive"));
  cmd->add_option("--to", args->options.to_day,
                  ctx.T("Đến ngày YYYY-MM-DD (giờ Việt Nam), tính cả ngày này",
                        "To day YYYY-MM-DD (Vietnam time), inclusive"));
  cmd->add_flag("--force", args->options.overwrite,
                ctx.T("Ghi đè tệp đã có", "Overwrite an existing file"));
  cmd->callback([&ctx, args] {
    std::unique_ptr<replication::EventLog> log;
    Status s = OpenLogForReading(args->data_dir, &log);
    if (!s.ok()) {
      ctx.exit_code = ctx.Fail(s, ExitForDataDir(s));
      return;
    }
    ProgressBar bar(ctx.T("xuất", "export"), ctx.progress());
    args->options.progress = bar.Fn();
    args->options.source = args->data_dir;
    LogExportResult result;
    s = ExportLog(*log, args->options, args->out, &result);
    bar.Finish();
    if (!s.ok()) {
      ctx.exit_code = ctx.Fail(s, ExitFor(s));
      return;
    }
    const ExportMetadata& m = result.metadata;
    const std::string digest = schema::HexEncode(result.digest);
    if (ctx.json) {
      ctx.PrintJson({{"ok", true},
                     {"file", args->out},
                     {"events", m.TotalEvents()},
                     {"bytes", result.bytes},
                     {"digest", digest},
                     {"origins", RangesJson(m)}});
    } else {
      ctx.out() << ctx.T("Đã xuất ", "Exported ") << m.TotalEvents()
                << ctx.T(" sự kiện vào ", " events to ") << args->out << " (" << result.bytes
                << " bytes)\n";
      for (const auto& r : m.origins) {
        ctx.out() << "  " << r.origin << "  seq " << r.first_seq << "-" << r.last_seq << "  "
                  << FormatRfc3339(r.first_time_ms) << " .. " << FormatRfc3339(r.last_time_ms)
                  << "\n";
      }
      ctx.out() << "SHA-256 (trailer): " << digest << "\n";
    }
    ctx.exit_code = kExitOk;
  });
}

}  // namespace hailong::ops::cli
