// Simulator: see simulator.h.
#include "hailong/devices/simulator.h"

#include <mqtt/async_client.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>

#include "hailong/devices/payload.h"
#include "hailong/devices/tcp_nodelay.h"
#include "hailong/schema/time.h"
#include "outbox.h"

namespace hailong::devices {
namespace {

using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int64_t kMisuseGapMs = 300;
constexpr int kMinBackoffMs = 250;
constexpr int kMaxBackoffMs = 5000;
constexpr int kMaxBufferedMessages = 1 << 20;

double Ms(Steady::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

struct PendingRating {
  std::string id;
  std::string payload;
  Steady::time_point pressed;    // first publication attempt
  Steady::time_point last_sent;  // last publication attempt
  bool bad = false;
  bool published = false;       // at least one publication attempt while connected
  std::string expected_reason;  // bad only
};

enum class Conn { kIdle, kConnecting, kUp };

struct Device {
  std::string id;
  std::string counter;
  std::string rating_topic, ack_topic, status_topic;
  std::unique_ptr<mqtt::async_client> client;
  mqtt::connect_options connect_options;

  // Connection state; guarded by conn_mu.
  std::mutex conn_mu;
  Conn conn = Conn::kIdle;
  mqtt::token_ptr connect_token;
  Steady::time_point next_connect;
  int backoff_ms = kMinBackoffMs;

  // Ratings; guarded by mu.
  std::mutex mu;
  // Pending ratings in press order, and their order numbers by id.
  std::map<uint64_t, PendingRating> pending;
  std::unordered_map<std::string, uint64_t> order_of;
  uint64_t next_order = 1;
  size_t in_flight = 0;  // good pending ratings published at least once
  std::unique_ptr<internal::Outbox> outbox;
  std::vector<float> latencies_ms;
  bool resend_all = false;  // set on (re)connect
  // What the counter's retained session says (follow_session); guarded by mu.
  std::shared_ptr<const SurveyTemplate> survey;
  std::string session_dossier;

  // Pressing (main thread only).
  uint64_t next_seq = 1;
  int64_t last_press_ms = 0;
  Steady::time_point next_press;
  std::mt19937_64 rng;
};

const std::vector<BadPayloadKind> kBadKinds = {
    {"unknown_option", "unknown option"},
    {"bad_counter", "bad counter id"},
    {"bad_time", "bad time"},
    {"future_time", "time in the future"},
    {"missing_answers", "missing field 'answers'"},
    {"wrong_type", "field 'counter' must be a string"},
    {"unknown_template", "unknown template"},
    {"too_large", "payload too large"},
    {"not_json", "malformed JSON"},
};

std::string RandomToken(std::mt19937_64& rng, int n) {
  static const char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string s;
  for (int i = 0; i < n; ++i) s += kAlphabet[rng() % 36];
  return s;
}

}  // namespace

const std::vector<BadPayloadKind>& BadPayloadKinds() { return kBadKinds; }

nlohmann::json SimulatorReport::ToJson() const {
  auto round3 = [](double v) { return std::round(v * 1000) / 1000; };
  return {{"sent", sent},
          {"misuse_sent", misuse_sent},
          {"restored", restored},
          {"bad_sent", bad_sent},
          {"resent", resent},
          {"acked_stored", acked_stored},
          {"duplicate_acks", duplicate_acks},
          {"rejected", rejected},
          {"rejected_good", rejected_good},
          {"bad_unanswered", bad_unanswered},
          {"bad_stored", bad_stored},
          {"bad_other_reason", bad_other_reason},
          {"unacked", unacked},
          {"unknown_acks", unknown_acks},
          {"publish_errors", publish_errors},
          {"elapsed_s", round3(elapsed_s)},
          {"acked_per_s", round3(acked_per_s)},
          {"latency_ms",
           {{"p50", round3(latency_p50_ms)},
            {"p99", round3(latency_p99_ms)},
            {"max", round3(latency_max_ms)}}},
          {"exit_code", ExitCode()}};
}

class Simulator::Impl {
 public:
  Impl(SimulatorOptions options) : o_(std::move(options)) {}

  Status Init() {
    if (o_.devices < 1) return Status::InvalidArgument("--devices: must be at least 1");
    if (!IsValidNodeId(o_.office))
      return Status::InvalidArgument("--office: expected 1-64 of [A-Za-z0-9_-]");
    if (o_.counters.empty()) o_.counters.push_back("q1");
    for (const std::string& c : o_.counters) {
      if (!IsValidCounterId(c)) {
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
      for (const SurveyTemplate& t : BuiltinTemplates()) {
        if (t.id == kDefaultTemplateId) o_.survey = t;
      }
    }
    Status s = ValidateTemplate(o_.survey);
    if (!s.ok()) return Status::InvalidArgument("--template: " + s.message());
    default_survey_ = std::make_shared<const SurveyTemplate>(o_.survey);
    if (o_.username_prefix.empty() && !o_.password.empty()) {
      return Status::InvalidArgument("--password: needs --username-prefix");
    }
    uint64_t seed =
        o_.seed != 0 ? o_.seed : static_cast<uint64_t>(Steady::now().time_since_epoch().count());
    std::mt19937_64 rng(seed);
    run_ = RandomToken(rng, 6);

    const Steady::time_point start = Steady::now();
    for (int i = 1; i <= o_.devices; ++i) {
      auto d = std::make_unique<Device>();
      d->id = o_.device_prefix + std::to_string(i);
      if (!IsValidNodeId(d->id)) {
        return Status::InvalidArgument("--device-prefix: device id '" + d->id +
                                       "' is not 1-64 of [A-Za-z0-9_-]");
      }
      d->counter = o_.counters[(i - 1) % o_.counters.size()];
      d->survey = default_survey_;
      d->rating_topic = RatingTopic(o_.office, d->id);
      d->ack_topic = AckTopic(o_.office, d->id);
      d->status_topic = StatusTopic(o_.office, d->id);
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
    Status s = CreateClients();
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
      std::this_thread::sleep_for(milliseconds(5));
    }
    if (o_.follow_session) {
      // Retained sessions arrive right after the subscription; a counter
      // without one keeps the configured template.
      const Steady::time_point session_deadline = Steady::now() + milliseconds(1000);
      while (!stop->load() && Steady::now() < session_deadline &&
             sessions_seen_.load() < devices_.size()) {
        std::this_thread::sleep_for(milliseconds(5));
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
      std::this_thread::sleep_until(
          std::max(next_due, Steady::now() + std::chrono::microseconds(200)));
    }
    Finish(report);
    Shutdown();
    return Status::OK();
  }

 private:
  Status CreateClients() {
    for (auto& dp : devices_) {
      Device* d = dp.get();
      try {
        // Paho refuses publications beyond max_buffered_messages queued
        // commands (default 100), connected or not: raise it.
        d->client =
            std::make_unique<mqtt::async_client>(o_.broker, d->id,
                                                 mqtt::create_options_builder()
                                                     .mqtt_version(MQTTVERSION_3_1_1)
                                                     .max_buffered_messages(kMaxBufferedMessages)
                                                     .finalize());
      } catch (const std::exception& e) {
        return Status::Unavailable("--broker: " + std::string(e.what()));
      }
      auto builder = mqtt::connect_options_builder()
                         .clean_session(o_.clean_session)
                         .keep_alive_interval(std::chrono::seconds(20))
                         .connect_timeout(std::chrono::seconds(5))
                         .automatic_reconnect(false)
                         .will(mqtt::message(d->status_topic, "offline", 1, true));
      if (!o_.username_prefix.empty()) {
        std::string number = d->id.substr(o_.device_prefix.size());
        builder.user_name(o_.username_prefix + number).password(o_.password);
      }
      d->connect_options = builder.finalize();
      d->client->set_connection_lost_handler([d](const std::string&) {
        std::lock_guard<std::mutex> lock(d->conn_mu);
        d->conn = Conn::kIdle;
        d->connect_token.reset();
        d->next_connect = Steady::now() + milliseconds(kMinBackoffMs);
        d->backoff_ms = kMinBackoffMs;
      });
      d->client->set_message_callback([this, d](mqtt::const_message_ptr m) {
        if (m->get_topic() == d->ack_topic) {
          OnAck(*d, m->get_payload_str());
        } else {
          OnSession(*d, m->get_payload_str());
        }
      });
    }
    return Status::OK();
  }

  void ManageConnection(Device& d, Steady::time_point now) {
    bool came_up = false;
    {
      std::lock_guard<std::mutex> lock(d.conn_mu);
      if (d.conn == Conn::kIdle && now >= d.next_connect) {
        try {
          d.connect_token = d.client->connect(d.connect_options);
          d.conn = Conn::kConnecting;
        } catch (const std::exception&) {
          d.next_connect = now + milliseconds(d.backoff_ms);
          d.backoff_ms = std::min(d.backoff_ms * 2, kMaxBackoffMs);
        }
      } else if (d.conn == Conn::kConnecting && d.connect_token && d.connect_token->is_complete()) {
        if (d.connect_token->get_return_code() == 0 && d.client->is_connected()) {
          d.conn = Conn::kUp;
          d.backoff_ms = kMinBackoffMs;
          came_up = true;
        } else {
          d.conn = Conn::kIdle;
          d.next_connect = now + milliseconds(d.backoff_ms);
          d.backoff_ms = std::min(d.backoff_ms * 2, kMaxBackoffMs);
        }
        d.connect_token.reset();
      }
    }
    if (came_up) {
      EnableTcpNoDelayOnAllSockets();
      try {
        d.client->subscribe(d.ack_topic, 1);
        if (o_.follow_session) d.client->subscribe(SessionTopic(o_.office, d.counter), 1);
        d.client->publish(d.status_topic, "online", 6, 1, true);
      } catch (const std::exception&) {
        // The connection dropped again; the lost handler schedules a retry.
      }
      std::lock_guard<std::mutex> lock(d.mu);
      d.resend_all = true;
    }
  }

  bool IsUp(Device& d) {
    std::lock_guard<std::mutex> lock(d.conn_mu);
    return d.conn == Conn::kUp;
  }

  // Publishes `payload`; false if the client is not connected.
  bool Publish(Device& d, const std::string& payload) {
    try {
      d.client->publish(d.rating_topic, payload.data(), payload.size(), 1, false);
      return true;
    } catch (const std::exception& e) {
      if (publish_errors_++ == 0 && o_.progress) {
        std::fprintf(stderr, "%s: publish: %s\n", d.id.c_str(), e.what());
      }
      return false;
    }
  }

  // The template the device asks now: the session's, else the configured one.
  std::shared_ptr<const SurveyTemplate> SurveyOf(Device& d) {
    std::lock_guard<std::mutex> lock(d.mu);
    return d.survey;
  }

  Answers RandomAnswers(Device& d, const SurveyTemplate& survey, fb::Classification* worst) {
    Answers answers;
    for (const SurveyCriterion& c : survey.criteria) {
      // Mostly satisfied citizens, as in the source documents.
      double roll = std::uniform_real_distribution<double>(0, 1)(d.rng);
      fb::Polarity want = roll < 0.8   ? fb::Polarity::Positive
                          : roll < 0.9 ? fb::Polarity::Neutral
                                       : fb::Polarity::Negative;
      std::vector<const SurveyOption*> fitting;
      for (const SurveyOption& opt : c.options) {
        if (opt.polarity == want) fitting.push_back(&opt);
      }
      if (fitting.empty()) {
        for (const SurveyOption& opt : c.options) fitting.push_back(&opt);
      }
      answers.push_back({c.id, fitting[d.rng() % fitting.size()]->id});
    }
    *worst = Classify(survey, answers);
    return answers;
  }

  std::string GoodPayload(Device& d, const std::string& id, int64_t at_ms) {
    std::shared_ptr<const SurveyTemplate> survey = SurveyOf(d);
    fb::Classification cls;
    Answers answers = RandomAnswers(d, *survey, &cls);
    std::string dossier, comment, phone;
    {
      std::lock_guard<std::mutex> lock(d.mu);
      dossier = d.session_dossier;
    }
    if (dossier.empty() && o_.dossier_fraction > 0 &&
        std::uniform_real_distribution<double>(0, 1)(d.rng) < o_.dossier_fraction) {
      dossier = "HS-" + d.id + "-" + std::to_string(d.next_seq);
    }
    if (cls == fb::Classification::Unsatisfied && survey->allow_comment) {
      comment = "Chờ lâu, cán bộ hướng dẫn chưa rõ ràng.";
    }
    if (cls == fb::Classification::Unsatisfied && survey->allow_phone) phone = "0912345678";
    return RatingPayloadJson(id, d.counter, survey->id, answers, at_ms, dossier, comment, phone);
  }

  // A retained counter session from the edge: {"template":{...}|null,
  // "dossier":{"receipt":...}|null, ...}. Unusable parts are ignored.
  void OnSession(Device& d, const std::string& payload) {
    nlohmann::json j = nlohmann::json::parse(payload, nullptr, false);
    if (!j.is_object()) return;
    std::shared_ptr<const SurveyTemplate> survey;
    if (auto t = j.find("template"); t != j.end() && t->is_object()) {
      SurveyTemplate parsed;
      if (TemplateFromJson(*t, &parsed).ok()) {
        survey = std::make_shared<const SurveyTemplate>(std::move(parsed));
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

  std::string BadPayload(Device& d, const std::string& id, int64_t at_ms, size_t kind,
                         bool* anonymous) {
    nlohmann::json j = nlohmann::json::parse(GoodPayload(d, id, at_ms));
    *anonymous = false;
    const std::string name = kBadKinds[kind].name;
    if (name == "unknown_option") {
      j["answers"][SurveyOf(d)->criteria[0].id] = "no-such-option";
    } else if (name == "bad_counter") {
      j["counter"] = "quầy 1";
    } else if (name == "bad_time") {
      j["at"] = "hôm qua";
    } else if (name == "future_time") {
      j["at"] = FormatRfc3339(at_ms + 24LL * 3600 * 1000);
    } else if (name == "missing_answers") {
      j.erase("answers");
    } else if (name == "wrong_type") {
      j["counter"] = 7;
    } else if (name == "unknown_template") {
      j["template"] = "no-such-template";
    } else if (name == "too_large") {
      j["pad"] = std::string(kMaxRatingPayloadBytes + 512, 'x');
    } else {  // not_json
      *anonymous = true;
      return "{\"id\": \"" + id + "\", this is not JSON";
    }
    return j.dump();
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
      size_t kind = bad_sent_.load() % kBadKinds.size();
      p.payload = BadPayload(d, id, at_ms, kind, &anonymous);
      p.bad = true;
      p.published = true;
      p.expected_reason = kBadKinds[kind].expected_reason_prefix;
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
    std::vector<std::string> due;
    uint64_t repeats = 0;
    {
      std::lock_guard<std::mutex> lock(d.mu);
      const bool all = d.resend_all;
      d.resend_all = false;
      for (auto& [order, p] : d.pending) {
        if (p.bad) continue;  // bad payloads are sent once
        if (p.published) {
          if (all || now - p.last_sent >= timeout) {
            p.last_sent = now;
            ++repeats;
            due.push_back(p.payload);
          }
        } else if (d.in_flight < static_cast<size_t>(o_.max_in_flight)) {
          p.published = true;
          p.last_sent = now;
          ++d.in_flight;
          due.push_back(p.payload);
        } else {
          break;  // the window is full; published ones all come before
        }
      }
    }
    for (const std::string& payload : due) {
      if (!Publish(d, payload)) break;
    }
    resent_ += repeats;
  }

  void OnAck(Device& d, const std::string& payload) {
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
    auto it = d.pending.find(order->second);
    PendingRating& p = it->second;
    if (ack.stored) {
      if (p.bad) {
        ++bad_stored_;  // the edge accepted a payload it should have rejected
      } else {
        ++acked_stored_;
        d.latencies_ms.push_back(static_cast<float>(Ms(now - p.pressed)));
        last_ack_ = now.time_since_epoch().count();
      }
    } else {
      ++rejected_;
      if (!p.bad) {
        ++rejected_good_;
      } else if (ack.error.rfind(p.expected_reason, 0) != 0) {
        ++bad_other_reason_;
      }
    }
    if (!p.bad) {
      if (d.outbox) d.outbox->Done(*ack.id).PermitUncheckedError();
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

  void Shutdown() {
    std::vector<mqtt::token_ptr> tokens;
    for (auto& d : devices_) {
      if (!IsUp(*d)) continue;
      try {
        tokens.push_back(d->client->publish(d->status_topic, "offline", 7, 1, true));
      } catch (const std::exception&) {
      }
    }
    for (auto& t : tokens) t->wait_for(std::chrono::seconds(2));
    tokens.clear();
    for (auto& d : devices_) {
      try {
        if (d->client->is_connected()) tokens.push_back(d->client->disconnect(1000));
      } catch (const std::exception&) {
      }
    }
    for (auto& t : tokens) t->wait_for(std::chrono::seconds(3));
  }

  SimulatorOptions o_;
  std::string run_;
  std::vector<std::unique_ptr<Device>> devices_;
  Steady::time_point start_;
  uint64_t presses_ = 0;  // main thread only
  uint64_t restored_ = 0;
  std::atomic<uint64_t> sent_{0}, misuse_sent_{0}, bad_sent_{0}, resent_{0}, acked_stored_{0},
      duplicate_acks_{0}, rejected_{0}, rejected_good_{0}, unknown_acks_{0}, bad_stored_{0},
      bad_other_reason_{0}, publish_errors_{0};
  std::atomic<int64_t> last_ack_{0};
  std::shared_ptr<const SurveyTemplate> default_survey_;
  std::atomic<uint64_t> sessions_seen_{0};
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
