#include "hailong/schema/time.h"

#include <gtest/gtest.h>

namespace hailong {

TEST(TimeTest, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(1795519673123), "2026-11-24T11:27:53.123Z");
  EXPECT_EQ(FormatRfc3339(-1), "1969-12-31T23:59:59.999Z");
}

TEST(TimeTest, ParsesOffsetsAndFractions) {
  int64_t ms = 0;
  ASSERT_TRUE(ParseRfc3339("2026-11-24T18:27:53.123+07:00", &ms).ok());
  EXPECT_EQ(ms, 1795519673123);
  ASSERT_TRUE(ParseRfc3339("2026-11-24T11:27:53Z", &ms).ok());
  EXPECT_EQ(ms, 1795519673000);
  ASSERT_TRUE(ParseRfc3339("2026-11-24T11:27:53.1234567Z", &ms).ok());
  EXPECT_EQ(ms, 1795519673123);
  ASSERT_TRUE(ParseRfc3339("2024-02-29T00:00:00-05:30", &ms).ok());
  EXPECT_EQ(FormatRfc3339(ms), "2024-02-29T05:30:00.000Z");
}

TEST(TimeTest, RejectsImpossibleTimes) {
  int64_t ms = 0;
  for (const char* bad :
       {"", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z", "2026-11-31T00:00:00Z",
        "2026-11-24T24:00:00Z", "2026-11-24T11:60:00Z", "2026-11-24T11:27:53", "2026-11-24",
        "2026-11-24T11:27:53Zjunk", "2026-11-24T11:27:53.Z", "26-11-24T11:27:53Z", "hôm nay"}) {
    EXPECT_FALSE(ParseRfc3339(bad, &ms).ok()) << bad;
  }
}

TEST(TimeTest, RoundTripsEveryMillisecondPattern) {
  for (int64_t ms : {0LL, 1LL, 999LL, 86399999LL, 951782400000LL, 4102444799999LL}) {
    int64_t back = -1;
    ASSERT_TRUE(ParseRfc3339(FormatRfc3339(ms), &back).ok());
    EXPECT_EQ(back, ms);
  }
}

TEST(TimeTest, VietnamDayIsUtcPlusSeven) {
  int64_t ms = 0;
  ASSERT_TRUE(ParseRfc3339("2026-11-24T16:59:59.999Z", &ms).ok());
  EXPECT_EQ(VietnamDay(ms), "2026-11-24");
  EXPECT_EQ(VietnamDay(ms + 1), "2026-11-25");
  int64_t start = 0;
  ASSERT_TRUE(ParseVietnamDay("2026-11-25", &start).ok());
  EXPECT_EQ(start, ms + 1);
  EXPECT_FALSE(ParseVietnamDay("2026-11-25x", &start).ok());
}

}  // namespace hailong
