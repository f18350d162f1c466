// Answers to the devices' ratings (acks from an edge, or the broker's
// PUBACK with publish_only) and the run's report (sim_impl.h).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <mutex>

#include "hailong/devices/payload.h"
#include "outbox.h"
#include "sim_impl.h"

namespace hailong::devices {
namespace {

using internal::PendingRating;
using internal::Steady;

double Ms(Steady::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

unsigned long long ull(uint64_t v) { return static_cast<unsigned long long>(v); }

}  // namespace

void Simulator::Impl::OnAck(Device& d, std::string_view payload) {
  const Steady::time_point now = Steady::now();
  DeviceAck ack;
  if (!ParseAck(payload, &ack).ok()) {
    ++unknown_acks_;
    return;
  }
  std::lock_guard<std::mutex> lock(d.mu);
  if (!ack.id) {
    uint64_t n = anonymous_outstanding_.load();
    while (!ack.stored && n > 0 && !anonymous_outstanding_.compare_exchange_weak(n, n - 1)) {
    }
    if (!ack.stored && n > 0) {
      ++rejected_;
    } else {
      ++unknown_acks_;
    }
    return;
  }
  auto order = d.order_of.find(*ack.id);
  if (order == d.order_of.end()) {
    if (ack.id->rfind(run_ + "-", 0) == 0) {
      ++duplicate_acks_;
    } else {
      ++unknown_acks_;
    }
    return;
  }
  Settle(d, order, ack.stored, ack.error, now);
}

// With publish_only: the broker acknowledged publication `mid`; the
// rating it carried is answered (the first of its copies to arrive).
void Simulator::Impl::OnPublished(Device& d, int mid) {
  const Steady::time_point now = Steady::now();
  std::lock_guard<std::mutex> lock(d.mu);
  auto m = d.order_of_mid.find(mid);
  if (m == d.order_of_mid.end()) return;
  auto it = d.pending.find(m->second);
  d.order_of_mid.erase(m);
  if (it == d.pending.end()) {
    ++duplicate_acks_;
    return;
  }
  Settle(d, d.order_of.find(it->second.id), /*stored=*/true, "", now);
}

// The answer for the pending rating `order` points at; d.mu is held.
void Simulator::Impl::Settle(Device& d, std::unordered_map<std::string, uint64_t>::iterator order,
                             bool stored, const std::string& error, Steady::time_point now) {
  auto it = d.pending.find(order->second);
  PendingRating& p = it->second;
  if (stored) {
    if (p.bad) {
      ++bad_stored_;  // the edge accepted a payload it should have rejected
    } else {
      ++acked_stored_;
      if (acked_file_ != nullptr) {
        std::fprintf(acked_file_, "%s:%s\n", d.id.c_str(), order->first.c_str());
      }
      d.latencies_ms.push_back(static_cast<float>(Ms(now - p.pressed)));
      last_ack_ = now.time_since_epoch().count();
    }
  } else {
    ++rejected_;
    if (!p.bad) {
      ++rejected_good_;
    } else if (error.rfind(p.expected_reason, 0) != 0) {
      ++bad_other_reason_;
    }
  }
  if (!p.bad) {
    if (d.outbox) d.outbox->Done(order->first).PermitUncheckedError();
    if (p.published && d.in_flight > 0) --d.in_flight;
  }
  d.pending.erase(it);
  d.order_of.erase(order);
}

// Ratings still waiting for an answer.
uint64_t Simulator::Impl::Outstanding() {
  uint64_t n = 0;
  for (auto& d : devices_) {
    std::lock_guard<std::mutex> lock(d->mu);
    n += d->pending.size();
  }
  return n + anonymous_outstanding_.load();
}

void Simulator::Impl::Progress(Steady::time_point now, uint64_t acked_last_second) {
  double t = std::chrono::duration<double>(now - start_).count();
  uint64_t pending = 0;
  for (auto& d : devices_) {
    std::lock_guard<std::mutex> lock(d->mu);
    pending += d->pending.size();
  }
  if (o_.english) {
    std::fprintf(stderr,
                 "t=%.0fs sent=%llu stored=%llu rejected=%llu pending=%llu resent=%llu "
                 "stored/s=%llu\n",
                 t, ull(sent_), ull(acked_stored_), ull(rejected_), ull(pending), ull(resent_),
                 ull(acked_last_second));
  } else {
    std::fprintf(stderr,
                 "t=%.0fs đã gửi=%llu đã lưu=%llu bị từ chối=%llu đang chờ=%llu gửi lại=%llu "
                 "lưu/giây=%llu\n",
                 t, ull(sent_), ull(acked_stored_), ull(rejected_), ull(pending), ull(resent_),
                 ull(acked_last_second));
  }
}

void Simulator::Impl::Finish(SimulatorReport* r) {
  const Steady::time_point end = Steady::now();
  std::vector<float> lat;
  uint64_t unacked = 0, bad_pending = 0;
  for (auto& d : devices_) {
    std::lock_guard<std::mutex> lock(d->mu);
    lat.insert(lat.end(), d->latencies_ms.begin(), d->latencies_ms.end());
    for (const auto& [order, p] : d->pending) (p.bad ? bad_pending : unacked)++;
  }
  *r = SimulatorReport();
  r->sent = sent_;
  r->misuse_sent = misuse_sent_;
  r->restored = restored_;
  r->bad_sent = bad_sent_;
  r->resent = resent_;
  r->acked_stored = acked_stored_;
  r->duplicate_acks = duplicate_acks_;
  r->rejected = rejected_;
  r->rejected_good = rejected_good_;
  r->bad_unanswered = bad_pending + anonymous_outstanding_.load();
  r->bad_stored = bad_stored_;
  r->bad_other_reason = bad_other_reason_;
  r->publish_errors = publish_errors_;
  r->dossiers_posted = dossiers_posted_;
  r->dossier_errors = dossier_errors_;
  r->unacked = unacked;
  r->unknown_acks = unknown_acks_;
  r->elapsed_s = std::chrono::duration<double>(end - start_).count();
  const int64_t last = last_ack_.load();
  if (last != 0) {
    double s =
        std::chrono::duration<double>(Steady::duration(last) - start_.time_since_epoch()).count();
    if (s > 0) r->acked_per_s = static_cast<double>(r->acked_stored) / s;
  }
  if (!lat.empty()) {
    std::sort(lat.begin(), lat.end());
    auto at = [&](double q) {
      size_t i = static_cast<size_t>(std::ceil(q * static_cast<double>(lat.size()))) - 1;
      return static_cast<double>(lat[std::min(i, lat.size() - 1)]);
    };
    r->latency_p50_ms = at(0.50);
    r->latency_p99_ms = at(0.99);
    r->latency_max_ms = lat.back();
  }
}

}  // namespace hailong::devices
