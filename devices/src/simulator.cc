// Simulator: see simulator.h.
#include "hailong/devices/simulator.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>

#include "hailong/devices/payload.h"
#include "hailong/schema/time.h"
#include "outbox.h"
#include "sim_device.h"
#include "sim_edge.h"
#include "sim_loop.h"
#include "sim_payloads.h"

namespace hailong::devices {
namespace {

using std::chrono::milliseconds;

constexpr int64_t kMisuseGapMs = 300;
constexpr int64_t kDayMs = 24LL * 3600 * 1000;
constexpr int kMaxResendDoublings = 3;  // waits: 1, 2, 4, 8 x the timeout

using internal::PendingRating;
using internal::Steady;
using Device = internal::SimDevice;

double Ms(Steady::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

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

std::string RandomToken(std::mt19937_64& rng, int n) {
  static const char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string s;
  for (int i = 0; i < n; ++i) s += kAlphabet[rng() % 36];
  return s;
}

}  // namespace

class Simulator::Impl {
 public:
  Impl(SimulatorOptions options) : o_(std::move(options)) {}
  ~Impl() {
    if (acked_file_ != nullptr) std::fclose(acked_file_);
  }

  Status Init() {
    if (o_.devices < 1) return Status::InvalidArgument("--devices: must be at least 1");
    if (!IsValidNodeId(o_.office))
      return Status::InvalidArgument("--office: expected 1-64 of [A-Za-z0-9_-]");
    if (o_.history_days < 0 || o_.history_dossiers_per_day < 1) {
      return Status::InvalidArgument("--history-days/--history-dossiers: out of range");
    }
    if (o_.history_days > 0 && o_.edge_url.empty()) {
      return Status::InvalidArgument("--history-days: needs --edge-url");
    }
    if (!o_.acked_file.empty()) {
      acked_file_ = std::fopen(o_.acked_file.c_str(), "a");
      if (acked_file_ == nullptr) return Status::IOError("cannot open " + o_.acked_file);
      std::setvbuf(acked_file_, nullptr, _IOLBF, 0);
    }
    if (o_.procedures.empty()) o_.procedures = internal::DefaultProcedures();
    const bool survey_given = !o_.survey.id.empty();
    if (!o_.edge_url.empty()) {
      Status s = internal::FetchEdgeCatalogue(o_.edge_url, &edge_);
      if (!s.ok()) return s;
      if (o_.counters.empty()) {
        for (const auto& c : edge_.counters) o_.counters.push_back(c.id);
      }
    }
    if (o_.counters.empty()) o_.counters.push_back("q1");
    for (const std::string& c : o_.counters) {
      if (!survey::IsValidCounterId(c)) {
        return Status::InvalidArgument("--counters: bad counter id '" + c + "'");
      }
    }
    if (o_.total_rate > 0) o_.rate = o_.total_rate / o_.devices;
    if (!(o_.rate > 0)) return Status::InvalidArgument("--rate: must be greater than 0");
    for (double f : {o_.misuse_fraction, o_.bad_fraction, o_.dossier_fraction}) {
      if (!(f >= 0 && f <= 1)) {
        return Status::InvalidArgument("--misuse-fraction/--bad-fraction: expected 0..1");
      }
    }
    if (o_.max_in_flight < 1) return Status::InvalidArgument("--max-in-flight: must be at least 1");
    if (o_.resend_timeout_ms < 1)
      return Status::InvalidArgument("--resend-timeout-ms: must be positive");
    if (o_.drain_timeout_ms < 0)
      return Status::InvalidArgument("--drain-timeout-ms: must not be negative");
    if (o_.survey.id.empty()) {
      for (const survey::SurveyTemplate& t : survey::BuiltinTemplates()) {
        if (t.id == survey::kDefaultTemplateId) o_.survey = t;
      }
    }
    Status s = survey::ValidateTemplate(o_.survey);
    if (!s.ok()) return Status::InvalidArgument("--template: " + s.message());
    default_survey_ = std::make_shared<const survey::SurveyTemplate>(o_.survey);
    if (o_.username_prefix.empty() && !o_.password.empty()) {
      return Status::InvalidArgument("--password: needs --username-prefix");
    }
    if (o_.username_prefix.empty() && !o_.password_dir.empty()) {
      return Status::InvalidArgument("--password-dir: needs --username-prefix");
    }
    if (!o_.password.empty() && !o_.password_dir.empty()) {
      return Status::InvalidArgument("--password and --password-dir: give one of them");
    }
    const uint64_t seed =
        o_.seed != 0 ? o_.seed : static_cast<uint64_t>(Steady::now().time_since_epoch().count());
    seed_ = seed;
    std::mt19937_64 rng(seed);
    run_ = RandomToken(rng, 6);

    const Steady::time_point start = Steady::now();
    for (int i = 1; i <= o_.devices; ++i) {
      const std::string id = o_.device_prefix + std::to_string(i);
      if (!IsValidNodeId(id)) {
        return Status::InvalidArgument("--device-prefix: device id '" + id +
                                       "' is not 1-64 of [A-Za-z0-9_-]");
      }
      auto d = std::make_unique<Device>(id, o_.office, o_.counters[(i - 1) % o_.counters.size()]);
      d->survey = default_survey_;
      if (!survey_given && edge_.templates) {
        // The template the edge has for this counter (else its default).
        std::string template_id = survey::kDefaultTemplateId;
        for (const auto& c : edge_.counters) {
          if (c.id == d->counter && !c.template_id.empty()) template_id = c.template_id;
        }
        if (auto t = edge_.templates->Find(template_id)) d->survey = t;
      }
      for (const auto& c : edge_.counters) {
        if (c.id == d->counter) d->officer = c.officer;
      }
      d->rng.seed(seed + static_cast<uint64_t>(i) * 7919);
      if (!o_.state_dir.empty()) {
        std::vector<std::pair<std::string, std::string>> restored;
        s = internal::Outbox::Open(o_.state_dir + "/" + d->id + ".outbox", &d->outbox, &restored);
        if (!s.ok()) return s;
        for (auto& [id, payload] : restored) {
          PendingRating p;
          p.id = id;
          p.payload = std::move(payload);
          p.pressed = start;
          d->order_of.emplace(id, d->next_order);
          d->pending.emplace(d->next_order++, std::move(p));
        }
        restored_ += restored.size();
      }
      devices_.push_back(std::move(d));
    }
    return Status::OK();
  }

  Status Run(const std::atomic<bool>* stop, const std::atomic<bool>* abort,
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

 private:
  Status CreateClients() {
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

  void ManageConnection(Device& d, Steady::time_point now) {
    std::vector<std::string> subscriptions = {d.ack_topic};
    if (o_.follow_session) subscriptions.push_back(d.session_topic);
    if (d.ManageConnection(now, subscriptions)) {
      std::lock_guard<std::mutex> lock(d.mu);
      d.resend_all = true;
    }
  }

  bool IsUp(Device& d) { return d.IsUp(); }

  // Publishes the payload of pending rating `order` (0 = a bad payload).
  bool Publish(Device& d, const std::string& payload, uint64_t order = 0) {
    std::string error;
    int mid = 0;
    if (d.Publish(payload, &error, &mid)) {
      if (o_.publish_only && order != 0) {
        std::lock_guard<std::mutex> lock(d.mu);
        d.order_of_mid[mid] = order;
      }
      return true;
    }
    if (publish_errors_++ == 0 && o_.progress) {
      std::fprintf(stderr, "%s: publish: %s\n", d.id.c_str(), error.c_str());
    }
    return false;
  }

  // The template the device asks now: the session's, else the configured one.
  std::shared_ptr<const survey::SurveyTemplate> SurveyOf(Device& d) {
    std::lock_guard<std::mutex> lock(d.mu);
    return d.survey;
  }

  std::string GoodPayload(Device& d, const std::string& id, int64_t at_ms) {
    std::shared_ptr<const survey::SurveyTemplate> survey = SurveyOf(d);
    std::string dossier;
    {
      std::lock_guard<std::mutex> lock(d.mu);
      dossier = d.session_dossier;
    }
    if (dossier.empty() && o_.dossier_fraction > 0 &&
        std::uniform_real_distribution<double>(0, 1)(d.rng) < o_.dossier_fraction) {
      dossier = "HS-" + run_ + "-" + d.id + "-" + std::to_string(d.next_seq);
      if (!o_.edge_url.empty()) PostLiveDossier(d, dossier, at_ms);
    }
    return internal::GoodRatingPayload(*survey, d.rng, id, d.counter, at_ms, dossier);
  }

  // As the one-stop software: the dossier was received some days ago and
  // is returned now, just before the citizen rates.
  void PostLiveDossier(Device& d, const std::string& receipt, int64_t now_ms) {
    const SimProcedure& proc = o_.procedures[d.rng() % o_.procedures.size()];
    internal::DossierPost post{receipt, "received", proc.code, proc.field, d.counter, d.officer};
    post.at_ms = now_ms - static_cast<int64_t>(1 + d.rng() % 7) * kDayMs;
    post.due_ms = now_ms + static_cast<int64_t>(d.rng() % 3) * kDayMs;
    CountDossier(internal::PostDossier(o_.edge_url, o_.dossier_token, post));
    post.event = "returned";
    post.at_ms = now_ms - 30000;
    CountDossier(internal::PostDossier(o_.edge_url, o_.dossier_token, post));
  }

  void CountDossier(const Status& s) {
    if (s.ok()) {
      ++dossiers_posted_;
    } else if (dossier_errors_++ == 0) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
    }
  }

  // History mode: posts the dossiers of the last days and queues their
  // ratings (at their historical times) on the devices, oldest first.
  void BuildHistory() {
    const int64_t now = Clock::System()->NowMs();
    int64_t today = 0;
    ParseVietnamDay(VietnamDay(now), &today).PermitUncheckedError();
    std::mt19937_64 rng(seed_ + 17);
    auto chance = [&rng](double p) {
      return std::uniform_real_distribution<double>(0, 1)(rng) < p;
    };
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
            if (chance(0.85))
              plan.push_back({returned + between(60, 240) * 1000, &d, post.receipt});
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
      r.payload =
          internal::GoodRatingPayload(*SurveyOf(d), d.rng, id, d.counter, p.at_ms, p.receipt);
      ++sent_;
      ++presses_;
      std::lock_guard<std::mutex> lock(d.mu);
      if (d.outbox) d.outbox->Add(r.payload).PermitUncheckedError();  // best effort
      d.order_of.emplace(id, d.next_order);
      d.pending.emplace(d.next_order++, std::move(r));
    }
  }

  // A retained counter session from the edge: {"template":{...}|null,
  // "dossier":{"receipt":...}|null, ...}. Unusable parts are ignored.
  void OnSession(Device& d, std::string_view payload) {
    nlohmann::json j = nlohmann::json::parse(payload, nullptr, false);
    if (!j.is_object()) return;
    std::shared_ptr<const survey::SurveyTemplate> survey;
    if (auto t = j.find("template"); t != j.end() && t->is_object()) {
      survey::SurveyTemplate parsed;
      if (survey::TemplateFromJson(*t, &parsed).ok()) {
        survey = std::make_shared<const survey::SurveyTemplate>(std::move(parsed));
      }
    }
    std::string dossier;
    if (auto dj = j.find("dossier"); dj != j.end() && dj->is_object()) {
      auto r = dj->find("receipt");
      if (r != dj->end() && r->is_string()) dossier = r->get<std::string>();
    }
    std::lock_guard<std::mutex> lock(d.mu);
    d.survey = survey ? survey : default_survey_;
    d.session_dossier = dossier;
    ++sessions_seen_;
  }

  void Press(Device& d, Steady::time_point now) {
    const int64_t wall = Clock::System()->NowMs();
    int64_t at = std::max(wall, d.last_press_ms + 1);
    PressOne(d, now, at, /*misuse=*/false);
    if (o_.misuse_fraction > 0 && (o_.count == 0 || presses_ < o_.count) &&
        std::uniform_real_distribution<double>(0, 1)(d.rng) < o_.misuse_fraction) {
      PressOne(d, now, at + kMisuseGapMs, /*misuse=*/true);
    }
  }

  void PressOne(Device& d, Steady::time_point now, int64_t at_ms, bool misuse) {
    ++presses_;
    d.last_press_ms = at_ms;
    const std::string id = run_ + "-" + std::to_string(d.next_seq);
    const bool up = IsUp(d);
    // Bad payloads are sent once, so only while connected.
    bool bad = up && !misuse && o_.bad_fraction > 0 &&
               std::uniform_real_distribution<double>(0, 1)(d.rng) < o_.bad_fraction;
    PendingRating p;
    p.id = id;
    p.pressed = now;
    p.last_sent = now;
    bool anonymous = false;
    if (bad) {
      const size_t kind = bad_sent_.load() % BadPayloadKinds().size();
      p.payload =
          internal::BadRatingPayload(kind, *SurveyOf(d), d.rng, id, d.counter, at_ms, &anonymous);
      p.bad = true;
      p.published = true;
      p.expected_reason = BadPayloadKinds()[kind].expected_reason_prefix;
      ++bad_sent_;
    } else {
      p.payload = GoodPayload(d, id, at_ms);
      ++sent_;
      if (misuse) ++misuse_sent_;
    }
    ++d.next_seq;
    if (bad) {
      // Outside the window: published at once, never resent.
      {
        std::lock_guard<std::mutex> lock(d.mu);
        if (anonymous) {
          ++anonymous_outstanding_;
        } else {
          d.order_of.emplace(id, d.next_order);
          d.pending.emplace(d.next_order++, p);
        }
      }
      Publish(d, p.payload);
      return;
    }
    {
      std::lock_guard<std::mutex> lock(d.mu);
      if (d.outbox) d.outbox->Add(p.payload).PermitUncheckedError();  // best effort
      d.order_of.emplace(id, d.next_order);
      d.pending.emplace(d.next_order++, std::move(p));
    }
    if (up) Pump(d, now, Steady::duration::max());
  }

  // Publishes, in press order: pending ratings never published while fewer
  // than max_in_flight are in flight, ratings in flight whose last send is
  // older than `timeout` (the same payload again), and after a reconnect
  // every rating in flight.
  void Pump(Device& d, Steady::time_point now, Steady::duration timeout) {
    if (!IsUp(d)) return;
    std::vector<std::pair<uint64_t, std::string>> due;  // (order, payload)
    uint64_t repeats = 0;
    {
      std::lock_guard<std::mutex> lock(d.mu);
      const bool all = d.resend_all;
      d.resend_all = false;
      for (auto& [order, p] : d.pending) {
        if (p.bad) continue;  // bad payloads are sent once
        if (p.published) {
          // Each resend of one rating waits twice as long as the one
          // before (up to 8 x the timeout), so an overloaded edge is not
          // buried under copies; a reconnect resends at once.
          const auto wait = timeout == Steady::duration::max()
                                ? timeout
                                : timeout * (1 << std::min(p.resends, kMaxResendDoublings));
          if (all || now - p.last_sent >= wait) {
            p.last_sent = now;
            ++p.resends;
            ++repeats;
            due.emplace_back(order, p.payload);
          }
        } else if (d.in_flight < static_cast<size_t>(o_.max_in_flight)) {
          p.published = true;
          p.last_sent = now;
          ++d.in_flight;
          due.emplace_back(order, p.payload);
        } else {
          break;  // the window is full; published ones all come before
        }
      }
    }
    for (const auto& [order, payload] : due) {
      if (!Publish(d, payload, order)) break;
    }
    resent_ += repeats;
  }

  void OnAck(Device& d, std::string_view payload) {
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
  void OnPublished(Device& d, int mid) {
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
  void Settle(Device& d, std::unordered_map<std::string, uint64_t>::iterator order, bool stored,
              const std::string& error, Steady::time_point now) {
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
  uint64_t Outstanding() {
    uint64_t n = 0;
    for (auto& d : devices_) {
      std::lock_guard<std::mutex> lock(d->mu);
      n += d->pending.size();
    }
    return n + anonymous_outstanding_.load();
  }

  void Progress(Steady::time_point now, uint64_t acked_last_second) {
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
  static unsigned long long ull(uint64_t v) { return static_cast<unsigned long long>(v); }

  void Finish(SimulatorReport* r) {
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

  // Publishes "offline" on every connected device, then disconnects them
  // all, running the event loop until that is written (at most 5 s).
  void Shutdown() {
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
  void RunLoopUntil(Steady::time_point deadline, Done done) {
    while (!done() && Steady::now() < deadline) {
      loop_.Poll(devices_, std::min(deadline, Steady::now() + milliseconds(5)));
      loop_.Tick(devices_);
    }
  }

  SimulatorOptions o_;
  std::string run_;
  std::vector<std::unique_ptr<Device>> devices_;
  internal::SimLoop loop_;
  Steady::time_point start_;
  uint64_t presses_ = 0;  // main thread only
  uint64_t restored_ = 0;
  std::FILE* acked_file_ = nullptr;  // fprintf locks the stream itself
  std::atomic<uint64_t> sent_{0}, misuse_sent_{0}, bad_sent_{0}, resent_{0}, acked_stored_{0},
      duplicate_acks_{0}, rejected_{0}, rejected_good_{0}, unknown_acks_{0}, bad_stored_{0},
      bad_other_reason_{0}, publish_errors_{0};
  std::atomic<int64_t> last_ack_{0};
  std::shared_ptr<const survey::SurveyTemplate> default_survey_;
  std::atomic<uint64_t> sessions_seen_{0};
  internal::EdgeCatalogue edge_;
  uint64_t seed_ = 0;
  uint64_t dossiers_posted_ = 0, dossier_errors_ = 0;  // main thread only
  // Not-JSON payloads still awaiting a rejection with id null.
  std::atomic<uint64_t> anonymous_outstanding_{0};
};

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
