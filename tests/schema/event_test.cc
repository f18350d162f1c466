#include "hailong/schema/event.h"

#include <gtest/gtest.h>

namespace hailong::schema {
namespace {

fb::EventT MakeRating(uint64_t seq) {
  fb::EventT e;
  e.origin = "edge-phuong-01";
  e.seq = seq;
  e.time_ms = 1795519673123;
  e.idempotency_id = "box-1:42";
  e.prev_hash.assign(32, 0);
  fb::RatingSubmittedT r;
  r.office = "phuong-01";
  r.counter = "q1";
  r.comment = "Cán bộ nhiệt tình, chu đáo";
  r.classification = fb::Classification::Satisfied;
  e.body.Set(std::move(r));
  return e;
}

TEST(EventTest, SerializeVerifyDecodeRoundTrip) {
  const std::string bytes = SerializeEvent(MakeRating(7));
  const fb::Event* e = nullptr;
  ASSERT_TRUE(VerifyEvent(bytes, &e).ok());
  EXPECT_EQ(e->seq(), 7u);
  ASSERT_EQ(e->body_type(), fb::EventBody::RatingSubmitted);
  EXPECT_EQ(e->body_as_RatingSubmitted()->comment()->str(), "Cán bộ nhiệt tình, chu đáo");
  fb::EventT back;
  ASSERT_TRUE(DecodeEvent(bytes, &back).ok());
  EXPECT_EQ(SerializeEvent(back), bytes);
}

TEST(EventTest, VerifierRejectsTruncatedAndForeignBytes) {
  const std::string bytes = SerializeEvent(MakeRating(1));
  const fb::Event* e = nullptr;
  EXPECT_TRUE(VerifyEvent(bytes.substr(0, bytes.size() / 2), &e).IsCorruption());
  EXPECT_TRUE(VerifyEvent("", &e).IsCorruption());
  EXPECT_TRUE(VerifyEvent(std::string(64, '\xff'), &e).IsCorruption());
  std::string wrong_id = bytes;
  wrong_id[4] = 'X';
  EXPECT_TRUE(VerifyEvent(wrong_id, &e).IsCorruption());
  EXPECT_EQ(e, nullptr);
}

TEST(EventTest, VerifyRejectsEnvelopeWithoutSeqOrHash) {
  fb::EventT ev = MakeRating(0);
  const fb::Event* e = nullptr;
  EXPECT_TRUE(VerifyEvent(SerializeEvent(ev), &e).IsCorruption());
  ev.seq = 1;
  ev.prev_hash.resize(5);
  EXPECT_TRUE(VerifyEvent(SerializeEvent(ev), &e).IsCorruption());
}

TEST(EventTest, ChainHashIsSha256OfPrevAndBytes) {
  // SHA-256("abc") with an empty prefix is the FIPS 180-2 test vector.
  EXPECT_EQ(HexEncode(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const Hash a = ChainHash(kZeroHash, "event-1");
  const Hash b = ChainHash(a, "event-2");
  EXPECT_NE(a, b);
  EXPECT_EQ(ChainHash(a, "event-2"), b);
  std::string both(reinterpret_cast<const char*>(a.data()), a.size());
  both += "event-2";
  EXPECT_EQ(Sha256(both), b);
}

TEST(EventTest, HexRoundTrip) {
  std::string raw;
  ASSERT_TRUE(HexDecode("00ff10Ab", &raw));
  EXPECT_EQ(HexEncode(raw), "00ff10ab");
  EXPECT_FALSE(HexDecode("abc", &raw));
  EXPECT_FALSE(HexDecode("zz", &raw));
}

TEST(EventTest, TypeNamesRoundTrip) {
  for (int t = 1; t <= static_cast<int>(fb::EventBody::MAX); ++t) {
    const auto type = static_cast<fb::EventBody>(t);
    EXPECT_EQ(EventTypeFromName(EventTypeName(type)), type);
  }
  EXPECT_EQ(EventTypeFromName("nonsense"), fb::EventBody::NONE);
}

}  // namespace
}  // namespace hailong::schema
