// hailongctl status --url URL [--user NAME [--password-file F]] [--token-file F --origin ID]
#include <memory>

#include "commands.h"
#include "credentials.h"
#include "hailong/ops/node_status.h"
#include "hailong/schema/time.h"
#include "table.h"

namespace hailong::ops::cli {

namespace {

using json = nlohmann::json;

struct StatusArgs {
  NodeStatusOptions options;
  std::string password_file;
  std::string token_file;
};

// The warning's sentence in the chosen language.
std::string WarningText(const Context& ctx, const StatusWarning& w) {
  struct Text {
    const char* code;
    const char* vi;
    const char* en;
  };
  static const Text kTexts[] = {
      {"unhealthy", "/healthz không trả lời tốt", "/healthz does not answer ok"},
      {"hub_not_configured", "chưa cấu hình hub: trạm giữ toàn bộ dữ liệu tại chỗ",
       "no hub configured: the edge keeps everything locally"},
      {"hub_unreachable", "không kết nối được hub", "the hub cannot be reached"},
      {"replication_lag", "hub chưa nhận kịp nhật ký của trạm",
       "the hub is behind this edge's log"},
      {"mqtt_disconnected", "mất kết nối tới broker MQTT: hộp nút bấm không gửi được đánh giá",
       "not connected to the MQTT broker: button boxes cannot deliver ratings"},
      {"no_devices_online", "không có thiết bị nào trực tuyến", "no device is online"},
      {"storage_full", "đĩa gần đầy: trạm đang TỪ CHỐI đánh giá mới",
       "disk nearly full: the edge is REFUSING new ratings"},
      {"disk_low", "đĩa sắp đầy", "disk space is low"},
      {"projection_error", "lỗi khi cập nhật số liệu báo cáo", "the read models hit an error"},
      {"projection_backlog", "số liệu báo cáo đang chậm so với nhật ký",
       "the read models are behind the log"},
      {"node_never_seen", "trạm chưa từng kết nối tới hub", "the node has never contacted the hub"},
      {"node_lagging", "trạm gửi nhật ký chậm", "the node is lagging"},
      {"node_clock_skew", "đồng hồ của trạm lệch", "the node's clock is off"},
      {"node_error", "hub đã từ chối dữ liệu của trạm", "the hub refused the node's data"},
  };
  std::string text = w.code;
  for (const Text& t : kTexts) {
    if (w.code == t.code) text = ctx.T(t.vi, t.en);
  }
  if (!w.subject.empty()) text = w.subject + ": " + text;
  if (!w.detail.empty()) text += " (" + w.detail + ")";
  return TerminalSafe(text);
}

// A status field as text, safe for the terminal (the node sent it).
std::string Str(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || j[key].is_null()) return "-";
  return TerminalSafe(j[key].is_string() ? j[key].get<std::string>() : j[key].dump());
}

// An RFC 3339 time of the status as Vietnam time ("2026-03-03 17:10"), or "-".
std::string VnTime(const json& j, const char* key) {
  int64_t ms = 0;
  if (!j.is_object() || !j.contains(key) || !j[key].is_string() ||
      !ParseRfc3339(j[key].get<std::string>(), &ms).ok()) {
    return "-";
  }
  return VietnamMinute(ms);
}

std::string Mib(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_number()) return "-";
  return std::to_string(j[key].get<uint64_t>() >> 20) + " MiB";
}

void PrintEdge(const Context& ctx, const std::string& url, const NodeStatusReport& r) {
  const json& s = r.status;
  std::ostream& out = ctx.out();
  out << ctx.T("Trạm phường (edge) ", "Office edge ") << url << "\n";
  out << ctx.T("  Đơn vị:            ", "  Office:            ") << Str(s, "office_id")
      << ctx.T(" (nguồn ", " (origin ") << Str(s, "origin") << ")\n";
  out << ctx.T("  Phiên bản:         ", "  Version:           ") << Str(s, "version")
      << ctx.T(", chạy từ ", ", running since ") << VnTime(s, "started_at")
      << ctx.T(" (giờ VN)\n", " (Vietnam time)\n");
  out << ctx.T("  /healthz:          ", "  /healthz:          ")
      << (r.healthy ? ctx.T("tốt", "ok") : ctx.T("LỖI", "FAILING")) << "\n";
  out << ctx.T("  Nhật ký:           số thứ tự cuối ", "  Log:               last seq ")
      << Str(s, "log_seq") << ctx.T(", hub đã nhận đến ", ", hub acknowledged up to ")
      << Str(s, "replicated_seq") << "\n";
  if (s.value("hub_configured", true)) {
    out << ctx.T("  Hub:               ", "  Hub:               ") << Str(s, "hub_url") << " "
        << (s.value("hub_reachable", false) ? ctx.T("kết nối được", "reachable")
                                            : ctx.T("KHÔNG kết nối được", "NOT reachable"))
        << ctx.T(", chậm ", ", lag ") << Str(s, "lag_events") << ctx.T(" sự kiện / ", " events / ")
        << Str(s, "lag_seconds") << " s" << ctx.T(", liên lạc cuối ", ", last contact ")
        << VnTime(s, "hub_last_contact") << "\n";
    out << ctx.T("  Sự kiện của hub:   đã nhận đến số thứ tự ",
                 "  Hub's events:      pulled up to seq ")
        << Str(s, "pulled_seq")
        << ctx.T(" (danh mục, mẫu khảo sát)\n", " (catalogue, templates)\n");
  } else {
    out << ctx.T("  Hub:               chưa cấu hình\n", "  Hub:               not configured\n");
  }
  out << ctx.T("  MQTT:              ", "  MQTT:              ")
      << (s.value("mqtt_connected", false) ? ctx.T("đã kết nối", "connected")
                                           : ctx.T("MẤT KẾT NỐI", "DISCONNECTED"))
      << ctx.T(", thiết bị trực tuyến: ", ", devices online: ") << Str(s, "devices_online") << "\n";
  out << ctx.T("  Đĩa trống:         ", "  Free disk:         ") << Mib(s, "free_disk_bytes")
      << ctx.T(" (ngưỡng từ chối ", " (refuses below ") << Mib(s, "min_free_bytes") << ")\n";
}

void PrintHub(const Context& ctx, const std::string& url, const NodeStatusOptions& o,
              const NodeStatusReport& r) {
  std::ostream& out = ctx.out();
  out << ctx.T("Hub quận/huyện ", "District hub ") << url << "\n";
  out << ctx.T("  /healthz:          ", "  /healthz:          ")
      << (r.healthy ? ctx.T("tốt", "ok") : ctx.T("LỖI", "FAILING")) << "\n";
  const json& s = r.status;
  if (s.is_object()) {
    out << ctx.T("  Phiên bản:         ", "  Version:           ") << Str(s, "version") << "\n";
    out << ctx.T("  Số liệu chờ xử lý: ", "  Projection backlog:") << " " << Str(s, "backlog")
        << ctx.T(" sự kiện\n", " events\n");
    out << ctx.T("  Đĩa trống:         ", "  Free disk:         ") << Mib(s, "free_disk_bytes")
        << "\n";
  }
  if (r.nodes.is_array()) {
    out << ctx.T("  Các trạm (", "  Nodes (") << r.nodes.size() << "):\n";
    for (const json& n : r.nodes) {
      out << "    " << Str(n, "id") << " [" << Str(n, "office_id") << "] "
          << ctx.T("đã nhận đến ", "acked ") << Str(n, "acked_seq")
          << ctx.T(", liên lạc cuối ", ", last seen ") << VnTime(n, "last_seen")
          << ctx.T(", chậm ", ", lag ") << Str(n, "lag_events") << "\n";
    }
  } else if (!r.authenticated) {
    out << ctx.T("  (đăng nhập bằng --user để xem trạng thái và các trạm)\n",
                 "  (log in with --user to see its status and nodes)\n");
  }
  if (r.cursor) {
    out << ctx.T("  Con trỏ của ", "  Cursor of ") << o.origin << ": " << *r.cursor << "\n";
  }
}

int RunStatus(Context& ctx, StatusArgs& args) {
  NodeStatusOptions& o = args.options;
  Status s;
  if (!o.user.empty()) {
    s = ReadPassword(ctx, args.password_file, &o.password);
    if (!s.ok()) return ctx.Fail(s, ExitFor(s));
  }
  if (!args.token_file.empty()) {
    if (o.origin.empty()) {
      return ctx.Fail(Status::InvalidArgument(
                          ctx.T("--token-file cần --origin ID", "--token-file needs --origin ID")),
                      kExitUsage);
    }
    s = ReadTokenFile(args.token_file, &o.token);
    if (!s.ok()) return ctx.Fail(s, ExitFor(s));
  }
  NodeStatusReport r;
  s = FetchNodeStatus(o, &r);
  if (!s.ok()) {
    return ctx.Fail(s, s.IsInvalidArgument() ? kExitUsage : kExitFailure);
  }
  const int code = r.warnings.empty() ? kExitOk : kExitNeedsAttention;
  if (ctx.json) {
    json warnings = json::array();
    for (const auto& w : r.warnings) {
      warnings.push_back({{"code", w.code},
                          {"subject", w.subject},
                          {"detail", w.detail},
                          {"message", WarningText(ctx, w)}});
    }
    json j = {{"ok", r.warnings.empty()}, {"url", o.url},       {"kind", NodeKindName(r.kind)},
              {"healthy", r.healthy},     {"status", r.status}, {"warnings", warnings}};
    if (r.kind == NodeKind::kHub) {
      j["authenticated"] = r.authenticated;
      j["nodes"] = r.nodes;
      if (r.cursor) j["cursor"] = {{"origin", o.origin}, {"acked_seq", *r.cursor}};
    }
    ctx.PrintJson(j);
    return code;
  }
  if (r.kind == NodeKind::kEdge) {
    PrintEdge(ctx, o.url, r);
  } else {
    PrintHub(ctx, o.url, o, r);
  }
  if (r.warnings.empty()) {
    ctx.out() << ctx.T("Không có cảnh báo.\n", "No warnings.\n");
  } else {
    ctx.out() << ctx.T("Cảnh báo:\n", "Warnings:\n");
    for (const auto& w : r.warnings) ctx.out() << "  - " << WarningText(ctx, w) << "\n";
  }
  return code;
}

}  // namespace

void AddStatusCommand(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<StatusArgs>();
  CLI::App* cmd = app.add_subcommand(
      "status", ctx.T("Tình trạng một trạm phường hoặc hub: sức khỏe, nhật ký, sao chép, cảnh báo "
                      "(thoát 5 nếu có cảnh báo)",
                      "An edge's or a hub's health at a glance: health, log, replication, "
                      "warnings (exit 5 when there are warnings)"));
  cmd->add_option("--url", args->options.url,
                  ctx.T("URL của trạm hoặc hub (http://host:port)",
                        "The edge's or hub's URL (http://host:port)"))
      ->required();
  CLI::Option* user =
      cmd->add_option("--user", args->options.user,
                      ctx.T("Người dùng của hub (mật khẩu từ stdin hoặc --password-file)",
                            "Hub user (password from stdin or --password-file)"));
  cmd->add_option("--password-file", args->password_file,
                  ctx.T("Tệp chứa mật khẩu (dòng đầu)", "File holding the password (first line)"))
      ->needs(user);
  CLI::Option* token = cmd->add_option(
      "--token-file", args->token_file,
      ctx.T("Token của một trạm: xem con trỏ sao chép của trạm đó trên hub (cần --origin)",
            "A node's token: read that node's replication cursor at the hub (needs --origin)"));
  cmd->add_option("--origin", args->options.origin,
                  ctx.T("Mã nút (node id) của con trỏ", "The node id of the cursor"))
      ->needs(token);
  cmd->add_option("--timeout", args->options.timeout_seconds,
                  ctx.T("Thời gian chờ, giây", "Seconds to wait"))
      ->check(CLI::PositiveNumber);
  cmd->add_option("--lag-warning", args->options.lag_warning_seconds,
                  ctx.T("Cảnh báo khi trạm chậm hơn số giây này (mặc định 3600)",
                        "Warn when an edge lags by more seconds than this (default 3600)"))
      ->check(CLI::PositiveNumber);
  cmd->callback([&ctx, args] { ctx.exit_code = RunStatus(ctx, *args); });
}

}  // namespace hailong::ops::cli
