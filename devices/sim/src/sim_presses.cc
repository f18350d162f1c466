// Presses, payloads, publishing and resending (sim_impl.h).
#include <algorithm>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>

#include "hailong/schema/time.h"
#include "hailong/survey/template_codec.h"
#include "outbox.h"
#include "sim_impl.h"
#include "sim_payloads.h"

namespace hailong::devices {
namespace {

using internal::PendingRating;

constexpr int64_t kMisuseGapMs = 300;
constexpr int kMaxResendDoublings = 3;  // waits: 1, 2, 4, 8 x the timeout

}  // namespace

// Publishes the payload of pending rating `order` (0 = a bad payload).
bool Simulator::Impl::Publish(Device& d, const std::string& payload, uint64_t order) {
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
std::shared_ptr<const survey::SurveyTemplate> Simulator::Impl::SurveyOf(Device& d) {
  std::lock_guard<std::mutex> lock(d.mu);
  return d.survey;
}

std::string Simulator::Impl::GoodPayload(Device& d, const std::string& id, int64_t at_ms) {
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

// A retained counter session from the edge: {"template":{...}|null,
// "dossier":{"receipt":...}|null, ...}. Unusable parts are ignored.
void Simulator::Impl::OnSession(Device& d, std::string_view payload) {
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

void Simulator::Impl::Press(Device& d, Steady::time_point now) {
  const int64_t wall = Clock::System()->NowMs();
  int64_t at = std::max(wall, d.last_press_ms + 1);
  PressOne(d, now, at, /*misuse=*/false);
  if (o_.misuse_fraction > 0 && (o_.count == 0 || presses_ < o_.count) &&
      std::uniform_real_distribution<double>(0, 1)(d.rng) < o_.misuse_fraction) {
    PressOne(d, now, at + kMisuseGapMs, /*misuse=*/true);
  }
}

void Simulator::Impl::PressOne(Device& d, Steady::time_point now, int64_t at_ms, bool misuse) {
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
void Simulator::Impl::Pump(Device& d, Steady::time_point now, Steady::duration timeout) {
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

}  // namespace hailong::devices
