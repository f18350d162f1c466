// The catalogue and template administration (each change an event in the
// hub's log, which the edges pull), the audit log and the live stream.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "api.h"
#include "codec.h"
#include "hailong/survey/template_codec.h"
#include "hailong/survey/template_registry.h"
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
  // Officers the catalogue does not name, with the name they signed in with
  // at a counter ("source": "sign_in").
  if (kind.empty() || kind == "officer") {
    // (office, id); office "" names the officer in every office.
    std::set<std::pair<std::string, std::string>> named;
    for (const json& e : entries) {
      if (e.value("kind", "") == "officer") named.emplace(e.value("office", ""), e.value("id", ""));
    }
    const auto signed_in = SignInNames::All(
        *ctx_->log->store(), [&](const std::string& o) { return MaySeeOffice(call, o); });
    for (const auto& [office, officers] : signed_in) {
      for (const auto& [id, name] : officers) {
        if (named.count({office, id}) || named.count({"", id})) continue;
        entries.push_back(json{{"kind", "officer"},
                               {"id", id},
                               {"name", name},
                               {"office", office},
                               {"source", "sign_in"}});
      }
    }
  }
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

std::map<std::string, json> Api::Templates() const {
  // The built-in templates of the source documents, replaced by any newer
  // version published at the hub.
  std::map<std::string, json> templates;
  for (const survey::SurveyTemplate& t : survey::BuiltinTemplates()) {
    templates[t.id] = survey::TemplateToJson(t);
  }
  std::string end(codec::kTemplatePrefix);
  end.back() = static_cast<char>('/' + 1);
  Status s = ctx_->log->store()->Scan(
      codec::kTemplatePrefix, end, [&](std::string_view, std::string_view v) {
        json j = json::parse(v, nullptr, false);
        if (!j.is_object()) return true;
        const std::string id = j.value("id", "");
        auto it = templates.find(id);
        if (it == templates.end() || it->second.value("version", 0u) <= j.value("version", 0u)) {
          templates[id] = std::move(j);
        }
        return true;
      });
  s.PermitUncheckedError();  // a read error shows the built-ins only
  return templates;
}

HttpReply Api::TemplatesList(Call& call) {
  json templates = json::array();
  for (auto& [id, t] : Templates()) templates.push_back(std::move(t));
  return Json(200, json{{"templates", templates}});
}

HttpReply Api::TemplatePost(Call& call) {
  if (!call.who.IsAdmin()) return Error(call, 403, "chỉ quản trị viên", "admins only");
  json b;
  HttpReply error;
  if (!ParseBody(call, &b, &error)) return error;
  const std::string id = b.value("id", "");
  uint32_t current = 0;
  const auto templates = Templates();
  if (auto it = templates.find(id); it != templates.end())
    current = it->second.value("version", 0u);
  if (!b.contains("version")) b["version"] = current + 1;
  survey::SurveyTemplate t;
  Status s = survey::TemplateFromJson(b, &t);
  if (!s.ok()) return Error(call, 400, "mẫu khảo sát không hợp lệ: " + s.message(), s.message());
  if (t.version <= current) {
    return Error(call, 409, "phiên bản phải lớn hơn " + std::to_string(current),
                 "version must be greater than " + std::to_string(current),
                 json{{"current_version", current}});
  }
  fb::TemplatePublishedT published;
  published.template_ = std::make_unique<fb::SurveyTemplateT>();
  survey::TemplateToFlatbuffer(t, published.template_.get());
  replication::EventDraft draft;
  draft.body.Set(std::move(published));
  uint64_t seq = 0;
  s = AppendHubEvent(std::move(draft), &seq);
  if (!s.ok()) return Error(call, 500, "không ghi được sự kiện", s.ToString());
  Audit(call, "template.publish", t.id, json{{"version", t.version}});
  return Json(200,
              json{{"status", "published"}, {"id", t.id}, {"version", t.version}, {"seq", seq}});
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
