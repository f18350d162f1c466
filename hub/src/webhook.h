// Webhook: POSTs JSON documents (alert steps) to the configured URL from
// its own thread, so the hub never waits for the receiver. Each document is
// tried 1 + retries times, `timeout_ms` per attempt, waiting backoff_ms,
// then twice as long each time (at most 60 s) between attempts; a 2xx
// answer is success. Failures go to stderr and to /metrics:
//   hailong_hub_webhook_attempts_total{result="ok"|"error"|"http_<code>"}
//   hailong_hub_webhook_deliveries_total{result="ok"|"failed"|"dropped"}
// At most 1000 documents wait; older ones are dropped (counted) beyond.
//
// Thread safety: Send and Stop may be called from any thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "hailong/hub/config.h"
#include "metrics.h"

namespace hailong::hub {

class Webhook {
 public:
  // Starts the delivery thread (nothing happens when config.webhook_url is "").
  Webhook(const AlertsConfig& config, Metrics* metrics);
  ~Webhook();
  // Queues one JSON document; never blocks on the network.
  void Send(std::string body);
  // Stops the thread; queued documents are dropped.
  void Stop();

 private:
  void Run();
  bool Deliver(const std::string& body);  // false when every attempt failed or stopped

  const AlertsConfig config_;
  Metrics* metrics_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;  // guarded by mu_
  bool stop_ = false;              // guarded by mu_
  std::thread thread_;
};

}  // namespace hailong::hub
