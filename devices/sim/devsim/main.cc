// hailong-devsim: simulated button boxes and touchscreens over MQTT, and the
// load generator. The options are in options.cc, the runs in run.cc, the
// simulator itself in the hailong_devsim library (hailong/devsim/).
#include <CLI/CLI.hpp>

#include "options.h"
#include "run.h"

int main(int argc, char** argv) {
  using namespace hailong::devsim_cli;
  DevsimArgs args;
  args.en = WantsEnglish(argc, argv);
  CLI::App app(Say(args.en,
                   "hailong-devsim: hộp nút bấm và màn hình cảm ứng mô phỏng (giao thức MQTT v1), "
                   "kiêm công cụ tạo tải.",
                   "hailong-devsim: simulated button boxes and touchscreens (MQTT protocol v1), "
                   "also the load generator."),
               "hailong-devsim");
  AddDevsimOptions(&app, &args);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return e.get_exit_code() == 0 ? code : 2;
  }
  if (args.list_templates) return ListTemplates();
  if (!CompleteDevsimArgs(app, &args)) return 2;
  if (args.responder) return RunResponder(args);
  return RunSimulator(args);
}
