// The command line of hailong-devsim: see options.h.
#include "options.h"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

#include "hailong/schema/version.h"
#include "hailong/survey/template_codec.h"
#include "hailong/survey/template_registry.h"

namespace hailong::devsim_cli {

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

void AddDevsimOptions(CLI::App* app, DevsimArgs* a) {
  auto T = [en = a->en](const char* vi, const char* english) { return Say(en, vi, english); };
  app->set_version_flag("--version", std::string("hailong-devsim ") + hailong::kVersion);
  app->add_option("--broker", a->sim.broker, T("Địa chỉ broker MQTT", "MQTT broker URI"))
      ->capture_default_str();
  app->add_option("--office", a->sim.office, T("Mã đơn vị (office id)", "Office id"))
      ->capture_default_str();
  app->add_option("--devices", a->sim.devices,
                  T("Số thiết bị mô phỏng", "Number of simulated devices"))
      ->capture_default_str();
  app->add_option(
         "--device-prefix", a->sim.device_prefix,
         T("Thiết bị thứ i có mã <tiền tố><i> (mặc định: --username-prefix nếu có, nếu không sim-)",
           "Device i has id <prefix><i> (default: --username-prefix if given, else sim-)"))
      ->capture_default_str();
  app->add_option("--counters", a->counters,
                  T("Danh sách quầy (q1,q2,...) hoặc số quầy N (q1..qN)",
                    "Counter list (q1,q2,...) or a count N (q1..qN)"))
      ->capture_default_str();
  app->add_option("--username-prefix", a->sim.username_prefix,
                  T("Thiết bị thứ i đăng nhập broker bằng tên <tiền tố><i>",
                    "Device i logs in to the broker as <prefix><i>"));
  app->add_option("--password", a->sim.password, T("Mật khẩu thiết bị", "Device password"));
  app->add_option("--password-file", a->password_file,
                  T("Đọc mật khẩu thiết bị từ tệp (dòng đầu)",
                    "Read the device password from a file (first line)"));
  app->add_option(
      "--password-dir", a->sim.password_dir,
      T("Mỗi thiết bị dùng mật khẩu riêng, dòng đầu của <thư mục>/<tên đăng nhập>.password "
        "(thư mục devices/ do make-office-broker tạo)",
        "Each device uses its own password, the first line of "
        "<dir>/<username>.password (make-office-broker's devices/ directory)"));
  app->add_option("--ca-file", a->sim.ca_file,
                  T("Với --broker ssl://...: tệp PEM của CA đã ký chứng chỉ broker (mặc định: CA "
                    "của hệ thống)",
                    "With --broker ssl://...: PEM file of the CA that signed the broker's "
                    "certificate (default: the system's CAs)"));
  app->add_option("--rate", a->sim.rate,
                  T("Số lượt đánh giá mỗi giây của mỗi thiết bị", "Ratings per second per device"))
      ->capture_default_str();
  app->add_option("--total-rate", a->sim.total_rate,
                  T("Tổng số lượt mỗi giây (chia đều cho các thiết bị; thay cho --rate)",
                    "Total ratings per second, split over the devices (instead of --rate)"));
  app->add_option("--count", a->sim.count,
                  T("Gửi tổng cộng N lượt rồi dừng", "Send N ratings in total, then stop"));
  app->add_option("--duration", a->sim.duration_s,
                  T("Dừng bấm sau S giây", "Stop pressing after S seconds"));
  app->add_option("--template", a->template_id,
                  T("Mẫu khảo sát dựng sẵn", "Built-in survey template"))
      ->capture_default_str();
  app->add_option("--template-file", a->template_file,
                  T("Mẫu khảo sát từ tệp JSON", "Survey template from a JSON file"));
  app->add_flag(
      "--list-templates", a->list_templates,
      T("In các mẫu dựng sẵn (JSON) rồi thoát", "Print the built-in templates (JSON) and exit"));
  app->add_option("--edge-url", a->sim.edge_url,
                  T("Địa chỉ HTTP của edge: lấy danh sách quầy và mẫu khảo sát, gửi hồ sơ như phần "
                    "mềm một cửa",
                    "The edge's HTTP URL: take its counters and templates, post dossiers as the "
                    "one-stop software would"));
  app->add_option("--dossier-token-file", a->dossier_token_file,
                  T("Tệp chứa mã truy cập của phần mềm một cửa để gửi hồ sơ (sha256 của nó nằm "
                    "trong dossier_tokens_sha256 của edge)",
                    "File holding the one-stop software's token for posting dossiers (its sha256 "
                    "is in the edge's dossier_tokens_sha256)"));
  app->add_option("--history-days", a->sim.history_days,
                  T("Tạo dữ liệu của N ngày làm việc vừa qua (hồ sơ và đánh giá) rồi thoát; cần "
                    "--edge-url",
                    "Write the last N days of office history (dossiers and ratings), then exit; "
                    "needs --edge-url"));
  app->add_option("--history-dossiers", a->sim.history_dossiers_per_day,
                  T("Số hồ sơ mỗi thiết bị mỗi ngày trong --history-days",
                    "Dossiers per device and day for --history-days"))
      ->capture_default_str();
  app->add_option("--procedures", a->procedures_file,
                  T("Tệp CSV thủ tục (field_code,field_name,procedure_code,procedure_name,level)",
                    "Procedures CSV (field_code,field_name,procedure_code,procedure_name,level)"));
  app->add_flag("--follow-session", a->sim.follow_session,
                T("Dùng mẫu khảo sát và hồ sơ theo phiên của quầy (chủ đề session do edge giữ lại)",
                  "Ask the template and use the dossier of the counter's session (retained by the "
                  "edge)"));
  app->add_option("--misuse-fraction", a->sim.misuse_fraction,
                  T("Tỉ lệ lượt bấm kèm một lần bấm lại sau 300 ms",
                    "Share of presses followed by a second press 300 ms later"));
  app->add_option("--bad-fraction", a->sim.bad_fraction,
                  T("Tỉ lệ bản tin hỏng (phải bị từ chối)",
                    "Share of deliberately bad payloads (must be rejected)"));
  app->add_option(
      "--dossier-fraction", a->sim.dossier_fraction,
      T("Tỉ lệ lượt gắn số biên nhận hồ sơ", "Share of ratings tied to a receipt number"));
  app->add_option("--resend-timeout-ms", a->sim.resend_timeout_ms,
                  T("Gửi lại (cùng id) khi chưa có phản hồi sau chừng ấy ms",
                    "Resend (same id) when unacknowledged after this many ms"))
      ->capture_default_str();
  app->add_option("--max-in-flight", a->sim.max_in_flight,
                  T("Số lượt tối đa mỗi thiết bị đã gửi mà chưa được xác nhận",
                    "Most ratings a device has sent and not yet seen acked"))
      ->capture_default_str();
  app->add_option("--connect-wait-ms", a->sim.connect_wait_ms,
                  T("Chờ các thiết bị kết nối tối đa chừng ấy ms trước khi bấm",
                    "Wait up to this many ms for the devices to connect before pressing"))
      ->capture_default_str();
  app->add_option("--drain-timeout-ms", a->sim.drain_timeout_ms,
                  T("Thời gian tối đa chờ phản hồi sau khi dừng bấm",
                    "How long to wait for acks after pressing stops"))
      ->capture_default_str();
  app->add_option("--state-dir", a->sim.state_dir,
                  T("Thư mục lưu các lượt chưa được xác nhận (gửi lại khi chạy lại)",
                    "Directory keeping unacknowledged ratings (resent on the next run)"));
  app->add_option("--acked-file", a->sim.acked_file,
                  T("Ghi \"<thiết bị>:<mã lượt>\" của mỗi lượt đã được lưu vào tệp này",
                    "Append \"<device>:<rating id>\" of every rating acked stored to this file"));
  app->add_flag(
      "--clean-session", a->sim.clean_session,
      T("Phiên MQTT sạch (mặc định: phiên bền vững)", "Clean MQTT session (default: persistent)"));
  app->add_option("--seed", a->sim.seed,
                  T("Hạt giống ngẫu nhiên (0 = theo đồng hồ)", "Random seed (0 = clock)"));
  app->add_flag("--report-json", a->report_json,
                T("In bản tổng kết JSON ra stdout khi kết thúc",
                  "Print a JSON summary on stdout at the end"));
  app->add_flag("--responder", a->responder,
                T("Chạy như một edge giả: xác nhận mọi lượt hợp lệ mà không lưu (đo trần MQTT)",
                  "Act as a stand-in edge: ack every valid rating without storing it (MQTT "
                  "ceiling)"));
  app->add_option("--responder-clients", a->responder_clients,
                  T("Số kết nối MQTT của --responder (đăng ký dùng chung)",
                    "MQTT connections of --responder (shared subscription)"))
      ->capture_default_str();
  app->add_flag("--responder-ack-only", a->responder_ack_only,
                T("--responder chỉ đọc mã lượt rồi xác nhận, không kiểm tra mẫu (trần MQTT thuần)",
                  "--responder reads only the rating id and acks, no template checks (pure MQTT "
                  "ceiling)"));
  app->add_flag("--responder-count-only", a->responder_count_only,
                T("--responder chỉ đăng ký nhận và đếm, không xác nhận (tốc độ QoS 1 từ thiết bị "
                  "đến bên nhận của Mosquitto)",
                  "--responder only subscribes and counts, never acks (Mosquitto's QoS 1 "
                  "publish-to-subscriber rate)"));
  app->add_flag("--publish-only", a->sim.publish_only,
                T("Một lượt xong khi broker xác nhận đã nhận (PUBACK), không chờ edge (dùng với "
                  "--responder-count-only để đo trần)",
                  "A rating is done once the broker acknowledges it (PUBACK), no edge ack "
                  "awaited (with --responder-count-only, the ceiling)"));
  app->add_option("--responder-username", a->responder_username,
                  T("Tên đăng nhập broker của --responder", "Broker username for --responder"));
  app->add_flag("--quiet", a->quiet,
                T("Không in tiến độ mỗi giây", "No progress line every second"));
  app->add_option("--lang", a->lang,
                  T("Ngôn ngữ thông báo: vi hoặc en", "Message language: vi or en"))
      ->check(CLI::IsMember({"vi", "en"}))
      ->capture_default_str();
}

bool CompleteDevsimArgs(const CLI::App& app, DevsimArgs* a) {
  auto T = [en = a->en](const char* vi, const char* english) { return Say(en, vi, english); };
  a->sim.english = a->en;
  // A device's MQTT username is its device id (the broker's ACL relies on it).
  if (!a->sim.username_prefix.empty() && app.count("--device-prefix") == 0) {
    a->sim.device_prefix = a->sim.username_prefix;
  }
  a->sim.progress = !a->quiet;

  if (!a->password_file.empty()) {
    std::ifstream in(a->password_file);
    if (!in || !std::getline(in, a->sim.password)) {
      std::cerr << T("Không đọc được tệp mật khẩu: ", "Cannot read the password file: ")
                << a->password_file << "\n";
      return false;
    }
  }

  if (!a->dossier_token_file.empty()) {
    std::ifstream in(a->dossier_token_file);
    if (!in || !std::getline(in, a->sim.dossier_token) || a->sim.dossier_token.empty()) {
      std::cerr << T("Không đọc được tệp mã hồ sơ: ", "Cannot read the dossier token file: ")
                << a->dossier_token_file << "\n";
      return false;
    }
    while (!a->sim.dossier_token.empty() &&
           (a->sim.dossier_token.back() == '\r' || a->sim.dossier_token.back() == ' ')) {
      a->sim.dossier_token.pop_back();
    }
  }

  // Counters: a count or a list (default: the edge's with --edge-url, else q1).
  a->sim.counters.clear();
  if (app.count("--counters") == 0) {
    // left empty
  } else if (!a->counters.empty() &&
             a->counters.find_first_not_of("0123456789") == std::string::npos) {
    int n = std::stoi(a->counters);
    for (int i = 1; i <= n; ++i) a->sim.counters.push_back("q" + std::to_string(i));
  } else {
    std::stringstream ss(a->counters);
    std::string c;
    while (std::getline(ss, c, ',')) {
      if (!c.empty()) a->sim.counters.push_back(c);
    }
  }

  if (!a->template_file.empty()) {
    std::ifstream in(a->template_file);
    std::stringstream text;
    text << in.rdbuf();
    Status s =
        in ? survey::ParseTemplate(text.str(), &a->sim.survey) : Status::IOError("cannot read");
    if (!s.ok()) {
      std::cerr << "--template-file " << a->template_file << ": " << s.message() << "\n";
      return false;
    }
  } else if (app.count("--template") != 0) {
    bool found = false;
    for (const auto& t : survey::BuiltinTemplates()) {
      if (t.id == a->template_id) {
        a->sim.survey = t;
        found = true;
      }
    }
    if (!found) {
      std::cerr << T("--template: không có mẫu dựng sẵn '", "--template: no built-in template '")
                << a->template_id << "'\n";
      return false;
    }
  }

  if (!a->procedures_file.empty()) {
    std::ifstream in(a->procedures_file);
    std::string line;
    while (std::getline(in, line)) {
      std::vector<std::string> cells;
      std::stringstream ss(line);
      std::string cell;
      while (std::getline(ss, cell, ',')) cells.push_back(cell);
      if (cells.size() >= 3 && cells[0] != "field_code")
        a->sim.procedures.push_back({cells[2], cells[0]});
    }
    if (a->sim.procedures.empty()) {
      std::cerr << T("--procedures: không đọc được thủ tục nào từ ",
                     "--procedures: no procedures read from ")
                << a->procedures_file << "\n";
      return false;
    }
  }
  return true;
}

devices::AckResponderOptions ResponderOptions(const DevsimArgs& a) {
  devices::AckResponderOptions ro;
  ro.broker = a.sim.broker;
  ro.office = a.sim.office;
  ro.username = a.responder_username;
  ro.clients = a.responder_clients;
  ro.validate = !a.responder_ack_only;
  ro.count_only = a.responder_count_only;
  ro.password = a.sim.password;
  return ro;
}

}  // namespace hailong::devsim_cli
