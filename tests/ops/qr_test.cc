// hailongctl qr: the printed codes decode (zbarimg, a real scanner) to the
// survey links the edge serves.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "ctl_runner.h"
#include "hailong/testing/process.h"
#include "hailong/testing/temp_dir.h"

namespace hailong::ops::testing {
namespace {

namespace fs = std::filesystem;
using hailong::testing::ReadFileOrEmpty;
using hailong::testing::TempDir;

// What zbarimg reads from the image ("" when it finds nothing). Its stderr
// (library noise) is dropped.
std::string Decode(const std::string& image) {
  hailong::testing::CommandResult r;
  Status s = hailong::testing::RunCommand(
      {"/bin/sh", "-c", "exec \"$0\" --raw -q \"$1\" 2>/dev/null", HAILONG_ZBARIMG, image}, &r);
  EXPECT_TRUE(s.ok()) << s.ToString();
  std::string text = r.output;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

// Rasterizes the SVG (a viewBox in modules, black path of M/h/v/H/V/z
// moves) into a PGM image, 8 pixels per module, for the scanner.
std::string SvgToPgm(const std::string& svg, const std::string& pgm_path) {
  int n = 0;
  const size_t vb = svg.find("viewBox=\"0 0 ");
  if (vb == std::string::npos) return "no viewBox";
  n = std::atoi(svg.c_str() + vb + 13);
  const size_t d = svg.find(" d=\"");
  if (n <= 0 || d == std::string::npos) return "no path";
  std::vector<std::vector<bool>> black(n, std::vector<bool>(n, false));
  const char* p = svg.c_str() + d + 4;
  long x = 0, y = 0, start_x = 0, start_y = 0;
  std::vector<std::pair<long, long>> poly;
  auto fill = [&] {  // each subpath is a rectangle: fill its bounding box
    if (poly.empty()) return;
    long x0 = n, y0 = n, x1 = 0, y1 = 0;
    for (auto [px, py] : poly) {
      x0 = std::min(x0, px), y0 = std::min(y0, py), x1 = std::max(x1, px), y1 = std::max(y1, py);
    }
    for (long yy = y0; yy < y1 && yy < n; ++yy)
      for (long xx = x0; xx < x1 && xx < n; ++xx) black[yy][xx] = true;
    poly.clear();
  };
  while (*p != '"' && *p != '\0') {
    const char c = *p++;
    char* end = nullptr;
    switch (c) {
      case 'M':
        fill();
        x = std::strtol(p, &end, 10);
        p = end + 1;
        y = std::strtol(p, &end, 10);
        p = end;
        start_x = x, start_y = y;
        poly.push_back({x, y});
        break;
      case 'h':
        x += std::strtol(p, &end, 10), p = end, poly.push_back({x, y});
        break;
      case 'v':
        y += std::strtol(p, &end, 10), p = end, poly.push_back({x, y});
        break;
      case 'H':
        x = std::strtol(p, &end, 10), p = end, poly.push_back({x, y});
        break;
      case 'V':
        y = std::strtol(p, &end, 10), p = end, poly.push_back({x, y});
        break;
      case 'z':
      case 'Z':
        x = start_x, y = start_y;
        break;
      default:
        break;
    }
  }
  fill();
  constexpr int kScale = 8;
  std::string out =
      "P5\n" + std::to_string(n * kScale) + " " + std::to_string(n * kScale) + "\n255\n";
  for (int row = 0; row < n * kScale; ++row)
    for (int col = 0; col < n * kScale; ++col)
      out.push_back(black[row / kScale][col / kScale] ? '\0' : static_cast<char>(255));
  std::ofstream(pgm_path, std::ios::binary) << out;
  return "";
}

TEST(QrCommand, CounterCodeDecodesToTheSurveyLink) {
  TempDir tmp("hailongctl-qr");
  const std::string png = tmp.Join("quay-1.png");
  const CtlRun run = RunCtl({"qr", "counter", "--public-url", "https://hailong.quan1.gov.vn/",
                             "--office", "phuong-ben-nghe", "--counter", "q1", "--out", png});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("Đã ghi mã QR"), std::string::npos) << run.out;
  EXPECT_EQ(Decode(png), "https://hailong.quan1.gov.vn/s/phuong-ben-nghe/q1");
}

TEST(QrCommand, ReceiptCodeCarriesTheReceipt) {
  TempDir tmp("hailongctl-qr");
  const std::string png = tmp.Join("bien-nhan.png");
  const CtlRun run =
      RunCtl({"qr", "receipt", "--public-url", "http://192.168.1.10:8080", "--office", "phuong-01",
              "--counter", "q2", "--receipt", "000.00.01.H29-260301-1001", "--out", png, "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const std::string link = "http://192.168.1.10:8080/s/phuong-01/q2?r=000.00.01.H29-260301-1001";
  EXPECT_EQ(nlohmann::json::parse(run.out)["link"], link);
  EXPECT_EQ(Decode(png), link);
}

TEST(QrCommand, ResultsCodeOpensTheOfficesPublicResults) {
  TempDir tmp("hailongctl-qr");
  const std::string png = tmp.Join("ket-qua.png");
  const CtlRun run = RunCtl({"qr", "results", "--public-url", "https://hailong.quan1.gov.vn/",
                             "--office", "phuong-ben-nghe", "--out", png});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(Decode(png), "https://hailong.quan1.gov.vn/ket-qua/phuong-ben-nghe");
  const CtlRun bad = RunCtl({"qr", "results", "--public-url", "hailong.quan1.gov.vn", "--office",
                             "phuong-01", "--out", tmp.Join("x.png")});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE((bad.out + bad.err).find("http"), std::string::npos) << bad.out << bad.err;
}

TEST(QrCommand, SvgForPrintingAtAnySize) {
  TempDir tmp("hailongctl-qr");
  const std::string svg = tmp.Join("quay-3.svg");
  const CtlRun run = RunCtl({"qr", "counter", "--public-url", "https://hailong.example.vn",
                             "--office", "phuong-01", "--counter", "q3", "--out", svg});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const std::string text = ReadFileOrEmpty(svg);
  EXPECT_EQ(text.rfind("<?xml", 0) == 0 || text.rfind("<svg", 0) == 0, true) << text.substr(0, 80);
  // The scanner reads the SVG's modules, rasterized.
  const std::string pgm = tmp.Join("quay-3.pgm");
  ASSERT_EQ(SvgToPgm(text, pgm), "");
  EXPECT_EQ(Decode(pgm), "https://hailong.example.vn/s/phuong-01/q3");
}

TEST(QrCommand, BadInputIsRefused) {
  TempDir tmp("hailongctl-qr");
  const std::string png = tmp.Join("q.png");
  auto qr = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"qr", "counter", "--public-url", "https://x.vn"};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunCtl(args);
  };
  EXPECT_EQ(qr({"--office", "phường 1", "--counter", "q1", "--out", png}).exit_code, 2);
  EXPECT_EQ(qr({"--office", "p1", "--counter", "q1", "--out", tmp.Join("q.jpg")}).exit_code, 2);
  EXPECT_FALSE(fs::exists(png));
  ASSERT_EQ(qr({"--office", "p1", "--counter", "q1", "--out", png}).exit_code, 0);
  // An existing file is replaced only with --force.
  const CtlRun again = qr({"--office", "p1", "--counter", "q2", "--out", png});
  EXPECT_EQ(again.exit_code, 2) << again.err;
  EXPECT_EQ(Decode(png), "https://x.vn/s/p1/q1");
  EXPECT_EQ(qr({"--office", "p1", "--counter", "q2", "--out", png, "--force"}).exit_code, 0);
  EXPECT_EQ(Decode(png), "https://x.vn/s/p1/q2");
  EXPECT_EQ(RunCtl({"qr", "counter", "--public-url", "ftp://x", "--office", "p1", "--counter", "q1",
                    "--out", tmp.Join("f.png")})
                .exit_code,
            2);
}

}  // namespace
}  // namespace hailong::ops::testing
