// DossierIndex: the status of every dossier this office has recorded, by
// receipt number, from the DossierRecorded events of the log; answers the
// citizens' look-up (GET /api/v1/dossiers/{receipt}, the Hà Nội plan).
//
// Thread safety: internally synchronized; every method from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "hailong/schema/events_generated.h"

namespace hailong::edge {

struct DossierStatus {
  std::string receipt;
  bool returned = false;
  std::string procedure;
  std::string field;
  std::string counter;
  std::string officer;
  int64_t due_ms = 0;          // 0 = not known
  int64_t received_at_ms = 0;  // 0 = not known
  int64_t returned_at_ms = 0;  // 0 = not returned
};

class DossierIndex {
 public:
  // Applies one DossierRecorded body (stage received or returned).
  void Apply(const fb::DossierRecordedT& d);
  std::optional<DossierStatus> Find(std::string_view receipt) const;
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, DossierStatus, std::less<>> dossiers_;
};

// A receipt number: 1-64 of [A-Za-z0-9._/-].
bool IsValidReceipt(std::string_view receipt);

}  // namespace hailong::edge
