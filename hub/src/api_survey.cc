// The phone survey at the hub (citizens who scanned a QR code, from the
// Internet): GET /public/v1/survey/{office}/{counter} gives the counter's
// template; POST the same path stores the rating in the hub's own log.
// Abuse controls: a rate limit per client address, one rating per receipt
// and survey (idempotency id "phone:<office>:<receipt>:<template>"), and a
// client id that makes resends idempotent ("phone:<office>:web:<id>").
#include <sodium.h>

#include <nlohmann/json.hpp>

#include "api.h"
#include "codec.h"
#include "hailong/devices/payload.h"
#include "hailong/devices/template.h"
#include "hailong/hub/hub.h"
#include "projection_state.h"

namespace hailong::hub {

using json = nlohmann::json;

namespace {

constexpr int64_t kHourMs = 3600 * 1000;
constexpr size_t kMaxComment = 2000;

json LoadJson(const replication::Store& store, const std::string& key) {
  std::string v;
  if (!store.Get(key, &v).ok()) return nullptr;
  json j = json::parse(v, nullptr, false);
  return j.is_discarded() ? json(nullptr) : j;
}

bool ValidPhone(const std::string& phone) {
  if (phone.size() < 8 || phone.size() > 16) return false;
  for (size_t i = 0; i < phone.size(); ++i) {
    const char c = phone[i];
    if (!((c >= '0' && c <= '9') || (c == '+' && i == 0) || c == ' ')) return false;
  }
  return true;
}

bool ValidClientId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_')) {
      return false;
    }
  }
  return true;
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
  json entry = LoadJson(store, codec::CatalogueKey("office", office));
  return entry.is_object() && !entry.value("retired", false);
}

json Api::CounterTemplate(const std::string& office, const std::string& counter) const {
  const replication::Store& store = *ctx_->log->store();
  std::string id;
  json entry = LoadJson(store, codec::CatalogueKey("counter", counter));
  if (entry.is_object() && (entry.value("office", "").empty() || entry["office"] == office)) {
    id = entry["attributes"].value("phone_template", entry["attributes"].value("template", ""));
  }
  const auto templates = Templates();
  if (id.empty() || !templates.count(id)) id = ctx_->config->survey_template;
  if (!templates.count(id)) id = devices::kDefaultTemplateId;
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
  if (!devices::IsValidCounterId(counter) || !KnownOffice(office)) {
    return Error(call, 404, "không tìm thấy quầy này", "no such counter");
  }
  const replication::Store& store = *ctx_->log->store();
  json office_entry = LoadJson(store, codec::CatalogueKey("office", office));
  json counter_entry = LoadJson(store, codec::CatalogueKey("counter", counter));
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
  if (!devices::IsValidCounterId(counter) || !KnownOffice(office)) {
    return reject(404, "không tìm thấy quầy này", "no such counter");
  }
  json b;
  HttpReply error;
  if (!ParseBody(call, &b, &error)) return error;
  auto text = [&](const char* key) {
    auto it = b.find(key);
    return it != b.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  const std::string client_id = text("id");
  if (!client_id.empty() && !ValidClientId(client_id)) {
    return reject(400, "mã đánh giá không hợp lệ", "id: 1-64 letters, digits, '-' or '_'");
  }
  const std::string dossier = text("dossier"), comment = text("comment"), phone = text("phone");
  if (dossier.size() > 64) return reject(400, "số biên nhận quá dài", "dossier: too long");
  if (comment.size() > kMaxComment) return reject(400, "ý kiến quá dài", "comment: too long");
  if (!phone.empty() && !ValidPhone(phone)) {
    return reject(400, "số điện thoại không hợp lệ", "phone: 8-16 digits");
  }
  // The template: the one asked for if the hub knows it, else the counter's.
  const auto templates = Templates();
  std::string template_id = text("template");
  json tj = template_id.empty() || !templates.count(template_id) ? CounterTemplate(office, counter)
                                                                 : templates.at(template_id);
  devices::SurveyTemplate tpl;
  if (!tj.is_object() || !devices::TemplateFromJson(tj, &tpl).ok()) {
    return reject(500, "không có mẫu khảo sát", "no survey template");
  }
  devices::Answers answers;
  if (!b.contains("answers") || !b["answers"].is_object()) {
    return reject(400, "thiếu câu trả lời", "answers: expected an object");
  }
  for (auto it = b["answers"].begin(); it != b["answers"].end(); ++it) {
    if (!it->is_string())
      return reject(400, "câu trả lời không hợp lệ", "answers: strings expected");
    answers.push_back(devices::Answer{it.key(), it->get<std::string>()});
  }
  Status s = devices::ValidateAnswers(tpl, answers);
  if (!s.ok()) return reject(400, "câu trả lời không hợp lệ: " + s.message(), s.message());
  answers = devices::CanonicalAnswerOrder(tpl, answers);

  // Idempotency: one rating per receipt and survey; resends of one client id.
  std::string idem;
  if (!dossier.empty()) {
    idem = "phone:" + office + ":" + dossier + ":" + tpl.id;
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

  const int64_t now = ctx_->clock->NowMs();
  fb::RatingSubmittedT r;
  const std::string rating_id = client_id.empty() ? RandomId() : client_id;
  r.rating_id = rating_id;
  r.office = office;
  r.counter = counter;
  r.device = "hub-web";
  r.channel = fb::Channel::Phone;
  r.template_id = tpl.id;
  r.template_version = tpl.version;
  for (const auto& a : answers) {
    auto answer = std::make_unique<fb::AnswerT>();
    answer->criterion = a.criterion;
    answer->option = a.option;
    r.answers.push_back(std::move(answer));
  }
  r.classification = devices::Classify(tpl, answers);
  r.dossier = dossier;
  r.comment = comment;
  r.phone = phone;
  r.device_time_ms = now;
  r.edge_time_ms = now;
  // Attribute it: the dossier's officer, field and procedure when the hub
  // knows the dossier, else the officer on duty at the counter.
  const replication::Store& store = *ctx_->log->store();
  std::string dv;
  DossierState d;
  if (!dossier.empty() && store.Get(codec::DossierKey(office, dossier), &dv).ok() && d.Decode(dv)) {
    r.officer = d.officer;
    r.field = d.field;
    r.procedure = d.procedure;
  } else {
    json duty = LoadJson(store, codec::DutyKey(office, counter));
    if (duty.is_object()) r.officer = duty.value("officer", "");
  }
  // Comment and phone leave this function only encrypted (personal_data.md).
  s = ctx_->keys->SealRating(&r);
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
  return Json(200, json{{"id", rating_id}, {"status", "stored"}, {"seq", result.seq}});
}

}  // namespace hailong::hub
