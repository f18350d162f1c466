#include "catalogue_entries.h"

#include "codec.h"

namespace hailong::hub {

std::string_view CatalogueOwner(std::string_view kind, std::string_view office) {
  return kind == "office" ? std::string_view() : office;
}

nlohmann::json FindCatalogueEntry(const replication::Store& store, std::string_view kind,
                                  std::string_view office, std::string_view id) {
  const std::string_view owner = CatalogueOwner(kind, office);
  std::string v;
  if (!store.Get(codec::CatalogueKey(kind, owner, id), &v).ok() &&
      (owner.empty() || !store.Get(codec::CatalogueKey(kind, "", id), &v).ok())) {
    return nullptr;
  }
  nlohmann::json j = nlohmann::json::parse(v, nullptr, false);
  return j.is_object() ? j : nlohmann::json(nullptr);
}

}  // namespace hailong::hub
