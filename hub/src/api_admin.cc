// The catalogue and template administration (each change an event in the
// hub's log, which the edges pull), the audit log and the live stream.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "api.h"
#include "codec.h"
#include "names.h"

namespace hailong::hub {

namespace http = boost::beast::http;
using json = nlohmann::json;

namespace {

bool ValidEntryId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (unsigned char c : id) {
    if (c <= ' ' || c == '/' || c == '\\' || c == 0x7f) return false;
  }
  return true;
}

// Splits one CSV line (RFC 4180 quoting).
std::vector<std::string> SplitCsvLine(std::string_view line) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cells.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cells.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.emplace_back();
    } else {
      cells.back() += c;
    }
  }
  return cells;
}

fb::CatalogueChangedT Entry(fb::CatalogueKind kind, std::string id, std::string name,
                            std::string office, bool retired,
                            std::map<std::string, std::string> attributes) {
  fb::CatalogueChangedT c;
  c.kind = kind;
  c.id = std::move(id);
  c.name = std::move(name);
  c.office = std::move(office);
  c.retired = retired;
  for (auto& [k, v] : attributes) {  // std::map: sorted by key, as the schema requires
    auto a = std::make_unique<fb::AttributeT>();
    a->key = k;
    a->value = v;
    c.attributes.push_back(std::move(a));
  }
  return c;
}

}  // namespace

HttpReply Api::CatalogueList(Call& call) {
  const std::string kind = call.Query("kind");
  fb::CatalogueKind k;
  if (!kind.empty() && !CatalogueKindFromName(kind, &k)) {
    return Error(call, 400, "kind không hợp lệ", "bad kind");
  }
  const std::string prefix =
      std::string(codec::kCataloguePrefix) + (kind.empty() ? "" : kind + "/");
  std::string end = prefix;
  end.back() = static_cast<char>(end.back() + 1);
  json entries = json::array();
  Status s = ctx_->log->store()->Scan(prefix, end, [&](std::string_view, std::string_view v) {
    json j = json::parse(v, nullptr, false);
    if (j.is_discarded()) return true;
    const std::string office = j.value("office", "");
    if (!office.empty() && !MaySeeOffice(call, office) &&
        !(j.value("kind", "") == "office" && MaySeeOffice(call, j.value("id", "")))) {
      return true;
    }
    if (j.value("kind", "") == "office" && !MaySeeOffice(call, j.value("id", ""))) return true;
    entries.push_back(std::move(j));
    return true;
  });
  if (!s.ok()) return Error(call, 500, "lỗi đọc dữ liệu", s.ToString());
  return Json(200, json{{"entries", entries}});
}

HttpReply Api::CataloguePost(Call& call) {
  if (!call.who.IsAdmin()) return Error(call, 403, "chỉ quản trị viên", "admins only");
  json body;
  HttpReply error;
  if (!ParseBody(call, &body, &error)) return error;
  fb::CatalogueKind kind;
  if (!body.contains("kind") || !body["kind"].is_string() ||
      !CatalogueKindFromName(body["kind"].get<std::string>(), &kind)) {
    return Error(call, 400, "kind phải là office, counter, officer, procedure hoặc field",
                 "kind must be office, counter, officer, procedure or field");
  }
  auto text = [&](const char* key, std::string* out) {
    auto it = body.find(key);
    if (it == body.end()) return true;
    if (!it->is_string()) return false;
    *out = it->get<std::string>();
    return true;
  };
  std::string id, name, office;
  if (!text("id", &id) || !ValidEntryId(id)) {
    return Error(call, 400, "id phải có 1-64 ký tự, không khoảng trắng hay '/'",
                 "id must be 1-64 characters without spaces or '/'");
  }
  if (!text("name", &name) || !text("office", &office) || name.size() > 512) {
    return Error(call, 400, "name và office phải là chuỗi", "name and office must be strings");
  }
  bool retired = false;
  if (body.contains("retired")) {
    if (!body["retired"].is_boolean())
      return Error(call, 400, "retired phải là true/false", "retired must be a boolean");
    retired = body["retired"].get<bool>();
  }
  std::map<std::string, std::string> attributes;
  if (body.contains("attributes")) {
    if (!body["attributes"].is_object())
      return Error(call, 400, "attributes phải là đối tượng", "attributes must be an object");
    for (auto it = body["attributes"].begin(); it != body["attributes"].end(); ++it) {
      if (!it->is_string())
        return Error(call, 400, "giá trị attributes phải là chuỗi",
                     "attribute values must be strings");
      attributes[it.key()] = it->get<std::string>();
    }
  }
  replication::EventDraft draft;
  draft.body.Set(Entry(kind, id, name, office, retired, std::move(attributes)));
  uint64_t seq = 0;
  Status s = AppendHubEvent(std::move(draft), &seq);
  if (!s.ok()) return Error(call, 500, "không ghi được sự kiện", s.ToString());
  Audit(call, "catalogue.change", std::string(CatalogueKindName(kind)) + ":" + id);
  return Json(200, json{{"status", "published"}, {"seq", seq}});
}

HttpReply Api::CatalogueImport(Call& call) {
  if (!call.who.IsAdmin()) return Error(call, 403, "chỉ quản trị viên", "admins only");
  std::string_view text = call.req.body();
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<std::vector<std::string>> rows;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) rows.push_back(SplitCsvLine(line));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  if (rows.empty()) return Error(call, 400, "tệp CSV rỗng", "empty CSV");
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < rows[0].size(); ++i) col[rows[0][i]] = i;
  for (const char* need : {"field_code", "field_name", "procedure_code", "procedure_name"}) {
    if (!col.count(need)) {
      return Error(call, 400, std::string("thiếu cột ") + need,
                   std::string("missing column ") + need);
    }
  }
  const std::string office = call.Query("office");
  std::map<std::string, std::string> fields;
  std::vector<replication::EventDraft> drafts;
  for (size_t r = 1; r < rows.size(); ++r) {
    auto cell = [&](const char* name) {
      auto it = col.find(name);
      return it != col.end() && it->second < rows[r].size() ? rows[r][it->second] : std::string();
    };
    const std::string fcode = cell("field_code"), pcode = cell("procedure_code");
    if (!ValidEntryId(fcode) || !ValidEntryId(pcode)) {
      return Error(call, 400, "dòng " + std::to_string(r + 1) + ": mã không hợp lệ",
                   "line " + std::to_string(r + 1) + ": bad code");
    }
    fields[fcode] = cell("field_name");
    std::map<std::string, std::string> attributes{{"field", fcode}};
    if (!cell("level").empty()) attributes["level"] = cell("level");
    replication::EventDraft d;
    d.body.Set(Entry(fb::CatalogueKind::Procedure, pcode, cell("procedure_name"), office, false,
                     std::move(attributes)));
    drafts.push_back(std::move(d));
  }
  const size_t procedures = drafts.size();
  for (const auto& [code, name] : fields) {
    replication::EventDraft d;
    d.body.Set(Entry(fb::CatalogueKind::Field, code, name, office, false, {}));
    drafts.push_back(std::move(d));
  }
  std::vector<replication::AppendResult> results;
  Status s = ctx_->log->AppendBatch(std::move(drafts), &results);
  if (!s.ok()) return Error(call, 500, "không ghi được sự kiện", s.ToString());
  Audit(call, "catalogue.import", office.empty() ? "*" : office,
        json{{"fields", fields.size()}, {"procedures", procedures}});
  ctx_->projector->WaitCaughtUp(std::chrono::seconds(5));
  return Json(200, json{{"fields", fields.size()}, {"procedures", procedures}});
}

HttpReply Api::TemplatesList(Call& call) {
  json templates = json::array();
  std::string end(codec::kTemplatePrefix);
  end.back() = static_cast<char>('/' + 1);
  Status s = ctx_->log->store()->Scan(codec::kTemplatePrefix, end,
                                      [&](std::string_view, std::string_view v) {
                                        json j = json::parse(v, nullptr, false);
                                        if (!j.is_discarded()) templates.push_back(std::move(j));
                                        return true;
                                      });
  if (!s.ok()) return Error(call, 500, "lỗi đọc dữ liệu", s.ToString());
  return Json(200, json{{"templates", templates}});
}

HttpReply Api::TemplatePost(Call& call) {
  if (!call.who.IsAdmin()) return Error(call, 403, "chỉ quản trị viên", "admins only");
  json b;
  HttpReply error;
  if (!ParseBody(call, &b, &error)) return error;
  auto bad = [&](const std::string& vi, const std::string& en) { return Error(call, 400, vi, en); };
  auto str = [](const json& o, const char* k) {
    auto it = o.find(k);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto t = std::make_unique<fb::SurveyTemplateT>();
  t->id = str(b, "id");
  if (!ValidEntryId(t->id)) return bad("id mẫu khảo sát không hợp lệ", "bad template id");
  t->name = str(b, "name");
  t->name_en = str(b, "name_en");
  if (t->name.empty()) return bad("cần tên mẫu (name)", "name is required");
  const std::string rule = str(b, "rule").empty() ? "worst_answer" : str(b, "rule");
  if (rule == "worst_answer") {
    t->rule = fb::ClassificationRule::WorstAnswer;
  } else if (rule == "all_positive") {
    t->rule = fb::ClassificationRule::AllPositive;
  } else if (rule == "overall_criterion") {
    t->rule = fb::ClassificationRule::OverallCriterion;
  } else {
    return bad("rule phải là worst_answer, all_positive hoặc overall_criterion",
               "rule must be worst_answer, all_positive or overall_criterion");
  }
  t->overall_criterion = str(b, "overall_criterion");
  t->allow_comment = b.value("allow_comment", false);
  t->allow_phone = b.value("allow_phone", false);
  if (!b.contains("criteria") || !b["criteria"].is_array() || b["criteria"].empty()) {
    return bad("cần ít nhất một tiêu chí (criteria)", "at least one criterion is required");
  }
  std::set<std::string> criterion_ids;
  for (const json& c : b["criteria"]) {
    if (!c.is_object()) return bad("tiêu chí phải là đối tượng", "criteria must be objects");
    auto crit = std::make_unique<fb::SurveyCriterionT>();
    crit->id = str(c, "id");
    crit->label = str(c, "label");
    crit->label_en = str(c, "label_en");
    if (!ValidEntryId(crit->id) || !criterion_ids.insert(crit->id).second) {
      return bad("id tiêu chí trống hoặc trùng", "criterion ids must be non-empty and unique");
    }
    if (!c.contains("options") || !c["options"].is_array() || c["options"].size() < 2) {
      return bad("tiêu chí " + crit->id + " cần ít nhất hai lựa chọn",
                 "criterion " + crit->id + " needs at least two options");
    }
    std::set<std::string> option_ids;
    for (const json& o : c["options"]) {
      auto opt = std::make_unique<fb::SurveyOptionT>();
      opt->id = o.is_object() ? str(o, "id") : "";
      opt->label = o.is_object() ? str(o, "label") : "";
      opt->label_en = o.is_object() ? str(o, "label_en") : "";
      const std::string pol = o.is_object() ? str(o, "polarity") : "";
      if (!ValidEntryId(opt->id) || !option_ids.insert(opt->id).second) {
        return bad("id lựa chọn trống hoặc trùng", "option ids must be non-empty and unique");
      }
      if (pol == "positive") {
        opt->polarity = fb::Polarity::Positive;
      } else if (pol == "negative") {
        opt->polarity = fb::Polarity::Negative;
      } else if (pol == "neutral") {
        opt->polarity = fb::Polarity::Neutral;
      } else {
        return bad("polarity phải là positive, neutral hoặc negative",
                   "polarity must be positive, neutral or negative");
      }
      crit->options.push_back(std::move(opt));
    }
    t->criteria.push_back(std::move(crit));
  }
  if (t->rule == fb::ClassificationRule::OverallCriterion &&
      !criterion_ids.count(t->overall_criterion)) {
    return bad("overall_criterion phải là một tiêu chí của mẫu",
               "overall_criterion must name one of the criteria");
  }
  uint32_t current = 0;
  std::string v;
  if (ctx_->log->store()->Get(codec::TemplateKey(t->id), &v).ok()) {
    json old = json::parse(v, nullptr, false);
    if (old.is_object()) current = old.value("version", 0u);
  }
  if (b.contains("version")) {
    if (!b["version"].is_number_unsigned())
      return bad("version phải là số nguyên dương", "version must be a positive integer");
    t->version = b["version"].get<uint32_t>();
    if (t->version <= current) {
      return Error(call, 409, "phiên bản phải lớn hơn " + std::to_string(current),
                   "version must be greater than " + std::to_string(current),
                   json{{"current_version", current}});
    }
  } else {
    t->version = current + 1;
  }
  fb::TemplatePublishedT published;
  published.template_ = std::move(t);
  const std::string id = published.template_->id;
  const uint32_t version = published.template_->version;
  replication::EventDraft draft;
  draft.body.Set(std::move(published));
  uint64_t seq = 0;
  Status s = AppendHubEvent(std::move(draft), &seq);
  if (!s.ok()) return Error(call, 500, "không ghi được sự kiện", s.ToString());
  Audit(call, "template.publish", id, json{{"version", version}});
  return Json(200, json{{"status", "published"}, {"id", id}, {"version", version}, {"seq", seq}});
}

HttpReply Api::AuditList(Call& call) {
  if (!call.who.IsAdmin()) return Error(call, 403, "chỉ quản trị viên", "admins only");
  const int64_t now = ctx_->clock->NowMs();
  int64_t from = now - int64_t{30} * 24 * 3600 * 1000, to = now + 1;
  if (call.query.count("from") && !ParseVietnamDay(call.Query("from"), &from).ok()) {
    return Error(call, 400, "from: ngày không hợp lệ", "from: bad date");
  }
  if (call.query.count("to")) {
    if (!ParseVietnamDay(call.Query("to"), &to).ok())
      return Error(call, 400, "to: ngày không hợp lệ", "to: bad date");
    to += int64_t{24} * 3600 * 1000;
  }
  json entries;
  Status s = ctx_->audit->List(from, to, 1000, &entries);
  if (!s.ok()) return Error(call, 500, "lỗi đọc dữ liệu", s.ToString());
  return Json(200, json{{"entries", entries}});
}

HttpReply Api::Stream(Call& call) {
  HttpReply r;
  r.response.result(http::status::ok);
  r.response.set(http::field::content_type, "text/event-stream; charset=utf-8");
  r.response.set(http::field::cache_control, "no-cache");
  r.response.set("X-Accel-Buffering", "no");
  r.stream = ctx_->live->Subscribe(call.who);
  return r;
}

}  // namespace hailong::hub
