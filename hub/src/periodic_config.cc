// The "periodic_report" section of the hub's configuration
// (periodic_config.h, hub/README.md).
#include "hailong/hub/periodic_config.h"

#include <nlohmann/json.hpp>

#include "hailong/schema/object_reader.h"
#include "hailong/schema/status_macros.h"

namespace hailong::hub {

Status ParsePeriodicReportConfig(const nlohmann::json& object, PeriodicReportConfig* out) {
  PeriodicReportConfig c = *out;
  schema::ObjectReader r(object, "periodic_report.");
  struct Key {
    const char* name;
    std::string* value;
  };
  const Key keys[] = {{"parent_body", &c.parent_body},
                      {"issuer", &c.issuer},
                      {"symbol", &c.symbol},
                      {"place", &c.place},
                      {"recipient", &c.recipient},
                      {"subject", &c.subject},
                      {"signer_authority", &c.signer_authority},
                      {"signer_title", &c.signer_title},
                      {"signer_name", &c.signer_name}};
  for (const Key& k : keys) {
    HAILONG_RETURN_IF_ERROR(r.String(k.name, false, k.value));
    if (k.value->size() > kPeriodicTextMax) {
      return r.Bad(k.name, "at most " + std::to_string(kPeriodicTextMax) + " bytes");
    }
  }
  HAILONG_RETURN_IF_ERROR(r.StringArray("copies_to", false, &c.copies_to));
  if (c.copies_to.size() > 20) return r.Bad("copies_to", "at most 20 lines");
  for (const std::string& line : c.copies_to) {
    if (line.size() > kPeriodicTextMax) {
      return r.Bad("copies_to", "each line at most " + std::to_string(kPeriodicTextMax) + " bytes");
    }
  }
  HAILONG_RETURN_IF_ERROR(r.Int("max_pages", 1, 200, &c.max_pages));
  HAILONG_RETURN_IF_ERROR(r.RejectUnknown());
  *out = std::move(c);
  return Status::OK();
}

}  // namespace hailong::hub
