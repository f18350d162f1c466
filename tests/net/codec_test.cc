// The small pure parts of hailong_net: one URL parser, percent decoding,
// content types and the Prometheus label escaper and registry.
#include <gtest/gtest.h>

#include "hailong/net/content_type.h"
#include "hailong/net/percent.h"
#include "hailong/net/prometheus.h"
#include "hailong/net/url.h"

namespace hailong::net {
namespace {

TEST(UrlTest, ParsesSchemeHostPortAndBasePath) {
  Url u;
  ASSERT_TRUE(ParseUrl("https://hub.quan1.gov.vn:8443/hailong/", &u).ok());
  EXPECT_TRUE(u.tls);
  EXPECT_EQ(u.host, "hub.quan1.gov.vn");
  EXPECT_EQ(u.port, "8443");
  EXPECT_EQ(u.base_path, "/hailong");
  EXPECT_EQ(u.Authority(), "hub.quan1.gov.vn:8443");
}

TEST(UrlTest, DefaultPortsAndIpv6) {
  Url u;
  ASSERT_TRUE(ParseUrl("http://127.0.0.1", &u).ok());
  EXPECT_FALSE(u.tls);
  EXPECT_EQ(u.port, "80");
  EXPECT_EQ(u.base_path, "");
  ASSERT_TRUE(ParseUrl("https://[::1]", &u).ok());
  EXPECT_EQ(u.port, "443");
  ASSERT_TRUE(ParseUrl("http://[::1]:9090/x", &u).ok());
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.port, "9090");
  EXPECT_EQ(u.Authority(), "[::1]:9090");
}

TEST(UrlTest, RefusesWhatIsNotAnHttpUrl) {
  Url u;
  for (const char* bad :
       {"ftp://h", "h:80", "http://", "http://:80", "http://h:", "http://h:0", "http://h:65536",
        "http://h:8x", "http://user:pw@h", "http://[::1", "http://[::1]x", "http://h:123456"}) {
    Status s = ParseUrl(bad, &u);
    EXPECT_TRUE(s.IsInvalidArgument()) << bad;
    EXPECT_NE(s.message().find(bad), std::string::npos) << s.message();
  }
}

TEST(PercentTest, DecodesStrictly) {
  std::string out = "kept";
  EXPECT_TRUE(PercentDecode("/a%20b/%C3%A1+c", &out));
  EXPECT_EQ(out, "/a b/\xC3\xA1+c");
  EXPECT_TRUE(PercentDecode("a+b", &out, true));
  EXPECT_EQ(out, "a b");
  out = "kept";
  EXPECT_FALSE(PercentDecode("%2", &out));
  EXPECT_FALSE(PercentDecode("abc%", &out));
  EXPECT_FALSE(PercentDecode("%zz", &out));
  EXPECT_FALSE(PercentDecode("%g0", &out));
  EXPECT_EQ(out, "kept");
}

TEST(PercentTest, LenientKeepsBadEscapes) {
  EXPECT_EQ(PercentDecodeLenient("a%2Fb%25c%zz%4"), "a/b%c%zz%4");
  EXPECT_EQ(PercentDecodeLenient("%2f%2F"), "//");
}

TEST(PercentTest, ParsesQueries) {
  auto q = ParseQuery("r=000123&counter=q%201&flag&x=a+b&&bad=%zz+1&r=again&k%20=v");
  EXPECT_EQ(q["r"], "000123");  // the first of repeated names wins
  EXPECT_EQ(q["counter"], "q 1");
  EXPECT_EQ(q.count("flag"), 1u);
  EXPECT_EQ(q["flag"], "");
  EXPECT_EQ(q["x"], "a b");
  EXPECT_EQ(q["bad"], "%zz 1");
  EXPECT_EQ(q["k "], "v");
  EXPECT_EQ(q.size(), 6u);
}

TEST(ContentTypeTest, ByExtension) {
  EXPECT_EQ(ContentTypeFor("web/kiosk.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("app.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("a/b.css"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("logo.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeFor("f.woff2"), "font/woff2");
  EXPECT_EQ(ContentTypeFor("README.md"), "text/plain; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("noext"), "application/octet-stream");
  EXPECT_EQ(ContentTypeFor(".html"), "application/octet-stream");
  EXPECT_EQ(ContentTypeFor("dir.js/file"), "application/octet-stream");
}

TEST(PrometheusTest, EscapesLabelValues) {
  EXPECT_EQ(EscapeLabelValue("plain"), "plain");
  EXPECT_EQ(EscapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(EscapeLabelValue("phường 1"), "phường 1");
}

TEST(PrometheusTest, RendersCountersWithHelpAndType) {
  CounterRegistry r;
  r.Describe("x_total", "counter", "Things.");
  r.Add("x_total{k=\"b\"}", 2);
  r.Add("x_total{k=\"a\"}");
  r.Add("y_total");
  r.Add("x_total{k=\"b\"}");
  EXPECT_EQ(r.Render("g 1\n"),
            "# HELP x_total Things.\n# TYPE x_total counter\n"
            "x_total{k=\"a\"} 1\nx_total{k=\"b\"} 3\ny_total 1\ng 1\n");
}

}  // namespace
}  // namespace hailong::net
