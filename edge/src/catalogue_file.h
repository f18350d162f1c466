// The local catalogue file (config key "catalogue_file"): counters,
// officers, procedures, fields and templates of an office without a hub.
// Format (edge/README.md, "Local catalogue file"):
//   {"counters":  [{"id":"q1","name":"Quầy 1","template":"binh-thanh-intake"}],
//    "officers":  [{"id":"cb-nhung","name":"Nguyễn Thị Hồng Nhung","photo":"cb-nhung.jpg"}],
//    "procedures":[{"id":"HT-001","name":"Đăng ký khai sinh","field":"HT"}],
//    "fields":    [{"id":"HT","name":"Hộ tịch"}],
//    "templates": [ <template JSON, hailong/survey/template_codec.h> ]}
// Every section is optional. Entries may add "retired": true and
// "attributes": {"key":"value"}. Unknown keys are errors naming the entry.
//
// At start the edge appends a CatalogueChanged / TemplatePublished event for
// every entry that differs from what the log already says, so a file that
// did not change adds nothing.
//
// Thread safety: free functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "catalogue.h"
#include "hailong/schema/events_generated.h"
#include "hailong/schema/status.h"

namespace hailong::edge {

struct CatalogueFile {
  std::vector<CatalogueEntry> entries;
  std::vector<survey::SurveyTemplate> templates;
};

// Parses the file text. InvalidArgument naming the entry and key
// ("counters[2].template: must be a string").
Status ParseCatalogueFile(std::string_view text, const std::string& office_id, CatalogueFile* out);
Status LoadCatalogueFile(const std::string& path, const std::string& office_id, CatalogueFile* out);

// The event bodies that bring `catalogue` up to `file`: one per entry or
// template that differs. A template whose (id, version) exists with other
// content is Conflict (raise its version in the file).
Status CatalogueDelta(const CatalogueFile& file, const Catalogue& catalogue,
                      std::vector<fb::EventBodyUnion>* bodies);

}  // namespace hailong::edge
