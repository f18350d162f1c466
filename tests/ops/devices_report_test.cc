// ScanDevices over a log written by the real EventLog: device status and
// ratings of two offices, statuses arriving out of time order, and the JSON
// shape `hailongctl devices --json` prints (and an edge would serve).
#include "hailong/ops/devices_report.h"

#include <gtest/gtest.h>

#include "hailong/replication/event_log.h"
#include "hailong/testing/status.h"
#include "hailong/testing/temp_dir.h"

namespace hailong::ops::testing {
namespace {

constexpr int64_t kT0 = 1772330400000;  // 2026-03-01T02:00:00Z, 09:00 in Hà Nội

replication::EventDraft Seen(const std::string& office, const std::string& device, int64_t t,
                             const std::string& firmware, int battery) {
  fb::DeviceSeenT d;
  d.office = office;
  d.device = device;
  d.counter = "q2";
  d.kind = "button_box";
  d.firmware = firmware;
  d.battery_pct = static_cast<int8_t>(battery);
  replication::EventDraft draft;
  draft.time_ms = t;
  draft.body.Set(std::move(d));
  return draft;
}

replication::EventDraft Lost(const std::string& office, const std::string& device, int64_t t) {
  fb::DeviceLostT d;
  d.office = office;
  d.device = device;
  replication::EventDraft draft;
  draft.time_ms = t;
  draft.body.Set(std::move(d));
  return draft;
}

replication::EventDraft Rated(const std::string& office, const std::string& device,
                              const std::string& counter, int64_t t) {
  fb::RatingSubmittedT r;
  r.rating_id = device + "-" + std::to_string(t);
  r.office = office;
  r.counter = counter;
  r.device = device;
  r.edge_time_ms = t;
  replication::EventDraft draft;
  draft.time_ms = t;
  draft.body.Set(std::move(r));
  return draft;
}

class DevicesReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    replication::EventLogOptions options;
    options.origin = "edge-p1";
    ASSERT_OK(replication::EventLog::Open(options, tmp_.Join("log"), &log_));
    std::vector<replication::EventDraft> drafts;
    drafts.push_back(Seen("p1", "box-1", kT0, "1.0.0", 90));
    drafts.push_back(Rated("p1", "box-1", "q2", kT0 + 60000));
    drafts.push_back(Rated("p1", "box-1", "q2", kT0 + 120000));
    drafts.push_back(Lost("p1", "box-1", kT0 + 180000));
    drafts.push_back(Seen("p1", "box-1", kT0 + 240000, "1.1.0", 15));  // back, updated
    // A status delivered late: older than the last one, it changes nothing.
    drafts.push_back(Lost("p1", "box-1", kT0 + 200000));
    // A kiosk that never reported a status, only ratings.
    drafts.push_back(Rated("p1", "web-ab12", "q1", kT0 + 300000));
    drafts.push_back(Seen("p2", "box-9", kT0 + 10000, "", -1));
    std::vector<replication::AppendResult> results;
    ASSERT_OK(log_->AppendBatch(std::move(drafts), &results));
  }

  hailong::testing::TempDir tmp_{"hailongctl-devices"};
  std::unique_ptr<replication::EventLog> log_;
};

TEST_F(DevicesReportTest, LastStatusWinsAndRatingsCount) {
  std::vector<DeviceReport> devices;
  ASSERT_OK(ScanDevices(*log_, {}, &devices));
  ASSERT_EQ(devices.size(), 3u);
  const DeviceReport& box = devices[0];
  EXPECT_EQ(box.office, "p1");
  EXPECT_EQ(box.device, "box-1");
  EXPECT_TRUE(box.online);
  EXPECT_EQ(box.firmware, "1.1.0");
  EXPECT_EQ(box.battery_pct, 15);
  EXPECT_EQ(box.kind, "button_box");
  EXPECT_EQ(box.counter, "q2");
  EXPECT_EQ(box.ratings, 2u);
  EXPECT_EQ(box.first_seen_ms, kT0);
  EXPECT_EQ(box.last_seen_ms, kT0 + 240000);
  EXPECT_EQ(box.last_status_ms, kT0 + 240000);
  EXPECT_EQ(box.last_rating_ms, kT0 + 120000);

  const DeviceReport& kiosk = devices[1];
  EXPECT_EQ(kiosk.device, "web-ab12");
  EXPECT_EQ(kiosk.last_status_ms, 0);
  EXPECT_FALSE(kiosk.online);
  EXPECT_EQ(kiosk.counter, "q1");
  EXPECT_EQ(kiosk.ratings, 1u);
  EXPECT_EQ(kiosk.battery_pct, -1);

  EXPECT_EQ(devices[2].office, "p2");
  EXPECT_EQ(devices[2].device, "box-9");
}

TEST_F(DevicesReportTest, FiltersByOfficeAndOrigin) {
  std::vector<DeviceReport> devices;
  DevicesOptions options;
  options.office = "p2";
  ASSERT_OK(ScanDevices(*log_, options, &devices));
  ASSERT_EQ(devices.size(), 1u);
  EXPECT_EQ(devices[0].device, "box-9");
  options = DevicesOptions();
  options.origin = "edge-other";
  ASSERT_OK(ScanDevices(*log_, options, &devices));
  EXPECT_TRUE(devices.empty());
}

TEST_F(DevicesReportTest, JsonRoundTrip) {
  std::vector<DeviceReport> devices;
  ASSERT_OK(ScanDevices(*log_, {}, &devices));
  for (const DeviceReport& d : devices) {
    const nlohmann::json j = devices::DeviceRecordToJson(d);
    DeviceReport back;
    ASSERT_OK(devices::DeviceRecordFromJson(j, &back));
    EXPECT_EQ(devices::DeviceRecordToJson(back), j);
  }
  const nlohmann::json j = devices::DeviceRecordToJson(devices[1]);
  EXPECT_TRUE(j["battery_pct"].is_null());
  EXPECT_TRUE(j["last_status"].is_null());
  EXPECT_EQ(j["last_rating"], "2026-03-01T02:05:00.000Z");
  DeviceReport bad;
  EXPECT_FALSE(devices::DeviceRecordFromJson({{"office", "p1"}}, &bad).ok());
}

}  // namespace
}  // namespace hailong::ops::testing
