#include "catalogue_file.h"

#include <fstream>
#include <set>
#include <sstream>

#include "hailong/devices/payload.h"
#include "hailong/survey/limits.h"
#include "hailong/survey/template_codec.h"

namespace hailong::edge {
namespace {

using json = nlohmann::json;

struct Section {
  const char* name;
  fb::CatalogueKind kind;
  std::vector<const char*> attribute_keys;  // string keys stored as attributes
};

const Section kSections[] = {
    {"counters", fb::CatalogueKind::Counter, {"template"}},
    {"officers", fb::CatalogueKind::Officer, {"photo"}},
    {"procedures", fb::CatalogueKind::Procedure, {"field"}},
    {"fields", fb::CatalogueKind::Field, {}},
};

Status ParseEntry(const json& j, const Section& section, const std::string& where,
                  const std::string& office_id, CatalogueEntry* out) {
  if (!j.is_object()) return Status::InvalidArgument(where + ": must be an object");
  out->kind = section.kind;
  out->office = office_id;
  std::set<std::string> known = {"id", "name", "retired", "attributes"};
  for (const char* k : section.attribute_keys) known.insert(k);
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (known.count(it.key()) == 0) {
      return Status::InvalidArgument(where + ": unknown key \"" + it.key() + "\"");
    }
  }
  auto id = j.find("id");
  if (id == j.end()) return Status::InvalidArgument(where + ": missing key \"id\"");
  if (!id->is_string()) return Status::InvalidArgument(where + ".id: must be a string");
  out->id = id->get<std::string>();
  const bool id_ok = section.kind == fb::CatalogueKind::Counter ? survey::IsValidCounterId(out->id)
                                                                : devices::IsValidNodeId(out->id);
  if (!id_ok) {
    return Status::InvalidArgument(
        where + ".id: must be 1-" +
        std::string(section.kind == fb::CatalogueKind::Counter ? "32" : "64") +
        " letters, digits, '-' or '_'");
  }
  if (auto n = j.find("name"); n != j.end()) {
    if (!n->is_string()) return Status::InvalidArgument(where + ".name: must be a string");
    out->name = n->get<std::string>();
  }
  if (auto r = j.find("retired"); r != j.end()) {
    if (!r->is_boolean()) return Status::InvalidArgument(where + ".retired: must be true or false");
    out->retired = r->get<bool>();
  }
  if (auto a = j.find("attributes"); a != j.end()) {
    if (!a->is_object()) return Status::InvalidArgument(where + ".attributes: must be an object");
    for (auto it = a->begin(); it != a->end(); ++it) {
      if (!it->is_string()) {
        return Status::InvalidArgument(where + ".attributes." + it.key() + ": must be a string");
      }
      out->attributes[it.key()] = it->get<std::string>();
    }
  }
  for (const char* k : section.attribute_keys) {
    auto v = j.find(k);
    if (v == j.end()) continue;
    if (!v->is_string()) {
      return Status::InvalidArgument(where + "." + k + ": must be a string");
    }
    out->attributes[k] = v->get<std::string>();
  }
  return Status::OK();
}

}  // namespace

Status ParseCatalogueFile(std::string_view text, const std::string& office_id, CatalogueFile* out) {
  json root = json::parse(text.begin(), text.end(), nullptr, false);
  if (root.is_discarded()) return Status::InvalidArgument("not valid JSON");
  if (!root.is_object()) return Status::InvalidArgument("must be a JSON object");
  CatalogueFile file;
  std::set<std::string> known = {"templates"};
  for (const Section& section : kSections) {
    known.insert(section.name);
    auto it = root.find(section.name);
    if (it == root.end()) continue;
    if (!it->is_array())
      return Status::InvalidArgument(std::string(section.name) + ": must be an array");
    std::set<std::string> ids;
    for (size_t i = 0; i < it->size(); ++i) {
      const std::string where = std::string(section.name) + "[" + std::to_string(i) + "]";
      CatalogueEntry e;
      Status s = ParseEntry((*it)[i], section, where, office_id, &e);
      if (!s.ok()) return s;
      if (!ids.insert(e.id).second) {
        return Status::InvalidArgument(where + ".id: \"" + e.id + "\" appears twice");
      }
      file.entries.push_back(std::move(e));
    }
  }
  for (auto it = root.begin(); it != root.end(); ++it) {
    if (known.count(it.key()) == 0) {
      return Status::InvalidArgument("unknown key \"" + it.key() + "\"");
    }
  }
  if (auto t = root.find("templates"); t != root.end()) {
    if (!t->is_array()) return Status::InvalidArgument("templates: must be an array");
    for (size_t i = 0; i < t->size(); ++i) {
      survey::SurveyTemplate tpl;
      Status s = survey::TemplateFromJson((*t)[i], &tpl);
      if (!s.ok()) {
        return Status::InvalidArgument("templates[" + std::to_string(i) + "]." + s.message());
      }
      file.templates.push_back(std::move(tpl));
    }
  }
  *out = std::move(file);
  return Status::OK();
}

Status LoadCatalogueFile(const std::string& path, const std::string& office_id,
                         CatalogueFile* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("catalogue_file: cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  Status s = ParseCatalogueFile(text.str(), office_id, out);
  if (!s.ok()) return Status::InvalidArgument("catalogue_file " + path + ": " + s.message());
  return s;
}

Status CatalogueDelta(const CatalogueFile& file, const Catalogue& catalogue,
                      std::vector<fb::EventBodyUnion>* bodies) {
  for (const survey::SurveyTemplate& t : file.templates) {
    auto existing = catalogue.templates().Find(t.id, t.version);
    if (existing) {
      if (*existing == t) continue;
      return Status::Conflict("catalogue_file: template \"" + t.id + "\" version " +
                              std::to_string(t.version) +
                              " already exists with other content; raise its version");
    }
    fb::TemplatePublishedT tp;
    tp.template_ = std::make_unique<fb::SurveyTemplateT>();
    survey::TemplateToFlatbuffer(t, tp.template_.get());
    fb::EventBodyUnion body;
    body.Set(std::move(tp));
    bodies->push_back(std::move(body));
  }
  for (const CatalogueEntry& e : file.entries) {
    auto existing = catalogue.Find(e.kind, e.id);
    if (existing && *existing == e) continue;
    fb::CatalogueChangedT c;
    c.kind = e.kind;
    c.id = e.id;
    c.name = e.name;
    c.office = e.office;
    c.retired = e.retired;
    for (const auto& [k, v] : e.attributes) {  // std::map: sorted by key
      auto a = std::make_unique<fb::AttributeT>();
      a->key = k;
      a->value = v;
      c.attributes.push_back(std::move(a));
    }
    fb::EventBodyUnion body;
    body.Set(std::move(c));
    bodies->push_back(std::move(body));
  }
  return Status::OK();
}

}  // namespace hailong::edge
