// Simulator::Impl::Init: the options checked, the devices made (sim_impl.h).
#include <random>

#include "hailong/devices/payload.h"
#include "hailong/survey/template_registry.h"
#include "outbox.h"
#include "sim_impl.h"
#include "sim_payloads.h"

namespace hailong::devices {
namespace {

using internal::PendingRating;
using internal::Steady;

std::string RandomToken(std::mt19937_64& rng, int n) {
  static const char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string s;
  for (int i = 0; i < n; ++i) s += kAlphabet[rng() % 36];
  return s;
}

}  // namespace

Status Simulator::Impl::Init() {
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

}  // namespace hailong::devices
