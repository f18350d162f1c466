// EdgeMetrics: the counters behind GET /metrics (Prometheus text format).
//
// Thread safety: every method may be called from any thread; counters are
// atomics, the labelled families take a short lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <iterator>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "hailong/survey/reject_reason.h"

namespace hailong::edge {

// Gauges read at scrape time from their owners.
struct EdgeGauges {
  uint64_t log_seq = 0;
  uint64_t replicated_seq = 0;
  bool hub_reachable = false;
  bool mqtt_connected = false;
  uint64_t ingest_queue_depth = 0;
  uint64_t free_disk_bytes = 0;
  uint64_t devices_online = 0;
  uint64_t http_connections = 0;
  uint64_t mqtt_publish_errors = 0;
};

class EdgeMetrics {
 public:
  std::atomic<uint64_t> ratings_stored{0};     // new RatingSubmitted events
  std::atomic<uint64_t> ratings_duplicate{0};  // repeated ids answered again
  std::atomic<uint64_t> ratings_misuse{0};     // stored with SuspectedMisuse
  std::atomic<uint64_t> dossiers_stored{0};    // new DossierRecorded events
  std::atomic<uint64_t> visits_stored{0};      // new VisitRecorded events
  std::atomic<uint64_t> pins_right{0};         // sign-in/out PINs checked right
  std::atomic<uint64_t> pins_wrong{0};         // ... checked wrong
  std::atomic<uint64_t> pins_limited{0};       // refused by the wrong-PIN limiter
  std::atomic<uint64_t> mqtt_messages{0};      // rating and status messages received
  std::atomic<uint64_t> mqtt_acks_published{0};
  std::atomic<uint64_t> mqtt_reconnects{0};
  std::atomic<uint64_t> append_batches{0};  // AppendBatch calls (one fsync each)
  std::atomic<uint64_t> device_events{0};   // DeviceSeen / DeviceLost stored

  // A rating refused; the label is survey::ReasonLabel(reason), a fixed
  // phrase without ids. `channel` is "mqtt" or "http".
  void CountRejected(std::string_view channel, survey::RejectReason reason);
  void CountHttp(int status);
  // One AppendBatch of `events` ratings that took `seconds` (fsync included).
  void ObserveAppend(double seconds, size_t events);

  uint64_t Rejected(std::string_view label) const;  // summed over channels (tests)

  std::string RenderPrometheus(const EdgeGauges& gauges) const;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, uint64_t> rejected_;  // (channel, label)
  std::map<int, uint64_t> http_by_status_;
  // Append latency histogram (seconds), cumulative buckets as Prometheus wants.
  static constexpr double kAppendBuckets[] = {0.0005, 0.001, 0.002, 0.005, 0.01,
                                              0.02,   0.05,  0.1,   0.5,   1.0};
  uint64_t append_bucket_counts_[std::size(kAppendBuckets)] = {};
  uint64_t append_count_ = 0;
  double append_sum_ = 0;
  uint64_t append_events_ = 0;
};

}  // namespace hailong::edge
