// Tests of the QR images (edge/src/qr.cc): PNG structure checked byte by
// byte (signature, IHDR, CRCs, inflated scanlines), SVG structure, and a
// real round trip through zbarimg (zbar-tools) when it is installed.
#include "hailong/edge/qr.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace hailong::edge {
namespace {

uint32_t GetU32(const std::string& s, size_t at) {
  return (uint32_t{static_cast<uint8_t>(s[at])} << 24) |
         (uint32_t{static_cast<uint8_t>(s[at + 1])} << 16) |
         (uint32_t{static_cast<uint8_t>(s[at + 2])} << 8) |
         uint32_t{static_cast<uint8_t>(s[at + 3])};
}

struct PngChunk {
  std::string type;
  std::string data;
};

// Splits a PNG into chunks, failing the test on a bad signature or CRC.
std::vector<PngChunk> ParsePng(const std::string& png) {
  std::vector<PngChunk> chunks;
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  size_t at = 8;
  while (at + 12 <= png.size()) {
    const uint32_t len = GetU32(png, at);
    EXPECT_LE(at + 12 + len, png.size());
    if (at + 12 + len > png.size()) break;
    PngChunk c{png.substr(at + 4, 4), png.substr(at + 8, len)};
    const uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(png.data() + at + 4), 4 + len);
    EXPECT_EQ(GetU32(png, at + 8 + len), static_cast<uint32_t>(crc)) << "CRC of " << c.type;
    chunks.push_back(std::move(c));
    at += 12 + len;
  }
  EXPECT_EQ(at, png.size());
  return chunks;
}

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("hailong-qr-" + std::to_string(getpid()) + "-" + name))
      .string();
}

// Runs zbarimg on `path`; returns its decoded text ("" if it found nothing).
std::string ZbarDecode(const std::string& path) {
  const std::string cmd = std::string(HAILONG_ZBARIMG) + " --quiet --raw " + path + " 2>/dev/null";
  std::FILE* p = popen(cmd.c_str(), "r");
  if (!p) return "";
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

TEST(QrPngTest, SignatureHeaderAndCrcs) {
  std::string png;
  ASSERT_TRUE(RenderQrPng("http://127.0.0.1:8080/s/phuong-01/q1", &png).ok());
  const std::vector<PngChunk> chunks = ParsePng(png);
  ASSERT_GE(chunks.size(), 3u);
  EXPECT_EQ(chunks.front().type, "IHDR");
  EXPECT_EQ(chunks.back().type, "IEND");
  const std::string& ihdr = chunks.front().data;
  ASSERT_EQ(ihdr.size(), 13u);
  const uint32_t width = GetU32(ihdr, 0), height = GetU32(ihdr, 4);
  EXPECT_EQ(width, height);
  // A QR symbol is 21 + 4k modules wide (versions 1..40), plus the quiet zone.
  ASSERT_EQ(width % kQrPngModulePixels, 0u);
  const uint32_t modules = width / kQrPngModulePixels - 2 * kQrMarginModules;
  EXPECT_GE(modules, 21u);
  EXPECT_LE(modules, 177u);
  EXPECT_EQ((modules - 21) % 4, 0u);
  EXPECT_EQ(ihdr[8], 1);  // bit depth
  EXPECT_EQ(ihdr[9], 0);  // greyscale

  // Inflate IDAT: one filter byte plus ceil(width / 8) bytes per row.
  std::string idat;
  for (const PngChunk& c : chunks)
    if (c.type == "IDAT") idat += c.data;
  const size_t row_bytes = (width + 7) / 8 + 1;
  std::string raw(row_bytes * height, '\0');
  uLongf raw_size = raw.size();
  ASSERT_EQ(uncompress(reinterpret_cast<Bytef*>(raw.data()), &raw_size,
                       reinterpret_cast<const Bytef*>(idat.data()), idat.size()),
            Z_OK);
  EXPECT_EQ(raw_size, raw.size());
  // The first row is quiet zone: all white (bits set); the finder pattern's
  // top-left pixel, just inside the quiet zone, is black.
  EXPECT_EQ(static_cast<uint8_t>(raw[1]), 0xFF);
  const size_t finder_row = kQrMarginModules * kQrPngModulePixels;
  const size_t finder_px = kQrMarginModules * kQrPngModulePixels;
  const uint8_t byte = static_cast<uint8_t>(raw[finder_row * row_bytes + 1 + finder_px / 8]);
  EXPECT_EQ(byte & (0x80 >> (finder_px % 8)), 0);
}

TEST(QrPngTest, LongerTextMakesLargerSymbol) {
  std::string small, large;
  ASSERT_TRUE(RenderQrPng("q1", &small).ok());
  ASSERT_TRUE(RenderQrPng(std::string(400, 'a'), &large).ok());
  EXPECT_LT(GetU32(small, 16), GetU32(large, 16));
}

TEST(QrPngTest, RejectsEmptyAndOversizedText) {
  std::string png = "unchanged";
  EXPECT_TRUE(RenderQrPng("", &png).IsInvalidArgument());
  EXPECT_TRUE(RenderQrPng(std::string(8000, 'x'), &png).IsInvalidArgument());
  EXPECT_EQ(png, "unchanged");
  std::string svg = "unchanged";
  EXPECT_TRUE(RenderQrSvg("", &svg).IsInvalidArgument());
  EXPECT_EQ(svg, "unchanged");
}

TEST(QrSvgTest, WellFormedDocument) {
  std::string svg;
  ASSERT_TRUE(RenderQrSvg("http://127.0.0.1:8080/s/phuong-01/q1?r=000123", &svg).ok());
  EXPECT_EQ(svg.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0), 0u);
  EXPECT_NE(svg.find("<svg xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
  EXPECT_NE(svg.find("viewBox=\"0 0 "), std::string::npos);
  // Every element opened is closed or self-closed, and the root closes last.
  size_t opens = 0, self_closed = 0, closes = 0;
  for (size_t i = 0; i + 1 < svg.size(); ++i) {
    if (svg[i] != '<') continue;
    if (svg[i + 1] == '?') continue;
    if (svg[i + 1] == '/') {
      ++closes;
      continue;
    }
    ++opens;
    const size_t end = svg.find('>', i);
    ASSERT_NE(end, std::string::npos);
    if (svg[end - 1] == '/') ++self_closed;
  }
  EXPECT_EQ(opens, self_closed + closes);
  EXPECT_NE(svg.find("</svg>\n"), std::string::npos);
  EXPECT_EQ(svg.find("</svg>"), svg.size() - 7);
  // The path draws only whole modules and stays inside the viewBox.
  EXPECT_NE(svg.find("<path fill=\"#000\" d=\"M"), std::string::npos);
}

class QrRoundTripTest : public ::testing::TestWithParam<std::string> {};

std::string LinkName(const ::testing::TestParamInfo<std::string>& info) {
  static const char* const kNames[] = {"CounterLink", "ReceiptLink", "LongLink"};
  return kNames[info.index];
}

TEST_P(QrRoundTripTest, ZbarReadsThePng) {
  if (std::string(HAILONG_ZBARIMG).empty()) GTEST_SKIP() << "zbarimg not installed";
  std::string png;
  ASSERT_TRUE(RenderQrPng(GetParam(), &png).ok());
  const std::string path = TempPath("round-trip.png");
  std::ofstream(path, std::ios::binary) << png;
  const std::string decoded = ZbarDecode(path);
  std::filesystem::remove(path);
  EXPECT_EQ(decoded, GetParam());
}

INSTANTIATE_TEST_SUITE_P(
    Links, QrRoundTripTest,
    ::testing::Values("http://127.0.0.1:8080/s/phuong-01/q1",
                      "https://hailong.example.vn/s/xa-gia-lam-22/quay-tiep-nhan-3?r=000123456789",
                      std::string("https://x.vn/s/o/c?r=") + std::string(300, '7')),
    LinkName);

}  // namespace
}  // namespace hailong::edge
