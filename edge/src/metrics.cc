#include "hailong/edge/metrics.h"

#include <sstream>

#include "hailong/net/prometheus.h"

namespace hailong::edge {
namespace {

constexpr size_t kMaxLabels = 64;

using net::EscapeLabelValue;

void Counter(std::ostringstream& o, const char* name, const char* help, uint64_t v) {
  o << "# HELP " << name << " " << help << "\n# TYPE " << name << " counter\n"
    << name << " " << v << "\n";
}

void Gauge(std::ostringstream& o, const char* name, const char* help, uint64_t v) {
  o << "# HELP " << name << " " << help << "\n# TYPE " << name << " gauge\n"
    << name << " " << v << "\n";
}

}  // namespace

void EdgeMetrics::CountRejected(std::string_view channel, survey::RejectReason reason) {
  std::string label(survey::ReasonLabel(reason));
  std::lock_guard<std::mutex> lock(mu_);
  auto key = std::make_pair(std::string(channel), label);
  if (rejected_.count(key) == 0 && rejected_.size() >= kMaxLabels) {
    key.second = "other";
  }
  ++rejected_[key];
}

void EdgeMetrics::CountHttp(int status) {
  std::lock_guard<std::mutex> lock(mu_);
  ++http_by_status_[status];
}

void EdgeMetrics::ObserveAppend(double seconds, size_t events) {
  ++append_batches;
  std::lock_guard<std::mutex> lock(mu_);
  for (size_t i = 0; i < std::size(kAppendBuckets); ++i) {
    if (seconds <= kAppendBuckets[i]) ++append_bucket_counts_[i];
  }
  ++append_count_;
  append_sum_ += seconds;
  append_events_ += events;
}

uint64_t EdgeMetrics::Rejected(std::string_view label) const {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t n = 0;
  for (const auto& [key, count] : rejected_) {
    if (key.second == label) n += count;
  }
  return n;
}

std::string EdgeMetrics::RenderPrometheus(const EdgeGauges& g) const {
  std::ostringstream o;
  Counter(o, "hailong_edge_ratings_stored_total", "Ratings stored durably as new events.",
          ratings_stored.load());
  Counter(o, "hailong_edge_ratings_duplicate_total",
          "Repeated rating ids answered with the original sequence number.",
          ratings_duplicate.load());
  Counter(o, "hailong_edge_ratings_misuse_total", "Ratings stored with the suspected-misuse flag.",
          ratings_misuse.load());
  o << "# HELP hailong_edge_ratings_rejected_total Ratings refused, by channel and reason.\n"
    << "# TYPE hailong_edge_ratings_rejected_total counter\n";
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [key, count] : rejected_) {
      o << "hailong_edge_ratings_rejected_total{channel=\"" << EscapeLabelValue(key.first)
        << "\",reason=\"" << EscapeLabelValue(key.second) << "\"} " << count << "\n";
    }
  }
  Counter(o, "hailong_edge_dossiers_stored_total", "Dossier events stored.",
          dossiers_stored.load());
  Counter(o, "hailong_edge_visits_stored_total",
          "Visit events stored (queue numbers, citizens served).", visits_stored.load());
  Counter(o, "hailong_edge_officer_pins_right_total", "Sign-in/sign-out PINs checked right.",
          pins_right.load());
  Counter(o, "hailong_edge_officer_pins_wrong_total", "Sign-in/sign-out PINs checked wrong.",
          pins_wrong.load());
  Counter(o, "hailong_edge_officer_pins_limited_total",
          "Sign-in/sign-out attempts refused by the wrong-PIN limiter.", pins_limited.load());
  Counter(o, "hailong_edge_device_events_total", "DeviceSeen and DeviceLost events stored.",
          device_events.load());
  Counter(o, "hailong_edge_mqtt_messages_total", "Device messages received over MQTT.",
          mqtt_messages.load());
  Counter(o, "hailong_edge_mqtt_acks_published_total", "Acks published to devices.",
          mqtt_acks_published.load());
  Counter(o, "hailong_edge_mqtt_reconnects_total", "Connections to the broker made.",
          mqtt_reconnects.load());
  Counter(o, "hailong_edge_append_batches_total", "Group appends (one fsync each).",
          append_batches.load());
  {
    std::lock_guard<std::mutex> lock(mu_);
    o << "# HELP hailong_edge_append_seconds Time of one group append of ratings (fsync "
         "included).\n# TYPE hailong_edge_append_seconds histogram\n";
    for (size_t i = 0; i < std::size(kAppendBuckets); ++i) {
      o << "hailong_edge_append_seconds_bucket{le=\"" << kAppendBuckets[i] << "\"} "
        << append_bucket_counts_[i] << "\n";
    }
    o << "hailong_edge_append_seconds_bucket{le=\"+Inf\"} " << append_count_ << "\n"
      << "hailong_edge_append_seconds_sum " << append_sum_ << "\n"
      << "hailong_edge_append_seconds_count " << append_count_ << "\n";
    o << "# HELP hailong_edge_append_events_total Ratings written by group appends.\n"
      << "# TYPE hailong_edge_append_events_total counter\n"
      << "hailong_edge_append_events_total " << append_events_ << "\n";
  }
  o << "# HELP hailong_edge_http_requests_total HTTP requests answered, by status.\n"
    << "# TYPE hailong_edge_http_requests_total counter\n";
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [status, count] : http_by_status_) {
      o << "hailong_edge_http_requests_total{status=\"" << status << "\"} " << count << "\n";
    }
  }
  Counter(o, "hailong_edge_mqtt_publish_errors_total",
          "Acks and session updates the MQTT client refused to send.", g.mqtt_publish_errors);
  Gauge(o, "hailong_edge_mqtt_connected", "1 while connected to the broker.",
        g.mqtt_connected ? 1 : 0);
  Gauge(o, "hailong_edge_log_seq", "Last sequence number of this edge's log.", g.log_seq);
  Gauge(o, "hailong_edge_replicated_seq", "Last sequence number the hub acknowledged.",
        g.replicated_seq);
  Gauge(o, "hailong_edge_hub_reachable", "1 if the last exchange with the hub succeeded.",
        g.hub_reachable ? 1 : 0);
  Gauge(o, "hailong_edge_ingest_queue_depth", "Rating messages waiting for the ingest worker.",
        g.ingest_queue_depth);
  Gauge(o, "hailong_edge_free_disk_bytes", "Free bytes on the data directory's file system.",
        g.free_disk_bytes);
  Gauge(o, "hailong_edge_devices_online", "Devices whose last status was online.",
        g.devices_online);
  Gauge(o, "hailong_edge_http_connections", "HTTP connections open now.", g.http_connections);
  return o.str();
}

}  // namespace hailong::edge
