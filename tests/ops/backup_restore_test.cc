// hailongctl backup / restore on real data directories written by the real
// EventLog, run as the real program: the round trip keeps every key (events,
// heads, idempotency records) and the data dir's other files; a daemon's
// data dir and a restore that would roll a node back are refused.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ctl_runner.h"
#include "hailong/ops/backup.h"
#include "hailong/ops/data_dir.h"
#include "hailong/testing/status.h"
#include "hailong/testing/temp_dir.h"
#include "log_fixture.h"

namespace hailong::ops::testing {
namespace {

namespace fs = std::filesystem;
using hailong::testing::ReadFileOrEmpty;
using hailong::testing::TempDir;
using nlohmann::json;

constexpr char kEdge[] = "edge-phuong-01";
constexpr int kPerDay = 6;  // 18 events
constexpr char kPhoto[] = "<svg xmlns='http://www.w3.org/2000/svg'><title>Nhung</title></svg>\n";

json ParseJson(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << text;
  return j;
}

uint64_t HeadOf(const std::string& data_dir, const std::string& origin) {
  std::unique_ptr<replication::EventLog> log;
  Status s = OpenLogForReading(data_dir, &log);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return log ? log->Head(origin).seq : 0;
}

// An edge's data dir: the log in log/ (its own events and the hub's pulled
// ones) and an officer photo.
class BackupRestoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = tmp_.Join("edge-data");
    ASSERT_OK(WriteEdgeLog(data_ + "/log", kEdge, kPerDay, &events_));
    std::vector<WrittenEvent> hub;
    ASSERT_OK(WriteEdgeLog(tmp_.Join("hub-log"), "hub", 2, &hub));
    ASSERT_OK(IngestAll(tmp_.Join("hub-log"), data_ + "/log"));
    tmp_.WriteFile("edge-data/photos/can-bo-nhung.svg", kPhoto);
  }

  CtlRun Backup(const std::string& out) {
    return RunCtl({"backup", "--data-dir", data_, "--out", out, "--json"});
  }

  TempDir tmp_{"hailongctl-backup"};
  std::string data_;
  std::vector<WrittenEvent> events_;
};

TEST_F(BackupRestoreTest, BackupThenRestoreGivesTheSameLogAndFiles) {
  const CtlRun cat_before = RunCtl({"log", "cat", "--data-dir", data_});
  ASSERT_EQ(cat_before.exit_code, 0) << cat_before.err;

  const std::string backup = tmp_.Join("usb/backup-1");
  const CtlRun b = Backup(backup);
  ASSERT_EQ(b.exit_code, 0) << b.out << b.err;
  const json bj = ParseJson(b.out);
  EXPECT_TRUE(bj["verified"].get<bool>());
  ASSERT_EQ(bj["origins"].size(), 2u) << b.out;
  EXPECT_EQ(bj["origins"][0]["origin"], kEdge);
  EXPECT_EQ(bj["origins"][0]["head_seq"], 3 * kPerDay);
  EXPECT_EQ(bj["origins"][1]["origin"], "hub");

  BackupManifest m;
  ASSERT_OK(ReadBackupManifest(backup, &m));
  EXPECT_EQ(m.store, "log");
  EXPECT_EQ(m.HeadOf(kEdge), 3u * kPerDay);
  EXPECT_EQ(m.source, fs::absolute(data_).lexically_normal().string());
  EXPECT_EQ(ReadFileOrEmpty(backup + "/photos/can-bo-nhung.svg"), kPhoto);
  EXPECT_TRUE(fs::exists(backup + "/log/CURRENT"));

  // Into a new machine's empty data dir.
  const std::string restored = tmp_.Join("new-box/edge-data");
  const CtlRun r = RunCtl({"restore", "--from", backup, "--data-dir", restored, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json rj = ParseJson(r.out);
  EXPECT_EQ(rj["origin"], kEdge);
  EXPECT_EQ(rj["backup_head"], 3 * kPerDay);
  EXPECT_EQ(rj["moved_aside"], "");
  EXPECT_TRUE(rj["ahead"].is_null());

  const CtlRun cat_after = RunCtl({"log", "cat", "--data-dir", restored});
  ASSERT_EQ(cat_after.exit_code, 0) << cat_after.err;
  EXPECT_EQ(cat_after.out, cat_before.out);
  EXPECT_EQ(RunCtl({"log", "verify", "--data-dir", restored}).exit_code, 0);
  EXPECT_EQ(ReadFileOrEmpty(restored + "/photos/can-bo-nhung.svg"), kPhoto);
  EXPECT_FALSE(fs::exists(restored + "/" + kBackupManifestFile));
  EXPECT_FALSE(fs::exists(restored + ".restoring"));

  // The idempotency records came along: a device resending its first
  // rating gets the original seq, and the next append continues the chain.
  replication::EventLogOptions options;
  options.origin = kEdge;
  std::unique_ptr<replication::EventLog> log;
  ASSERT_OK(replication::EventLog::Open(options, restored + "/log", &log));
  uint64_t seq = 0;
  ASSERT_OK(log->FindIdempotent(kEdge, "box-1:r-0", &seq));
  EXPECT_EQ(seq, 1u);
  log.reset();
  std::vector<WrittenEvent> more;
  ASSERT_OK(WriteEdgeLog(restored + "/log", kEdge, 1, &more));
  EXPECT_EQ(more.front().seq, 3u * kPerDay + 1);
  EXPECT_EQ(RunCtl({"log", "verify", "--data-dir", restored}).exit_code, 0);

  // The backup itself is untouched and still restorable.
  EXPECT_EQ(HeadOf(backup, kEdge), 3u * kPerDay);
}

TEST_F(BackupRestoreTest, RestoreOverANewerDataDirIsRefusedUnlessForced) {
  const std::string backup = tmp_.Join("backup");
  ASSERT_EQ(Backup(backup).exit_code, 0);
  std::vector<WrittenEvent> more;
  ASSERT_OK(WriteEdgeLog(data_ + "/log", kEdge, 2, &more));  // now 24 events
  const CtlRun cat_before = RunCtl({"log", "cat", "--data-dir", data_});

  CtlRun r = RunCtl({"restore", "--from", backup, "--data-dir", data_});
  EXPECT_EQ(r.exit_code, 5) << r.out << r.err;
  EXPECT_NE(r.err.find("TỪ CHỐI"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("24"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("18"), std::string::npos) << r.err;
  // Nothing changed, nothing left behind.
  EXPECT_EQ(RunCtl({"log", "cat", "--data-dir", data_}).out, cat_before.out);
  EXPECT_FALSE(fs::exists(data_ + ".restoring"));

  r = RunCtl({"restore", "--from", backup, "--data-dir", data_, "--json", "--lang", "en"});
  EXPECT_EQ(r.exit_code, 5) << r.out << r.err;
  EXPECT_EQ(ParseJson(r.out)["ahead"], "data_dir_ahead");

  r = RunCtl({"restore", "--from", backup, "--data-dir", data_, "--force", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json j = ParseJson(r.out);
  EXPECT_TRUE(j["forced"].get<bool>());
  EXPECT_EQ(j["replaced_head"], 24);
  const std::string aside = j["moved_aside"].get<std::string>();
  ASSERT_FALSE(aside.empty());
  EXPECT_NE(aside.find("edge-data.before-restore-"), std::string::npos) << aside;
  EXPECT_EQ(HeadOf(data_, kEdge), 18u);
  // The newer data dir was kept, whole.
  EXPECT_EQ(HeadOf(aside, kEdge), 24u);
  EXPECT_EQ(RunCtl({"log", "cat", "--data-dir", aside}).out, cat_before.out);
}

TEST_F(BackupRestoreTest, ADaemonsDataDirIsRefusedClearly) {
  // This test process holds the store, as a running hailong-edge would.
  replication::EventLogOptions options;
  options.origin = kEdge;
  std::unique_ptr<replication::EventLog> log;
  ASSERT_OK(replication::EventLog::Open(options, data_ + "/log", &log));
  const std::string backup = tmp_.Join("backup");
  CtlRun r = RunCtl({"backup", "--data-dir", data_, "--out", backup});
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_NE(r.err.find(kDataDirInUse), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("pid " + std::to_string(::getpid())), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("hãy dừng tiến trình đó"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(backup));

  log.reset();
  ASSERT_EQ(Backup(backup).exit_code, 0);
  ASSERT_OK(replication::EventLog::Open(options, data_ + "/log", &log));
  r = RunCtl({"restore", "--from", backup, "--data-dir", data_, "--lang", "en"});
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_NE(r.err.find(kDataDirInUse), std::string::npos) << r.err;
}

TEST_F(BackupRestoreTest, BadTargetsAndSourcesAreRefused) {
  const std::string out = tmp_.Join("not-empty");
  tmp_.WriteFile("not-empty/something.txt", "x");
  CtlRun r = Backup(out);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(ReadFileOrEmpty(out + "/something.txt"), "x");

  r = RunCtl({"backup", "--data-dir", tmp_.Join("nothing-here"), "--out", tmp_.Join("b")});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;

  // A directory without a manifest is not a backup; the data dir stays.
  r = RunCtl({"restore", "--from", data_, "--data-dir", tmp_.Join("r")});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find(kBackupManifestFile), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(tmp_.Join("r")));
}

TEST_F(BackupRestoreTest, ADamagedBackupIsNotRestored) {
  const std::string backup = tmp_.Join("backup");
  ASSERT_EQ(Backup(backup).exit_code, 0);
  // A manifest that promises more than the store holds.
  std::string manifest = ReadFileOrEmpty(backup + "/" + kBackupManifestFile);
  const std::string from = "\"head_seq\": 18";
  ASSERT_NE(manifest.find(from), std::string::npos) << manifest;
  manifest.replace(manifest.find(from), from.size(), "\"head_seq\": 19");
  std::ofstream(backup + "/" + kBackupManifestFile, std::ios::trunc) << manifest;
  const std::string target = tmp_.Join("r");
  const CtlRun r = RunCtl({"restore", "--from", backup, "--data-dir", target});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_FALSE(fs::exists(target));
  EXPECT_FALSE(fs::exists(target + ".restoring"));
}

}  // namespace
}  // namespace hailong::ops::testing
