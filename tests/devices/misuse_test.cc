// MisuseDetector: presses too close together (by device time) are flagged;
// a burst of old presses resent after an outage is flagged Resent only.
#include "hailong/devices/misuse.h"

#include <gtest/gtest.h>

#include <string>

namespace hailong::devices {
namespace {

constexpr int64_t kT0 = 1795494473000;  // 2026-11-24T04:27:53Z
constexpr int64_t kSecond = 1000;

std::string Name(const char* prefix, int i) {
  std::string s(prefix);
  s.append(std::to_string(i));
  return s;
}

TEST(MisuseTest, PressesFartherApartThanTheIntervalAreFine) {
  MisuseDetector d;
  for (int i = 0; i < 10; ++i) {
    int64_t t = kT0 + i * 5 * kSecond;
    MisuseVerdict v = d.Judge("box-1", Name("r", i), t, t + 50);
    EXPECT_FALSE(v.suspected_misuse) << i;
    EXPECT_FALSE(v.resent) << i;
    EXPECT_EQ(v.flags(), fb::RatingFlags::NONE);
  }
}

TEST(MisuseTest, HammeringFlagsAllButTheFirstPress) {
  MisuseDetector d;
  EXPECT_FALSE(d.Judge("box-1", "a", kT0, kT0).suspected_misuse);
  EXPECT_TRUE(d.Judge("box-1", "b", kT0 + 300, kT0 + 300).suspected_misuse);
  EXPECT_TRUE(d.Judge("box-1", "c", kT0 + 600, kT0 + 600).suspected_misuse);
  // Still within 2 s of the previous (flagged) press: a held-down button.
  EXPECT_TRUE(d.Judge("box-1", "d", kT0 + 2500, kT0 + 2500).suspected_misuse);
  // A quiet pause, then a genuine press.
  MisuseVerdict v = d.Judge("box-1", "e", kT0 + 10 * kSecond, kT0 + 10 * kSecond);
  EXPECT_FALSE(v.suspected_misuse);
  MisuseVerdict flagged = d.Judge("box-1", "f", kT0 + 10 * kSecond + 1999, kT0 + 11 * kSecond);
  EXPECT_TRUE(flagged.suspected_misuse);
  EXPECT_EQ(flagged.flags(), fb::RatingFlags::SuspectedMisuse);
}

TEST(MisuseTest, ExactlyTheIntervalApartIsNotMisuse) {
  MisuseDetector d;
  EXPECT_FALSE(d.Judge("box-1", "a", kT0, kT0).suspected_misuse);
  EXPECT_FALSE(d.Judge("box-1", "b", kT0 + 2000, kT0 + 2000).suspected_misuse);
  EXPECT_TRUE(d.Judge("box-1", "c", kT0 + 2000, kT0 + 2001).suspected_misuse) << "same time";
}

TEST(MisuseTest, DevicesAreJudgedSeparately) {
  MisuseDetector d;
  EXPECT_FALSE(d.Judge("box-1", "a", kT0, kT0).suspected_misuse);
  EXPECT_FALSE(d.Judge("box-2", "a", kT0 + 100, kT0 + 100).suspected_misuse);
  EXPECT_FALSE(d.Judge("kiosk-q3", "x", kT0 + 200, kT0 + 200).suspected_misuse);
}

TEST(MisuseTest, ResendBurstAfterAnOutageIsNotMisuse) {
  // 20 presses one minute apart while the broker was down, all delivered
  // within 40 ms of edge time after it came back.
  MisuseDetector d;
  const int64_t back_online = kT0 + 30 * 60 * kSecond;
  for (int i = 0; i < 20; ++i) {
    int64_t pressed = kT0 + i * 60 * kSecond;
    MisuseVerdict v = d.Judge("box-1", Name("r", i), pressed, back_online + 2 * i);
    EXPECT_FALSE(v.suspected_misuse) << i;
    EXPECT_TRUE(v.resent) << i;
    EXPECT_EQ(v.flags(), fb::RatingFlags::Resent);
  }
  // A live press right after the burst.
  MisuseVerdict live = d.Judge("box-1", "live", back_online + 100, back_online + 150);
  EXPECT_FALSE(live.suspected_misuse);
  EXPECT_FALSE(live.resent);
}

TEST(MisuseTest, HammeringDuringAnOutageIsStillMisuseWhenResent) {
  MisuseDetector d;
  const int64_t back_online = kT0 + 10 * 60 * kSecond;
  MisuseVerdict first = d.Judge("box-1", "a", kT0, back_online);
  MisuseVerdict second = d.Judge("box-1", "b", kT0 + 400, back_online + 1);
  EXPECT_TRUE(first.resent);
  EXPECT_FALSE(first.suspected_misuse);
  EXPECT_TRUE(second.resent);
  EXPECT_TRUE(second.suspected_misuse);
  EXPECT_EQ(static_cast<uint32_t>(second.flags()),
            static_cast<uint32_t>(fb::RatingFlags::SuspectedMisuse) |
                static_cast<uint32_t>(fb::RatingFlags::Resent));
}

TEST(MisuseTest, OldPressesArrivingAfterNewOnesAreComparedWithBothNeighbours) {
  MisuseDetector d;
  // Live presses at +60 s and +120 s arrive first; buffered ones later.
  EXPECT_FALSE(d.Judge("box-1", "live1", kT0 + 60 * kSecond, kT0 + 60 * kSecond).suspected_misuse);
  EXPECT_FALSE(
      d.Judge("box-1", "live2", kT0 + 120 * kSecond, kT0 + 120 * kSecond).suspected_misuse);
  // Old press far from both: fine.
  EXPECT_FALSE(d.Judge("box-1", "old1", kT0, kT0 + 121 * kSecond).suspected_misuse);
  // Old press 1 s before live2: the late arrival is the one flagged.
  EXPECT_TRUE(d.Judge("box-1", "old2", kT0 + 119 * kSecond, kT0 + 121 * kSecond).suspected_misuse);
}

TEST(MisuseTest, RepeatedIdKeepsItsFirstVerdict) {
  MisuseDetector d;
  EXPECT_FALSE(d.Judge("box-1", "a", kT0, kT0).suspected_misuse);
  // The device retries "a": not compared with itself.
  EXPECT_FALSE(d.Judge("box-1", "a", kT0, kT0 + 5 * kSecond).suspected_misuse);
  EXPECT_TRUE(d.Judge("box-1", "b", kT0 + 500, kT0 + 6 * kSecond).suspected_misuse);
  EXPECT_TRUE(d.Judge("box-1", "b", kT0 + 500, kT0 + 9 * kSecond).suspected_misuse);
}

TEST(MisuseTest, RememberRestoresStateAfterARestart) {
  MisuseDetector d;
  d.Remember("box-1", "a", kT0);
  EXPECT_TRUE(d.Judge("box-1", "b", kT0 + 1000, kT0 + 1000).suspected_misuse);
  EXPECT_FALSE(d.Judge("box-1", "a", kT0, kT0 + 2000).suspected_misuse) << "remembered verdict";
  d.Forget("box-1");
  EXPECT_FALSE(d.Judge("box-1", "c", kT0 + 1500, kT0 + 3000).suspected_misuse);
}

TEST(MisuseTest, OptionsChangeTheThresholds) {
  MisuseOptions o;
  o.min_interval_ms = 500;
  o.resend_after_ms = 5 * kSecond;
  MisuseDetector d(o);
  EXPECT_FALSE(d.Judge("box-1", "a", kT0, kT0).suspected_misuse);
  EXPECT_FALSE(d.Judge("box-1", "b", kT0 + 600, kT0 + 600).suspected_misuse);
  EXPECT_TRUE(d.Judge("box-1", "c", kT0 + 900, kT0 + 900).suspected_misuse);
  EXPECT_TRUE(d.Judge("box-1", "d", kT0 + 10 * kSecond, kT0 + 16 * kSecond).resent);

  MisuseOptions off;
  off.min_interval_ms = 0;
  MisuseDetector none(off);
  EXPECT_FALSE(none.Judge("box-1", "a", kT0, kT0).suspected_misuse);
  EXPECT_FALSE(none.Judge("box-1", "b", kT0, kT0).suspected_misuse);
}

TEST(MisuseTest, MemoryIsBoundedPerDevice) {
  MisuseOptions o;
  o.memory_per_device = 4;
  MisuseDetector d(o);
  for (int i = 0; i < 10; ++i) {
    int64_t t = kT0 + i * 10 * kSecond;
    EXPECT_FALSE(d.Judge("box-1", Name("r", i), t, t).suspected_misuse);
  }
  // r0 at kT0 is forgotten: a press next to it is not compared with it, and
  // r0 itself would be judged again.
  EXPECT_FALSE(d.Judge("box-1", "old", kT0 + 500, kT0 + 200 * kSecond).suspected_misuse);
  // r9 is remembered.
  EXPECT_TRUE(
      d.Judge("box-1", "late", kT0 + 90 * kSecond + 100, kT0 + 200 * kSecond).suspected_misuse);
}

TEST(MisuseTest, DeterministicForTheSameSequence) {
  auto run = [] {
    MisuseDetector d;
    std::string out;
    uint64_t x = 12345;
    for (int i = 0; i < 500; ++i) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      int64_t t = kT0 + static_cast<int64_t>((x >> 33) % (600 * kSecond));
      MisuseVerdict v = d.Judge(Name("box-", i % 3), std::to_string(i), t, kT0);
      out += v.suspected_misuse ? 'm' : '.';
    }
    return out;
  };
  std::string a = run();
  EXPECT_EQ(a, run());
  EXPECT_NE(a.find('m'), std::string::npos);
  EXPECT_NE(a.find('.'), std::string::npos);
}

}  // namespace
}  // namespace hailong::devices
