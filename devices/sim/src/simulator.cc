// Simulator: see simulator.h; the run loop and the devices' connections
// (the other parts: sim_impl.h).
#include <algorithm>
#include <chrono>
#include <fstream>
#include <mutex>

#include "sim_impl.h"

namespace hailong::devices {
namespace {

using internal::Steady;
using std::chrono::milliseconds;

// The first line of "<dir>/<user>.password" (make-office-broker's devices/).
Status ReadDevicePassword(const std::string& dir, const std::string& user, std::string* out) {
  const std::string path = dir + "/" + user + ".password";
  std::ifstream in(path);
  if (!in || !std::getline(in, *out) || out->empty()) {
    return Status::InvalidArgument("--password-dir: cannot read the password of " + user + " (" +
                                   path + ")");
  }
  while (!out->empty() && (out->back() == '\r' || out->back() == ' ')) out->pop_back();
  return Status::OK();
}

}  // namespace

Status Simulator::Impl::Run(const std::atomic<bool>* stop, const std::atomic<bool>* abort,
                            SimulatorReport* report) {
  Status s = loop_.Open();
  if (!s.ok()) return s;
  s = CreateClients();
  if (!s.ok()) return s;
  // Let the devices connect first (a load run should not start with a
  // backlog), but press anyway when the broker stays away.
  const Steady::time_point connect_deadline = Steady::now() + milliseconds(o_.connect_wait_ms);
  while (!stop->load() && Steady::now() < connect_deadline) {
    size_t up = 0;
    for (auto& d : devices_) {
      ManageConnection(*d, Steady::now());
      if (IsUp(*d)) ++up;
    }
    if (up == devices_.size()) break;
    loop_.Poll(devices_, Steady::now() + milliseconds(5));
  }
  if (o_.follow_session) {
    // Retained sessions arrive right after the subscription; a counter
    // without one keeps the configured template.
    const Steady::time_point session_deadline = Steady::now() + milliseconds(1000);
    while (!stop->load() && Steady::now() < session_deadline &&
           sessions_seen_.load() < devices_.size()) {
      loop_.Poll(devices_, Steady::now() + milliseconds(5));
    }
  }
  start_ = Steady::now();
  // Stagger the devices evenly over one interval.
  for (size_t i = 0; i < devices_.size(); ++i) {
    devices_[i]->next_press =
        start_ +
        std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(
            1.0 / o_.rate * static_cast<double>(i) / static_cast<double>(devices_.size())));
  }
  const auto interval =
      std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(1.0 / o_.rate));
  const auto resend_timeout = milliseconds(o_.resend_timeout_ms);
  bool pressing = true;
  Steady::time_point drain_deadline;
  if (o_.history_days > 0) {
    BuildHistory();
    pressing = false;
    drain_deadline = Steady::now() + milliseconds(o_.drain_timeout_ms);
  }
  Steady::time_point next_tick = start_;
  Steady::time_point next_progress = start_ + std::chrono::seconds(1);
  uint64_t acked_at_last_progress = 0;

  while (true) {
    Steady::time_point now = Steady::now();
    if (pressing) {
      bool done =
          stop->load() ||
          (o_.duration_s > 0 && now - start_ >= std::chrono::duration<double>(o_.duration_s)) ||
          (o_.count > 0 && presses_ >= o_.count);
      if (done) {
        pressing = false;
        drain_deadline = now + milliseconds(o_.drain_timeout_ms);
      }
    }
    Steady::time_point next_due = now + milliseconds(10);
    if (pressing) {
      for (auto& d : devices_) {
        while (d->next_press <= now && (o_.count == 0 || presses_ < o_.count)) {
          Press(*d, now);
          d->next_press += interval;
          // Fell far behind (paused process): do not burst to catch up.
          if (now - d->next_press > std::chrono::seconds(1)) d->next_press = now + interval;
        }
        next_due = std::min(next_due, d->next_press);
      }
    }
    if (now >= next_tick) {
      loop_.Tick(devices_);
      for (auto& d : devices_) {
        ManageConnection(*d, now);
        Pump(*d, now, resend_timeout);
      }
      next_tick = now + milliseconds(20);
    }
    if (o_.progress && now >= next_progress) {
      uint64_t acked = acked_stored_.load();
      Progress(now, acked - acked_at_last_progress);
      acked_at_last_progress = acked;
      next_progress += std::chrono::seconds(1);
    }
    if (!pressing) {
      if (abort->load() || now >= drain_deadline || Outstanding() == 0) break;
    }
    next_due = std::min(next_due, next_tick);
    loop_.Poll(devices_, std::max(next_due, Steady::now() + std::chrono::microseconds(200)));
  }
  Finish(report);
  Shutdown();
  return Status::OK();
}

Status Simulator::Impl::CreateClients() {
  for (auto& dp : devices_) {
    Device* d = dp.get();
    const std::string username = o_.username_prefix.empty()
                                     ? std::string()
                                     : o_.username_prefix + d->id.substr(o_.device_prefix.size());
    std::string password = o_.password;
    if (!o_.password_dir.empty()) {
      Status s = ReadDevicePassword(o_.password_dir, username, &password);
      if (!s.ok()) return s;
    }
    Status s = d->CreateClient(o_, username, password,
                               [this, d](std::string_view topic, std::string_view payload) {
                                 if (topic == d->ack_topic) {
                                   OnAck(*d, payload);
                                 } else {
                                   OnSession(*d, payload);
                                 }
                               });
    if (!s.ok()) return s;
    if (o_.publish_only) d->set_on_published([this, d](int mid) { OnPublished(*d, mid); });
  }
  return Status::OK();
}

void Simulator::Impl::ManageConnection(Device& d, Steady::time_point now) {
  std::vector<std::string> subscriptions = {d.ack_topic};
  if (o_.follow_session) subscriptions.push_back(d.session_topic);
  if (d.ManageConnection(now, subscriptions)) {
    std::lock_guard<std::mutex> lock(d.mu);
    d.resend_all = true;
  }
}

// Publishes "offline" on every connected device, then disconnects them
// all, running the event loop until that is written (at most 5 s).
void Simulator::Impl::Shutdown() {
  for (auto& d : devices_) d->PublishOffline();
  RunLoopUntil(Steady::now() + std::chrono::seconds(2), [this] {
    return std::none_of(devices_.begin(), devices_.end(),
                        [](const auto& d) { return d->IsUp() && d->WantsWrite(); });
  });
  for (auto& d : devices_) d->Disconnect();
  RunLoopUntil(Steady::now() + std::chrono::seconds(3), [this] {
    return std::none_of(devices_.begin(), devices_.end(),
                        [](const auto& d) { return d->Socket() >= 0; });
  });
}

template <typename Done>
void Simulator::Impl::RunLoopUntil(Steady::time_point deadline, Done done) {
  while (!done() && Steady::now() < deadline) {
    loop_.Poll(devices_, std::min(deadline, Steady::now() + milliseconds(5)));
    loop_.Tick(devices_);
  }
}

Simulator::Simulator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Simulator::~Simulator() = default;

Status Simulator::Create(SimulatorOptions options, std::unique_ptr<Simulator>* out) {
  auto impl = std::make_unique<Impl>(std::move(options));
  Status s = impl->Init();
  if (!s.ok()) return s;
  out->reset(new Simulator(std::move(impl)));
  return Status::OK();
}

Status Simulator::Run(SimulatorReport* report) { return impl_->Run(&stop_, &abort_, report); }

}  // namespace hailong::devices
