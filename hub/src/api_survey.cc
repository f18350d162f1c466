// The phone survey at the hub (citizens who scanned a QR code, from the
// Internet): GET /public/v1/survey/{office}/{counter} gives the counter's
// template; POST the same path stores the rating in the hub's own log.
// The rating is judged by the same rule as at the edge (survey/rating.h): the
// hub takes the counter from the path and the time from its own clock.
// Abuse controls: a rate limit per client address, one rating per receipt
// and survey (idempotency id "phone:<office>:<receipt>:<template>"), and a
// client id that makes resends idempotent ("phone:<office>:web:<id>").
#include <sodium.h>

#include <nlohmann/json.hpp>

#include "api.h"
#include "catalogue_entries.h"
#include "codec.h"
#include "hailong/hub/hub.h"
#include "hailong/survey/rating.h"
#include "hailong/survey/template_codec.h"
#include "hailong/survey/template_registry.h"
#include "projection_state.h"

namespace hailong::hub {

using json = nlohmann::json;

namespace {

constexpr int64_t kHourMs = 3600 * 1000;

json LoadJson(const replication::Store& store, const std::string& key) {
  std::string v;
  if (!store.Get(key, &v).ok()) return nullptr;
  json j = json::parse(v, nullptr, false);
  return j.is_discarded() ? json(nullptr) : j;
}

std::string RandomId() {
  unsigned char raw[12];
  randombytes_buf(raw, sizeof raw);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

}  // namespace

bool Api::KnownOffice(const std::string& office) const {
  for (const NodeConfig& n : ctx_->config->nodes) {
    if (n.office_id == office) return true;
  }
  const replication::Store& store = *ctx_->log->store();
  std::string v;
  if (store.Get(codec::OfficeKey(office), &v).ok()) return true;
  json entry = FindCatalogueEntry(store, "office", "", office);
  return entry.is_object() && !entry.value("retired", false);
}

json Api::CounterTemplate(const std::string& office, const std::string& counter) const {
  const replication::Store& store = *ctx_->log->store();
  std::string id;
  json entry = FindCatalogueEntry(store, "counter", office, counter);
  if (entry.is_object()) {
    id = entry["attributes"].value("phone_template", entry["attributes"].value("template", ""));
  }
  const auto templates = Templates();
  if (id.empty() || !templates.count(id)) id = ctx_->config->survey_template;
  if (!templates.count(id)) id = survey::kDefaultTemplateId;
  auto it = templates.find(id);
  return it == templates.end() ? json(nullptr) : it->second;
}

bool Api::SurveyRateLimited(const std::string& address) {
  const int64_t now = ctx_->clock->NowMs();
  std::lock_guard<std::mutex> lock(survey_mu_);
  if (survey_attempts_.size() > 100000) survey_attempts_.clear();  // bounded under a flood
  auto& times = survey_attempts_[address];
  while (!times.empty() && times.front() < now - kHourMs) times.pop_front();
  if (times.size() >= static_cast<size_t>(ctx_->config->survey_ratings_per_address_per_hour)) {
    return true;
  }
  times.push_back(now);
  return false;
}

HttpReply Api::SurveyContext(Call& call, const std::string& office, const std::string& counter) {
  if (!survey::IsValidCounterId(counter) || !KnownOffice(office)) {
    return Error(call, 404, "không tìm thấy quầy này", "no such counter");
  }
  const replication::Store& store = *ctx_->log->store();
  json office_entry = FindCatalogueEntry(store, "office", "", office);
  json counter_entry = FindCatalogueEntry(store, "counter", office, counter);
  json duty = LoadJson(store, codec::DutyKey(office, counter));
  json officer = nullptr;
  if (duty.is_object() && !duty.value("officer", "").empty()) {
    officer = json{{"id", duty["officer"]}, {"name", duty.value("officer_name", "")}};
  }
  return Json(
      200, json{{"office", office},
                {"office_name", office_entry.is_object() ? office_entry.value("name", "") : ""},
                {"counter", counter},
                {"counter_name", counter_entry.is_object() ? counter_entry.value("name", "") : ""},
                {"officer", officer},
                {"template", CounterTemplate(office, counter)}});
}

HttpReply Api::SurveySubmit(Call& call, const std::string& office, const std::string& counter) {
  auto reject = [&](unsigned status, const std::string& vi, const std::string& en,
                    json extra = {}) {
    if (!extra.is_object()) extra = json::object();
    extra["status"] = "rejected";
    return Error(call, status, vi, en, extra);
  };
  if (!survey::IsValidCounterId(counter) || !KnownOffice(office)) {
    return reject(404, "không tìm thấy quầy này", "no such counter");
  }
  // A refused rating: the reason's Vietnamese text, the detail in English.
  auto refuse = [&](const survey::Rejection& r) {
    return reject(400, std::string(survey::ReasonVi(r.reason)), r.detail,
                  json{{"reason", std::string(survey::ReasonLabel(r.reason))}});
  };
  json b;
  HttpReply error;
  if (!ParseBody(call, &b, &error)) return error;
  survey::RatingFields fields;
  survey::RatingReadOptions read;
  read.need_id = read.need_counter = read.need_template = read.need_at = false;
  survey::Rejection refused = survey::ReadRatingFields(b, read, &fields);
  if (!refused.ok()) return refuse(refused);
  fields.counter = counter;  // the path names it
  fields.at.clear();         // the hub's clock times a phone rating
  // The template: the one asked for if the hub knows it, else the counter's.
  const auto templates = Templates();
  json tj = fields.template_id.empty() || !templates.count(fields.template_id)
                ? CounterTemplate(office, counter)
                : templates.at(fields.template_id);
  survey::SurveyTemplate tpl;
  if (!tj.is_object() || !survey::TemplateFromJson(tj, &tpl).ok()) {
    return reject(500, "không có mẫu khảo sát", "no survey template");
  }
  const int64_t now = ctx_->clock->NowMs();
  survey::RatingRules rules;
  rules.need_id = false;  // the hub makes one up
  survey::CheckedRating rating;
  refused = survey::JudgeRating(fields, &tpl, now, rules, &rating);
  if (!refused.ok()) return refuse(refused);
  const std::string& dossier = rating.dossier;
  const std::string client_id = rating.id;

  // What the hub knows of the dossier: its stage now (the citizen rates
  // once per survey and stage, survey::ReceiptSlot) and its attribution.
  const replication::Store& store = *ctx_->log->store();
  std::string dv;
  DossierState d;
  const bool known =
      !dossier.empty() && store.Get(codec::DossierKey(office, dossier), &dv).ok() && d.Decode(dv);
  const fb::RatingStage stage = survey::RatingStageOf(known, known ? d.returned_ms : 0, now);

  // Idempotency: one rating per receipt, survey and stage; resends of one
  // client id.
  std::string idem;
  if (!dossier.empty()) {
    idem = "phone:" + office + ":" + dossier + ":" + survey::ReceiptSlot(tpl.id, stage);
  } else if (!client_id.empty()) {
    idem = "phone:" + office + ":web:" + client_id;
  }
  if (!idem.empty()) {
    uint64_t seq = 0;
    if (ctx_->log->FindIdempotent(kHubPrivateOrigin, idem, &seq).ok()) {
      if (!dossier.empty()) {
        return reject(409, "hồ sơ này đã được đánh giá qua khảo sát này",
                      "this receipt has already been rated in this survey", json{{"seq", seq}});
      }
      return Json(200, json{{"id", client_id}, {"status", "stored"}, {"seq", seq}});
    }
  }
  if (SurveyRateLimited(call.client.address)) {
    HttpReply r = reject(429, "bạn đã gửi quá nhiều đánh giá; vui lòng thử lại sau",
                         "too many ratings from this address; try again later");
    r.response.set(boost::beast::http::field::retry_after, "3600");
    return r;
  }

  if (rating.id.empty()) rating.id = RandomId();
  survey::RatingContext where;
  where.office = office;
  where.device = "hub-web";
  where.channel = fb::Channel::Phone;
  where.edge_time_ms = now;
  where.stage = stage;
  // Attribute it: the dossier's officer, field and procedure when the hub
  // knows the dossier, else the officer on duty at the counter.
  if (known) {
    where.officer = d.officer;
    where.field = d.field;
    where.procedure = d.procedure;
  } else {
    json duty = LoadJson(store, codec::DutyKey(office, counter));
    if (duty.is_object()) where.officer = duty.value("officer", "");
  }
  fb::RatingSubmittedT r;
  survey::BuildRatingSubmitted(rating, where, &r);
  // Comment and phone leave this function only encrypted (personal_data.md).
  Status s = ctx_->keys->SealRating(&r);
  if (!s.ok()) return reject(500, "không mã hoá được đánh giá", s.ToString());
  replication::EventDraft draft;
  draft.idempotency_id = idem;
  draft.time_ms = now;
  draft.origin = kHubPrivateOrigin;  // phone numbers and comments stay at the hub
  draft.body.Set(std::move(r));
  replication::AppendResult result;
  s = ctx_->log->Append(std::move(draft), &result);
  if (s.IsStorageFull()) return reject(507, "hết dung lượng lưu trữ", "storage full");
  if (!s.ok()) return reject(500, "không lưu được đánh giá", s.ToString());
  if (result.duplicate && !dossier.empty()) {
    return reject(409, "hồ sơ này đã được đánh giá qua khảo sát này",
                  "this receipt has already been rated in this survey", json{{"seq", result.seq}});
  }
  ctx_->metrics->Add("hailong_hub_survey_ratings_total");
  return Json(200, json{{"id", rating.id}, {"status", "stored"}, {"seq", result.seq}});
}

}  // namespace hailong::hub
