// hailongctl devices (--data-dir DIR | --url EDGE_URL) [--office ID] [--origin O]
#include <algorithm>
#include <memory>

#include "commands.h"
#include "hailong/ops/data_dir.h"
#include "hailong/ops/devices_report.h"
#include "hailong/schema/time.h"
#include "table.h"

namespace hailong::ops::cli {

namespace {

using json = nlohmann::json;

struct DevicesArgs {
  std::string data_dir;
  std::string url;
  DevicesOptions options;
  int timeout_seconds = 10;
  double stale_hours = 24;
  int low_battery_pct = 20;
};

struct DeviceWarning {
  std::string device;
  std::string code;  // "offline", "stale", "low_battery"
  std::string text;
};

std::vector<DeviceWarning> Warnings(const Context& ctx, const DevicesArgs& args,
                                    const std::vector<DeviceReport>& devices, int64_t now_ms) {
  std::vector<DeviceWarning> w;
  const int64_t stale_ms = static_cast<int64_t>(args.stale_hours * 3600 * 1000);
  for (const auto& d : devices) {
    const std::string name = d.office + "/" + d.device;
    if (d.last_status_ms != 0 && !d.online) {
      w.push_back({name, "offline",
                   std::string(ctx.T("ngoại tuyến từ ", "offline since ")) +
                       VietnamMinute(d.last_status_ms)});
    } else if (now_ms - d.last_seen_ms > stale_ms) {
      w.push_back({name, "stale",
                   std::string(ctx.T("không thấy từ ", "not seen since ")) +
                       VietnamMinute(d.last_seen_ms)});
    }
    if (d.battery_pct >= 0 && d.battery_pct < args.low_battery_pct) {
      w.push_back(
          {name, "low_battery",
           std::string(ctx.T("pin yếu: ", "low battery: ")) + std::to_string(d.battery_pct) + "%"});
    }
  }
  return w;
}

int RunDevices(Context& ctx, DevicesArgs& args) {
  if (args.url.empty() == args.data_dir.empty()) {
    return ctx.Fail(Status::InvalidArgument(ctx.T("cần --data-dir DIR hoặc --url URL",
                                                  "give --data-dir DIR or --url URL")),
                    kExitUsage);
  }
  std::vector<DeviceReport> devices;
  int64_t now_ms = Clock::System()->NowMs();
  if (!args.url.empty()) {
    Status s = FetchDevices(args.url, args.timeout_seconds, &devices);
    if (s.IsNotFound()) {
      return ctx.Fail(
          Status::NotFound(ctx.T(
              "trạm này không liệt kê thiết bị qua HTTP (/api/v1/devices); hãy chạy "
              "`hailongctl devices --data-dir` trên một bản sao lưu (`hailongctl backup`) hoặc "
              "trên thư mục dữ liệu khi trạm đã dừng",
              "this edge does not list its devices over HTTP (/api/v1/devices); run "
              "`hailongctl devices --data-dir` on a backup (`hailongctl backup`) or on the data "
              "dir of the stopped edge")),
          kExitFailure);
    }
    if (!s.ok()) return ctx.Fail(s, s.IsInvalidArgument() ? kExitUsage : kExitFailure);
    if (!args.options.office.empty()) {
      std::erase_if(devices,
                    [&](const DeviceReport& d) { return d.office != args.options.office; });
    }
  } else {
    std::unique_ptr<replication::EventLog> log;
    Status s = OpenLogForReading(args.data_dir, &log);
    if (!s.ok()) return ctx.Fail(s, ExitForDataDir(s));
    ProgressBar bar(ctx.T("quét", "scan"), ctx.progress());
    args.options.progress = bar.Fn();
    s = ScanDevices(*log, args.options, &devices);
    bar.Finish();
    if (!s.ok()) return ctx.Fail(s, ExitFor(s));
    // A copy of a log is judged at its newest event, not at today.
    now_ms = 0;
    for (const auto& d : devices) now_ms = std::max(now_ms, d.last_seen_ms);
  }
  const std::vector<DeviceWarning> warnings = Warnings(ctx, args, devices, now_ms);
  if (ctx.json) {
    json list = json::array();
    for (const auto& d : devices) list.push_back(devices::DeviceRecordToJson(d));
    json w = json::array();
    for (const auto& x : warnings) {
      w.push_back({{"device", x.device}, {"code", x.code}, {"message", x.text}});
    }
    ctx.PrintJson({{"ok", true},
                   {"source", args.url.empty() ? args.data_dir : args.url},
                   {"as_of", FormatRfc3339(now_ms)},
                   {"devices", list},
                   {"warnings", w}});
    return kExitOk;
  }
  if (devices.empty()) {
    ctx.out() << ctx.T("Chưa thấy thiết bị nào.\n", "No devices seen.\n");
    return kExitOk;
  }
  ctx.out() << ctx.T("Thiết bị: ", "Devices: ") << devices.size()
            << ctx.T(" (giờ Việt Nam, tính đến ", " (Vietnam time, as of ") << VietnamMinute(now_ms)
            << ")\n";
  TextTable table;
  table.AddRow({ctx.T("ĐƠN VỊ", "OFFICE"), ctx.T("THIẾT BỊ", "DEVICE"), ctx.T("QUẦY", "COUNTER"),
                ctx.T("LOẠI", "KIND"), ctx.T("TRẠNG THÁI", "STATE"),
                ctx.T("THẤY LẦN CUỐI", "LAST SEEN"), ctx.T("PIN", "BATTERY"), "FIRMWARE",
                ctx.T("ĐÁNH GIÁ", "RATINGS"), ctx.T("ĐÁNH GIÁ CUỐI", "LAST RATING")});
  for (const auto& d : devices) {
    const std::string state = d.last_status_ms == 0 ? ctx.T("(chưa báo)", "(no status)")
                              : d.online            ? ctx.T("trực tuyến", "online")
                                                    : ctx.T("ngoại tuyến", "offline");
    table.AddRow({d.office, d.device, d.counter.empty() ? "-" : d.counter,
                  d.kind.empty() ? "-" : d.kind, state, VietnamMinute(d.last_seen_ms),
                  d.battery_pct < 0 ? "-" : std::to_string(d.battery_pct) + "%",
                  d.firmware.empty() ? "-" : d.firmware, std::to_string(d.ratings),
                  VietnamMinute(d.last_rating_ms)});
  }
  table.Print(ctx.out());
  if (!warnings.empty()) {
    ctx.out() << ctx.T("Cảnh báo:\n", "Warnings:\n");
    for (const auto& w : warnings) {
      ctx.out() << "  - " << TerminalSafe(w.device) << ": " << TerminalSafe(w.text) << "\n";
    }
  }
  return kExitOk;
}

}  // namespace

void AddDevicesCommand(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<DevicesArgs>();
  CLI::App* cmd = app.add_subcommand(
      "devices", ctx.T("Các thiết bị (hộp nút bấm, màn hình cảm ứng) đã thấy: lần cuối, pin, "
                       "firmware, số đánh giá",
                       "Devices seen (button boxes, touchscreens): last seen, battery, "
                       "firmware, ratings"));
  CLI::Option* dir = cmd->add_option("--data-dir", args->data_dir,
                                     ctx.T("Thư mục dữ liệu (trạm đã dừng) hoặc bản sao lưu",
                                           "A data dir (of a stopped node) or a backup"));
  CLI::Option* url =
      cmd->add_option("--url", args->url, ctx.T("URL của trạm đang chạy", "A running edge's URL"));
  dir->excludes(url);
  cmd->add_option("--office", args->options.office, ctx.T("Chỉ đơn vị này", "Only this office"));
  cmd->add_option("--origin", args->options.origin,
                  ctx.T("Chỉ sự kiện của nguồn này (với --data-dir)",
                        "Only events of this origin (with --data-dir)"))
      ->needs(dir);
  cmd->add_option("--stale-hours", args->stale_hours,
                  ctx.T("Cảnh báo thiết bị không thấy lâu hơn số giờ này (mặc định 24)",
                        "Warn about devices not seen for longer than this (default 24)"))
      ->check(CLI::PositiveNumber);
  cmd->add_option("--low-battery", args->low_battery_pct,
                  ctx.T("Cảnh báo pin dưới phần trăm này (mặc định 20)",
                        "Warn below this battery percentage (default 20)"))
      ->check(CLI::Range(0, 100));
  cmd->add_option("--timeout", args->timeout_seconds,
                  ctx.T("Thời gian chờ, giây", "Seconds to wait"))
      ->check(CLI::PositiveNumber);
  cmd->callback([&ctx, args] { ctx.exit_code = RunDevices(ctx, *args); });
}

}  // namespace hailong::ops::cli
