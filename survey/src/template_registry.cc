// The built-in survey templates and the TemplateRegistry (template.h).
#include "hailong/survey/template_registry.h"

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "builtin_template_sources.h"
#include "hailong/schema/status_macros.h"
#include "hailong/survey/template_codec.h"

namespace hailong::survey {

using nlohmann::json;

const std::vector<SurveyTemplate>& BuiltinTemplates() {
  static const std::vector<SurveyTemplate>* const kTemplates = [] {
    auto* templates = new std::vector<SurveyTemplate>();
    for (const auto& source : internal::BuiltinTemplateSources()) {
      SurveyTemplate t;
      Status s = ParseTemplate(source.json, &t);
      if (!s.ok()) {
        // A broken built-in is a build defect; the unit tests catch it.
        fprintf(stderr, "built-in template %.*s: %s\n", static_cast<int>(source.file.size()),
                source.file.data(), s.ToString().c_str());
        abort();
      }
      templates->push_back(std::move(t));
    }
    return templates;
  }();
  return *kTemplates;
}

std::unique_ptr<TemplateRegistry> TemplateRegistry::WithBuiltins() {
  auto registry = std::make_unique<TemplateRegistry>();
  for (const SurveyTemplate& t : BuiltinTemplates()) {
    Status s = registry->Add(t);
    s.PermitUncheckedError();  // built-ins are valid and distinct (unit tested)
  }
  return registry;
}

Status TemplateRegistry::Add(const SurveyTemplate& t) {
  HAILONG_RETURN_IF_ERROR(ValidateTemplate(t));
  std::lock_guard<std::mutex> lock(mu_);
  auto& versions = templates_[t.id];
  auto it = versions.find(t.version);
  if (it != versions.end()) {
    if (*it->second == t) return Status::OK();
    return Status::Conflict("template '" + t.id + "' version " + std::to_string(t.version) +
                            " already exists with different content");
  }
  versions.emplace(t.version, std::make_shared<const SurveyTemplate>(t));
  return Status::OK();
}

Status TemplateRegistry::Publish(SurveyTemplate t, uint32_t* version) {
  std::lock_guard<std::mutex> lock(mu_);
  auto found = templates_.find(t.id);
  t.version =
      (found == templates_.end() || found->second.empty()) ? 1 : found->second.rbegin()->first + 1;
  HAILONG_RETURN_IF_ERROR(ValidateTemplate(t));
  templates_[t.id].emplace(t.version, std::make_shared<const SurveyTemplate>(t));
  if (version != nullptr) *version = t.version;
  return Status::OK();
}

std::shared_ptr<const SurveyTemplate> TemplateRegistry::Find(std::string_view id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = templates_.find(id);
  if (it == templates_.end() || it->second.empty()) return nullptr;
  return it->second.rbegin()->second;
}

std::shared_ptr<const SurveyTemplate> TemplateRegistry::Find(std::string_view id,
                                                             uint32_t version) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = templates_.find(id);
  if (it == templates_.end()) return nullptr;
  auto v = it->second.find(version);
  return v == it->second.end() ? nullptr : v->second;
}

std::vector<std::shared_ptr<const SurveyTemplate>> TemplateRegistry::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::shared_ptr<const SurveyTemplate>> out;
  for (const auto& [id, versions] : templates_) {
    if (!versions.empty()) out.push_back(versions.rbegin()->second);
  }
  return out;
}

json TemplateRegistry::ToJson() const {
  json list = json::array();
  for (const auto& t : List()) list.push_back(TemplateToJson(*t));
  return {{"templates", list}};
}

size_t TemplateRegistry::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return templates_.size();
}

}  // namespace hailong::survey
