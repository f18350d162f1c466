// The templates a node knows: the built-ins compiled in from the offices'
// survey forms, and TemplateRegistry, every version of every template id.
//
// Thread safety: BuiltinTemplates() is immutable after its first call (which
// is itself thread-safe). TemplateRegistry is internally synchronized; every
// method may be called from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "hailong/schema/status.h"
#include "hailong/survey/survey_template.h"

namespace hailong::survey {

// The built-in templates from the offices' survey forms (survey/README.md,
// "Built-in templates"), version 1,
// in this order: binh-thanh-intake, binh-thanh-return, ha-noi-2014,
// gia-lam-phone, van-hung-2button, smiley-4. Compiled in from
// survey/templates/*.json. The reference lives for the whole program.
const std::vector<SurveyTemplate>& BuiltinTemplates();
// The id of the template a counter uses when nothing else is configured.
inline constexpr const char kDefaultTemplateId[] = "smiley-4";

// Latest version of each template id, plus older versions for looking up the
// template a stored rating was made with.
class TemplateRegistry {
 public:
  TemplateRegistry() = default;
  TemplateRegistry(const TemplateRegistry&) = delete;
  TemplateRegistry& operator=(const TemplateRegistry&) = delete;

  // A registry holding BuiltinTemplates().
  static std::unique_ptr<TemplateRegistry> WithBuiltins();

  // Validates and adds `t`. Adding an identical (id, version) again is OK
  // (idempotent, e.g. when a TemplatePublished event is replayed); a
  // different template under an existing (id, version) is Conflict. An
  // older version than the latest is kept but does not become the latest.
  Status Add(const SurveyTemplate& t);
  // Adds `t` as version latest+1 of its id (1 if new) and sets *version to
  // it (may be null). `t.version` is ignored.
  Status Publish(SurveyTemplate t, uint32_t* version);

  // The latest version of `id`, or nullptr. The pointee is immutable and
  // stays valid as long as the caller holds it.
  std::shared_ptr<const SurveyTemplate> Find(std::string_view id) const;
  // A specific version, or nullptr.
  std::shared_ptr<const SurveyTemplate> Find(std::string_view id, uint32_t version) const;
  // The latest version of every id, sorted by id.
  std::vector<std::shared_ptr<const SurveyTemplate>> List() const;
  // {"templates":[TemplateToJson(t) for t in List()]} (GET /api/v1/templates).
  nlohmann::json ToJson() const;
  size_t size() const;  // number of ids

 private:
  mutable std::mutex mu_;
  // id -> version -> template
  std::map<std::string, std::map<uint32_t, std::shared_ptr<const SurveyTemplate>>, std::less<>>
      templates_;
};

}  // namespace hailong::survey
