// Citizens' comments, month by month, for managers and admins (Gia Lâm
// reviewed its 214 comments of a month at once):
//   GET  /api/v1/comments?month=YYYY-MM[&office=]      grouped by office and criterion
//   POST /api/v1/comments/{origin}/{seq}/follow-up      a suggestion to follow up
// and the workbook's monthly comment sheets (CommentSheets, report.xlsx).
//
// Which criterion a comment is listed under: the criterion the citizen
// rated lowest (the answer of the most negative polarity; the first in the
// template's order among equals). A rating whose every answer is positive
// on a template of several criteria is listed under "Ý kiến chung" (no
// criterion, ""); on a template of one criterion, under that criterion.
// Counted ratings only (suspected misuse and voided left out), oldest first.
//
// Personal data (hub/README.md "Roles and personal data"): viewers get 403
// and no sheet; each response that shows a comment is audited first
// (comments.list, report.comments) with the ratings it showed.
#include "api_comments.h"

#include <algorithm>
#include <climits>
#include <nlohmann/json.hpp>

#include "api.h"
#include "codec.h"
#include "hailong/hub/hub.h"
#include "macros.h"
#include "projection_state.h"

namespace hailong::hub {

using json = nlohmann::json;

namespace {

constexpr int64_t kDayMs = 24 * 3600 * 1000;

int Badness(fb::Polarity p) {
  return p == fb::Polarity::Negative ? 3 : p == fb::Polarity::Neutral ? 2 : 1;
}

// "YYYY-MM" → the first day and the last day of the month.
bool MonthDays(const std::string& month, std::string* from, std::string* to) {
  if (month.size() != 7 || month[4] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6}) {
    if (month[i] < '0' || month[i] > '9') return false;
  }
  const int y = std::stoi(month.substr(0, 4)), m = std::stoi(month.substr(5, 2));
  if (m < 1 || m > 12) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  const int last = m == 2 && leap ? 29 : kDays[m - 1];
  *from = month + "-01";
  *to = month + "-" + std::to_string(last);
  return true;
}

}  // namespace

Status Api::CollectComments(const std::vector<std::string>& scope, const std::string& month,
                            size_t limit, CommentMonth* out) const {
  out->month = month;
  out->offices.clear();
  out->count = 0;
  out->truncated = false;
  std::string from, to;
  if (!MonthDays(month, &from, &to)) return Status::InvalidArgument("month: expected YYYY-MM");
  int64_t from_ms = 0, to_ms = 0;
  HAILONG_RETURN_IF_ERROR(ParseVietnamDay(from, &from_ms));
  HAILONG_RETURN_IF_ERROR(ParseVietnamDay(to, &to_ms));
  to_ms += kDayMs;
  std::vector<std::string> offices = scope;
  if (offices.empty()) HAILONG_RETURN_IF_ERROR(ListOffices(*ctx_->log->store(), &offices));
  std::sort(offices.begin(), offices.end());
  offices.erase(std::unique(offices.begin(), offices.end()), offices.end());
  const auto template_map = TemplateStructs();
  const TemplateMap& templates = *template_map;
  for (const std::string& office : offices) {
    struct Hit {
      int64_t time;
      std::string origin;
      uint64_t seq;
    };
    std::vector<Hit> hits;
    const std::string prefix = codec::RatingIndexPrefix(office);
    std::string begin, end;
    codec::RatingChunkRange(office, from_ms, to_ms - 1, &begin, &end);
    Status s =
        ctx_->log->store()->Scan(begin, end, [&](std::string_view key, std::string_view value) {
          int64_t start = 0;
          if (!codec::RatingChunkTime(key, prefix, &start)) return true;
          const std::string origin = codec::UnKeyPart(key.substr(prefix.size() + 21));
          rating_chunk::ForEach(value,
                                [&](uint64_t seq, int64_t time, const RatingIndexEntry& entry) {
                                  if (time < from_ms || time >= to_ms) return true;
                                  if (entry.misuse || entry.voided || !entry.has_comment) {
                                    return true;
                                  }
                                  hits.push_back(Hit{time, origin, seq});
                                  return true;
                                });
          return true;
        });
    HAILONG_RETURN_IF_ERROR(s);
    if (hits.empty()) continue;
    std::sort(hits.begin(), hits.end(), [](const Hit& x, const Hit& y) {
      return x.time != y.time ? x.time < y.time
                              : std::tie(x.origin, x.seq) < std::tie(y.origin, y.seq);
    });
    CommentOffice group;
    group.office = office;
    // (template, criterion position) → group index; general comments last.
    std::map<std::pair<std::string, size_t>, size_t> at;
    for (const Hit& h : hits) {
      if (out->count >= limit) {
        out->truncated = true;
        break;
      }
      bool shown = false;
      json r = RatingJson(h.origin, h.seq, true, &shown);
      if (r.is_null()) continue;
      CommentEntry c;
      c.origin = h.origin;
      c.seq = h.seq;
      c.rating = r;
      c.shown = shown;
      const std::string tpl_id = r.value("template", "");
      std::string criterion, option;
      size_t position = SIZE_MAX;
      auto t = templates.find(tpl_id);
      if (t != templates.end()) {
        int worst = 0;
        const auto& criteria = t->second.criteria;
        for (size_t i = 0; i < criteria.size(); ++i) {
          auto a = r["answers"].find(criteria[i].id);
          if (a == r["answers"].end() || !a->is_string()) continue;
          const survey::SurveyOption* o = criteria[i].FindOption(a->get<std::string>());
          if (o == nullptr) continue;
          const int b = Badness(o->polarity);
          if (b > worst) {
            worst = b;
            position = i;
          }
        }
        if (worst == 1 && criteria.size() > 1) position = SIZE_MAX;  // every answer positive
      }
      auto it = at.find({tpl_id, position});
      if (it == at.end()) {
        CommentCriterion cg;
        cg.template_id = tpl_id;
        if (t != templates.end()) {
          cg.template_name = t->second.name;
          if (position != SIZE_MAX) {
            cg.criterion = t->second.criteria[position].id;
            cg.label = t->second.criteria[position].label;
          }
        }
        if (cg.label.empty()) cg.label = "Ý kiến chung";
        it = at.emplace(std::make_pair(tpl_id, position), group.criteria.size()).first;
        group.criteria.push_back(std::move(cg));
      }
      CommentCriterion& cg = group.criteria[it->second];
      if (!cg.criterion.empty()) {
        const std::string chosen = r["answers"].value(cg.criterion, "");
        c.option = chosen;
        if (const survey::SurveyCriterion* sc = t->second.FindCriterion(cg.criterion)) {
          if (const survey::SurveyOption* o = sc->FindOption(chosen)) c.option_label = o->label;
        }
      }
      std::string fv;
      if (ctx_->log->store()
              ->Get(codec::FollowUpKey("fu-" + h.origin + "-" + std::to_string(h.seq)), &fv)
              .ok()) {
        json f = json::parse(fv, nullptr, false);
        if (f.is_object()) {
          c.follow_up = json{{"id", f.value("id", "")},
                             {"status", f.value("status", "")},
                             {"reason", f.value("reason", "")}};
        }
      }
      cg.comments.push_back(std::move(c));
      ++out->count;
    }
    // Criteria in (template, template order) with general comments last.
    std::vector<std::pair<std::pair<std::string, size_t>, size_t>> order(at.begin(), at.end());
    std::vector<CommentCriterion> sorted;
    for (const auto& [k, index] : order) sorted.push_back(std::move(group.criteria[index]));
    group.criteria = std::move(sorted);
    out->offices.push_back(std::move(group));
    if (out->truncated) break;
  }
  return Status::OK();
}

json CommentMonthToJson(const CommentMonth& m, bool* shown, json* ids) {
  json offices = json::array();
  for (const CommentOffice& o : m.offices) {
    json criteria = json::array();
    size_t n = 0;
    for (const CommentCriterion& c : o.criteria) {
      json comments = json::array();
      for (const CommentEntry& e : c.comments) {
        const json& r = e.rating;
        json j{{"origin", e.origin},
               {"seq", e.seq},
               {"at", r.value("at", "")},
               {"counter", r.value("counter", "")},
               {"officer", r.value("officer", "")},
               {"channel", r.value("channel", "")},
               {"classification", r.value("classification", "")},
               {"dossier", r.value("dossier", "")},
               {"option", e.option},
               {"option_label", e.option_label},
               {"comment", r.value("comment", "")},
               {"comment_state", r.value("comment_state", "")},
               {"follow_up", e.follow_up}};
        if (e.shown) {
          *shown = true;
          ids->push_back(e.origin + ":" + std::to_string(e.seq));
        }
        comments.push_back(std::move(j));
      }
      n += c.comments.size();
      criteria.push_back({{"template", c.template_id},
                          {"template_name", c.template_name},
                          {"criterion", c.criterion},
                          {"label", c.label},
                          {"count", c.comments.size()},
                          {"comments", comments}});
    }
    offices.push_back({{"office", o.office}, {"count", n}, {"criteria", criteria}});
  }
  return json{
      {"month", m.month}, {"count", m.count}, {"truncated", m.truncated}, {"offices", offices}};
}

XlsxTable CommentSheet(const CommentMonth& m, const std::string& office_label) {
  using T = XlsxTable::Column::Type;
  XlsxTable t;
  // "Ý kiến 11-2026" (sheet names may not hold '/').
  t.sheet = "Ý kiến " + m.month.substr(5, 2) + "-" + m.month.substr(0, 4);
  t.title = "TỔNG HỢP Ý KIẾN CỦA NGƯỜI DÂN, TỔ CHỨC THÁNG " + m.month.substr(5, 2) + "/" +
            m.month.substr(0, 4);
  t.notes = {"Đơn vị: " + office_label,
             "Số ý kiến: " + std::to_string(m.count) +
                 (m.truncated ? " (chỉ liệt kê " + std::to_string(m.count) + " ý kiến đầu)" : ""),
             "Xếp theo đơn vị và tiêu chí người dân đánh giá thấp nhất"};
  t.columns = {{"Đơn vị", T::kText, 12},          {"Tiêu chí", T::kText, 36},
               {"Thời gian", T::kText, 20},       {"Quầy", T::kText, 8},
               {"Cán bộ", T::kText, 12},          {"Phương án đã chọn", T::kText, 18},
               {"Kết quả", T::kText, 14},         {"Số biên nhận", T::kText, 18},
               {"Nội dung ý kiến", T::kText, 60}, {"Theo dõi", T::kText, 14}};
  for (const CommentOffice& o : m.offices) {
    for (const CommentCriterion& c : o.criteria) {
      for (const CommentEntry& e : c.comments) {
        const json& r = e.rating;
        const std::string state = r.value("comment_state", "");
        const std::string text = state == "shown" ? r.value("comment", "")
                                 : state == "erased" ? "(đã xoá theo quy định dữ liệu cá nhân)"
                                 : state == "pending" ? "(chưa giải mã được: khóa chưa về máy chủ)"
                                                      : r.value("comment", "");
        const std::string cls = r.value("classification", "");
        const std::string result = cls == "satisfied"     ? "Hài lòng"
                                   : cls == "neutral"     ? "Bình thường"
                                   : cls == "unsatisfied" ? "Không hài lòng"
                                                          : "Chưa phân loại";
        std::string follow;
        if (e.follow_up.is_object()) {
          follow = e.follow_up.value("status", "") == "open" ? "Đang theo dõi" : "Đã xử lý";
        }
        t.rows.push_back({json(o.office), json(c.label), json(r.value("at", "")),
                          json(r.value("counter", "")), json(r.value("officer", "")),
                          json(e.option_label.empty() ? e.option : e.option_label), json(result),
                          json(r.value("dossier", "")), json(text), json(follow)});
      }
    }
  }
  return t;
}

Status Api::CommentSheets(const ReportQuery& query, const std::string& office_label,
                          std::vector<XlsxTable>* sheets, json* ids) const {
  // Every month the period touches, each its own sheet.
  std::string month = query.from.substr(0, 7);
  const std::string last = query.to.substr(0, 7);
  while (month <= last) {
    CommentMonth m;
    HAILONG_RETURN_IF_ERROR(CollectComments(query.offices, month, kCommentLimit, &m));
    bool shown = false;
    CommentMonthToJson(m, &shown, ids);
    sheets->push_back(CommentSheet(m, office_label));
    int y = std::stoi(month.substr(0, 4)), mo = std::stoi(month.substr(5, 2)) + 1;
    if (mo > 12) {
      mo = 1;
      ++y;
    }
    month = std::to_string(y) + (mo < 10 ? "-0" : "-") + std::to_string(mo);
  }
  return Status::OK();
}

HttpReply Api::CommentsRoute(Call& call) {
  if (!call.who.MaySeePersonalData()) {
    return Error(call, 403, "chỉ quản lý và quản trị viên được xem ý kiến của người dân",
                 "only managers and admins may read citizens' comments");
  }
  std::vector<std::string> offices;
  HttpReply error;
  if (!ScopeOffices(call, &offices, &error)) return error;
  const std::string month = call.Query("month", VietnamDay(ctx_->clock->NowMs()).substr(0, 7));
  CommentMonth m;
  Status s = CollectComments(offices, month, kCommentLimit, &m);
  if (s.IsInvalidArgument()) {
    return Error(call, 400, "month phải có dạng YYYY-MM", "month must be YYYY-MM");
  }
  if (!s.ok()) return Error(call, 500, "lỗi đọc dữ liệu", s.ToString());
  bool shown = false;
  json ids = json::array();
  json body = CommentMonthToJson(m, &shown, &ids);
  body["office"] = offices.size() == 1 ? json(offices[0]) : json(nullptr);
  if (shown) {
    Audit(call, "comments.list", call.Query("office", "*"),
          json{{"month", month}, {"ratings", ids}});
    ctx_->metrics->Add("hailong_hub_personal_data_access_total");
  }
  return Json(200, body);
}

HttpReply Api::CommentFollowUp(Call& call, const std::string& origin, const std::string& seq_text) {
  if (!call.who.MaySeePersonalData()) {
    return Error(call, 403, "chỉ quản lý và quản trị viên được mở theo dõi góp ý",
                 "only managers and admins may follow up a suggestion");
  }
  uint64_t seq = 0;
  if (seq_text.empty() || seq_text.size() > 19 ||
      seq_text.find_first_not_of("0123456789") != std::string::npos ||
      (seq = std::stoull(seq_text)) == 0) {
    return Error(call, 400, "số thứ tự không hợp lệ", "bad seq");
  }
  bool unused = false;
  const json rating = RatingJson(origin, seq, false, &unused);
  if (rating.is_null()) return Error(call, 404, "không tìm thấy đánh giá", "no such rating");
  const std::string office = rating.value("office", "");
  if (!MaySeeOffice(call, office)) {
    return Error(call, 403, "bạn không có quyền với đơn vị " + office,
                 "you may not act for office " + office);
  }
  if (!rating.value("has_comment", false)) {
    return Error(call, 400, "đánh giá này không có ý kiến để theo dõi",
                 "this rating has no comment to follow up");
  }
  if (rating.value("voided", false) || rating.value("suspected_misuse", false)) {
    return Error(call, 409, "đánh giá đã bị hủy hoặc nghi lạm dụng, không được tính",
                 "the rating is voided or suspected misuse and does not count");
  }
  const std::string id = "fu-" + origin + "-" + std::to_string(seq);
  std::string existing;
  if (ctx_->log->store()->Get(codec::FollowUpKey(id), &existing).ok()) {
    return Error(call, 409, "ý kiến này đã được theo dõi (" + id + ")",
                 "this comment is already followed up (" + id + ")");
  }
  fb::FollowUpOpenedT f;
  f.follow_up_id = id;
  f.office = office;
  f.rating_origin = origin;
  f.rating_seq = seq;
  f.reason = kSuggestionReason;  // a code, not personal text
  f.assignee = call.who.name();
  replication::EventDraft draft;
  draft.idempotency_id = "fu:" + origin + ":" + std::to_string(seq);  // the projector's own id
  draft.origin = kHubPrivateOrigin;                                   // follow-ups stay at the hub
  draft.body.Set(std::move(f));
  uint64_t event_seq = 0;
  Status s = AppendHubEvent(std::move(draft), &event_seq);
  if (!s.ok()) return Error(call, 500, "không ghi được sự kiện", s.ToString());
  Audit(call, "comment.follow_up", origin + ":" + std::to_string(seq), json{{"follow_up", id}});
  return Json(200, json{{"id", id}, {"reason", kSuggestionReason}, {"seq", event_seq}});
}

}  // namespace hailong::hub
