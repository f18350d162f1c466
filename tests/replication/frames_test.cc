#include <gtest/gtest.h>

#include "hailong/replication/shipper.h"

namespace hailong::replication {
namespace {

TEST(FramesTest, RoundTripAndTruncation) {
  std::string body;
  AppendFrame(&body, "abc");
  AppendFrame(&body, std::string(70000, 'x'));
  std::vector<std::string_view> frames;
  ASSERT_TRUE(SplitFrames(body, &frames).ok());
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0], "abc");
  EXPECT_EQ(frames[1].size(), 70000u);
  EXPECT_EQ(static_cast<uint8_t>(body[4 + 3 + 1]), 0x11);  // 70000 = 0x011170, little-endian
  for (size_t cut : {size_t{1}, size_t{3}, size_t{5}, body.size() - 1}) {
    Status s = SplitFrames(std::string_view(body).substr(0, cut), &frames);
    EXPECT_TRUE(s.IsCorruption()) << cut;
  }
  ASSERT_TRUE(SplitFrames("", &frames).ok());
  EXPECT_TRUE(frames.empty());
  std::string zero(4, '\0');
  EXPECT_TRUE(SplitFrames(zero, &frames).IsCorruption());
}

}  // namespace
}  // namespace hailong::replication
