#include "dossier_index.h"

namespace hailong::edge {

bool IsValidReceipt(std::string_view receipt) {
  if (receipt.empty() || receipt.size() > 64) return false;
  for (char c : receipt) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.' || c == '/';
    if (!ok) return false;
  }
  return true;
}

void DossierIndex::Apply(const fb::DossierRecordedT& d) {
  std::lock_guard<std::mutex> lock(mu_);
  DossierStatus& s = dossiers_[d.receipt];
  s.receipt = d.receipt;
  // Later events fill in what earlier ones left empty and override the rest.
  if (!d.procedure.empty()) s.procedure = d.procedure;
  if (!d.field.empty()) s.field = d.field;
  if (!d.counter.empty()) s.counter = d.counter;
  if (!d.officer.empty()) s.officer = d.officer;
  if (d.due_ms != 0) s.due_ms = d.due_ms;
  if (d.stage == fb::DossierStage::Returned) {
    s.returned = true;
    s.returned_at_ms = d.at_ms;
  } else {
    s.returned = false;
    s.returned_at_ms = 0;
    s.received_at_ms = d.at_ms;
  }
}

std::optional<DossierStatus> DossierIndex::Find(std::string_view receipt) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = dossiers_.find(receipt);
  if (it == dossiers_.end()) return std::nullopt;
  return it->second;
}

size_t DossierIndex::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dossiers_.size();
}

}  // namespace hailong::edge
