// The review of one dossier at the hub (Hà Nội: "rà soát từng hồ sơ") and
// the complaints recorded about dossiers:
//   GET  /api/v1/ratings?receipt=R[&office=]   the ratings naming a receipt
//   GET  /api/v1/dossiers/{office}/{receipt}   the dossier's timeline
//   GET  /api/v1/complaints?office=[&dossier=] complaints recorded
//   POST /api/v1/complaints                    record one (ComplaintRecorded)
// Personal text (comments, phone numbers, notes) only for admins and
// managers, decrypted per response and audited first; viewers get none.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>

#include "api.h"
#include "codec.h"
#include "hailong/hub/hub.h"
#include "hailong/schema/event_json.h"
#include "personal_keys.h"
#include "projection_state.h"
#include "report_decision766.h"

namespace hailong::hub {

using json = nlohmann::json;

namespace {

// A receipt number or complaint id as typed by people: 1-128 bytes, no
// control characters.
bool IsValidReceipt(std::string_view r) {
  if (r.empty() || r.size() > 128) return false;
  return std::none_of(r.begin(), r.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

std::string RandomId() {
  std::random_device rd;
  static const char* kHex = "0123456789abcdef";
  std::string out = "cp-";
  for (int i = 0; i < 16; ++i) out.push_back(kHex[rd() % 16]);
  return out;
}

}  // namespace

Status Api::LoadDossier(const std::string& office, const std::string& receipt, DossierState* d,
                        bool* found) const {
  std::string v;
  Status s = ctx_->log->store()->Get(codec::DossierKey(office, receipt), &v);
  *found = s.ok();
  if (s.IsNotFound()) return Status::OK();
  if (!s.ok()) return s;
  if (!d->Decode(v)) return Status::Corruption("bad dossier state of " + receipt);
  return Status::OK();
}

HttpReply Api::RatingsOfReceipt(Call& call, const std::vector<std::string>& offices,
                                const std::string& receipt) {
  if (!IsValidReceipt(receipt)) {
    return Error(call, 400, "số biên nhận không hợp lệ (1-128 ký tự)",
                 "receipt must be 1-128 characters without control characters");
  }
  const bool include_excluded = call.Query("include_excluded") == "true";
  const bool personal = call.who.MaySeePersonalData();
  bool had_personal = false;
  json ratings = json::array();
  for (const std::string& office : offices) {
    DossierState d;
    bool found = false;
    Status s = LoadDossier(office, receipt, &d, &found);
    if (!s.ok()) return Error(call, 500, "lỗi đọc dữ liệu", s.ToString());
    if (!found) continue;
    d.ForEachRatingRef([&](std::string_view origin, uint64_t seq) {
      json j = RatingJson(std::string(origin), seq, personal, &had_personal);
      if (j.is_null()) return;
      if (!include_excluded && (j.value("voided", false) || j.value("suspected_misuse", false)))
        return;
      ratings.push_back(std::move(j));
    });
  }
  std::sort(ratings.begin(), ratings.end(), [](const json& a, const json& b) {
    return a.value("at", "") > b.value("at", "");  // newest first, as the list
  });
  if (had_personal) AuditRatingList(call, ratings, json{{"receipt", receipt}});
  return Json(200, json{{"ratings", ratings}, {"personal_data", personal}, {"receipt", receipt}});
}

json Api::ComplaintView(json c, bool personal, bool* had_personal) const {
  json note = c.contains("note") ? c["note"] : json();
  c.erase("note");
  c["has_note"] = note.is_object();
  c["received_at"] = FormatRfc3339(c.value("received_ms", int64_t{0}));
  c["recorded_at"] = FormatRfc3339(c.value("recorded_ms", int64_t{0}));
  if (personal && note.is_object()) {
    std::string text;
    const TextState st = ctx_->keys->RevealJson(note, "note", &text);
    c["note"] = text;
    c["note_state"] = TextStateName(st);
    if (st == TextState::kShown) *had_personal = true;
  }
  return c;
}

Status Api::ComplaintsOf(const std::string& office, const std::string& receipt,
                         std::vector<json>* out) const {
  const std::string prefix = receipt.empty() ? "x/hub/p/cp/" + codec::KeyPart(office) + "/"
                                             : decision766::ComplaintPrefix(office, receipt);
  std::string end = prefix;
  end.back() = static_cast<char>('/' + 1);
  return ctx_->log->store()->Scan(prefix, end, [&](std::string_view, std::string_view v) {
    json c = json::parse(v, nullptr, false);
    if (!c.is_discarded()) out->push_back(std::move(c));
    return true;
  });
}

HttpReply Api::ComplaintsList(Call& call) {
  std::vector<std::string> offices;
  HttpReply error;
  if (!ScopeOrKnownOffices(call, &offices, &error)) return error;
  const std::string dossier = call.Query("dossier");
  if (!dossier.empty() && !IsValidReceipt(dossier)) {
    return Error(call, 400, "số biên nhận không hợp lệ", "bad dossier receipt");
  }
  std::vector<json> found;
  for (const std::string& office : offices) {
    Status s = ComplaintsOf(office, dossier, &found);
    if (!s.ok()) return Error(call, 500, "lỗi đọc dữ liệu", s.ToString());
  }
  std::sort(found.begin(), found.end(), [](const json& a, const json& b) {
    return a.value("received_ms", int64_t{0}) > b.value("received_ms", int64_t{0});
  });
  if (found.size() > 1000) found.resize(1000);
  const bool personal = call.who.MaySeePersonalData();
  bool had_personal = false;
  json out = json::array();
  for (json& c : found) out.push_back(ComplaintView(std::move(c), personal, &had_personal));
  if (had_personal) {
    Audit(call, "complaints.list", call.Query("office", "*"), json{{"count", out.size()}});
    ctx_->metrics->Add("hailong_hub_personal_data_access_total");
  }
  return Json(200, json{{"complaints", out}});
}

HttpReply Api::ComplaintPost(Call& call) {
  if (!call.who.is_user() || call.who.user->role == Role::kViewer) {
    return Error(call, 403, "người xem không được ghi nhận khiếu nại",
                 "viewers cannot record complaints");
  }
  json body;
  HttpReply error;
  if (!ParseBody(call, &body, &error)) return error;
  auto text = [&](const char* key) { return BodyText(body, key); };
  const std::string office = text("office");
  const std::string dossier = text("dossier");
  if (office.empty()) return Error(call, 400, "cần đơn vị (office)", "office is required");
  if (!call.who.IsAdmin() && !call.who.MaySeeOffice(office)) {
    return Error(call, 403, "bạn không quản lý đơn vị này", "not a manager of this office");
  }
  if (!KnownOffice(office)) return Error(call, 404, "không có đơn vị này", "no such office");
  if (!IsValidReceipt(dossier)) {
    return Error(call, 400, "cần số biên nhận hồ sơ (dossier, 1-128 ký tự)",
                 "dossier (the receipt number, 1-128 characters) is required");
  }
  fb::ComplaintRecordedT c;
  const std::string channel = text("channel");
  if (!schema::ComplaintChannelFromName(channel, &c.channel)) {
    return Error(call, 400, "channel phải là letter, hotline, portal, in_person hoặc other",
                 "channel must be letter, hotline, portal, in_person or other");
  }
  const int64_t now = ctx_->clock->NowMs();
  c.received_ms = now;
  if (const std::string at = text("received_at"); !at.empty()) {
    int64_t ms = 0;
    if (at.size() == 10 ? !ParseVietnamDay(at, &ms).ok() : !ParseRfc3339(at, &ms).ok()) {
      return Error(call, 400, "received_at phải là ngày YYYY-MM-DD hoặc thời điểm RFC 3339",
                   "received_at must be a YYYY-MM-DD day or an RFC 3339 time");
    }
    if (ms > now + 300000) {
      return Error(call, 400, "received_at ở tương lai", "received_at is in the future");
    }
    c.received_ms = ms;
  }
  std::string note = text("note");
  if (note.size() > 8000) return Error(call, 400, "nội dung quá dài", "note too long");
  const std::string client_id = text("id");
  if (!client_id.empty() && !IsValidReceipt(client_id)) {
    return Error(call, 400, "id không hợp lệ (1-128 ký tự)", "bad id (1-128 characters)");
  }
  c.complaint_id = client_id.empty() ? RandomId() : "cp-" + client_id;
  c.office = office;
  c.dossier = dossier;
  c.by = call.who.name();
  // The note may name the citizen: the log keeps it encrypted.
  Status sealed = ctx_->keys->SealField(&note, "note", &c.sealed_note);
  if (!sealed.ok()) return Error(call, 500, "không mã hoá được nội dung", sealed.ToString());
  const std::string id = c.complaint_id;
  // Two events, as for a void (api_ratings.cc): the complaint with its note
  // in `hub-private`, which stays at this hub, and the same complaint without
  // the note in `hub`, which travels to the province, whose decision 766
  // figures count it too. The projector records a complaint once and takes
  // the note from whichever copy carries it.
  fb::ComplaintRecordedT open_copy;
  open_copy.complaint_id = c.complaint_id;
  open_copy.office = c.office;
  open_copy.dossier = c.dossier;
  open_copy.channel = c.channel;
  open_copy.received_ms = c.received_ms;
  open_copy.by = c.by;
  replication::EventDraft draft;
  draft.idempotency_id = "complaint:" + office + ":" + id;
  draft.origin = kHubPrivateOrigin;
  draft.body.Set(std::move(c));
  uint64_t seq = 0;
  Status s = AppendHubEvent(std::move(draft), &seq);
  if (!s.ok()) return Error(call, 500, "không ghi được sự kiện", s.ToString());
  replication::EventDraft open_draft;
  open_draft.idempotency_id = "complaint-hub:" + office + ":" + id;
  open_draft.body.Set(std::move(open_copy));  // the hub's own origin
  uint64_t open_seq = 0;
  s = AppendHubEvent(std::move(open_draft), &open_seq);
  if (!s.ok()) return Error(call, 500, "không ghi được sự kiện", s.ToString());
  Audit(call, "complaint.record", office + "/" + dossier, json{{"id", id}, {"channel", channel}});
  std::string v;
  json stored;
  if (ctx_->log->store()->Get(decision766::ComplaintKey(office, dossier, id), &v).ok()) {
    stored = json::parse(v, nullptr, false);
  }
  if (!stored.is_object()) {
    stored = json{{"id", id}, {"office", office}, {"dossier", dossier}, {"channel", channel}};
  }
  bool unused = false;
  json out = ComplaintView(std::move(stored), false, &unused);
  out["seq"] = seq;
  return Json(200, out);
}

HttpReply Api::DossierTimeline(Call& call, const std::string& office, const std::string& receipt) {
  if (!MaySeeOffice(call, office) || !IsValidReceipt(receipt)) {
    return Error(call, 404, "không tìm thấy hồ sơ", "no such dossier");
  }
  DossierState d;
  bool found = false;
  Status s = LoadDossier(office, receipt, &d, &found);
  if (!s.ok()) return Error(call, 500, "lỗi đọc dữ liệu", s.ToString());
  std::vector<json> complaints;
  s = ComplaintsOf(office, receipt, &complaints);
  if (!s.ok()) return Error(call, 500, "lỗi đọc dữ liệu", s.ToString());
  if (!found && complaints.empty()) {
    return Error(call, 404, "không tìm thấy hồ sơ", "no such dossier");
  }
  const int64_t now = ctx_->clock->NowMs();
  const bool personal = call.who.MaySeePersonalData();
  bool had_personal = false;
  json steps = json::array();
  auto step = [&](int64_t at, const char* kind, json detail) {
    detail["at"] = FormatRfc3339(at);
    detail["at_ms"] = at;
    detail["kind"] = kind;
    steps.push_back(std::move(detail));
  };
  if (d.entered) {
    step(d.entered_ms, "received",
         json{{"counter", d.counter},
              {"officer", d.officer},
              {"field", d.field},
              {"procedure", d.procedure},
              {"due", d.due_ms > 0 ? json(FormatRfc3339(d.due_ms)) : json(nullptr)}});
  }
  int64_t bad_ratings = 0;
  d.ForEachRatingRef([&](std::string_view origin, uint64_t seq) {
    json r = RatingJson(std::string(origin), seq, personal, &had_personal);
    if (r.is_null()) return;
    int64_t at = 0;
    ParseRfc3339(r.value("at", ""), &at).PermitUncheckedError();
    const bool counted = !r.value("voided", false) && !r.value("suspected_misuse", false);
    if (counted && (r.value("classification", "") == "unsatisfied" || r.value("complained", false)))
      ++bad_ratings;
    step(at, "rating", json{{"rating", r}});
    // The follow-up the projector opened about it (fu-<origin>-<seq>).
    std::string v;
    const std::string fid = "fu-" + std::string(origin) + "-" + std::to_string(seq);
    if (ctx_->log->store()->Get(codec::FollowUpKey(fid), &v).ok()) {
      json f = json::parse(v, nullptr, false);
      if (!f.is_discarded()) {
        const int64_t opened = f.value("opened_ms", int64_t{0});
        step(opened, "follow_up",
             json{{"follow_up", FollowUpForRole(std::move(f), call, &had_personal)}});
      }
    }
  });
  if (d.returned_ms > 0) {
    step(d.returned_ms, "returned", json{{"on_time", d.due_ms == 0 || d.returned_ms <= d.due_ms}});
  }
  const bool overdue_now =
      d.entered && d.due_ms > 0 && (d.returned_ms > 0 ? d.returned_ms > d.due_ms : now > d.due_ms);
  if (overdue_now) step(d.due_ms, "overdue", json::object());
  for (json& c : complaints) {
    const int64_t at = c.value("received_ms", int64_t{0});
    step(at, "complaint",
         json{{"complaint", ComplaintView(std::move(c), personal, &had_personal)}});
  }
  std::stable_sort(steps.begin(), steps.end(), [](const json& a, const json& b) {
    return a.value("at_ms", int64_t{0}) < b.value("at_ms", int64_t{0});
  });
  // Why Decision 766 counts it unsatisfied (report_decision766.md), now.
  json reasons = json::array();
  if (bad_ratings > 0) reasons.push_back("rated_unsatisfied_or_complained");
  if (d.complaints > 0) reasons.push_back("complaint_recorded");
  if (overdue_now) reasons.push_back(d.returned_ms > 0 ? "returned_late" : "pending_past_due");
  if (had_personal) {
    Audit(call, "dossier.view", office + "/" + receipt);
    ctx_->metrics->Add("hailong_hub_personal_data_access_total");
  }
  return Json(200, json{{"office", office},
                        {"receipt", receipt},
                        {"known", d.entered},
                        {"day", d.day},
                        {"counter", d.counter},
                        {"officer", d.officer},
                        {"field", d.field},
                        {"procedure", d.procedure},
                        {"due", d.due_ms > 0 ? json(FormatRfc3339(d.due_ms)) : json(nullptr)},
                        {"returned",
                         d.returned_ms > 0 ? json(FormatRfc3339(d.returned_ms)) : json(nullptr)},
                        {"status", d.returned_ms > 0 ? "returned" : "pending"},
                        {"overdue", overdue_now},
                        {"complaints", d.complaints},
                        {"decision766_unsatisfied", !reasons.empty()},
                        {"decision766_reasons", reasons},
                        {"personal_data", personal},
                        {"steps", steps}});
}

}  // namespace hailong::hub
