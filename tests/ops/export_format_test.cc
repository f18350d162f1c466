// The export file format, in process: writer and reader round trip, the
// metadata's checks, and that every changed byte of a file is found (and,
// inside an event, pinned on that event). Events are built and chained by
// hand here; log_commands_test.cc covers files written from real logs.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "hailong/ops/export_reader.h"
#include "hailong/ops/export_verify.h"
#include "hailong/ops/export_writer.h"
#include "hailong/testing/temp_dir.h"

namespace hailong::ops {
namespace {

using hailong::testing::TempDir;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// `count` chained events of `origin` from seq `first`, continuing `prev`.
std::vector<std::string> Chain(const std::string& origin, uint64_t first, int count,
                               schema::Hash* prev) {
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) {
    fb::EventT e;
    e.origin = origin;
    e.seq = first + i;
    e.time_ms = 1772300000000 + 60000 * i;
    e.prev_hash.assign(prev->begin(), prev->end());
    fb::RatingSubmittedT r;
    r.office = "phuong-01";
    r.counter = "q2";
    r.comment = "Cán bộ hướng dẫn tận tình, số " + std::to_string(e.seq);
    e.body.Set(std::move(r));
    out.push_back(schema::SerializeEvent(e));
    *prev = schema::ChainHash(*prev, out.back());
  }
  return out;
}

class ExportFormatTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema::Hash h1 = schema::kZeroHash;
    a_ = Chain("edge-a", 1, 6, &h1);
    schema::Hash h2 = schema::kZeroHash;
    Chain("edge-b", 1, 9, &h2);  // the cut below starts at seq 10
    const schema::Hash b_prev = h2;
    b_ = Chain("edge-b", 10, 5, &h2);
    meta_.created_at = "2026-03-01T00:00:00.000Z";
    meta_.tool = "test";
    meta_.source = "hand-made";
    ExportOriginRange ra;
    ra.origin = "edge-a";
    ra.first_seq = 1;
    ra.last_seq = 6;
    ra.last_hash = h1;
    ExportOriginRange rb;
    rb.origin = "edge-b";
    rb.first_seq = 10;
    rb.last_seq = 14;
    rb.first_prev_hash = b_prev;
    rb.last_hash = h2;
    meta_.origins = {ra, rb};
    path_ = tmp_.Join("x.hlx");
    Write(path_, meta_);
  }

  void Write(const std::string& path, const ExportMetadata& meta) {
    std::unique_ptr<ExportWriter> w;
    ASSERT_TRUE(ExportWriter::Create(path, meta, true, &w).ok());
    for (const auto& e : a_) ASSERT_TRUE(w->Add(e).ok());
    for (const auto& e : b_) ASSERT_TRUE(w->Add(e).ok());
    ASSERT_TRUE(w->Finish(nullptr).ok());
  }

  TempDir tmp_{"hailong-export-format"};
  std::vector<std::string> a_, b_;
  ExportMetadata meta_;
  std::string path_;
};

TEST_F(ExportFormatTest, RoundTrip) {
  std::unique_ptr<ExportReader> r;
  ASSERT_TRUE(ExportReader::Open(path_, &r).ok());
  ASSERT_EQ(r->metadata().origins.size(), 2u);
  EXPECT_EQ(r->metadata().origins[1].first_prev_hash, meta_.origins[1].first_prev_hash);
  EXPECT_EQ(r->metadata().TotalEvents(), 11u);
  EXPECT_EQ(r->trailer_count(), 11u);
  std::vector<std::string> all = a_;
  all.insert(all.end(), b_.begin(), b_.end());
  for (const auto& want : all) {
    std::string_view got;
    bool end = true;
    ASSERT_TRUE(r->Next(&got, &end).ok());
    ASSERT_FALSE(end);
    EXPECT_EQ(got, want);
  }
  std::string_view none;
  bool end = false;
  ASSERT_TRUE(r->Next(&none, &end).ok());
  EXPECT_TRUE(end);
  bool match = false;
  ASSERT_TRUE(r->DigestMatches(&match).ok());
  EXPECT_TRUE(match);

  ExportVerifyResult v;
  EXPECT_TRUE(VerifyExportFile(path_, {}, &v).ok());
  EXPECT_EQ(v.events_checked, 11u);
  EXPECT_TRUE(v.digest_ok);
  EXPECT_FALSE(v.damage.has_value());
}

TEST_F(ExportFormatTest, EveryChangedByteIsFoundAndPinnedOnItsEvent) {
  const std::string file = ReadFile(path_);
  // Frame positions, from the layout of ops/doc/export_format.md.
  struct Span {
    size_t begin, end;
    std::string origin;
    uint64_t seq;
  };
  std::vector<Span> spans;
  size_t pos = kExportMagic.size();
  pos += 4 + DecodeFixed32(file.data() + pos);
  for (size_t i = 0; i < a_.size() + b_.size(); ++i) {
    const uint32_t len = DecodeFixed32(file.data() + pos);
    const bool in_a = i < a_.size();
    spans.push_back(
        {pos + 4, pos + 4 + len, in_a ? "edge-a" : "edge-b", in_a ? i + 1 : 10 + (i - a_.size())});
    pos += 4 + len;
  }
  const std::string damaged = tmp_.Join("damaged.hlx");
  for (size_t p = 0; p < file.size(); ++p) {
    std::string bytes = file;
    bytes[p] = static_cast<char>(bytes[p] ^ 0x40);
    WriteFile(damaged, bytes);
    ExportVerifyResult v;
    const Status s = VerifyExportFile(damaged, {}, &v);
    ASSERT_TRUE(s.IsCorruption()) << "byte " << p << " changed unnoticed: " << s.ToString();
    ASSERT_TRUE(v.damage.has_value());
    for (const Span& span : spans) {
      if (p >= span.begin && p < span.end) {
        EXPECT_EQ(v.damage->origin, span.origin) << "byte " << p;
        EXPECT_EQ(v.damage->seq, span.seq) << "byte " << p << ": " << v.damage->reason;
      }
    }
  }
}

TEST_F(ExportFormatTest, MetadataMustMatchTheFrames) {
  // A header that claims one more event than the frames hold.
  ExportMetadata longer = meta_;
  longer.origins[0].last_seq = 7;
  Write(tmp_.Join("longer.hlx"), longer);
  ExportVerifyResult v;
  EXPECT_TRUE(VerifyExportFile(tmp_.Join("longer.hlx"), {}, &v).IsCorruption());
  ASSERT_TRUE(v.damage.has_value());
  EXPECT_EQ(v.damage->origin, "edge-a");
  EXPECT_EQ(v.damage->seq, 7u);  // where edge-b's first frame sits instead
  // A wrong first_prev_hash names the cut's first event.
  ExportMetadata wrong = meta_;
  wrong.origins[1].first_prev_hash[0] ^= 1;
  Write(tmp_.Join("wrong.hlx"), wrong);
  EXPECT_TRUE(VerifyExportFile(tmp_.Join("wrong.hlx"), {}, &v).IsCorruption());
  EXPECT_EQ(v.damage->origin, "edge-b");
  EXPECT_EQ(v.damage->seq, 10u);
}

TEST_F(ExportFormatTest, MetadataDecodingNamesTheKey) {
  const std::string json = EncodeExportMetadata(meta_);
  ExportMetadata back;
  ASSERT_TRUE(DecodeExportMetadata(json, &back).ok());
  EXPECT_EQ(EncodeExportMetadata(back), json);
  std::string bad = json;
  bad.replace(bad.find("\"first_seq\":10"), 14, "\"first_seq\":\"x\"");
  const Status s = DecodeExportMetadata(bad, &back);
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_NE(s.message().find("first_seq"), std::string::npos) << s.ToString();
  std::string newer = json;
  newer.replace(newer.find("\"format_version\":1"), 18, "\"format_version\":2");
  EXPECT_TRUE(DecodeExportMetadata(newer, &back).IsInvalidArgument());
  EXPECT_TRUE(DecodeExportMetadata("not json", &back).IsCorruption());
}

TEST_F(ExportFormatTest, UnfinishedWriterLeavesNoFile) {
  const std::string path = tmp_.Join("unfinished.hlx");
  {
    std::unique_ptr<ExportWriter> w;
    ASSERT_TRUE(ExportWriter::Create(path, meta_, false, &w).ok());
    ASSERT_TRUE(w->Add(a_[0]).ok());
  }
  std::ifstream in(path);
  EXPECT_FALSE(in.good());
  std::ifstream partial(path + ".partial");
  EXPECT_FALSE(partial.good());
  std::unique_ptr<ExportWriter> w;
  EXPECT_TRUE(ExportWriter::Create(path_, meta_, false, &w).IsInvalidArgument());
}

}  // namespace
}  // namespace hailong::ops
