// hailongctl log verify (FILE | --data-dir DIR)
#include <memory>

#include "commands.h"
#include "hailong/ops/data_dir.h"
#include "hailong/ops/export_verify.h"
#include "hailong/ops/log_verify.h"

namespace hailong::ops::cli {

namespace {

struct VerifyArgs {
  std::string file;
  std::string data_dir;
  std::string origin;
};

nlohmann::json DamageJson(const std::string& origin, uint64_t seq, const std::string& reason) {
  return {{"origin", origin}, {"seq", seq}, {"reason", reason}};
}

void ReportDamage(const Context& ctx, const std::string& origin, uint64_t seq,
                  const std::string& reason) {
  if (seq == 0) {
    ctx.out() << ctx.T("HỎNG ngoài các sự kiện (phần đầu hoặc phần cuối tệp): ",
                       "DAMAGED outside the events (file header or trailer): ")
              << reason << "\n";
    return;
  }
  ctx.out() << ctx.T("HỎNG: số thứ tự hỏng đầu tiên ", "DAMAGED: first bad seq ") << seq
            << ctx.T(" (nguồn ", " (origin ") << origin << "): " << reason << "\n";
}

int VerifyFile(Context& ctx, const VerifyArgs& args) {
  ProgressBar bar(ctx.T("kiểm tra", "verify"), ctx.progress());
  ExportVerifyResult result;
  Status s = VerifyExportFile(args.file, bar.Fn(), &result);
  bar.Finish();
  if (!s.ok() && !s.IsCorruption()) return ctx.Fail(s, ExitFor(s));
  const ExportMetadata& m = result.metadata;
  if (ctx.json) {
    nlohmann::json origins = nlohmann::json::array();
    for (const auto& r : m.origins) {
      origins.push_back({{"origin", r.origin},
                         {"first_seq", r.first_seq},
                         {"last_seq", r.last_seq},
                         {"events", r.events()}});
    }
    ctx.PrintJson(
        {{"ok", s.ok()},
         {"file", args.file},
         {"events_checked", result.events_checked},
         {"digest_ok", result.digest_ok},
         {"origins", origins},
         {"first_bad", result.damage ? DamageJson(result.damage->origin, result.damage->seq,
                                                  result.damage->reason)
                                     : nlohmann::json(nullptr)}});
  } else if (s.ok()) {
    ctx.out() << ctx.T("NGUYÊN VẸN: ", "INTACT: ") << args.file << ": " << m.TotalEvents()
              << ctx.T(" sự kiện, ", " events, ") << m.origins.size()
              << ctx.T(" nguồn; chuỗi băm và SHA-256 khớp\n",
                       " origins; hash chain and SHA-256 match\n");
    for (const auto& r : m.origins) {
      ctx.out() << "  " << r.origin << "  seq " << r.first_seq << "-" << r.last_seq << "\n";
    }
  } else {
    ReportDamage(ctx, result.damage->origin, result.damage->seq, result.damage->reason);
  }
  return s.ok() ? kExitOk : kExitDamaged;
}

int VerifyDataDir(Context& ctx, const VerifyArgs& args) {
  std::unique_ptr<replication::EventLog> log;
  Status s = OpenLogForReading(args.data_dir, &log);
  if (!s.ok()) return ctx.Fail(s, ExitForDataDir(s));
  ProgressBar bar(ctx.T("kiểm tra", "verify"), ctx.progress());
  LogVerifyResult result;
  s = VerifyLog(*log, args.origin, bar.Fn(), &result);
  bar.Finish();
  if (!s.ok() && !s.IsCorruption()) return ctx.Fail(s, ExitFor(s));
  if (ctx.json) {
    nlohmann::json origins = nlohmann::json::array();
    for (const auto& o : result.origins) {
      origins.push_back({{"origin", o.origin},
                         {"events_checked", o.result.events_checked},
                         {"head_seq", o.result.head.seq},
                         {"first_bad_seq", o.result.first_bad_seq},
                         {"reason", o.result.reason}});
    }
    nlohmann::json first_bad = nullptr;
    if (result.first_damaged >= 0) {
      const auto& o = result.origins[result.first_damaged];
      first_bad = DamageJson(o.origin, o.result.first_bad_seq, o.result.reason);
    }
    ctx.PrintJson({{"ok", s.ok()},
                   {"data_dir", args.data_dir},
                   {"events_checked", result.events_checked},
                   {"origins", origins},
                   {"first_bad", first_bad}});
  } else {
    for (const auto& o : result.origins) {
      if (o.result.first_bad_seq == 0) {
        ctx.out() << "  " << o.origin << ": " << o.result.events_checked
                  << ctx.T(" sự kiện, nguyên vẹn\n", " events, intact\n");
      } else {
        ctx.out() << "  " << o.origin << ": " << ctx.T("HỎNG tại số thứ tự ", "DAMAGED at seq ")
                  << o.result.first_bad_seq << ": " << o.result.reason << "\n";
      }
    }
    if (s.ok()) {
      ctx.out() << ctx.T("NGUYÊN VẸN: ", "INTACT: ") << result.events_checked
                << ctx.T(" sự kiện, ", " events, ") << result.origins.size()
                << ctx.T(" nguồn\n", " origins\n");
    } else {
      const auto& o = result.origins[result.first_damaged];
      ReportDamage(ctx, o.origin, o.result.first_bad_seq, o.result.reason);
    }
  }
  return s.ok() ? kExitOk : kExitDamaged;
}

}  // namespace

void AddLogVerifyCommand(CLI::App& log, Context& ctx) {
  auto args = std::make_shared<VerifyArgs>();
  CLI::App* cmd = log.add_subcommand(
      "verify", ctx.T("Kiểm tra một tệp xuất hoặc nhật ký trong thư mục dữ liệu; thoát 0 nếu "
                      "nguyên vẹn, nếu không in số thứ tự hỏng đầu tiên",
                      "Check an export file or a data dir's log; exit 0 if intact, otherwise "
                      "print the first bad seq"));
  CLI::Option* file = cmd->add_option("file", args->file, ctx.T("Tệp xuất", "An export file"));
  CLI::Option* dir = cmd->add_option("--data-dir", args->data_dir,
                                     ctx.T("Thư mục dữ liệu của nút", "The node's data dir"));
  cmd->add_option(
         "--origin", args->origin,
         ctx.T("Chỉ kiểm tra nguồn này (với --data-dir)", "Only this origin (with --data-dir)"))
      ->needs(dir);
  file->excludes(dir);
  cmd->callback([&ctx, args] {
    if (args->file.empty() == args->data_dir.empty()) {
      ctx.exit_code = ctx.Fail(Status::InvalidArgument(ctx.T("cần FILE hoặc --data-dir DIR",
                                                             "give FILE or --data-dir DIR")),
                               kExitUsage);
      return;
    }
    ctx.exit_code = args->file.empty() ? VerifyDataDir(ctx, *args) : VerifyFile(ctx, *args);
  });
}

}  // namespace hailong::ops::cli
