// hailongctl log export (--data-dir DIR | --hub URL --user NAME --origin ID) --out FILE
#include <memory>

#include "commands.h"
#include "credentials.h"
#include "hailong/ops/data_dir.h"
#include "hailong/ops/hub_export.h"
#include "hailong/ops/log_export.h"
#include "hailong/replication/event_log.h"
#include "hailong/schema/event.h"

namespace hailong::ops::cli {

namespace {
struct ExportArgs {
  // Events of the file holding personal text: encrypted (sealed fields) or
  // in clear (written before encryption, replication/doc/personal_data.md).
  uint64_t personal_sealed = 0;
  uint64_t personal_clear = 0;
  bool counted = false;
  std::string data_dir;
  std::string out;
  LogExportOptions options;
  HubExportOptions hub;
  std::string password_file;
};

nlohmann::json RangesJson(const ExportMetadata& m) {
  nlohmann::json origins = nlohmann::json::array();
  for (const auto& r : m.origins) origins.push_back(ExportOriginRangeJson(r, false));
  return origins;
}
// Counts the exported events that hold personal text, sealed or in clear.
Status CountPersonal(const replication::EventLog& log, const ExportMetadata& m, ExportArgs* args) {
  auto filled = [](const flatbuffers::String* s) { return s != nullptr && s->size() > 0; };
  for (const auto& r : m.origins) {
    for (uint64_t seq = r.first_seq; seq <= r.last_seq;) {
      std::vector<replication::StoredEvent> events;
      Status s = log.Read(r.origin, seq, 4096, 8u << 20, &events);
      if (!s.ok()) return s;
      if (events.empty()) break;
      for (const auto& stored : events) {
        if (stored.seq > r.last_seq) break;
        const fb::Event* e = nullptr;
        if (!schema::VerifyEvent(stored.bytes, &e).ok()) continue;
        bool sealed = false, clear = false;
        switch (e->body_type()) {
          case fb::EventBody::RatingSubmitted: {
            const auto* b = e->body_as_RatingSubmitted();
            sealed = b->sealed_comment() || b->sealed_phone();
            clear = filled(b->comment()) || filled(b->phone());
            break;
          }
          case fb::EventBody::FollowUpNoted:
            sealed = e->body_as_FollowUpNoted()->sealed_note() != nullptr;
            clear = filled(e->body_as_FollowUpNoted()->note());
            break;
          case fb::EventBody::FollowUpClosed:
            sealed = e->body_as_FollowUpClosed()->sealed_resolution() != nullptr;
            clear = filled(e->body_as_FollowUpClosed()->resolution());
            break;
          case fb::EventBody::RatingVoided:
            sealed = e->body_as_RatingVoided()->sealed_reason() != nullptr;
            clear = filled(e->body_as_RatingVoided()->reason());
            break;
          default:
            break;
        }
        args->personal_sealed += sealed ? 1 : 0;
        args->personal_clear += clear ? 1 : 0;
      }
      seq = events.back().seq + 1;
    }
  }
  args->counted = true;
  return Status::OK();
}

Status ExportDataDir(const Context& ctx, ExportArgs& args, LogExportResult* result) {
  if (args.data_dir.empty()) {
    return Status::InvalidArgument(ctx.T("cần --data-dir DIR hoặc --hub URL --user NAME",
                                         "give --data-dir DIR or --hub URL --user NAME"));
  }
  std::unique_ptr<replication::EventLog> log;
  Status s = OpenLogForReading(args.data_dir, &log);
  if (!s.ok()) return s;
  ProgressBar bar(ctx.T("xuất", "export"), ctx.progress());
  args.options.progress = bar.Fn();
  args.options.source = args.data_dir;
  s = ExportLog(*log, args.options, args.out, result);
  bar.Finish();
  if (!s.ok()) return s;
  return CountPersonal(*log, result->metadata, &args);
}

Status ExportHub(const Context& ctx, ExportArgs& args, LogExportResult* result) {
  HubExportOptions& o = args.hub;
  if (o.user.empty() || args.options.origin.empty()) {
    return Status::InvalidArgument(
        ctx.T("--hub cần --user NAME và --origin ID", "--hub needs --user NAME and --origin ID"));
  }
  if (!args.options.from_day.empty() || !args.options.to_day.empty()) {
    return Status::InvalidArgument(
        ctx.T("--from/--to chỉ dùng với --data-dir; với --hub dùng "
              "--from-seq",
              "--from/--to work with --data-dir; with --hub use "
              "--from-seq"));
  }
  Status s = ReadPassword(ctx, args.password_file, &o.password);
  if (!s.ok()) return s;
  o.origin = args.options.origin;
  o.overwrite = args.options.overwrite;
  ProgressBar bar(ctx.T("tải về", "pull"), ctx.progress());
  o.progress = bar.Fn();
  s = ExportFromHub(o, args.out, result);
  bar.Finish();
  return s;
}

}  // namespace

void AddLogExportCommand(CLI::App& log, Context& ctx) {
  auto args = std::make_shared<ExportArgs>();
  CLI::App* cmd = log.add_subcommand(
      "export", ctx.T("Xuất nhật ký ra một tệp tự kiểm chứng (xem ops/doc/export_format.md): "
                      "từ thư mục dữ liệu, hoặc một nguồn từ hub đang chạy",
                      "Export the log to a self-verifying file (see ops/doc/export_format.md): "
                      "from a data dir, or one origin from a running hub"));
  CLI::Option* dir = cmd->add_option("--data-dir", args->data_dir,
                                     ctx.T("Thư mục dữ liệu của nút (đã dừng) hoặc bản sao lưu",
                                           "The (stopped) node's data dir, or a backup"));
  CLI::Option* hub = cmd->add_option(
      "--hub", args->hub.url,
      ctx.T("Hoặc: lấy các sự kiện của --origin từ hub đang chạy (cần quản trị viên)",
            "Or: fetch --origin's events from a running hub (needs an admin)"));
  hub->excludes(dir);
  cmd->add_option("--user", args->hub.user,
                  ctx.T("Quản trị viên của hub (mật khẩu từ stdin hoặc --password-file)",
                        "The hub admin (password from stdin or --password-file)"))
      ->needs(hub);
  cmd->add_option("--password-file", args->password_file,
                  ctx.T("Tệp chứa mật khẩu (dòng đầu)", "File holding the password (first line)"))
      ->needs(hub);
  cmd->add_option(
         "--from-seq", args->hub.from_seq,
         ctx.T("Với --hub: từ số thứ tự này (mặc định 1)", "With --hub: from this seq (default 1)"))
      ->needs(hub)
      ->check(CLI::PositiveNumber);
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
    LogExportResult result;
    Status s =
        args->hub.url.empty() ? ExportDataDir(ctx, *args, &result) : ExportHub(ctx, *args, &result);
    if (!s.ok()) {
      ctx.exit_code = ctx.Fail(s, args->hub.url.empty() ? ExitForDataDir(s) : ExitFor(s));
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
                     {"origins", RangesJson(m)},
                     {"personal_data",
                      args->counted ? nlohmann::json{{"encrypted_events", args->personal_sealed},
                                                     {"clear_events", args->personal_clear}}
                                    : nlohmann::json(nullptr)}});
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
      if (args->counted) {
        ctx.out() << ctx.T("Dữ liệu cá nhân: ", "Personal data: ") << args->personal_sealed
                  << ctx.T(" sự kiện chỉ chứa bản mã hoá (khoá ở hub, không có trong tệp)",
                           " events hold it encrypted only (the keys stay at the hub, not in "
                           "this file)");
        if (args->personal_clear > 0) {
          ctx.out() << ctx.T("; CẢNH BÁO: ", "; WARNING: ") << args->personal_clear
                    << ctx.T(
                           " sự kiện ghi trước khi mã hoá còn văn bản rõ "
                           "(replication/doc/personal_data.md)",
                           " events written before encryption still hold clear text "
                           "(replication/doc/personal_data.md)");
        } else {
          ctx.out() << ctx.T("; không có văn bản rõ", "; no clear text");
        }
        ctx.out() << "\n";
      }
    }
    ctx.exit_code = kExitOk;
  });
}

}  // namespace hailong::ops::cli
