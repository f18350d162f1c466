#include "webhook.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "hailong/net/http_client.h"
#include "hailong/net/url.h"

namespace hailong::hub {

namespace {
constexpr size_t kMaxQueued = 1000;
constexpr int64_t kMaxBackoffMs = 60000;
}  // namespace

Webhook::Webhook(const AlertsConfig& config, Metrics* metrics)
    : config_(config), metrics_(metrics) {
  metrics_->Describe("hailong_hub_webhook_attempts_total", "counter",
                     "Alert webhook requests by result.");
  metrics_->Describe("hailong_hub_webhook_deliveries_total", "counter",
                     "Alert webhook documents delivered, failed after every retry, or dropped.");
  if (!config_.webhook_url.empty()) thread_ = std::thread([this] { Run(); });
}

Webhook::~Webhook() { Stop(); }

void Webhook::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Webhook::Send(std::string body) {
  if (config_.webhook_url.empty()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) return;
    if (queue_.size() >= kMaxQueued) {
      queue_.pop_front();
      metrics_->Add("hailong_hub_webhook_deliveries_total{result=\"dropped\"}");
    }
    queue_.push_back(std::move(body));
  }
  cv_.notify_all();
}

void Webhook::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    std::string body = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    const bool ok = Deliver(body);
    metrics_->Add(std::string("hailong_hub_webhook_deliveries_total{result=\"") +
                  (ok ? "ok" : "failed") + "\"}");
    lock.lock();
  }
}

bool Webhook::Deliver(const std::string& body) {
  net::Url url;
  Status s = net::ParseUrl(config_.webhook_url, &url);
  if (!s.ok()) {
    std::fprintf(stderr, "hailong-hub: alert webhook: %s\n", s.ToString().c_str());
    return false;
  }
  const std::string target = url.base_path.empty() ? "/" : "";
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Type", "application/json; charset=utf-8"}};
  for (const auto& [k, v] : config_.webhook_headers) headers.emplace_back(k, v);
  int64_t backoff = config_.webhook_backoff_ms;
  for (int64_t attempt = 0; attempt <= config_.webhook_retries; ++attempt) {
    if (attempt > 0) {
      std::unique_lock<std::mutex> lock(mu_);
      if (cv_.wait_for(lock, std::chrono::milliseconds(backoff), [this] { return stop_; })) {
        return false;
      }
      backoff = std::min(backoff * 2, kMaxBackoffMs);
    }
    // A fresh connection per attempt: a receiver that failed may have restarted.
    net::HttpClient client(url, config_.webhook_ca_file,
                           std::chrono::milliseconds(config_.webhook_timeout_ms));
    int status = 0;
    std::string answer;
    s = client.Exchange(boost::beast::http::verb::post, target, headers, body, &status, &answer);
    if (s.ok() && status >= 200 && status < 300) {
      metrics_->Add("hailong_hub_webhook_attempts_total{result=\"ok\"}");
      return true;
    }
    const std::string result = s.ok() ? "http_" + std::to_string(status) : "error";
    metrics_->Add("hailong_hub_webhook_attempts_total{result=\"" + result + "\"}");
    std::fprintf(stderr, "hailong-hub: alert webhook attempt %lld of %lld failed: %s\n",
                 static_cast<long long>(attempt + 1),
                 static_cast<long long>(config_.webhook_retries + 1),
                 s.ok() ? ("HTTP " + std::to_string(status)).c_str() : s.ToString().c_str());
  }
  return false;
}

}  // namespace hailong::hub
