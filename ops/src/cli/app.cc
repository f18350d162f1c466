// hailongctl's top level: global options, the command tree, exit statuses.
#include <cstdlib>
#include <cstring>
#include <string>

#include "../http_client.h"
#include "commands.h"
#include "context.h"
#include "hailong/ops/data_dir.h"
#include "hailong/schema/version.h"
#include "table.h"

namespace hailong::ops {

namespace {

using cli::Context;
using cli::Lang;

// The language is known before the command tree is built, so that the help
// texts are in it: --lang en|vi, else HAILONG_LANG, else Vietnamese.
Lang DetectLang(int argc, const char* const* argv) {
  std::string lang;
  if (const char* env = std::getenv("HAILONG_LANG")) lang = env;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--lang") == 0 && i + 1 < argc) lang = argv[i + 1];
    if (std::strncmp(argv[i], "--lang=", 7) == 0) lang = argv[i] + 7;
  }
  return lang.rfind("en", 0) == 0 ? Lang::kEnglish : Lang::kVietnamese;
}

}  // namespace

int RunHailongctl(int argc, const char* const* argv, const CtlStreams& streams) {
  Context ctx(streams);
  ctx.lang = DetectLang(argc, argv);
  try {
    CLI::App app{ctx.T("hailongctl: công cụ của người vận hành và kỹ thuật viên Hài Lòng",
                       "hailongctl: the Hài Lòng operators' and technicians' tool"),
                 "hailongctl"};
    app.set_version_flag("--version", std::string("hailongctl ") + kVersion,
                         ctx.T("In phiên bản rồi thoát", "Print the version and exit"));
    app.set_help_flag("-h,--help", ctx.T("In hướng dẫn rồi thoát", "Print this help and exit"));
    app.require_subcommand(1);
    app.fallthrough();
    app.add_flag(
        "--json", ctx.json,
        ctx.T("In kết quả dạng JSON (cho script)", "Print the result as JSON (for scripts)"));
    // Every command that talks HTTPS to a hub or an edge verifies it
    // against this CA bundle instead of the system's.
    SetCaFile("");
    if (const char* env = std::getenv("HAILONG_CA_FILE")) SetCaFile(env);
    app.add_option_function<std::string>(
        "--ca-file", [](const std::string& path) { SetCaFile(path); },
        ctx.T("Chứng chỉ CA (PEM) dùng để xác thực hub/trạm qua https:// thay cho kho CA của "
              "hệ thống; hoặc biến HAILONG_CA_FILE",
              "CA bundle (PEM) that https:// hubs and edges are verified against instead of the "
              "system's; or HAILONG_CA_FILE"));
    std::string lang_option;
    app.add_option("--lang", lang_option,
                   ctx.T("Ngôn ngữ thông báo: vi (mặc định) hoặc en; hoặc biến HAILONG_LANG",
                         "Message language: vi (default) or en; or HAILONG_LANG"))
        ->check(CLI::IsMember({"vi", "en"}));
    app.footer(
        ctx.T("Mã thoát: 0 thành công, 1 lỗi, 2 sai tham số, 3 dữ liệu hỏng, "
              "4 thư mục dữ liệu đang được tiến trình khác dùng, "
              "5 cần chú ý (status có cảnh báo; restore bị từ chối vì hub mới hơn).",
              "Exit status: 0 success, 1 error, 2 bad arguments, 3 damaged data, "
              "4 data dir in use by a running daemon, "
              "5 needs attention (status warnings; restore refused as the hub is ahead)."));

    cli::AddNewTokenCommand(app, ctx);
    cli::AddHashPasswordCommand(app, ctx);
    CLI::App* log = app.add_subcommand("log", ctx.T("Nhật ký sự kiện: xem, xuất, kiểm tra, nhập",
                                                    "Event log: cat, export, "
                                                    "verify, import"));
    log->require_subcommand(1);
    log->fallthrough();
    cli::AddLogCatCommand(*log, ctx);
    cli::AddLogExportCommand(*log, ctx);
    cli::AddLogVerifyCommand(*log, ctx);
    cli::AddLogImportCommand(*log, ctx);
    cli::AddStatusCommand(app, ctx);
    cli::AddDevicesCommand(app, ctx);
    cli::AddBackupCommand(app, ctx);
    cli::AddRestoreCommand(app, ctx);
    cli::AddQrCommand(app, ctx);
    cli::AddBrokerCommand(app, ctx);
    cli::AddKioskCommand(app, ctx);

    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      const int code = app.exit(e, streams.out, streams.err);
      return code == 0 ? kExitOk : kExitUsage;
    }
    return ctx.exit_code;
  } catch (const std::exception& e) {
    streams.err << ctx.T("lỗi: ", "error: ") << e.what() << "\n";
    return kExitFailure;
  }
}

namespace cli {

int ExitFor(const Status& s) {
  if (s.ok()) return kExitOk;
  if (s.IsCorruption()) return kExitDamaged;
  if (s.IsInvalidArgument()) return kExitUsage;
  return kExitFailure;
}

int ExitForDataDir(const Status& s) {
  // Only a daemon holding the dir is 4; a hub that cannot be reached is 1.
  if (s.code() == Status::Code::kUnavailable && s.message().rfind(kDataDirInUse, 0) == 0) {
    return kExitBusy;
  }
  return ExitFor(s);
}

int Context::Fail(const Status& s, int code) const {
  if (json) {
    PrintJson({{"ok", false}, {"error", s.message()}, {"exit", code}});
  }
  std::string text = s.message();
  if (s.code() == Status::Code::kUnavailable && text.rfind("data dir is in use", 0) == 0) {
    // The one message every technician must understand at once.
    streams.err << T(
        "thư mục dữ liệu đang được một tiến trình đang chạy sử dụng; "
        "hãy dừng tiến trình đó hoặc dùng bản sao lưu\n",
        "");
  }
  // A message may quote what a server or a file said.
  streams.err << T("lỗi: ", "error: ") << TerminalSafe(text, /*keep_newlines=*/true) << "\n";
  return code;
}

void Context::PrintJson(const nlohmann::json& j) const {
  streams.out << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  streams.out.flush();
}

}  // namespace cli

}  // namespace hailong::ops
