// hailong-devsim: simulated button boxes and touchscreens over MQTT, and the
// load generator. Everything but argument parsing and signals lives in
// hailong_devices (simulator.h).
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "hailong/devices/responder.h"
#include "hailong/devices/simulator.h"
#include "hailong/schema/version.h"
#include "hailong/survey/template.h"

namespace {

using hailong::devices::Simulator;

std::atomic<Simulator*> g_simulator{nullptr};
std::atomic<int> g_signals{0};

void OnSignal(int) {
  const int n = g_signals.fetch_add(1) + 1;
  Simulator* sim = g_simulator.load();
  if (sim == nullptr) return;
  if (n == 1) {
    sim->Stop();
  } else {
    sim->Abort();
  }
}

// --responder: ack every rating without storing it (the MQTT ceiling).
int RunResponder(const hailong::devices::AckResponderOptions& options, double duration_s,
                 bool progress, bool report_json, bool en) {
  hailong::devices::AckResponder responder(options);
  hailong::Status s = responder.Start();
  if (!s.ok()) {
    std::cerr << s.message() << "\n";
    return 2;
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  // Subscribed: what devices publish from now on reaches the responder.
  std::fprintf(stderr, en ? "responder: ready\n" : "responder: sẵn sàng\n");
  const auto start = std::chrono::steady_clock::now();
  uint64_t last = 0;
  int seconds = 0;
  while (g_signals.load() == 0 &&
         (duration_s <= 0 ||
          std::chrono::steady_clock::now() - start < std::chrono::duration<double>(duration_s))) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (progress && std::chrono::steady_clock::now() - start >= std::chrono::seconds(seconds + 1)) {
      ++seconds;
      uint64_t now = responder.stored();
      std::fprintf(stderr,
                   en ? "t=%ds stored=%llu stored/s=%llu rejected=%llu\n"
                      : "t=%ds đã xác nhận=%llu xác nhận/giây=%llu từ chối=%llu\n",
                   seconds, static_cast<unsigned long long>(now),
                   static_cast<unsigned long long>(now - last),
                   static_cast<unsigned long long>(responder.rejected()));
      last = now;
    }
  }
  responder.Stop();
  if (report_json) {
    std::cout << nlohmann::json{{"stored", responder.stored()},
                                {"repeated", responder.repeated()},
                                {"rejected", responder.rejected()},
                                {"publish_errors", responder.publish_errors()},
                                {"received", responder.received()},
                                {"received_per_s", responder.received_per_s()}}
                     .dump()
              << std::endl;
  }
  return 0;
}

bool WantsEnglish(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--lang=en" || (a == "--lang" && i + 1 < argc && std::string(argv[i + 1]) == "en")) {
      return true;
    }
  }
  const char* env = std::getenv("HAILONG_LANG");
  return env != nullptr && std::string(env) == "en";
}

}  // namespace

int main(int argc, char** argv) {
  const bool en = WantsEnglish(argc, argv);
  auto T = [en](const char* vi, const char* english) { return std::string(en ? english : vi); };

  hailong::devices::SimulatorOptions o;
  std::string counters = "q1";
  std::string template_id = hailong::survey::kDefaultTemplateId;
  std::string template_file, password_file, dossier_token_file, lang = "vi";
  bool report_json = false, quiet = false, list_templates = false, responder = false;
  std::string responder_username, procedures_file;
  int responder_clients = 4;
  bool responder_ack_only = false, responder_count_only = false;

  CLI::App app(T("hailong-devsim: hộp nút bấm và màn hình cảm ứng mô phỏng (giao thức MQTT v1), "
                 "kiêm công cụ tạo tải.",
                 "hailong-devsim: simulated button boxes and touchscreens (MQTT protocol v1), "
                 "also the load generator."),
               "hailong-devsim");
  app.set_version_flag("--version", std::string("hailong-devsim ") + hailong::kVersion);
  app.add_option("--broker", o.broker, T("Địa chỉ broker MQTT", "MQTT broker URI"))
      ->capture_default_str();
  app.add_option("--office", o.office, T("Mã đơn vị (office id)", "Office id"))
      ->capture_default_str();
  app.add_option("--devices", o.devices, T("Số thiết bị mô phỏng", "Number of simulated devices"))
      ->capture_default_str();
  app.add_option(
         "--device-prefix", o.device_prefix,
         T("Thiết bị thứ i có mã <tiền tố><i> (mặc định: --username-prefix nếu có, nếu không sim-)",
           "Device i has id <prefix><i> (default: --username-prefix if given, else sim-)"))
      ->capture_default_str();
  app.add_option("--counters", counters,
                 T("Danh sách quầy (q1,q2,...) hoặc số quầy N (q1..qN)",
                   "Counter list (q1,q2,...) or a count N (q1..qN)"))
      ->capture_default_str();
  app.add_option("--username-prefix", o.username_prefix,
                 T("Thiết bị thứ i đăng nhập broker bằng tên <tiền tố><i>",
                   "Device i logs in to the broker as <prefix><i>"));
  app.add_option("--password", o.password, T("Mật khẩu thiết bị", "Device password"));
  app.add_option("--password-file", password_file,
                 T("Đọc mật khẩu thiết bị từ tệp (dòng đầu)",
                   "Read the device password from a file (first line)"));
  app.add_option(
      "--password-dir", o.password_dir,
      T("Mỗi thiết bị dùng mật khẩu riêng, dòng đầu của <thư mục>/<tên đăng nhập>.password "
        "(thư mục devices/ do make-office-broker tạo)",
        "Each device uses its own password, the first line of "
        "<dir>/<username>.password (make-office-broker's devices/ directory)"));
  app.add_option("--ca-file", o.ca_file,
                 T("Với --broker ssl://...: tệp PEM của CA đã ký chứng chỉ broker (mặc định: CA "
                   "của hệ thống)",
                   "With --broker ssl://...: PEM file of the CA that signed the broker's "
                   "certificate (default: the system's CAs)"));
  app.add_option("--rate", o.rate,
                 T("Số lượt đánh giá mỗi giây của mỗi thiết bị", "Ratings per second per device"))
      ->capture_default_str();
  app.add_option("--total-rate", o.total_rate,
                 T("Tổng số lượt mỗi giây (chia đều cho các thiết bị; thay cho --rate)",
                   "Total ratings per second, split over the devices (instead of --rate)"));
  app.add_option("--count", o.count,
                 T("Gửi tổng cộng N lượt rồi dừng", "Send N ratings in total, then stop"));
  app.add_option("--duration", o.duration_s,
                 T("Dừng bấm sau S giây", "Stop pressing after S seconds"));
  app.add_option("--template", template_id, T("Mẫu khảo sát dựng sẵn", "Built-in survey template"))
      ->capture_default_str();
  app.add_option("--template-file", template_file,
                 T("Mẫu khảo sát từ tệp JSON", "Survey template from a JSON file"));
  app.add_flag(
      "--list-templates", list_templates,
      T("In các mẫu dựng sẵn (JSON) rồi thoát", "Print the built-in templates (JSON) and exit"));
  app.add_option("--edge-url", o.edge_url,
                 T("Địa chỉ HTTP của edge: lấy danh sách quầy và mẫu khảo sát, gửi hồ sơ như phần "
                   "mềm một cửa",
                   "The edge's HTTP URL: take its counters and templates, post dossiers as the "
                   "one-stop software would"));
  app.add_option("--dossier-token-file", dossier_token_file,
                 T("Tệp chứa mã truy cập của phần mềm một cửa để gửi hồ sơ (sha256 của nó nằm "
                   "trong dossier_tokens_sha256 của edge)",
                   "File holding the one-stop software's token for posting dossiers (its sha256 "
                   "is in the edge's dossier_tokens_sha256)"));
  app.add_option("--history-days", o.history_days,
                 T("Tạo dữ liệu của N ngày làm việc vừa qua (hồ sơ và đánh giá) rồi thoát; cần "
                   "--edge-url",
                   "Write the last N days of office history (dossiers and ratings), then exit; "
                   "needs --edge-url"));
  app.add_option("--history-dossiers", o.history_dossiers_per_day,
                 T("Số hồ sơ mỗi thiết bị mỗi ngày trong --history-days",
                   "Dossiers per device and day for --history-days"))
      ->capture_default_str();
  app.add_option("--procedures", procedures_file,
                 T("Tệp CSV thủ tục (field_code,field_name,procedure_code,procedure_name,level)",
                   "Procedures CSV (field_code,field_name,procedure_code,procedure_name,level)"));
  app.add_flag("--follow-session", o.follow_session,
               T("Dùng mẫu khảo sát và hồ sơ theo phiên của quầy (chủ đề session do edge giữ lại)",
                 "Ask the template and use the dossier of the counter's session (retained by the "
                 "edge)"));
  app.add_option("--misuse-fraction", o.misuse_fraction,
                 T("Tỉ lệ lượt bấm kèm một lần bấm lại sau 300 ms",
                   "Share of presses followed by a second press 300 ms later"));
  app.add_option("--bad-fraction", o.bad_fraction,
                 T("Tỉ lệ bản tin hỏng (phải bị từ chối)",
                   "Share of deliberately bad payloads (must be rejected)"));
  app.add_option(
      "--dossier-fraction", o.dossier_fraction,
      T("Tỉ lệ lượt gắn số biên nhận hồ sơ", "Share of ratings tied to a receipt number"));
  app.add_option("--resend-timeout-ms", o.resend_timeout_ms,
                 T("Gửi lại (cùng id) khi chưa có phản hồi sau chừng ấy ms",
                   "Resend (same id) when unacknowledged after this many ms"))
      ->capture_default_str();
  app.add_option("--max-in-flight", o.max_in_flight,
                 T("Số lượt tối đa mỗi thiết bị đã gửi mà chưa được xác nhận",
                   "Most ratings a device has sent and not yet seen acked"))
      ->capture_default_str();
  app.add_option("--connect-wait-ms", o.connect_wait_ms,
                 T("Chờ các thiết bị kết nối tối đa chừng ấy ms trước khi bấm",
                   "Wait up to this many ms for the devices to connect before pressing"))
      ->capture_default_str();
  app.add_option("--drain-timeout-ms", o.drain_timeout_ms,
                 T("Thời gian tối đa chờ phản hồi sau khi dừng bấm",
                   "How long to wait for acks after pressing stops"))
      ->capture_default_str();
  app.add_option("--state-dir", o.state_dir,
                 T("Thư mục lưu các lượt chưa được xác nhận (gửi lại khi chạy lại)",
                   "Directory keeping unacknowledged ratings (resent on the next run)"));
  app.add_option("--acked-file", o.acked_file,
                 T("Ghi \"<thiết bị>:<mã lượt>\" của mỗi lượt đã được lưu vào tệp này",
                   "Append \"<device>:<rating id>\" of every rating acked stored to this file"));
  app.add_flag(
      "--clean-session", o.clean_session,
      T("Phiên MQTT sạch (mặc định: phiên bền vững)", "Clean MQTT session (default: persistent)"));
  app.add_option("--seed", o.seed,
                 T("Hạt giống ngẫu nhiên (0 = theo đồng hồ)", "Random seed (0 = clock)"));
  app.add_flag("--report-json", report_json,
               T("In bản tổng kết JSON ra stdout khi kết thúc",
                 "Print a JSON summary on stdout at the end"));
  app.add_flag("--responder", responder,
               T("Chạy như một edge giả: xác nhận mọi lượt hợp lệ mà không lưu (đo trần MQTT)",
                 "Act as a stand-in edge: ack every valid rating without storing it (MQTT "
                 "ceiling)"));
  app.add_option("--responder-clients", responder_clients,
                 T("Số kết nối MQTT của --responder (đăng ký dùng chung)",
                   "MQTT connections of --responder (shared subscription)"))
      ->capture_default_str();
  app.add_flag("--responder-ack-only", responder_ack_only,
               T("--responder chỉ đọc mã lượt rồi xác nhận, không kiểm tra mẫu (trần MQTT thuần)",
                 "--responder reads only the rating id and acks, no template checks (pure MQTT "
                 "ceiling)"));
  app.add_flag("--responder-count-only", responder_count_only,
               T("--responder chỉ đăng ký nhận và đếm, không xác nhận (tốc độ QoS 1 từ thiết bị "
                 "đến bên nhận của Mosquitto)",
                 "--responder only subscribes and counts, never acks (Mosquitto's QoS 1 "
                 "publish-to-subscriber rate)"));
  app.add_flag("--publish-only", o.publish_only,
               T("Một lượt xong khi broker xác nhận đã nhận (PUBACK), không chờ edge (dùng với "
                 "--responder-count-only để đo trần)",
                 "A rating is done once the broker acknowledges it (PUBACK), no edge ack "
                 "awaited (with --responder-count-only, the ceiling)"));
  app.add_option("--responder-username", responder_username,
                 T("Tên đăng nhập broker của --responder", "Broker username for --responder"));
  app.add_flag("--quiet", quiet, T("Không in tiến độ mỗi giây", "No progress line every second"));
  app.add_option("--lang", lang, T("Ngôn ngữ thông báo: vi hoặc en", "Message language: vi or en"))
      ->check(CLI::IsMember({"vi", "en"}))
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return e.get_exit_code() == 0 ? code : 2;
  }
  o.english = en;
  // A device's MQTT username is its device id (the broker's ACL relies on it).
  if (!o.username_prefix.empty() && app.count("--device-prefix") == 0) {
    o.device_prefix = o.username_prefix;
  }
  o.progress = !quiet;

  if (list_templates) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& t : hailong::survey::BuiltinTemplates()) {
      list.push_back(hailong::survey::TemplateToJson(t));
    }
    std::cout << nlohmann::json{{"templates", list}}.dump(2) << "\n";
    return 0;
  }

  if (!password_file.empty()) {
    std::ifstream in(password_file);
    if (!in || !std::getline(in, o.password)) {
      std::cerr << T("Không đọc được tệp mật khẩu: ", "Cannot read the password file: ")
                << password_file << "\n";
      return 2;
    }
  }

  if (!dossier_token_file.empty()) {
    std::ifstream in(dossier_token_file);
    if (!in || !std::getline(in, o.dossier_token) || o.dossier_token.empty()) {
      std::cerr << T("Không đọc được tệp mã hồ sơ: ", "Cannot read the dossier token file: ")
                << dossier_token_file << "\n";
      return 2;
    }
    while (!o.dossier_token.empty() &&
           (o.dossier_token.back() == '\r' || o.dossier_token.back() == ' ')) {
      o.dossier_token.pop_back();
    }
  }

  if (responder) {
    hailong::devices::AckResponderOptions ro;
    ro.broker = o.broker;
    ro.office = o.office;
    ro.username = responder_username;
    ro.clients = responder_clients;
    ro.validate = !responder_ack_only;
    ro.count_only = responder_count_only;
    ro.password = o.password;
    return RunResponder(ro, o.duration_s, o.progress, report_json, en);
  }

  // Counters: a count or a list (default: the edge's with --edge-url, else q1).
  o.counters.clear();
  if (app.count("--counters") == 0) {
    // left empty
  } else if (!counters.empty() && counters.find_first_not_of("0123456789") == std::string::npos) {
    int n = std::stoi(counters);
    for (int i = 1; i <= n; ++i) o.counters.push_back("q" + std::to_string(i));
  } else {
    std::stringstream ss(counters);
    std::string c;
    while (std::getline(ss, c, ',')) {
      if (!c.empty()) o.counters.push_back(c);
    }
  }

  if (!template_file.empty()) {
    std::ifstream in(template_file);
    std::stringstream text;
    text << in.rdbuf();
    hailong::Status s = in ? hailong::survey::ParseTemplate(text.str(), &o.survey)
                           : hailong::Status::IOError("cannot read");
    if (!s.ok()) {
      std::cerr << "--template-file " << template_file << ": " << s.message() << "\n";
      return 2;
    }
  } else if (app.count("--template") != 0) {
    bool found = false;
    for (const auto& t : hailong::survey::BuiltinTemplates()) {
      if (t.id == template_id) {
        o.survey = t;
        found = true;
      }
    }
    if (!found) {
      std::cerr << T("--template: không có mẫu dựng sẵn '", "--template: no built-in template '")
                << template_id << "'\n";
      return 2;
    }
  }

  if (!procedures_file.empty()) {
    std::ifstream in(procedures_file);
    std::string line;
    while (std::getline(in, line)) {
      std::vector<std::string> cells;
      std::stringstream ss(line);
      std::string cell;
      while (std::getline(ss, cell, ',')) cells.push_back(cell);
      if (cells.size() >= 3 && cells[0] != "field_code")
        o.procedures.push_back({cells[2], cells[0]});
    }
    if (o.procedures.empty()) {
      std::cerr << T("--procedures: không đọc được thủ tục nào từ ",
                     "--procedures: no procedures read from ")
                << procedures_file << "\n";
      return 2;
    }
  }

  std::unique_ptr<Simulator> sim;
  hailong::Status s = Simulator::Create(o, &sim);
  if (!s.ok()) {
    std::cerr << s.message() << "\n";
    return 2;
  }
  g_simulator.store(sim.get());
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);

  hailong::devices::SimulatorReport report;
  s = sim->Run(&report);
  g_simulator.store(nullptr);
  if (!s.ok()) {
    std::cerr << s.message() << "\n";
    return 2;
  }
  if (report_json) std::cout << report.ToJson().dump() << std::endl;
  if (!quiet || !report_json) {
    std::fprintf(
        stderr,
        en ? "sent %llu, stored %llu, rejected %llu, unacked %llu, resent %llu; "
             "%.0f stored/s; ack latency p50 %.2f ms, p99 %.2f ms\n"
           : "đã gửi %llu, đã lưu %llu, bị từ chối %llu, chưa xác nhận %llu, gửi lại %llu; "
             "%.0f lượt lưu/giây; độ trễ xác nhận p50 %.2f ms, p99 %.2f ms\n",
        static_cast<unsigned long long>(report.sent),
        static_cast<unsigned long long>(report.acked_stored),
        static_cast<unsigned long long>(report.rejected),
        static_cast<unsigned long long>(report.unacked),
        static_cast<unsigned long long>(report.resent), report.acked_per_s, report.latency_p50_ms,
        report.latency_p99_ms);
  }
  return report.ExitCode();
}
