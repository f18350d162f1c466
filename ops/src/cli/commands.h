// One function per hailongctl command; each registers its sub-command on
// `parent` and runs it from the sub-command's callback, setting
// ctx.exit_code. `ctx` must outlive the parse. Private to hailong_ops.
#pragma once

#include <CLI/CLI.hpp>

#include "context.h"

namespace hailong::ops::cli {

void AddNewTokenCommand(CLI::App& app, Context& ctx);
void AddHashPasswordCommand(CLI::App& app, Context& ctx);
void AddLogCatCommand(CLI::App& log, Context& ctx);
void AddLogExportCommand(CLI::App& log, Context& ctx);
void AddLogVerifyCommand(CLI::App& log, Context& ctx);
void AddLogImportCommand(CLI::App& log, Context& ctx);
void AddStatusCommand(CLI::App& app, Context& ctx);
void AddDevicesCommand(CLI::App& app, Context& ctx);
void AddBackupCommand(CLI::App& app, Context& ctx);
void AddRestoreCommand(CLI::App& app, Context& ctx);
void AddQrCommand(CLI::App& app, Context& ctx);
void AddBrokerCommand(CLI::App& app, Context& ctx);
void AddKioskCommand(CLI::App& app, Context& ctx);

}  // namespace hailong::ops::cli
