// GET /api/v1/ratings and POST /api/v1/ratings/{origin}/{seq}/void. Phone
// numbers and comments only for admins and managers, and every response
// that shows them is audited first.
#include <algorithm>
#include <climits>
#include <nlohmann/json.hpp>

#include "api.h"
#include "codec.h"
#include "hailong/hub/hub.h"
#include "names.h"
#include "projection_state.h"

namespace hailong::hub {

namespace http = boost::beast::http;
using json = nlohmann::json;

namespace {

constexpr int64_t kDayMs = 24 * 3600 * 1000;

bool ParseSeq(const std::string& s, uint64_t* out) {
  if (s.empty() || s.size() > 19 || s.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  *out = std::stoull(s);
  return true;
}

}  // namespace

json Api::RatingJson(const std::string& origin, uint64_t seq, bool personal,
                     bool* had_personal) const {
  std::vector<replication::StoredEvent> events;
  if (!ctx_->log->Read(origin, seq, 1, 1 << 20, &events).ok() || events.empty() ||
      events[0].seq != seq) {
    return nullptr;
  }
  const fb::Event* e = nullptr;
  if (!schema::VerifyEvent(events[0].bytes, &e).ok() ||
      e->body_type() != fb::EventBody::RatingSubmitted) {
    return nullptr;
  }
  const fb::RatingSubmitted& r = *e->body_as_RatingSubmitted();
  json answers = json::object();
  if (r.answers()) {
    for (const fb::Answer* a : *r.answers()) answers[Str(a->criterion())] = Str(a->option());
  }
  const int64_t time = r.device_time_ms() > 0
                           ? r.device_time_ms()
                           : (r.edge_time_ms() > 0 ? r.edge_time_ms() : e->time_ms());
  RatingFlags flags;
  std::string fv;
  if (ctx_->log->store()->Get(codec::RatingFlagsKey(origin, seq), &fv).ok()) flags.Decode(fv);
  const uint32_t bits = static_cast<uint32_t>(r.flags());
  json j{
      {"origin", origin},
      {"seq", seq},
      {"id", Str(r.rating_id())},
      {"office", Str(r.office())},
      {"counter", Str(r.counter())},
      {"officer", Str(r.officer())},
      {"device", Str(r.device())},
      {"channel", ChannelName(r.channel())},
      {"template", Str(r.template_id())},
      {"template_version", r.template_version()},
      {"classification", ClassificationName(r.classification())},
      {"answers", answers},
      {"dossier", Str(r.dossier())},
      {"procedure", Str(r.procedure())},
      {"field", Str(r.field())},
      {"at", FormatRfc3339(time)},
      {"suspected_misuse", (bits & static_cast<uint32_t>(fb::RatingFlags::SuspectedMisuse)) != 0},
      {"resent", (bits & static_cast<uint32_t>(fb::RatingFlags::Resent)) != 0},
      {"voided", flags.voided},
      {"complained", flags.complained},
      {"has_comment", HasComment(r)},
      {"has_phone", HasPhone(r)}};
  if (personal) {
    // Decrypted here, for this response only (personal_data.md).
    std::string comment, phone;
    const TextState cs =
        ctx_->keys->Reveal(origin, seq, r.comment(), r.sealed_comment(), "comment", &comment);
    const TextState ps =
        ctx_->keys->Reveal(origin, seq, r.phone(), r.sealed_phone(), "phone", &phone);
    j["comment"] = comment;
    j["phone"] = phone;
    if (cs != TextState::kAbsent) j["comment_state"] = TextStateName(cs);
    if (ps != TextState::kAbsent) j["phone_state"] = TextStateName(ps);
    if (cs == TextState::kShown || ps == TextState::kShown) *had_personal = true;
  }
  return j;
}

HttpReply Api::Ratings(Call& call) {
  std::vector<std::string> offices;
  HttpReply error;
  if (!ScopeOrKnownOffices(call, &offices, &error)) return error;
  const int64_t now = ctx_->clock->NowMs();
  std::string to_day = call.Query("to", VietnamDay(now));
  int64_t to_ms = 0, from_ms = 0;
  if (!ParseVietnamDay(to_day, &to_ms).ok())
    return Error(call, 400, "to: ngày không hợp lệ", "to: bad date");
  to_ms += kDayMs;
  std::string from_day = call.Query("from", VietnamDay(to_ms - 30 * kDayMs));
  if (!ParseVietnamDay(from_day, &from_ms).ok() || from_ms >= to_ms) {
    return Error(call, 400, "from: ngày không hợp lệ", "from: bad date");
  }
  size_t limit = 100;
  if (call.query.count("limit")) {
    uint64_t l = 0;
    if (!ParseSeq(call.Query("limit"), &l) || l == 0)
      return Error(call, 400, "limit không hợp lệ", "bad limit");
    limit = std::min<uint64_t>(l, 1000);
  }
  // One dossier's ratings (its review at the hub): from the dossier record,
  // whatever their time.
  if (call.query.count("receipt")) return RatingsOfReceipt(call, offices, call.Query("receipt"));
  const std::string counter = call.Query("counter"), officer = call.Query("officer"),
                    classification = call.Query("classification"), channel = call.Query("channel");
  const bool only_comments = call.Query("has_comment") == "true";
  const bool include_excluded = call.Query("include_excluded") == "true";

  struct Hit {
    int64_t time;
    std::string origin;
    uint64_t seq;
  };
  std::vector<Hit> hits;
  for (const std::string& office : offices) {
    // Hour chunks, newest first; the entries of a chunk are in seq order, so
    // stop only after the chunk in which the limit is reached.
    const std::string prefix = codec::RatingIndexPrefix(office);
    std::string begin, end;
    codec::RatingChunkRange(office, from_ms, to_ms - 1, &begin, &end);
    size_t found = 0;
    int64_t full_after = INT64_MIN;  // chunk start at which `limit` was reached
    Status s =
        ctx_->log->store()->Scan(begin, end, [&](std::string_view key, std::string_view value) {
          int64_t start = 0;
          if (!codec::RatingChunkTime(key, prefix, &start)) return true;
          if (full_after != INT64_MIN && start < full_after) return false;
          const std::string origin = codec::UnKeyPart(key.substr(prefix.size() + 21));
          rating_chunk::ForEach(
              value, [&](uint64_t seq, int64_t time, const RatingIndexEntry& entry) {
                if (time < from_ms || time >= to_ms) return true;
                if (!include_excluded && (entry.misuse || entry.voided)) return true;
                if (!counter.empty() && entry.counter != counter) return true;
                if (!officer.empty() && entry.officer != officer) return true;
                if (!channel.empty() && entry.channel != channel) return true;
                if (!classification.empty() &&
                    classification !=
                        ClassificationName(static_cast<fb::Classification>(entry.classification))) {
                  return true;
                }
                if (only_comments && !entry.has_comment) return true;
                hits.push_back(Hit{time, origin, seq});
                if (++found == limit) full_after = start;
                return true;
              });
          return true;
        });
    if (!s.ok()) return Error(call, 500, "lỗi đọc dữ liệu", s.ToString());
  }
  std::sort(hits.begin(), hits.end(), [](const Hit& x, const Hit& y) {
    return x.time != y.time ? x.time > y.time
                            : std::tie(x.origin, x.seq) < std::tie(y.origin, y.seq);
  });
  if (hits.size() > limit) hits.resize(limit);
  const bool personal = call.who.MaySeePersonalData();
  bool had_personal = false;
  json ratings = json::array();
  for (const Hit& h : hits) {
    json j = RatingJson(h.origin, h.seq, personal, &had_personal);
    if (!j.is_null()) ratings.push_back(std::move(j));
  }
  if (had_personal) AuditRatingList(call, ratings, json::object());
  return Json(200, json{{"ratings", ratings}, {"personal_data", personal}});
}

void Api::AuditRatingList(const Call& call, const json& ratings, json detail) {
  json ids = json::array();
  for (const auto& r : ratings) {
    if (r.value("has_comment", false) || r.value("has_phone", false)) {
      ids.push_back(r["origin"].get<std::string>() + ":" +
                    std::to_string(r["seq"].get<uint64_t>()));
    }
  }
  detail["ratings"] = ids;
  Audit(call, "ratings.list", call.Query("office", "*"), detail);
  ctx_->metrics->Add("hailong_hub_personal_data_access_total");
}

HttpReply Api::VoidRating(Call& call, const std::string& origin, const std::string& seq_text) {
  if (!call.who.IsAdmin())
    return Error(call, 403, "chỉ quản trị viên được hủy đánh giá", "admins only");
  uint64_t seq = 0;
  if (!ParseSeq(seq_text, &seq) || seq == 0)
    return Error(call, 400, "số thứ tự không hợp lệ", "bad seq");
  bool unused = false;
  json rating = RatingJson(origin, seq, false, &unused);
  if (rating.is_null()) return Error(call, 404, "không tìm thấy đánh giá", "no such rating");
  json body;
  HttpReply error;
  if (!ParseBody(call, &body, &error)) return error;
  std::string reason = body.value("reason", "");
  if (reason.empty()) return Error(call, 400, "cần lý do (reason)", "reason is required");
  // Two events: the void itself in `hub`, which travels (edges pull it, a
  // district hub ships it to its province, whose figures must leave the
  // rating out too), and the same void with its reason in `hub-private`: the
  // reason is free text that may name the citizen, so it stays at this hub,
  // encrypted. The projector applies a void once, from whichever it meets
  // first. Each has its own idempotency id: a retry after a failure between
  // the two writes completes the pair and doubles nothing.
  // A rating this hub took itself (a phone survey at the hub) lives in
  // `hub-private`, which does not travel: its void needs no public copy.
  fb::RatingVoidedT with_reason;
  with_reason.rating_origin = origin;
  with_reason.rating_seq = seq;
  with_reason.by = call.who.name();
  Status sealed = ctx_->keys->SealField(&reason, "reason", &with_reason.sealed_reason);
  if (!sealed.ok()) return Error(call, 500, "không mã hoá được lý do", sealed.ToString());
  const std::string ref = origin + ":" + std::to_string(seq);
  replication::EventDraft private_draft;
  private_draft.idempotency_id = "void:" + ref;
  private_draft.origin = kHubPrivateOrigin;
  private_draft.body.Set(std::move(with_reason));
  uint64_t private_seq = 0;
  Status s = AppendHubEvent(std::move(private_draft), &private_seq);
  if (!s.ok()) return Error(call, 500, "không ghi được sự kiện", s.ToString());
  uint64_t event_seq = private_seq;
  if (origin != kHubPrivateOrigin && origin != ctx_->log->origin()) {
    fb::RatingVoidedT v;
    v.rating_origin = origin;
    v.rating_seq = seq;
    v.by = call.who.name();
    replication::EventDraft draft;
    draft.idempotency_id = "void-hub:" + ref;
    draft.body.Set(std::move(v));  // the hub's own origin
    s = AppendHubEvent(std::move(draft), &event_seq);
    if (!s.ok()) return Error(call, 500, "không ghi được sự kiện", s.ToString());
  }
  Audit(call, "rating.void", origin + ":" + std::to_string(seq));
  return Json(200, json{{"status", "voided"}, {"seq", event_seq}});
}

}  // namespace hailong::hub
