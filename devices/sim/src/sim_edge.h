// What devsim asks of, and tells, an edge over HTTP when given --edge-url:
// its counters and templates, and dossiers as the one-stop software would
// post them (private to hailong_devices).
//
// Thread safety: free functions, no shared state.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hailong/devsim/simulator.h"
#include "hailong/schema/status.h"
#include "hailong/survey/template_registry.h"

namespace hailong::devices::internal {

struct EdgeCounter {
  std::string id;
  std::string template_id;  // "" = the edge's default
  std::string officer;      // officer on duty, "" if none
};

struct EdgeCatalogue {
  std::vector<EdgeCounter> counters;                    // GET /api/v1/counters (may be empty)
  std::unique_ptr<survey::TemplateRegistry> templates;  // GET /api/v1/templates
};

// Reads both lists; Unavailable when the edge cannot be reached.
Status FetchEdgeCatalogue(std::string_view edge_url, EdgeCatalogue* out);

struct DossierPost {
  std::string receipt;
  std::string event;  // "received" or "returned"
  std::string procedure;
  std::string field;
  std::string counter;
  std::string officer;
  int64_t due_ms = 0;  // 0 = not given
  int64_t at_ms = 0;
};

// POST /api/v1/dossiers. Unavailable when unreachable; InvalidArgument with
// the edge's answer when it is not 200.
Status PostDossier(std::string_view edge_url, std::string_view token, const DossierPost& d);

// Procedures (code, field code) used when none are configured: a few of
// shared/catalogue-sample.csv at commune level.
const std::vector<SimProcedure>& DefaultProcedures();

}  // namespace hailong::devices::internal
