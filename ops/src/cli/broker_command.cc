// hailongctl broker device-password --dir DIR --device NAME [--show]
#include <memory>

#include "commands.h"
#include "hailong/ops/broker_passwords.h"

namespace hailong::ops::cli {

namespace {

struct DevicePasswordArgs {
  std::string dir;
  std::string device;
  bool show = false;
};

int RunDevicePassword(Context& ctx, const DevicePasswordArgs& args) {
  DevicePassword result;
  Status s = NewDevicePassword(args.dir, args.device, &result);
  if (!s.ok()) {
    const std::string text = std::string(ctx.T("không tạo được mật khẩu cho thiết bị: ",
                                               "cannot make a password for the device: ")) +
                             s.message();
    if (s.IsInvalidArgument()) return ctx.Fail(Status::InvalidArgument(text), kExitUsage);
    if (s.IsNotFound()) return ctx.Fail(Status::NotFound(text), kExitFailure);
    return ctx.Fail(Status::IOError(text), kExitFailure);
  }
  if (ctx.json) {
    nlohmann::json j = {{"ok", true},
                        {"device", result.device},
                        {"password_file", result.password_file},
                        {"added", result.added}};
    if (args.show) j["password"] = result.password;
    ctx.PrintJson(j);
  } else {
    ctx.out() << (result.added ? ctx.T("Thiết bị mới ", "New device ")
                               : ctx.T("Mật khẩu mới của thiết bị ", "New password of device "))
              << result.device << ": " << result.password_file << "\n";
    if (args.show) ctx.out() << result.password << "\n";
    ctx.out() << ctx.T(
        "Nạp lại broker để áp dụng (mật khẩu cũ hết hiệu lực): "
        "systemctl reload hailong-mosquitto@<đơn vị> (hoặc kill -HUP tiến trình mosquitto)\n",
        "Reload the broker to apply it (the old password stops working): "
        "systemctl reload hailong-mosquitto@<office> (or kill -HUP the mosquitto process)\n");
  }
  return kExitOk;
}

}  // namespace

void AddBrokerCommand(CLI::App& app, Context& ctx) {
  CLI::App* broker = app.add_subcommand(
      "broker", ctx.T("Broker MQTT của đơn vị (thư mục do make-office-broker tạo)",
                      "The office's MQTT broker (the directory make-office-broker writes)"));
  broker->require_subcommand(1);
  broker->fallthrough();
  auto args = std::make_shared<DevicePasswordArgs>();
  CLI::App* cmd = broker->add_subcommand(
      "device-password",
      ctx.T("Tạo mật khẩu ngẫu nhiên mới, riêng cho một thiết bị (thêm thiết bị nếu chưa có): "
            "ghi vào DIR/devices/<tên>.password và DIR/passwd",
            "Make a fresh random password for one device (adding the device if new): written "
            "to DIR/devices/<name>.password and DIR/passwd"));
  cmd->add_option("--dir", args->dir,
                  ctx.T("Thư mục broker (ví dụ /var/lib/hailong/mosquitto/phuong-01)",
                        "The broker directory (e.g. /var/lib/hailong/mosquitto/phuong-01)"))
      ->required();
  cmd->add_option("--device", args->device,
                  ctx.T("Tên đăng nhập của thiết bị (mã thiết bị, ví dụ box-3)",
                        "The device's user name (its device id, e.g. box-3)"))
      ->required();
  cmd->add_flag("--show", args->show,
                ctx.T("In cả mật khẩu mới (để nhập vào thiết bị)",
                      "Also print the new password (to enter it into the device)"));
  cmd->callback([&ctx, args] { ctx.exit_code = RunDevicePassword(ctx, *args); });
}

}  // namespace hailong::ops::cli
