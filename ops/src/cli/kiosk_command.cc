// hailongctl kiosk enroll|list|revoke --url EDGE_URL --admin-token-file F
// Counter kiosks of a running edge, through its admin API
// (/api/v1/admin/kiosks, behind admin_token_sha256): `enroll` prints the
// one-time enrollment link that a technician opens on the counter's
// tablet, `list` shows every kiosk and its state, `revoke` takes a kiosk's
// credential away.
#include <memory>

#include "../http_client.h"
#include "commands.h"
#include "credentials.h"
#include "table.h"

namespace hailong::ops::cli {

namespace {

using json = nlohmann::json;

struct KioskArgs {
  std::string url;
  std::string token_file;
  std::string counter;
  std::string name;
  std::string kiosk;
  std::string link_base;  // "" = url
  int timeout_seconds = 10;
};

// Sends one admin request; *body gets the JSON answer of a 200.
Status CallEdge(const Context& ctx, const KioskArgs& args, const std::string& method,
                const std::string& path, const std::string& payload, json* body) {
  std::string token;
  Status s = ReadTokenFile(args.token_file, &token);
  if (!s.ok()) return s;
  HubUrl url;
  s = ParseHubUrl(args.url, &url);
  if (!s.ok()) return s;
  HttpClient client(url, args.timeout_seconds);
  const HttpHeaders auth = {{"Authorization", "Bearer " + token}};
  HttpResponse res;
  if (method == "POST") {
    s = client.Post(path, auth, "application/json", payload, &res);
  } else if (method == "DELETE") {
    s = client.Delete(path, auth, &res);
  } else {
    s = client.Get(path, auth, &res);
  }
  if (!s.ok()) return s;
  *body = json::parse(res.body, nullptr, false);
  const std::string error =
      body->is_object() && body->contains("error") && (*body)["error"].is_string()
          ? (*body)["error"].get<std::string>()
          : res.body.substr(0, 200);
  if (res.status == 401) {
    return Status::Unauthenticated(
        ctx.T("trạm không nhận mã quản trị này", "the edge does not accept this admin token"));
  }
  if (res.status == 403) {
    return Status::PermissionDenied(
        ctx.T("trạm chưa cấu hình mã quản trị (admin_token_sha256)",
              "the edge has no admin token configured (admin_token_sha256)"));
  }
  if (res.status == 404) return Status::NotFound(error);
  if (res.status == 400) return Status::InvalidArgument(error);
  if (res.status != 200 || !body->is_object()) {
    return Status::Unavailable(method + " " + path + ": HTTP " + std::to_string(res.status) + ": " +
                               error);
  }
  return Status::OK();
}

std::string Or(const json& j, const char* key, const char* none) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : none;
}

int RunEnroll(Context& ctx, const KioskArgs& args) {
  json body;
  json request = {{"counter", args.counter}};
  if (!args.name.empty()) request["name"] = args.name;
  Status s = CallEdge(ctx, args, "POST", "/api/v1/admin/kiosks", request.dump(), &body);
  if (!s.ok()) return ctx.Fail(s, ExitFor(s));
  std::string base = args.link_base.empty() ? args.url : args.link_base;
  while (!base.empty() && base.back() == '/') base.pop_back();
  const std::string link = base + Or(body, "path", "");
  if (ctx.json) {
    body["link"] = link;
    body.erase("code");  // the link carries it
    body["ok"] = true;
    ctx.PrintJson(body);
    return kExitOk;
  }
  ctx.out() << ctx.T("Máy ", "Kiosk ") << Or(body, "kiosk", "?")
            << ctx.T(" cho quầy ", " for counter ") << Or(body, "counter", "?")
            << ctx.T(". Mở liên kết này MỘT LẦN trên máy tính bảng của quầy, trước ",
                     ". Open this link ONCE on the counter's tablet, before ")
            << Or(body, "expires_at", "?") << ":\n"
            << link << "\n";
  return kExitOk;
}

int RunList(Context& ctx, const KioskArgs& args) {
  json body;
  Status s = CallEdge(ctx, args, "GET", "/api/v1/admin/kiosks", "", &body);
  if (!s.ok()) return ctx.Fail(s, ExitFor(s));
  if (ctx.json) {
    body["ok"] = true;
    ctx.PrintJson(body);
    return kExitOk;
  }
  const json list = body.value("kiosks", json::array());
  if (list.empty()) {
    ctx.out() << ctx.T("Chưa có máy kiosk nào.\n", "No kiosks yet.\n");
    return kExitOk;
  }
  TextTable table;
  table.AddRow({ctx.T("MÁY", "KIOSK"), ctx.T("QUẦY", "COUNTER"), ctx.T("TRẠNG THÁI", "STATE"),
                ctx.T("TẠO LÚC", "CREATED"), ctx.T("KÍCH HOẠT", "ENROLLED"),
                ctx.T("THU HỒI", "REVOKED"), ctx.T("GHI CHÚ", "NAME")});
  for (const json& k : list) {
    table.AddRow({Or(k, "kiosk", "-"), Or(k, "counter", "-"), Or(k, "state", "-"),
                  Or(k, "created_at", "-"), Or(k, "enrolled_at", "-"), Or(k, "revoked_at", "-"),
                  Or(k, "name", "-")});
  }
  table.Print(ctx.out());
  return kExitOk;
}

int RunRevoke(Context& ctx, const KioskArgs& args) {
  json body;
  Status s = CallEdge(ctx, args, "DELETE", "/api/v1/admin/kiosks?kiosk=" + args.kiosk, "", &body);
  if (!s.ok()) return ctx.Fail(s, ExitFor(s));
  if (ctx.json) {
    body["ok"] = true;
    ctx.PrintJson(body);
    return kExitOk;
  }
  ctx.out() << ctx.T("Đã thu hồi máy ", "Revoked kiosk ") << Or(body, "kiosk", "?")
            << ctx.T(" (quầy ", " (counter ") << Or(body, "counter", "?") << ")\n";
  return kExitOk;
}

void AddEdgeOptions(CLI::App* cmd, Context& ctx, KioskArgs* args) {
  cmd->add_option("--url", args->url, ctx.T("URL của trạm edge", "The edge's URL"))->required();
  cmd->add_option("--admin-token-file", args->token_file,
                  ctx.T("Tệp chứa mã quản trị của trạm (sha256 của nó là admin_token_sha256)",
                        "File holding the edge's admin token (its sha256 is admin_token_sha256)"))
      ->required();
  cmd->add_option("--timeout", args->timeout_seconds,
                  ctx.T("Thời gian chờ, giây", "Seconds to wait"))
      ->check(CLI::PositiveNumber);
}

}  // namespace

void AddKioskCommand(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<KioskArgs>();
  CLI::App* kiosk =
      app.add_subcommand("kiosk", ctx.T("Máy tính bảng tại quầy: kích hoạt, liệt kê, thu hồi",
                                        "Counter kiosks (tablets): enroll, list, revoke"));
  kiosk->require_subcommand(1);

  CLI::App* enroll = kiosk->add_subcommand(
      "enroll", ctx.T("In liên kết kích hoạt dùng một lần cho máy tính bảng của một quầy",
                      "Print a one-time enrollment link for a counter's tablet"));
  AddEdgeOptions(enroll, ctx, args.get());
  enroll->add_option("--counter", args->counter, ctx.T("Mã quầy", "Counter id"))->required();
  enroll->add_option(
      "--name", args->name,
      ctx.T("Ghi chú về máy (ví dụ: máy cạnh cửa)", "A note (\"tablet by the door\")"));
  enroll->add_option(
      "--link-base", args->link_base,
      ctx.T("Địa chỉ của trạm mà máy tính bảng dùng, nếu khác --url (ví dụ khi chạy lệnh ngay "
            "trên trạm với --url http://127.0.0.1:8080)",
            "The edge's address as the tablet reaches it, if not --url (e.g. when running on "
            "the edge itself with --url http://127.0.0.1:8080)"));
  enroll->callback([&ctx, args] { ctx.exit_code = RunEnroll(ctx, *args); });

  CLI::App* list = kiosk->add_subcommand(
      "list", ctx.T("Các máy kiosk của trạm và trạng thái", "The edge's kiosks and their state"));
  AddEdgeOptions(list, ctx, args.get());
  list->callback([&ctx, args] { ctx.exit_code = RunList(ctx, *args); });

  CLI::App* revoke = kiosk->add_subcommand(
      "revoke",
      ctx.T("Thu hồi quyền gửi đánh giá của một máy kiosk", "Take a kiosk's credential away"));
  AddEdgeOptions(revoke, ctx, args.get());
  revoke->add_option("--kiosk", args->kiosk, ctx.T("Mã máy (kiosk list)", "Kiosk id (kiosk list)"))
      ->required();
  revoke->callback([&ctx, args] { ctx.exit_code = RunRevoke(ctx, *args); });
}

}  // namespace hailong::ops::cli
