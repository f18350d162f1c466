// The JSON text of the built-in survey templates (survey/templates/*.json),
// compiled in by survey/cmake/embed_templates.cmake.
#pragma once

#include <string_view>
#include <vector>

namespace hailong::survey::internal {

struct BuiltinTemplateSource {
  std::string_view file;  // "smiley-4.json"
  std::string_view json;
};

// In the order of BuiltinTemplates(); lives for the whole program.
const std::vector<BuiltinTemplateSource>& BuiltinTemplateSources();

}  // namespace hailong::survey::internal
