// hailongctl status, devices and restore against real daemons: a real
// hailong-edge (with a real Mosquitto) and a real hailong-hub that receives
// events through the replication protocol.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ctl_runner.h"
#include "hailong/schema/time.h"
#include "hailong/testing/devsim.h"
#include "hailong/testing/http_client.h"
#include "hailong/testing/ports.h"
#include "hailong/testing/process.h"
#include "hailong/testing/programs.h"
#include "hailong/testing/status.h"
#include "hailong/testing/temp_dir.h"
#include "hailong/testing/tls.h"
#include "hailong/testing/wait.h"
#include "log_fixture.h"
#include "node_processes.h"

namespace hailong::ops::testing {
namespace {

namespace fs = std::filesystem;
using hailong::testing::TempDir;
using nlohmann::json;

json ParseJson(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << text;
  return j;
}

bool HasWarning(const json& j, const std::string& code, const std::string& subject = "") {
  for (const json& w : j["warnings"]) {
    if (w["code"] == code && (subject.empty() || w.value("subject", "") == subject)) return true;
  }
  return false;
}

json EdgeStatus(const EdgeNode& edge) {
  hailong::testing::HttpResponse res;
  if (!hailong::testing::HttpGet(edge.port(), "/api/v1/status", &res).ok()) return json::object();
  json j = json::parse(res.body, nullptr, false);
  return j.is_object() ? j : json::object();
}

TEST(StatusCommand, EdgeAtAGlance) {
  EdgeNode edge;
  ASSERT_OK(edge.Start(kNodeOffice));
  ASSERT_TRUE(hailong::testing::WaitUntil(
      [&] { return EdgeStatus(edge).value("mqtt_connected", false); }, std::chrono::seconds(20)));
  CtlRun run = RunCtl({"status", "--url", edge.url(), "--json"});
  // Alone (no hub configured) and without devices: two warnings, exit 5.
  EXPECT_EQ(run.exit_code, 5) << run.out << run.err;
  json j = ParseJson(run.out);
  EXPECT_EQ(j["kind"], "edge");
  EXPECT_TRUE(j["healthy"].get<bool>());
  EXPECT_EQ(j["status"]["office_id"], kNodeOffice);
  EXPECT_EQ(j["status"]["log_seq"], 0);
  EXPECT_TRUE(HasWarning(j, "hub_not_configured")) << run.out;
  EXPECT_TRUE(HasWarning(j, "no_devices_online")) << run.out;
  EXPECT_FALSE(HasWarning(j, "mqtt_disconnected")) << run.out;

  run = RunCtl({"status", "--url", edge.url()});
  EXPECT_EQ(run.exit_code, 5);
  EXPECT_NE(run.out.find("Trạm phường"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("chưa cấu hình hub"), std::string::npos) << run.out;
  run = RunCtl({"status", "--url", edge.url(), "--lang", "en"});
  EXPECT_NE(run.out.find("no hub configured"), std::string::npos) << run.out;

  // An edge configured with a hub that is not there.
  edge.Stop();
  TempDir tmp("hailongctl-status");
  const std::string token = tmp.WriteFile("edge.token", std::string(kNodeToken) + "\n");
  const uint16_t nowhere = hailong::testing::FreeTcpPort();
  ASSERT_OK(edge.Start(kNodeOffice, {{"hub",
                                      {{"url", "http://127.0.0.1:" + std::to_string(nowhere)},
                                       {"node_id", kNodeId},
                                       {"token_file", token}}}}));
  ASSERT_TRUE(hailong::testing::WaitUntil(
      [&] {
        const json s = EdgeStatus(edge);
        return s.is_object() && !s.value("hub_last_error", "").empty();
      },
      std::chrono::seconds(20)));
  run = RunCtl({"status", "--url", edge.url(), "--json"});
  j = ParseJson(run.out);
  EXPECT_TRUE(HasWarning(j, "hub_unreachable")) << run.out;
}

TEST(StatusCommand, HubAtAGlance) {
  HubNode hub;
  ASSERT_OK(hub.Start());
  // Without credentials: a hub, and a hint to log in.
  CtlRun run = RunCtl({"status", "--url", hub.url()});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("Hub"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("--user"), std::string::npos) << run.out;

  // The node never pushed: a warning naming it.
  run = RunCtl({"status", "--url", hub.url(), "--user", kAdmin, "--password-file",
                hub.password_file(), "--json"});
  EXPECT_EQ(run.exit_code, 5) << run.out << run.err;
  json j = ParseJson(run.out);
  EXPECT_EQ(j["kind"], "hub");
  EXPECT_TRUE(j["authenticated"].get<bool>());
  ASSERT_EQ(j["nodes"].size(), 1u) << run.out;
  EXPECT_EQ(j["nodes"][0]["id"], kNodeId);
  EXPECT_TRUE(HasWarning(j, "node_never_seen", kNodeId)) << run.out;

  // After a push the node is seen and its cursor moves.
  TempDir tmp("hailongctl-status");
  std::vector<WrittenEvent> written;
  ASSERT_OK(WriteEdgeLog(tmp.Join("log"), kNodeId, 2, &written));
  std::vector<std::string> events;
  for (const auto& e : written) events.push_back(e.bytes);
  ASSERT_EQ(hub.Push(kNodeId, events).status, 200);
  run = RunCtl({"status", "--url", hub.url(), "--user", kAdmin, "--json"},
               std::string(kAdminPassword) + "\n");
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  j = ParseJson(run.out);
  EXPECT_EQ(j["nodes"][0]["acked_seq"], 6) << run.out;
  EXPECT_TRUE(j["warnings"].empty()) << run.out;

  run = RunCtl({"status", "--url", hub.url(), "--token-file", hub.token_file(), "--origin", kNodeId,
                "--json"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(ParseJson(run.out)["cursor"]["acked_seq"], 6);

  // Wrong password.
  run = RunCtl({"status", "--url", hub.url(), "--user", kAdmin}, "sai mật khẩu\n");
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
}

// --ca-file: an edge behind a TLS terminator (socat, as nginx would be)
// whose certificate a private CA signed.
TEST(CaFileOption, HttpsPeersAreVerifiedAgainstTheGivenCa) {
  EdgeNode edge;
  ASSERT_OK(edge.Start(kNodeOffice));
  std::string crt, other;
  ASSERT_OK(hailong::testing::MakeSelfSignedCert(edge.dir().path(), "edge", &crt));
  ASSERT_OK(hailong::testing::MakeSelfSignedCert(edge.dir().path(), "other", &other));
  uint16_t tls_port = 0;
  std::unique_ptr<hailong::testing::Process> terminator;
  ASSERT_OK(hailong::testing::StartTlsTerminator(crt, edge.dir().Join("edge.key"), edge.port(),
                                                 edge.dir().Join("socat.log"), &tls_port,
                                                 &terminator));
  const std::string https = "https://127.0.0.1:" + std::to_string(tls_port);

  CtlRun run = RunCtl({"status", "--url", https, "--ca-file", crt, "--json"});
  EXPECT_EQ(run.exit_code, 5) << run.out << run.err;  // alone, no devices: warnings
  EXPECT_EQ(ParseJson(run.out)["status"].value("office_id", ""), kNodeOffice) << run.out;
  // Before the command name too, and for devices.
  run = RunCtl({"--ca-file", crt, "devices", "--url", https, "--json"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;

  // Not trusted by the system's store, nor by another CA.
  run = RunCtl({"status", "--url", https, "--timeout", "5"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.err.find("certificate verify failed"), std::string::npos) << run.err;
  run = RunCtl({"status", "--url", https, "--ca-file", other, "--timeout", "5"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.err.find("certificate verify failed"), std::string::npos) << run.err;
  // The right CA but another host name than the certificate's.
  run = RunCtl({"status", "--url", "https://localhost:" + std::to_string(tls_port), "--ca-file",
                crt, "--timeout", "5"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  // A CA file that cannot be read.
  run = RunCtl({"status", "--url", https, "--ca-file", edge.dir().Join("missing.crt")});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.err.find("missing.crt"), std::string::npos) << run.err;
}

// Online backup: a running edge checkpoints its own live log (RocksDB lets
// only its owner do that) while devices keep rating; the copy restores into
// a fresh data dir whose chain verifies.
// A technician enrolls a counter's tablet: `kiosk enroll` prints a
// one-time link whose code the kiosk page redeems; `kiosk list` shows the
// kiosk enrolled; `kiosk revoke` takes its credential away.
TEST(KioskCommand, EnrollListRevoke) {
  TempDir tmp("kiosk-command");
  CtlRun run = RunCtl({"new-token"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::vector<std::string> token = Lines(run.out);
  ASSERT_EQ(token.size(), 2u) << run.out;
  const std::string token_file = tmp.Join("admin.token");
  const std::string wrong_file = tmp.Join("wrong.token");
  std::ofstream(token_file) << token[0] << "\n";
  std::ofstream(wrong_file) << "not-the-token\n";
  EdgeNode edge;
  ASSERT_OK(edge.Start(kNodeOffice, {{"admin_token_sha256", token[1]}}));
  const std::vector<std::string> common = {"--url", edge.url(), "--admin-token-file", token_file};
  auto ctl = [&](std::vector<std::string> args) {
    args.insert(args.end(), common.begin(), common.end());
    return RunCtl(args);
  };

  run = RunCtl({"kiosk", "enroll", "--url", edge.url(), "--admin-token-file", wrong_file,
                "--counter", "q1"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.err.find("mã quản trị"), std::string::npos) << run.err;

  run = ctl({"kiosk", "enroll", "--counter", "q1", "--name", "máy cạnh cửa"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const std::vector<std::string> lines = Lines(run.out);
  ASSERT_FALSE(lines.empty());
  const std::string link = lines.back();
  const std::string prefix = edge.url() + "/kiosk/q1#enroll=";
  ASSERT_EQ(link.rfind(prefix, 0), 0u) << run.out;
  const std::string code = link.substr(prefix.size());
  EXPECT_NE(run.out.find("kiosk-q1-1"), std::string::npos) << run.out;

  run = ctl({"--json", "kiosk", "list"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  json list = ParseJson(run.out)["kiosks"];
  ASSERT_EQ(list.size(), 1u) << run.out;
  EXPECT_EQ(list[0]["state"], "pending");
  EXPECT_EQ(list[0]["name"], "máy cạnh cửa");
  EXPECT_EQ(run.out.find(code), std::string::npos) << "list shows no code";

  // The kiosk page redeems the link's code once.
  auto redeem = [&] {
    hailong::testing::HttpResponse res;
    EXPECT_TRUE(hailong::testing::HttpPost(edge.port(), "/api/v1/kiosks/enroll",
                                           json{{"code", code}}.dump(), &res)
                    .ok());
    return res;
  };
  hailong::testing::HttpResponse res = redeem();
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(redeem().status, 403);
  run = ctl({"kiosk", "list", "--lang", "en"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("enrolled"), std::string::npos) << run.out;

  run = ctl({"kiosk", "revoke", "--kiosk", "kiosk-q1-1"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("kiosk-q1-1"), std::string::npos) << run.out;
  run = ctl({"--json", "kiosk", "list"});
  EXPECT_EQ(ParseJson(run.out)["kiosks"][0]["state"], "revoked") << run.out;
  run = ctl({"kiosk", "revoke", "--kiosk", "kiosk-q7-1"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  // Run on the edge box itself: the link carries the address the tablet uses.
  run = ctl({"kiosk", "enroll", "--counter", "q2", "--link-base", "http://192.168.1.10:8080/"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(Lines(run.out).back().rfind("http://192.168.1.10:8080/kiosk/q2#enroll=", 0), 0u)
      << run.out;
  run = ctl({"kiosk", "enroll", "--counter", "q 1"});
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
}

TEST(OnlineBackup, ARunningEdgeIsBackedUpWhileDevicesRate) {
  TempDir tmp("online-backup");
  CtlRun run = RunCtl({"new-token"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::vector<std::string> token = Lines(run.out);
  ASSERT_EQ(token.size(), 2u) << run.out;
  const std::string token_file = tmp.Join("admin.token");
  const std::string wrong_file = tmp.Join("wrong.token");
  std::ofstream(token_file) << token[0] << "\n";
  std::ofstream(wrong_file) << "not-the-token\n";

  EdgeNode edge;
  ASSERT_OK(edge.Start(kNodeOffice, {{"admin_token_sha256", token[1]}}));
  std::unique_ptr<hailong::testing::Process> devsim;
  ASSERT_OK(hailong::testing::StartDevsim(
      "tcp://127.0.0.1:" + std::to_string(edge.broker_port()), kNodeOffice,
      {"--devices", "4", "--rate", "10", "--duration", "12", "--quiet", "--lang", "en"},
      tmp.Join("devsim.log"), &devsim));
  ASSERT_TRUE(hailong::testing::WaitUntil(
      [&] { return EdgeStatus(edge).value("log_seq", 0) >= 20; }, std::chrono::seconds(30)))
      << edge.LogTail() << devsim->LogTail();

  // Without the edge's help the data dir is refused, and says how.
  const std::string backup = tmp.Join("backup");
  run = RunCtl({"backup", "--data-dir", edge.data_dir(), "--out", backup, "--lang", "en"});
  EXPECT_EQ(run.exit_code, 4) << run.out << run.err;
  EXPECT_NE(run.err.find("--url"), std::string::npos) << run.err;
  run = RunCtl({"backup", "--data-dir", edge.data_dir(), "--out", backup, "--url", edge.url(),
                "--token-file", wrong_file});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_FALSE(fs::exists(backup));

  run = RunCtl({"backup", "--data-dir", edge.data_dir(), "--out", backup, "--url", edge.url(),
                "--token-file", token_file, "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err << edge.LogTail();
  const json made = ParseJson(run.out);
  uint64_t head = 0;
  for (const json& o : made["origins"]) {
    if (o["origin"] == "edge-" + std::string(kNodeOffice)) head = o["head_seq"].get<uint64_t>();
  }
  EXPECT_GE(head, 20u) << run.out;
  EXPECT_TRUE(made["verified"].get<bool>());
  // The edge kept serving and storing, and left no checkpoint behind.
  const uint64_t later = EdgeStatus(edge).value("log_seq", uint64_t{0});
  ASSERT_TRUE(hailong::testing::WaitUntil(
      [&] { return EdgeStatus(edge).value("log_seq", uint64_t{0}) > later; },
      std::chrono::seconds(20)));
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(edge.data_dir()) / "tmp", ec)) {
    ADD_FAILURE() << "left behind: " << e.path();
  }

  // Restored into a fresh data dir: the chain verifies and holds the
  // backup's events exactly.
  const std::string restored = tmp.Join("restored");
  run = RunCtl({"restore", "--from", backup, "--data-dir", restored, "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  run = RunCtl({"log", "verify", "--data-dir", restored});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  run = RunCtl({"log", "cat", "--data-dir", restored});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(Lines(run.out).size(), head);

  int code = -1;
  ASSERT_OK(devsim->Wait(std::chrono::seconds(60), &code));
  EXPECT_EQ(code, 0) << devsim->LogTail();
}

TEST(StatusCommand, NothingListening) {
  const uint16_t port = hailong::testing::FreeTcpPort();
  const CtlRun run =
      RunCtl({"status", "--url", "http://127.0.0.1:" + std::to_string(port), "--timeout", "3"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_EQ(RunCtl({"status", "--url", "ftp://x"}).exit_code, 2);
}

#ifdef HAILONG_MOSQUITTO_PUB
TEST(DevicesCommand, DevicesSeenByARealEdge) {
  EdgeNode edge;
  ASSERT_OK(edge.Start(kNodeOffice));
  // A button box announces itself (retained status, as the device
  // protocol says) with its firmware and a low battery; another only says
  // "online" and then goes away.
  auto publish = [&](const std::string& device, const std::string& payload) {
    hailong::testing::CommandResult r;
    ASSERT_OK(hailong::testing::RunCommand(
        {HAILONG_MOSQUITTO_PUB, "-h", "127.0.0.1", "-p", std::to_string(edge.broker_port()), "-q",
         "1", "-r", "-t",
         std::string("hailong/v1/") + kNodeOffice + "/device/" + device + "/status", "-m", payload},
        &r));
    ASSERT_EQ(r.exit_code, 0) << r.output;
  };
  publish(
      "box-7",
      R"({"status":"online","kind":"button_box","counter":"q2","firmware":"2.1.0","battery_pct":15})");
  publish("tablet-1", "online");
  ASSERT_TRUE(hailong::testing::WaitUntil(
      [&] { return EdgeStatus(edge).value("devices_online", 0) == 2; }, std::chrono::seconds(20)))
      << edge.LogTail();
  publish("tablet-1", "offline");
  ASSERT_TRUE(hailong::testing::WaitUntil(
      [&] { return EdgeStatus(edge).value("devices_online", 0) == 1; }, std::chrono::seconds(20)));

  // A heartbeat: box-7 reports a new battery level and firmware while it
  // stays online; the edge's list follows it.
  publish(
      "box-7",
      R"({"status":"online","kind":"button_box","counter":"q2","firmware":"2.2.0","battery_pct":9})");
  CtlRun run;
  ASSERT_TRUE(hailong::testing::WaitUntil(
      [&] {
        run = RunCtl({"devices", "--url", edge.url(), "--json"});
        const json j = json::parse(run.out, nullptr, false);
        if (!j.is_object() || !j.contains("devices") || j["devices"].size() != 2) return false;
        return j["devices"][0].value("battery_pct", json()) == 9;
      },
      std::chrono::seconds(20)))
      << run.out << run.err;
  {
    const json j = ParseJson(run.out);
    const json& box = j["devices"][0];
    EXPECT_EQ(box["device"], "box-7");
    EXPECT_EQ(box["firmware"], "2.2.0");
    EXPECT_EQ(box["counter"], "q2");
    EXPECT_TRUE(box["online"].get<bool>());
    EXPECT_FALSE(box["last_seen"].is_null());
    EXPECT_EQ(j["devices"][1]["device"], "tablet-1");
    EXPECT_FALSE(j["devices"][1]["online"].get<bool>());
  }
  run = RunCtl({"devices", "--url", edge.url()});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("pin yếu: 9%"), std::string::npos) << run.out;

  ASSERT_EQ(edge.Stop(), 0);
  // The log holds the change too.
  run = RunCtl({"devices", "--data-dir", edge.data_dir(), "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const json j = ParseJson(run.out);
  ASSERT_EQ(j["devices"].size(), 2u) << run.out;
  const json& box = j["devices"][0];
  EXPECT_EQ(box["device"], "box-7");
  EXPECT_EQ(box["office"], kNodeOffice);
  EXPECT_EQ(box["counter"], "q2");
  EXPECT_EQ(box["kind"], "button_box");
  EXPECT_EQ(box["firmware"], "2.2.0");
  EXPECT_EQ(box["battery_pct"], 9);
  EXPECT_TRUE(box["online"].get<bool>());
  const json& tablet = j["devices"][1];
  EXPECT_EQ(tablet["device"], "tablet-1");
  EXPECT_FALSE(tablet["online"].get<bool>());
  EXPECT_TRUE(tablet["battery_pct"].is_null());
  bool low = false, offline = false;
  for (const json& w : j["warnings"]) {
    low |= w["device"] == "p1/box-7" && w["code"] == "low_battery";
    offline |= w["device"] == "p1/tablet-1" && w["code"] == "offline";
  }
  EXPECT_TRUE(low) << run.out;
  EXPECT_TRUE(offline) << run.out;

  run = RunCtl({"devices", "--data-dir", edge.data_dir()});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("box-7"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("pin yếu: 9%"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("ngoại tuyến"), std::string::npos) << run.out;
}

// A device's own strings (firmware, kind, counter, id) reach the
// technician's terminal as visible text, never as terminal control: escape
// sequences (retitle, clear screen, recolour), C1 controls and a
// right-to-left override are printed escaped.
TEST(DevicesCommand, DeviceStringsCannotControlTheTerminal) {
  EdgeNode edge;
  ASSERT_OK(edge.Start(kNodeOffice));
  const std::string payload =
      R"({"status":"online","kind":"button\u001b[2Jbox","counter":"q1\u009b31m",)"
      R"("firmware":"\u001b]0;pwned\u0007\u001b[31m1.0\u202e\r\u007f","battery_pct":5})";
  hailong::testing::CommandResult r;
  ASSERT_OK(hailong::testing::RunCommand(
      {HAILONG_MOSQUITTO_PUB, "-h", "127.0.0.1", "-p", std::to_string(edge.broker_port()), "-q",
       "1", "-r", "-t", std::string("hailong/v1/") + kNodeOffice + "/device/box-9/status", "-m",
       payload},
      &r));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  CtlRun run;
  ASSERT_TRUE(hailong::testing::WaitUntil(
      [&] {
        run = RunCtl({"devices", "--url", edge.url(), "--json"});
        const json j = json::parse(run.out, nullptr, false);
        return j.is_object() && j.contains("devices") && j["devices"].size() == 1 &&
               j["devices"][0].value("battery_pct", json()) == 5;
      },
      std::chrono::seconds(20)))
      << run.out << run.err;
  auto expect_no_controls = [](const std::string& text) {
    for (size_t i = 0; i < text.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(text[i]);
      EXPECT_TRUE(c >= 0x20 ? c != 0x7f : c == '\n') << "byte " << int(c) << " at " << i;
      if (c == 0xc2 && i + 1 < text.size()) {
        const unsigned char next = static_cast<unsigned char>(text[i + 1]);
        EXPECT_FALSE(next >= 0x80 && next <= 0x9f) << "a C1 control at " << i;
      }
    }
    EXPECT_EQ(text.find("\u202e"), std::string::npos) << "a right-to-left override";
  };
  run = RunCtl({"devices", "--url", edge.url()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  expect_no_controls(run.out);
  // Shown, escaped, so the technician sees that the device sent them.
  EXPECT_NE(run.out.find("\\x1b]0;pwned\\x07\\x1b[31m1.0\\u202e\\x0d\\x7f"), std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("button\\x1b[2Jbox"), std::string::npos) << run.out;
  ASSERT_EQ(edge.Stop(), 0);
  run = RunCtl({"devices", "--data-dir", edge.data_dir()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  expect_no_controls(run.out);
  EXPECT_NE(run.out.find("pwned"), std::string::npos) << run.out;
}
#endif

// A phone-survey rating (a kiosk's would need an enrollment at each edge).
json PhoneRating(const std::string& id) {
  return {{"id", id},
          {"counter", "q1"},
          {"template", "smiley-4"},
          {"answers", {{"level", "satisfied"}}},
          {"at", FormatRfc3339(Clock::System()->NowMs())},
          {"channel", "phone"}};
}

json PostRating(const EdgeNode& edge, const std::string& id) {
  hailong::testing::HttpResponse res;
  Status s =
      hailong::testing::HttpPost(edge.port(), "/api/v1/ratings", PhoneRating(id).dump(), &res);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(res.status, 200) << res.body;
  return json::parse(res.body, nullptr, false);
}

// Runbook "replace a failed edge": the old edge's log, exported, is
// replayed into the new box's empty data dir under the same node id; the
// new edge continues the log and still knows the old ratings' ids. The
// same file replayed offline into a stopped hub is what the hub holds.
TEST(ReplayCommand, AReplacementEdgeContinuesItsPredecessorsLog) {
  TempDir tmp("hailongctl-replay");
  const std::string file = tmp.Join("phuong-p1.hlx");
  {
    EdgeNode old_edge;
    ASSERT_OK(old_edge.Start(kNodeOffice));
    for (const char* id : {"k-1", "k-2", "k-3"})
      EXPECT_EQ(PostRating(old_edge, id)["status"], "stored");
    ASSERT_EQ(old_edge.Stop(), 0);
    const CtlRun e = RunCtl({"log", "export", "--data-dir", old_edge.data_dir(), "--out", file});
    ASSERT_EQ(e.exit_code, 0) << e.out << e.err;
  }
  EdgeNode edge;
  CtlRun r = RunCtl(
      {"log", "import", file, "--data-dir", edge.data_dir(), "--node-id", kNodeId, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(ParseJson(r.out)["stored"], 3);
  r = RunCtl(
      {"log", "import", file, "--data-dir", edge.data_dir(), "--node-id", kNodeId, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(ParseJson(r.out)["stored"], 0);  // twice changes nothing

  ASSERT_OK(edge.Start(kNodeOffice));
  EXPECT_EQ(EdgeStatus(edge)["log_seq"], 3);
  // A phone resending a rating the old edge stored gets the old answer.
  json again = PostRating(edge, "k-2");
  EXPECT_EQ(again["seq"], 2);
  EXPECT_EQ(again["duplicate"], true);
  EXPECT_EQ(PostRating(edge, "k-4")["seq"], 4);
  ASSERT_EQ(edge.Stop(), 0);
  EXPECT_EQ(RunCtl({"log", "verify", "--data-dir", edge.data_dir()}).exit_code, 0);

  // Offline into a stopped (here: new) hub's data dir; the hub then
  // answers the node's cursor from it.
  HubNode hub;
  r = RunCtl({"log", "import", file, "--data-dir", hub.data_dir()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  ASSERT_OK(hub.Start());
  r = RunCtl({"status", "--url", hub.url(), "--token-file", hub.token_file(), "--origin", kNodeId,
              "--json"});
  EXPECT_EQ(ParseJson(r.out)["cursor"]["acked_seq"], 3) << r.out << r.err;
}

// The edge's story: 18 events backed up, 12 more written and shipped to
// the hub, then the disk dies and someone restores the old backup.
class RestoreWithHubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(hub_.Start());
    edge_data_ = tmp_.Join("edge-data");
    ASSERT_OK(WriteEdgeLog(edge_data_ + "/log", kNodeId, 6, &written_));  // seq 1-18
    backup_ = tmp_.Join("backup");
    const CtlRun b = RunCtl({"backup", "--data-dir", edge_data_, "--out", backup_});
    ASSERT_EQ(b.exit_code, 0) << b.out << b.err;
    ASSERT_OK(WriteEdgeLog(edge_data_ + "/log", kNodeId, 4, &written_));  // seq 19-30
  }

  void PushUpTo(size_t n) {
    std::vector<std::string> events;
    for (size_t i = 0; i < n; ++i) events.push_back(written_[i].bytes);
    const auto res = hub_.Push(kNodeId, events);
    ASSERT_EQ(res.status, 200) << res.body << hub_.LogTail();
    ASSERT_EQ(json::parse(res.body)["acked_seq"], n);
  }

  CtlRun Restore(const std::string& target, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"restore",    "--from",       backup_,
                                     "--data-dir", target,         "--hub",
                                     hub_.url(),   "--token-file", hub_.token_file()};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunCtl(args);
  }

  TempDir tmp_{"hailongctl-restore"};
  HubNode hub_;
  std::string edge_data_;
  std::string backup_;
  std::vector<WrittenEvent> written_;
};

TEST_F(RestoreWithHubTest, RefusedWhenTheHubIsAheadOfTheBackup) {
  PushUpTo(30);
  const std::string replacement = tmp_.Join("replacement/edge-data");
  CtlRun r = Restore(replacement);
  EXPECT_EQ(r.exit_code, 5) << r.out << r.err;
  EXPECT_NE(r.err.find("hub đã nhận edge-p1 đến số thứ tự 30"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("18"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("rẽ nhánh"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(replacement));
  EXPECT_FALSE(fs::exists(replacement + ".restoring"));

  r = Restore(replacement, {"--json", "--lang", "en"});
  EXPECT_EQ(r.exit_code, 5);
  json j = ParseJson(r.out);
  EXPECT_EQ(j["ahead"], "hub_ahead");
  EXPECT_EQ(j["hub_acked_seq"], 30);
  EXPECT_EQ(j["backup_head"], 18);
  EXPECT_NE(j["error"].get<std::string>().find("fork"), std::string::npos) << r.out;

  // What the refusal says to do: fetch the hub's copy, restore anyway,
  // replay the copy. The edge then holds what the hub holds, and goes on.
  const std::string copy = tmp_.Join("from-hub.hlx");
  CtlRun e = RunCtl({"log", "export", "--hub", hub_.url(), "--user", kAdmin, "--password-file",
                     hub_.password_file(), "--origin", kNodeId, "--out", copy, "--json"});
  ASSERT_EQ(e.exit_code, 0) << e.out << e.err;
  EXPECT_EQ(ParseJson(e.out)["events"], 30);
  EXPECT_EQ(RunCtl({"log", "verify", copy}).exit_code, 0);

  r = Restore(replacement, {"--force"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("--force"), std::string::npos) << r.out;
  std::vector<std::string> restored;
  ASSERT_OK(ReadOrigin(replacement + "/log", kNodeId, &restored));
  EXPECT_EQ(restored.size(), 18u);

  const CtlRun i =
      RunCtl({"log", "import", copy, "--data-dir", replacement, "--node-id", kNodeId, "--json"});
  ASSERT_EQ(i.exit_code, 0) << i.out << i.err;
  EXPECT_EQ(ParseJson(i.out)["stored"], 12);
  EXPECT_EQ(ParseJson(i.out)["skipped"], 18);
  restored.clear();
  ASSERT_OK(ReadOrigin(replacement + "/log", kNodeId, &restored));
  ASSERT_EQ(restored.size(), 30u);
  for (size_t k = 0; k < 30; ++k) EXPECT_EQ(restored[k], written_[k].bytes) << k;
}

TEST_F(RestoreWithHubTest, ExportFromAHubNeedsAnAdminAndTheRightOrigin) {
  PushUpTo(30);
  const std::string file = tmp_.Join("part.hlx");
  CtlRun e = RunCtl({"log", "export", "--hub", hub_.url(), "--user", kAdmin, "--origin", kNodeId,
                     "--from-seq", "25", "--out", file, "--json"},
                    std::string(kAdminPassword) + "\n");
  ASSERT_EQ(e.exit_code, 0) << e.out << e.err;
  json j = ParseJson(e.out);
  EXPECT_EQ(j["origins"][0]["first_seq"], 25);
  EXPECT_EQ(j["origins"][0]["last_seq"], 30);
  EXPECT_EQ(RunCtl({"log", "verify", file}).exit_code, 0);
  // Replayed onto the edge's own 1-30 it adds nothing.
  const CtlRun i =
      RunCtl({"log", "import", file, "--data-dir", edge_data_, "--node-id", kNodeId, "--json"});
  EXPECT_EQ(i.exit_code, 0) << i.out << i.err;
  EXPECT_EQ(ParseJson(i.out)["skipped"], 6);

  e = RunCtl({"log", "export", "--hub", hub_.url(), "--user", kAdmin, "--origin", kNodeId, "--out",
              tmp_.Join("x.hlx")},
             "sai mật khẩu\n");
  EXPECT_EQ(e.exit_code, 1) << e.out << e.err;
  e = RunCtl({"log", "export", "--hub", hub_.url(), "--user", kAdmin, "--password-file",
              hub_.password_file(), "--origin", "edge-p9", "--out", tmp_.Join("y.hlx")});
  EXPECT_EQ(e.exit_code, 1) << e.out << e.err;
  EXPECT_FALSE(fs::exists(tmp_.Join("x.hlx")));
  EXPECT_FALSE(fs::exists(tmp_.Join("y.hlx")));
}

TEST_F(RestoreWithHubTest, AllowedWhenTheHubHasNothingNewer) {
  PushUpTo(18);
  const std::string replacement = tmp_.Join("replacement/edge-data");
  const CtlRun r = Restore(replacement, {"--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json j = ParseJson(r.out);
  EXPECT_EQ(j["hub_acked_seq"], 18);
  EXPECT_EQ(j["backup_head"], 18);
  EXPECT_FALSE(j["forced"].get<bool>());

  // A wrong token is not a green light.
  TempDir other("hailongctl-token");
  const std::string bad = other.WriteFile("bad.token", "not-the-token\n");
  const CtlRun denied = RunCtl({"restore", "--from", backup_, "--data-dir", tmp_.Join("x"), "--hub",
                                hub_.url(), "--token-file", bad});
  EXPECT_EQ(denied.exit_code, 1) << denied.out << denied.err;
  EXPECT_FALSE(fs::exists(tmp_.Join("x")));
}

// A restored data dir runs a real edge, which continues its log.
TEST_F(RestoreWithHubTest, TheRestoredEdgeRuns) {
  EdgeNode edge;
  const CtlRun r = RunCtl({"restore", "--from", backup_, "--data-dir", edge.data_dir()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  ASSERT_OK(edge.Start(kNodeOffice));
  const CtlRun s = RunCtl({"status", "--url", edge.url(), "--json"});
  const json j = ParseJson(s.out);
  EXPECT_EQ(j["status"]["origin"], kNodeId) << s.out;
  EXPECT_EQ(j["status"]["log_seq"], 18) << s.out;
  EXPECT_EQ(edge.Stop(), 0);
  EXPECT_EQ(RunCtl({"log", "verify", "--data-dir", edge.data_dir()}).exit_code, 0);
}

}  // namespace
}  // namespace hailong::ops::testing
