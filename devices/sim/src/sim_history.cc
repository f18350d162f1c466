// History mode and the dossiers an edge is sent as the one-stop software
// would (sim_impl.h).
#include <algorithm>
#include <mutex>
#include <random>

#include "hailong/schema/time.h"
#include "outbox.h"
#include "sim_impl.h"
#include "sim_payloads.h"

namespace hailong::devices {
namespace {

using internal::PendingRating;

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

}  // namespace

// As the one-stop software: the dossier was received some days ago and
// is returned now, just before the citizen rates.
void Simulator::Impl::PostLiveDossier(Device& d, const std::string& receipt, int64_t now_ms) {
  const SimProcedure& proc = o_.procedures[d.rng() % o_.procedures.size()];
  internal::DossierPost post{receipt, "received", proc.code, proc.field, d.counter, d.officer};
  post.at_ms = now_ms - static_cast<int64_t>(1 + d.rng() % 7) * kDayMs;
  post.due_ms = now_ms + static_cast<int64_t>(d.rng() % 3) * kDayMs;
  CountDossier(internal::PostDossier(o_.edge_url, o_.dossier_token, post));
  post.event = "returned";
  post.at_ms = now_ms - 30000;
  CountDossier(internal::PostDossier(o_.edge_url, o_.dossier_token, post));
}

void Simulator::Impl::CountDossier(const Status& s) {
  if (s.ok()) {
    ++dossiers_posted_;
  } else if (dossier_errors_++ == 0) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
  }
}

// History mode: posts the dossiers of the last days and queues their
// ratings (at their historical times) on the devices, oldest first.
void Simulator::Impl::BuildHistory() {
  const int64_t now = Clock::System()->NowMs();
  int64_t today = 0;
  ParseVietnamDay(VietnamDay(now), &today).PermitUncheckedError();
  std::mt19937_64 rng(seed_ + 17);
  auto chance = [&rng](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  auto between = [&rng](int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo + 1));
  };
  struct Planned {
    int64_t at_ms;
    Device* device;
    std::string receipt;
  };
  std::vector<Planned> plan;
  for (int back = o_.history_days; back >= 1; --back) {
    const int64_t day = today - back * kDayMs;
    const int64_t day_number = (day + kVietnamOffsetMs) / kDayMs;
    const int weekday = static_cast<int>((day_number + 4) % 7);  // 0 = Sunday
    if (weekday == 0 || weekday == 6) continue;
    std::string date = VietnamDay(day);
    date.erase(std::remove(date.begin(), date.end(), '-'), date.end());
    for (auto& dp : devices_) {
      Device& d = *dp;
      const int n = static_cast<int>(
          between(o_.history_dossiers_per_day * 7 / 10, o_.history_dossiers_per_day * 13 / 10));
      for (int k = 1; k <= n; ++k) {
        // Office hours: 07:30-11:30 and 13:30-17:00.
        const int64_t minute = between(0, 449);
        const int64_t received =
            day + (minute < 240 ? 450 + minute : 810 + minute - 240) * 60000 + between(0, 59999);
        const SimProcedure& proc = o_.procedures[rng() % o_.procedures.size()];
        internal::DossierPost post{"HS-" + date + "-" + d.id + "-" + std::to_string(k),
                                   "received",
                                   proc.code,
                                   proc.field,
                                   d.counter,
                                   d.officer};
        post.at_ms = received;
        post.due_ms = received + between(3, 10) * kDayMs;
        CountDossier(internal::PostDossier(o_.edge_url, o_.dossier_token, post));
        if (chance(0.92)) plan.push_back({received + between(60, 300) * 1000, &d, post.receipt});
        const int64_t returned = chance(0.93) ? post.due_ms - between(0, 2 * kDayMs)
                                              : post.due_ms + between(kDayMs, 3 * kDayMs);
        if (returned > received && returned < now - 3600 * 1000) {
          post.event = "returned";
          post.at_ms = returned;
          CountDossier(internal::PostDossier(o_.edge_url, o_.dossier_token, post));
          if (chance(0.85)) plan.push_back({returned + between(60, 240) * 1000, &d, post.receipt});
        }
      }
    }
  }
  std::sort(plan.begin(), plan.end(),
            [](const Planned& a, const Planned& b) { return a.at_ms < b.at_ms; });
  const Steady::time_point now_steady = Steady::now();
  for (const Planned& p : plan) {
    Device& d = *p.device;
    const std::string id = run_ + "-" + std::to_string(d.next_seq++);
    PendingRating r;
    r.id = id;
    r.pressed = now_steady;
    r.payload = internal::GoodRatingPayload(*SurveyOf(d), d.rng, id, d.counter, p.at_ms, p.receipt);
    ++sent_;
    ++presses_;
    std::lock_guard<std::mutex> lock(d.mu);
    if (d.outbox) d.outbox->Add(r.payload).PermitUncheckedError();  // best effort
    d.order_of.emplace(id, d.next_order);
    d.pending.emplace(d.next_order++, std::move(r));
  }
}

}  // namespace hailong::devices
