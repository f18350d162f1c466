// Alert and proxy configuration keys, and X-Forwarded-For parsing.
#include <gtest/gtest.h>

#include "api.h"
#include "hailong/hub/config.h"

namespace hailong::hub {
namespace {

const char* kBase =
    R"({"data_dir":"/tmp/x","http":{"listen":"127.0.0.1:0"%s},"nodes":[],"users":[]%s})";

Status Parse(const std::string& http_extra, const std::string& extra, HubConfig* c) {
  char buf[2048];
  std::snprintf(buf, sizeof buf, kBase, http_extra.c_str(), extra.c_str());
  return ParseHubConfig(buf, c);
}

TEST(HubAlertConfigTest, DefaultsAndValues) {
  HubConfig c;
  ASSERT_TRUE(Parse("", "", &c).ok());
  EXPECT_FALSE(c.alerts.unsatisfied_enabled);
  EXPECT_FALSE(c.alerts.follow_ups_enabled);
  EXPECT_FALSE(c.alerts.lag_enabled);
  EXPECT_TRUE(c.alerts.webhook_url.empty());
  EXPECT_TRUE(c.http.trusted_proxies.empty());
  Status s = Parse(R"(,"trusted_proxies":["127.0.0.1","::1"])",
                   R"(,"alerts":{"unsatisfied_share":{"window_s":600,"threshold":0.25},
                       "open_follow_ups":{"threshold":3},
                       "replication_lag":{"events":100},
                       "check_interval_s":5,
                       "webhook":{"url":"https://example.org/h","retries":2,
                                  "headers":{"Authorization":"Bearer x"}}})",
                   &c);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(c.alerts.unsatisfied_enabled);
  EXPECT_EQ(c.alerts.unsatisfied_window_s, 600);
  EXPECT_DOUBLE_EQ(c.alerts.unsatisfied_threshold, 0.25);
  EXPECT_EQ(c.alerts.unsatisfied_min_ratings, 10);
  EXPECT_EQ(c.alerts.follow_ups_threshold, 3);
  EXPECT_EQ(c.alerts.lag_events, 100);
  EXPECT_EQ(c.alerts.lag_seconds, 3600);
  EXPECT_EQ(c.alerts.check_interval_s, 5);
  EXPECT_EQ(c.alerts.webhook_retries, 2);
  EXPECT_EQ(c.alerts.webhook_headers.at("Authorization"), "Bearer x");
  EXPECT_EQ(c.http.trusted_proxies.size(), 2u);
}

TEST(HubAlertConfigTest, ErrorsNameTheKey) {
  HubConfig c;
  auto message = [&](const std::string& http_extra, const std::string& extra) {
    Status s = Parse(http_extra, extra, &c);
    EXPECT_FALSE(s.ok());
    return s.message();
  };
  EXPECT_NE(message("", R"(,"alerts":{"webhook":{"url":"ftp://x"}})").find("alerts.webhook.url"),
            std::string::npos);
  EXPECT_NE(message("", R"(,"alerts":{"unsatisfied_share":{"threshold":2}})")
                .find("alerts.unsatisfied_share.threshold"),
            std::string::npos);
  EXPECT_NE(message("", R"(,"alerts":{"bogus":1})").find("alerts.bogus"), std::string::npos);
  EXPECT_NE(message(R"(,"trusted_proxies":["not a host"])", "").find("http.trusted_proxies"),
            std::string::npos);
  EXPECT_NE(message("", R"(,"alerts":{"replication_lag":{"events":0,"seconds":0}})")
                .find("alerts.replication_lag"),
            std::string::npos);
}

TEST(HubForwardedForUnitTest, RightMostUntrustedEntry) {
  const std::vector<std::string> trusted = {"127.0.0.1", "10.0.0.2"};
  const ClientInfo proxy{"127.0.0.1"};
  EXPECT_EQ(ForwardedClient(trusted, proxy, "203.0.113.5").address, "203.0.113.5");
  EXPECT_EQ(ForwardedClient(trusted, proxy, "1.1.1.1, 203.0.113.5").address, "203.0.113.5");
  EXPECT_EQ(ForwardedClient(trusted, proxy, "203.0.113.5, 10.0.0.2").address, "203.0.113.5");
  EXPECT_EQ(ForwardedClient(trusted, proxy, "").address, "127.0.0.1");
  EXPECT_EQ(ForwardedClient(trusted, proxy, "garbage<>").address, "127.0.0.1");
  EXPECT_EQ(ForwardedClient(trusted, proxy, "10.0.0.2").address, "127.0.0.1");
  EXPECT_EQ(ForwardedClient(trusted, ClientInfo{"192.0.2.9"}, "203.0.113.5").address, "192.0.2.9");
  EXPECT_EQ(ForwardedClient({}, proxy, "203.0.113.5").address, "127.0.0.1");
}

}  // namespace
}  // namespace hailong::hub
