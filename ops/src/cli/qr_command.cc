// hailongctl qr counter|receipt --public-url URL --office ID --counter C [--receipt R] --out FILE
// hailongctl qr results --public-url HUB_URL --office ID --out FILE
#include <memory>

#include "commands.h"
#include "hailong/ops/qr_codes.h"

namespace hailong::ops::cli {

namespace {

struct QrArgs {
  SurveyLinkParts parts;
  std::string out;
  bool force = false;
  bool results = false;  // the office's public results page, not a survey
};

void AddCommon(CLI::App* cmd, Context& ctx, QrArgs* args) {
  if (args->results) {
    cmd->add_option("--public-url", args->parts.public_url,
                    ctx.T("Địa chỉ công khai của trung tâm quận (vd. https://hailong.quan1.gov.vn)",
                          "The district hub's public URL (e.g. https://hailong.quan1.gov.vn)"))
        ->required();
    cmd->add_option("--office", args->parts.office, ctx.T("Mã đơn vị", "Office id"))->required();
    cmd->add_option("--out", args->out,
                    ctx.T("Tệp ảnh .png (in) hoặc .svg (mọi cỡ)",
                          "Image file .png (print) or .svg (any size)"))
        ->required();
    cmd->add_flag("--force", args->force, ctx.T("Ghi đè tệp đã có", "Overwrite an existing file"));
    return;
  }
  cmd->add_option("--public-url", args->parts.public_url,
                  ctx.T("Địa chỉ công khai của khảo sát (public_url của trạm, vd. "
                        "https://hailong.quan1.gov.vn)",
                        "The survey's public base URL (the edge's public_url, e.g. "
                        "https://hailong.quan1.gov.vn)"))
      ->required();
  cmd->add_option("--office", args->parts.office, ctx.T("Mã đơn vị", "Office id"))->required();
  cmd->add_option("--counter", args->parts.counter, ctx.T("Mã quầy", "Counter id"))->required();
  cmd->add_option("--out", args->out,
                  ctx.T("Tệp ảnh .png (in) hoặc .svg (mọi cỡ)",
                        "Image file .png (print) or .svg (any size)"))
      ->required();
  cmd->add_flag("--force", args->force, ctx.T("Ghi đè tệp đã có", "Overwrite an existing file"));
}

int Run(Context& ctx, const QrArgs& args) {
  std::string link;
  Status s = args.results ? ResultsLink(args.parts.public_url, args.parts.office, &link)
                          : SurveyLink(args.parts, &link);
  if (!s.ok()) return ctx.Fail(s, kExitUsage);
  s = WriteQrFile(link, args.out, args.force);
  if (!s.ok()) return ctx.Fail(s, ExitFor(s));
  if (ctx.json) {
    ctx.PrintJson({{"ok", true}, {"link", link}, {"file", args.out}});
  } else {
    ctx.out() << ctx.T("Đã ghi mã QR của ", "Wrote the QR code of ") << link
              << ctx.T(" vào ", " to ") << args.out << "\n";
  }
  return kExitOk;
}

}  // namespace

void AddQrCommand(CLI::App& app, Context& ctx) {
  CLI::App* qr = app.add_subcommand(
      "qr", ctx.T("Mã QR của đường dẫn khảo sát để in: tại quầy hoặc trên giấy biên nhận",
                  "QR codes of the survey link for printing: at a counter or on a receipt"));
  qr->require_subcommand(1);
  qr->fallthrough();

  auto counter_args = std::make_shared<QrArgs>();
  CLI::App* counter = qr->add_subcommand(
      "counter", ctx.T("Mã QR dán tại quầy: {public_url}/s/{đơn vị}/{quầy}",
                       "The QR code for a counter: {public_url}/s/{office}/{counter}"));
  AddCommon(counter, ctx, counter_args.get());
  counter->callback([&ctx, counter_args] { ctx.exit_code = Run(ctx, *counter_args); });

  auto receipt_args = std::make_shared<QrArgs>();
  CLI::App* receipt = qr->add_subcommand(
      "receipt", ctx.T("Mã QR in trên giấy biên nhận: .../s/{đơn vị}/{quầy}?r={số biên nhận}",
                       "The QR code for a receipt: .../s/{office}/{counter}?r={receipt}"));
  AddCommon(receipt, ctx, receipt_args.get());
  receipt
      ->add_option("--receipt", receipt_args->parts.receipt,
                   ctx.T("Số biên nhận hồ sơ", "The dossier's receipt number"))
      ->required();
  receipt->callback([&ctx, receipt_args] { ctx.exit_code = Run(ctx, *receipt_args); });

  auto results_args = std::make_shared<QrArgs>();
  results_args->results = true;
  CLI::App* results = qr->add_subcommand(
      "results",
      ctx.T("Mã QR của trang công khai kết quả của đơn vị: {public_url}/ket-qua/{đơn vị}",
            "The QR code of the office's public results page: "
            "{public_url}/ket-qua/{office}"));
  AddCommon(results, ctx, results_args.get());
  results->callback([&ctx, results_args] { ctx.exit_code = Run(ctx, *results_args); });
}

}  // namespace hailong::ops::cli
