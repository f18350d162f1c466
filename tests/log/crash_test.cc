// Crash test: a child appends from 8 threads and is killed with SIGKILL at
// a random moment, 200 times over one log. After every kill the log is
// reopened and checked: every append the child saw return is present
// exactly once with the seq it was given, seqs are gapless, the chain
// verifies, and repeating an acknowledged id returns the original seq.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "hailong/testing/process.h"
#include "hailong/testing/temp_dir.h"
#include "test_events.h"

namespace hailong::replication {
namespace {

using hailong::testing::Process;
using hailong::testing::ProcessOptions;
using hailong::testing::TempDir;

constexpr int kCycles = 200;

// Complete "ack <id> <seq>" lines of the child's output.
std::map<std::string, uint64_t> ReadAcks(const std::string& path) {
  std::map<std::string, uint64_t> acks;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (in.eof()) break;  // last line without '\n' may be cut
    std::istringstream ls(line);
    std::string word, id;
    uint64_t seq = 0;
    if (ls >> word >> id >> seq && word == "ack") acks[id] = seq;
  }
  return acks;
}

TEST(LogCrashTest, SigkillDuringAppendsLosesAndDoublesNothing) {
  TempDir tmp("log-crash");
  const std::string dir = tmp.Join("log");
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> delay_ms(5, 120);
  std::map<std::string, uint64_t> all_acked;  // over every cycle
  uint64_t total_killed_mid_run = 0;

  for (int cycle = 0; cycle < kCycles; ++cycle) {
    const std::string out = tmp.Join("acks-" + std::to_string(cycle) + ".txt");
    ProcessOptions po;
    po.argv = {LOG_CRASH_CHILD, dir, "c" + std::to_string(cycle), "8"};
    po.log_file = out;
    std::unique_ptr<Process> child;
    ASSERT_TRUE(Process::Start(po, &child).ok());
    // The thing tested: a SIGKILL at a random moment of the appends.
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    if (child->Running()) ++total_killed_mid_run;
    child->Kill();
    const auto acks = ReadAcks(out);
    for (const auto& [id, seq] : acks) {
      auto [it, inserted] = all_acked.emplace(id, seq);
      ASSERT_TRUE(inserted) << "id acknowledged twice: " << id;
    }

    EventLogOptions o;
    o.origin = "edge-crash";
    std::unique_ptr<EventLog> log;
    ASSERT_TRUE(EventLog::Open(o, dir, &log).ok()) << "cycle " << cycle;
    VerifyResult vr;
    Status vs = log->Verify("edge-crash", &vr);
    ASSERT_TRUE(vs.ok()) << "cycle " << cycle << ": " << vs.ToString();
    const uint64_t head = log->Head("edge-crash").seq;
    ASSERT_EQ(vr.events_checked, head);

    // Every acknowledged append of this cycle is there with its seq.
    std::set<std::string> ids;
    uint64_t expect_seq = 1;
    ASSERT_TRUE(log->Scan("edge-crash", 1,
                          [&](uint64_t seq, std::string_view, const fb::Event& e) {
                            EXPECT_EQ(seq, expect_seq++);
                            EXPECT_TRUE(ids.insert(e.idempotency_id()->str()).second)
                                << "doubled: " << e.idempotency_id()->str();
                            return true;
                          })
                    .ok());
    ASSERT_EQ(expect_seq - 1, head);
    for (const auto& [id, seq] : acks) {
      uint64_t found = 0;
      ASSERT_TRUE(log->FindIdempotent("edge-crash", id, &found).ok()) << "lost: " << id;
      ASSERT_EQ(found, seq) << id;
      ASSERT_TRUE(ids.count(id)) << "lost: " << id;
    }
    // An idempotent repeat after the crash returns the original seq.
    if (!acks.empty()) {
      const auto& [id, seq] = *acks.begin();
      AppendResult r;
      ASSERT_TRUE(
          log->Append(testing::RatingDraft(id.substr(std::string("box-1:").size())), &r).ok());
      EXPECT_TRUE(r.duplicate);
      EXPECT_EQ(r.seq, seq);
      EXPECT_EQ(log->Head("edge-crash").seq, head);
    }
  }
  // The test means something only if the child was killed mid-run and had
  // acknowledged appends.
  EXPECT_GT(total_killed_mid_run, kCycles / 2);
  EXPECT_GT(all_acked.size(), static_cast<size_t>(kCycles));
  std::printf("crash test: %d cycles, %zu acknowledged appends all present once\n", kCycles,
              all_acked.size());
}

}  // namespace
}  // namespace hailong::replication
