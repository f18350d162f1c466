// The hub's catalogue read model (x/hub/p/cat/<kind>/<office>/<id>):
// counters, officers, procedures and fields belong to an office, or to the
// whole district (office ""); an office's own entry wins over the
// district-wide one with the same id, so two offices' counter "q1" never
// meet. Offices themselves are district-wide entries.
//
// Thread safety: reads of the store only; any thread.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "hailong/replication/store.h"

namespace hailong::hub {

// The office part of the key of an entry of `kind` that names `office`
// ("" for kind "office": an office is no office's own entry).
std::string_view CatalogueOwner(std::string_view kind, std::string_view office);

// The entry of (kind, id) as `office` sees it: its own, else the
// district-wide one; null when neither exists (or cannot be read).
nlohmann::json FindCatalogueEntry(const replication::Store& store, std::string_view kind,
                                  std::string_view office, std::string_view id);

}  // namespace hailong::hub
