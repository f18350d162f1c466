#include "report_names.h"

#include "catalogue_entries.h"
#include "report_rules.h"
#include "sign_in_names.h"

namespace hailong::hub {

using json = nlohmann::json;

void Names::Fill(GroupBy g, std::vector<ReportRow>* rows) {
  const char* kind = CatalogueKindOf(g);
  if (kind == nullptr) return;
  // Cached under "<kind>\0<office>\0<id>", read from the catalogue on a miss.
  std::vector<std::string> keys;
  keys.reserve(rows->size());
  for (const ReportRow& row : *rows) {
    keys.push_back(row.key.empty() ? std::string()
                                   : kind + ('\0' + OfficeOf(row)) + '\0' + row.key);
  }
  std::vector<std::string> names;
  Lookup(keys, &names, [&](size_t i, std::string* name) {
    const ReportRow& row = (*rows)[i];
    const json j = FindCatalogueEntry(store_, kind, OfficeOf(row), row.key);
    if (j.is_object()) *name = j.value("name", "");
  });
  for (size_t i = 0; i < rows->size(); ++i) (*rows)[i].name = std::move(names[i]);
  if (g != GroupBy::kOfficer) return;
  std::vector<size_t> unnamed;
  keys.clear();
  for (size_t i = 0; i < rows->size(); ++i) {
    const ReportRow& row = (*rows)[i];
    if (row.name.empty() && !row.key.empty()) {
      unnamed.push_back(i);
      keys.push_back('\0' + row.office + '\0' + row.key);
    }
  }
  Lookup(keys, &names, [&](size_t i, std::string* name) {
    const ReportRow& row = (*rows)[unnamed[i]];
    if (!store_.Get(SignInNames::NameKey(row.office, row.key), name).ok()) name->clear();
  });
  for (size_t i = 0; i < unnamed.size(); ++i) (*rows)[unnamed[i]].name = std::move(names[i]);
}

void AppendRows(Names& names, GroupBy g,
                const std::map<std::pair<std::string, std::string>, Tally>& groups, Report* out) {
  out->rows.reserve(out->rows.size() + groups.size());
  for (const auto& [k, tally] : groups) {
    ReportRow row;
    row.office = k.first;
    row.key = k.second;
    row.tally = tally;
    out->totals.Add(tally);
    out->rows.push_back(std::move(row));
  }
  names.Fill(g, &out->rows);
}

}  // namespace hailong::hub
