// hailongctl log cat / export / verify / import on real data directories
// written by the real EventLog, run as the real program.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ctl_runner.h"
#include "hailong/ops/data_dir.h"
#include "hailong/ops/export_verify.h"
#include "hailong/testing/status.h"
#include "hailong/testing/temp_dir.h"
#include "log_fixture.h"

namespace hailong::ops::testing {
namespace {

using hailong::testing::TempDir;
using nlohmann::json;

constexpr char kEdge1[] = "edge-phuong-01";
constexpr char kEdge2[] = "edge-phuong-02";
constexpr int kPerDay1 = 6;  // events per day of kEdge1
constexpr int kPerDay2 = 4;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

uint32_t U32(const std::string& b, size_t pos) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i)
    v |= static_cast<uint32_t>(static_cast<uint8_t>(b[pos + i])) << (8 * i);
  return v;
}

// Where each event's bytes sit in an export file, parsed by the letter of
// ops/doc/export_format.md (independently of the library's reader).
struct Frame {
  size_t offset;
  size_t size;
};
std::vector<Frame> ParseFrames(const std::string& file) {
  std::vector<Frame> frames;
  const std::string magic = "HAILONG-EXPORT v1\n";
  EXPECT_EQ(file.substr(0, magic.size()), magic);
  size_t pos = magic.size();
  pos += 4 + U32(file, pos);
  for (uint32_t len; (len = U32(file, pos)) != 0; pos += 4 + len) frames.push_back({pos + 4, len});
  EXPECT_EQ(pos + 4 + 8 + 32, file.size());
  return frames;
}

json ParseJson(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << text;
  return j;
}

class LogCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    edge_ = tmp_.Join("edge");
    ASSERT_OK(WriteEdgeLog(edge_, kEdge1, kPerDay1, &events_));
    std::vector<WrittenEvent> other;
    ASSERT_OK(WriteEdgeLog(tmp_.Join("edge2"), kEdge2, kPerDay2, &other));
    ASSERT_OK(IngestAll(tmp_.Join("edge2"), edge_));
    events_.insert(events_.end(), other.begin(), other.end());
  }

  // Index into events_ (and frame index of a full export) of origin/seq.
  size_t IndexOf(const std::string& origin, uint64_t seq) const {
    for (size_t i = 0; i < events_.size(); ++i) {
      if (events_[i].origin == origin && events_[i].seq == seq) return i;
    }
    ADD_FAILURE() << "no event " << origin << " " << seq;
    return 0;
  }

  std::string Export(const std::string& name, std::vector<std::string> extra = {}) {
    const std::string path = tmp_.Join(name);
    std::vector<std::string> args = {"log", "export", "--data-dir", edge_, "--out", path};
    args.insert(args.end(), extra.begin(), extra.end());
    const CtlRun run = RunCtl(args);
    EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
    return path;
  }

  // Runs `log verify FILE --json`; returns the document.
  json VerifyFile(const std::string& path, int expected_exit) {
    const CtlRun run = RunCtl({"log", "verify", path, "--json"});
    EXPECT_EQ(run.exit_code, expected_exit) << run.out << run.err;
    return ParseJson(run.out);
  }

  // Flips one bit of byte `pos` of the file and verifies it; returns the
  // reported first bad event.
  json FlipAndVerify(const std::string& path, size_t pos) {
    std::string bytes = ReadFile(path);
    const std::string damaged = tmp_.Join("damaged.hlx");
    bytes[pos] = static_cast<char>(bytes[pos] ^ 0x01);
    WriteFile(damaged, bytes);
    return VerifyFile(damaged, 3).value("first_bad", json());
  }

  TempDir tmp_{"hailongctl-log"};
  std::string edge_;
  std::vector<WrittenEvent> events_;  // kEdge1 then kEdge2, each in seq order
};

TEST_F(LogCommandsTest, CatPrintsEveryEventInLogOrderWithVietnameseIntact) {
  const CtlRun run = RunCtl({"log", "cat", "--data-dir", edge_});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::vector<std::string> lines = Lines(run.out);
  ASSERT_EQ(lines.size(), events_.size());
  size_t comments = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const json j = ParseJson(lines[i]);
    EXPECT_EQ(j.at("origin"), events_[i].origin) << lines[i];
    EXPECT_EQ(j.at("seq"), events_[i].seq) << lines[i];
    if (!events_[i].comment.empty()) {
      EXPECT_EQ(j.at("type"), "rating_submitted");
      EXPECT_EQ(j.at("body").at("comment"), events_[i].comment);
      // Raw UTF-8 on the line, not \u escapes.
      EXPECT_NE(lines[i].find(events_[i].comment), std::string::npos) << lines[i];
      ++comments;
    }
  }
  EXPECT_GT(comments, 0u);
  EXPECT_NE(run.out.find("Nguyễn Thị Hồng Nhung"), std::string::npos);
  EXPECT_NE(run.out.find("Trần Văn Đức"), std::string::npos);
}

TEST_F(LogCommandsTest, CatFiltersByOriginAndSeq) {
  const CtlRun run = RunCtl({"log", "cat", "--data-dir", edge_, "--origin", kEdge2, "--from", "3"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::vector<std::string> lines = Lines(run.out);
  ASSERT_EQ(lines.size(), static_cast<size_t>(3 * kPerDay2 - 2));
  for (size_t i = 0; i < lines.size(); ++i) {
    const json j = ParseJson(lines[i]);
    EXPECT_EQ(j.at("origin"), kEdge2);
    EXPECT_EQ(j.at("seq"), i + 3);
  }
  EXPECT_NE(RunCtl({"log", "cat", "--data-dir", edge_, "--origin", "no-such-node"}).exit_code, 0);
  EXPECT_NE(RunCtl({"log", "cat", "--data-dir", tmp_.Join("nothing-here")}).exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(tmp_.Join("nothing-here")));  // nothing created
}

TEST_F(LogCommandsTest, ExportThenVerifyIsIntact) {
  const CtlRun exported =
      RunCtl({"log", "export", "--data-dir", edge_, "--out", tmp_.Join("all.hlx"), "--json"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  const json e = ParseJson(exported.out);
  EXPECT_EQ(e.at("events"), events_.size());
  ASSERT_EQ(e.at("origins").size(), 2u);
  EXPECT_EQ(e.at("origins")[0].at("origin"), kEdge1);
  EXPECT_EQ(e.at("origins")[0].at("last_seq"), 3 * kPerDay1);

  const json v = VerifyFile(tmp_.Join("all.hlx"), 0);
  EXPECT_EQ(v.at("ok"), true);
  EXPECT_EQ(v.at("events_checked"), events_.size());
  EXPECT_EQ(v.at("digest_ok"), true);
  EXPECT_TRUE(v.at("first_bad").is_null());

  const CtlRun text = RunCtl({"log", "verify", tmp_.Join("all.hlx")});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("NGUYÊN VẸN"), std::string::npos) << text.out;

  // The frames are the log's event bytes, unchanged, in log order.
  const std::string file = ReadFile(tmp_.Join("all.hlx"));
  const std::vector<Frame> frames = ParseFrames(file);
  ASSERT_EQ(frames.size(), events_.size());
  for (size_t i = 0; i < frames.size(); ++i) {
    EXPECT_EQ(file.substr(frames[i].offset, frames[i].size), events_[i].bytes) << i;
  }

  // An existing file is kept unless --force.
  const CtlRun again =
      RunCtl({"log", "export", "--data-dir", edge_, "--out", tmp_.Join("all.hlx")});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_EQ(ReadFile(tmp_.Join("all.hlx")), file);
  EXPECT_EQ(RunCtl({"log", "export", "--data-dir", edge_, "--out", tmp_.Join("all.hlx"), "--force"})
                .exit_code,
            0);
  EXPECT_EQ(RunCtl({"log", "verify", "--data-dir", edge_}).exit_code, 0);
}

TEST_F(LogCommandsTest, FlippedByteInExportNamesItsSeq) {
  const std::string path = Export("all.hlx");
  const std::string file = ReadFile(path);
  const std::vector<Frame> frames = ParseFrames(file);
  ASSERT_EQ(frames.size(), events_.size());
  // A byte of a Vietnamese comment, in the middle of the log, at the end of
  // an origin's chain, and in the last event of the file.
  std::vector<size_t> targets;
  for (size_t i = 0; i < events_.size(); ++i) {
    if (!events_[i].comment.empty()) targets.push_back(i);
  }
  ASSERT_GE(targets.size(), 3u);
  targets.push_back(IndexOf(kEdge1, 3 * kPerDay1));
  targets.push_back(IndexOf(kEdge2, 1));
  targets.push_back(events_.size() - 1);
  for (size_t i : targets) {
    const Frame& f = frames[i];
    size_t pos = f.offset + f.size / 2;
    if (!events_[i].comment.empty()) {
      const std::string body = file.substr(f.offset, f.size);
      const size_t at = body.find(events_[i].comment);
      ASSERT_NE(at, std::string::npos);
      pos = f.offset + at + 4;
    }
    const json bad = FlipAndVerify(path, pos);
    EXPECT_EQ(bad.value("origin", ""), events_[i].origin) << bad.dump();
    EXPECT_EQ(bad.value("seq", 0u), events_[i].seq) << bad.dump();
  }
  // The text report names the seq too.
  std::string bytes = file;
  const size_t i = IndexOf(kEdge1, 7);
  bytes[frames[i].offset + frames[i].size - 3] ^= 0x20;
  WriteFile(tmp_.Join("damaged.hlx"), bytes);
  const CtlRun text = RunCtl({"log", "verify", tmp_.Join("damaged.hlx"), "--lang", "en"});
  EXPECT_EQ(text.exit_code, 3);
  EXPECT_NE(text.out.find("first bad seq 7 (origin edge-phuong-01)"), std::string::npos)
      << text.out;
  const CtlRun vi = RunCtl({"log", "verify", tmp_.Join("damaged.hlx")});
  EXPECT_NE(vi.out.find("số thứ tự hỏng đầu tiên 7"), std::string::npos) << vi.out;
}

// Every single changed byte inside an event (header fields, prev_hash,
// vtables, strings, padding) is pinned on that event.
TEST_F(LogCommandsTest, EveryByteOfAnEventIsCovered) {
  const std::string path = Export("all.hlx");
  const std::string file = ReadFile(path);
  const std::vector<Frame> frames = ParseFrames(file);
  for (const size_t i : {IndexOf(kEdge1, 7), IndexOf(kEdge1, 3 * kPerDay1), IndexOf(kEdge2, 1)}) {
    const Frame& f = frames[i];
    for (size_t pos = f.offset; pos < f.offset + f.size; ++pos) {
      std::string bytes = file;
      bytes[pos] = static_cast<char>(bytes[pos] ^ 0x10);
      const std::string damaged = tmp_.Join("every.hlx");
      WriteFile(damaged, bytes);
      ExportVerifyResult result;
      const Status s = VerifyExportFile(damaged, {}, &result);
      ASSERT_TRUE(s.IsCorruption()) << "byte " << pos - f.offset << ": " << s.ToString();
      ASSERT_TRUE(result.damage.has_value());
      EXPECT_EQ(result.damage->origin, events_[i].origin) << "byte " << pos - f.offset;
      EXPECT_EQ(result.damage->seq, events_[i].seq)
          << "byte " << pos - f.offset << ": " << result.damage->reason;
    }
  }
}

TEST_F(LogCommandsTest, DamageOutsideTheEventsIsFound) {
  const std::string path = Export("all.hlx");
  const std::string file = ReadFile(path);
  // In the metadata: the tool name.
  const size_t tool = file.find("hailongctl ");
  ASSERT_NE(tool, std::string::npos);
  json bad = FlipAndVerify(path, tool + 2);
  EXPECT_EQ(bad.value("seq", 99u), 0u) << bad.dump();
  // In the trailer's digest and count.
  EXPECT_EQ(FlipAndVerify(path, file.size() - 1).value("seq", 99u), 0u);
  EXPECT_EQ(FlipAndVerify(path, file.size() - 40).value("seq", 99u), 0u);
  // Cut short, and empty.
  WriteFile(tmp_.Join("short.hlx"), file.substr(0, file.size() - 100));
  EXPECT_EQ(RunCtl({"log", "verify", tmp_.Join("short.hlx")}).exit_code, 3);
  WriteFile(tmp_.Join("empty.hlx"), "");
  EXPECT_EQ(RunCtl({"log", "verify", tmp_.Join("empty.hlx")}).exit_code, 3);
  EXPECT_EQ(RunCtl({"log", "verify", tmp_.Join("missing.hlx")}).exit_code, 1);
}

TEST_F(LogCommandsTest, VerifyDataDirNamesChangedRocksDbValue) {
  const size_t target = IndexOf(kEdge1, 8);
  const std::string& original = events_[target].bytes;
  std::string store_dir;
  ASSERT_OK(FindLogStore(edge_, &store_dir));
  {
    // Change one byte inside the stored event, under the log's back.
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), store_dir, &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const auto& n : names) families.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), store_dir, families, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    int changed = 0;
    for (auto* cf : handles) {
      std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), cf));
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        std::string value = it->value().ToString();
        const size_t at = value.find(original);
        if (at == std::string::npos) continue;
        const size_t c =
            original.find(events_[target].comment.empty() ? "phuong" : events_[target].comment);
        ASSERT_NE(c, std::string::npos);
        value[at + c + 1] = static_cast<char>(value[at + c + 1] ^ 0x01);
        rocksdb::WriteOptions sync;
        sync.sync = true;
        ASSERT_TRUE(db->Put(sync, cf, it->key(), value).ok());
        ++changed;
      }
    }
    ASSERT_EQ(changed, 1);
    for (auto* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
    ASSERT_TRUE(db->Close().ok());
  }
  const CtlRun run = RunCtl({"log", "verify", "--data-dir", edge_, "--json"});
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  const json j = ParseJson(run.out);
  EXPECT_EQ(j.at("ok"), false);
  EXPECT_EQ(j.at("first_bad").at("origin"), kEdge1) << run.out;
  EXPECT_EQ(j.at("first_bad").at("seq"), 8u) << run.out;
  for (const auto& o : j.at("origins")) {
    EXPECT_EQ(o.at("first_bad_seq"), o.at("origin") == kEdge1 ? 8u : 0u) << o.dump();
  }
  const CtlRun text = RunCtl({"log", "verify", "--data-dir", edge_, "--lang", "en"});
  EXPECT_EQ(text.exit_code, 3);
  EXPECT_NE(text.out.find("first bad seq 8 (origin edge-phuong-01)"), std::string::npos)
      << text.out;
  // Exporting a damaged log fails rather than writing a file that looks intact.
  EXPECT_NE(RunCtl({"log", "export", "--data-dir", edge_, "--out", tmp_.Join("x.hlx")}).exit_code,
            0);
  EXPECT_FALSE(std::filesystem::exists(tmp_.Join("x.hlx")));
}

TEST_F(LogCommandsTest, ImportIntoEmptyHubTwiceStoresOnce) {
  const std::string path = Export("all.hlx");
  const std::string hub = tmp_.Join("hub");
  const CtlRun first = RunCtl({"log", "import", path, "--data-dir", hub, "--json"});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  json j = ParseJson(first.out);
  EXPECT_EQ(j.at("stored"), events_.size());
  EXPECT_EQ(j.at("skipped"), 0u);

  const CtlRun second = RunCtl({"log", "import", path, "--data-dir", hub, "--json"});
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  j = ParseJson(second.out);
  EXPECT_EQ(j.at("stored"), 0u);
  EXPECT_EQ(j.at("skipped"), events_.size());
  ASSERT_EQ(j.at("origins").size(), 2u);
  EXPECT_EQ(j.at("origins")[0].at("head_seq"), 3 * kPerDay1);
  EXPECT_EQ(j.at("origins")[1].at("head_seq"), 3 * kPerDay2);

  // The hub now holds the very same events, in <data_dir>/log where
  // hailong-hub opens its store.
  std::vector<WrittenEvent> held;
  ASSERT_OK(ReadAll(hub + "/log", &held));
  ASSERT_EQ(held.size(), events_.size());
  for (size_t i = 0; i < held.size(); ++i) EXPECT_EQ(held[i].bytes, events_[i].bytes);
  EXPECT_EQ(RunCtl({"log", "cat", "--data-dir", hub}).out,
            RunCtl({"log", "cat", "--data-dir", edge_}).out);
  EXPECT_EQ(RunCtl({"log", "verify", "--data-dir", hub}).exit_code, 0);

  const CtlRun text = RunCtl({"log", "import", path, "--data-dir", hub, "--lang", "en"});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("stored 0"), std::string::npos) << text.out;
}

TEST_F(LogCommandsTest, ImportRefusesDamagedFile) {
  const std::string path = Export("all.hlx");
  std::string bytes = ReadFile(path);
  const std::vector<Frame> frames = ParseFrames(bytes);
  const size_t i = IndexOf(kEdge2, 5);
  bytes[frames[i].offset + frames[i].size / 2] ^= 0x04;
  WriteFile(path, bytes);
  const std::string hub = tmp_.Join("hub");
  const CtlRun run = RunCtl({"log", "import", path, "--data-dir", hub, "--json"});
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  const json j = ParseJson(run.out);
  EXPECT_EQ(j.at("first_bad").at("origin"), kEdge2);
  EXPECT_EQ(j.at("first_bad").at("seq"), 5u);
  EXPECT_EQ(j.at("stored"), 0u);
  EXPECT_FALSE(std::filesystem::exists(hub));  // nothing was created
}

TEST_F(LogCommandsTest, DateRangeExport) {
  // Expected ranges, from the events' own times.
  auto range = [&](const std::string& origin, const std::string& from, const std::string& to) {
    uint64_t first = 0, last = 0;
    for (const auto& e : events_) {
      if (e.origin != origin || e.day < from || e.day > to) continue;
      if (first == 0) first = e.seq;
      last = e.seq;
    }
    return std::make_pair(first, last);
  };
  const std::string day2 = Export("day2.hlx", {"--from", kDays[1], "--to", kDays[1]});
  const json v = VerifyFile(day2, 0);
  ASSERT_EQ(v.at("origins").size(), 2u);
  for (const auto& o : v.at("origins")) {
    const auto [first, last] = range(o.at("origin"), kDays[1], kDays[1]);
    EXPECT_EQ(o.at("first_seq"), first) << o.dump();
    EXPECT_EQ(o.at("last_seq"), last) << o.dump();
  }
  // The day's first event is at 00:00:00.000 and the day before ends at
  // 23:59:59.999: exactly kPerDay events of each origin.
  EXPECT_EQ(v.at("events_checked"), kPerDay1 + kPerDay2);

  // A cut that does not start at seq 1 cannot go into an empty hub (gap)...
  const std::string hub = tmp_.Join("hub");
  const CtlRun gap = RunCtl({"log", "import", day2, "--data-dir", hub, "--lang", "en"});
  EXPECT_EQ(gap.exit_code, 1) << gap.out << gap.err;
  EXPECT_NE(gap.err.find("up to seq 0"), std::string::npos) << gap.err;
  // ...but continues a hub that holds what comes before it.
  const std::string day1 = Export("day1.hlx", {"--to", kDays[0]});
  CtlRun run = RunCtl({"log", "import", day1, "--data-dir", hub, "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(ParseJson(run.out).at("stored"), kPerDay1 + kPerDay2);
  run = RunCtl({"log", "import", day2, "--data-dir", hub, "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(ParseJson(run.out).at("stored"), kPerDay1 + kPerDay2);
  const std::string rest = Export("from-day2.hlx", {"--from", kDays[1], "--origin", kEdge1});
  const json r = VerifyFile(rest, 0);
  ASSERT_EQ(r.at("origins").size(), 1u);
  EXPECT_EQ(r.at("origins")[0].at("first_seq"), range(kEdge1, kDays[1], kDays[2]).first);
  EXPECT_EQ(r.at("origins")[0].at("last_seq"), 3 * kPerDay1);
  run = RunCtl({"log", "import", rest, "--data-dir", hub, "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(ParseJson(run.out).at("stored"), kPerDay1);
  EXPECT_EQ(ParseJson(run.out).at("skipped"), kPerDay1);
  EXPECT_EQ(RunCtl({"log", "verify", "--data-dir", hub}).exit_code, 0);

  // Bad days and empty ranges.
  EXPECT_EQ(RunCtl({"log", "export", "--data-dir", edge_, "--out", tmp_.Join("b.hlx"), "--from",
                    "2026-02-30"})
                .exit_code,
            2);
  EXPECT_EQ(RunCtl({"log", "export", "--data-dir", edge_, "--out", tmp_.Join("b.hlx"), "--from",
                    "2026-03-03", "--to", "2026-03-01"})
                .exit_code,
            2);
  EXPECT_EQ(RunCtl({"log", "export", "--data-dir", edge_, "--out", tmp_.Join("b.hlx"), "--from",
                    "2025-01-01", "--to", "2025-01-31"})
                .exit_code,
            1);
  EXPECT_FALSE(std::filesystem::exists(tmp_.Join("b.hlx")));
}

TEST_F(LogCommandsTest, DataDirInUseIsSaidClearly) {
  const std::string path = Export("all.hlx");
  // This test process holds the store, as a running daemon would.
  replication::EventLogOptions options;
  options.origin = kEdge1;
  std::unique_ptr<replication::EventLog> log;
  ASSERT_OK(replication::EventLog::Open(options, edge_, &log));
  const std::vector<std::vector<std::string>> commands = {
      {"log", "cat", "--data-dir", edge_},
      {"log", "verify", "--data-dir", edge_},
      {"log", "export", "--data-dir", edge_, "--out", tmp_.Join("busy.hlx")},
      {"log", "import", path, "--data-dir", edge_},
  };
  for (const auto& args : commands) {
    const CtlRun run = RunCtl(args);
    EXPECT_EQ(run.exit_code, 4) << args[1] << ": " << run.out << run.err;
    EXPECT_NE(run.err.find(kDataDirInUse), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("pid " + std::to_string(::getpid())), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("đang được một tiến trình"), std::string::npos) << run.err;
  }
  log.reset();
  EXPECT_EQ(RunCtl({"log", "verify", "--data-dir", edge_}).exit_code, 0);
}

}  // namespace
}  // namespace hailong::ops::testing
