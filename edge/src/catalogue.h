// Catalogue: the office's counters, officers, procedures and fields, and
// the survey templates, as the edge knows them from the log: the built-in
// templates, plus every CatalogueChanged and TemplatePublished event of any
// origin (the hub's configuration events, and this edge's own from its local
// catalogue file). The newest event for a (kind, id) pair wins.
//
// Entries of another office (CatalogueChanged.office set and different) are
// ignored; office "" means district-wide. The office's own entry of a
// (kind, id) wins over the district-wide one, whichever came last.
//
// Thread safety: internally synchronized; every method from any thread.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "hailong/schema/events_generated.h"
#include "hailong/schema/status.h"
#include "hailong/survey/template_registry.h"

namespace hailong::edge {

// One catalogue entry as the newest event set it.
struct CatalogueEntry {
  fb::CatalogueKind kind = fb::CatalogueKind::Counter;
  std::string id;
  std::string name;
  std::string office;
  bool retired = false;
  std::map<std::string, std::string> attributes;  // template, field, photo, ...
  std::string Attribute(const std::string& key) const {
    auto it = attributes.find(key);
    return it == attributes.end() ? std::string() : it->second;
  }
  bool operator==(const CatalogueEntry&) const = default;
};

class Catalogue {
 public:
  explicit Catalogue(std::string office_id);

  // Applies a CatalogueChanged or TemplatePublished body; other bodies are
  // ignored. A template that does not validate is skipped (logged).
  void Apply(const fb::Event& event);
  void ApplyCatalogueChanged(const fb::CatalogueChangedT& change);
  Status ApplyTemplate(const fb::SurveyTemplateT& t);

  survey::TemplateRegistry& templates() { return *templates_; }
  const survey::TemplateRegistry& templates() const { return *templates_; }

  // The entry of (kind, id), retired ones included; nullopt if never set.
  std::optional<CatalogueEntry> Find(fb::CatalogueKind kind, std::string_view id) const;
  // Live (not retired) entries of a kind, sorted by id.
  std::vector<CatalogueEntry> List(fb::CatalogueKind kind) const;
  bool HasCounters() const;

  // OK if ratings and sessions may use counter `id`: a live catalogue
  // counter, or, while the catalogue has no counters, any 1-32 of
  // [A-Za-z0-9_-]. InvalidArgument "bad counter id" / "unknown counter 'x'".
  Status CheckCounter(std::string_view id) const;
  // The template a counter uses when no shift says otherwise: its
  // "template" attribute if that template exists, else the default.
  std::string CounterTemplate(std::string_view counter) const;
  // Display name of an entry, "" if unknown.
  std::string Name(fb::CatalogueKind kind, std::string_view id) const;

 private:
  using Key = std::pair<fb::CatalogueKind, std::string>;
  const std::string office_id_;
  std::unique_ptr<survey::TemplateRegistry> templates_;
  mutable std::shared_mutex mu_;
  std::map<Key, CatalogueEntry> entries_;   // what Find and List see
  std::map<Key, CatalogueEntry> own_;       // entries naming this office
  std::map<Key, CatalogueEntry> district_;  // district-wide entries
  size_t live_counters_ = 0;
};

const char* CatalogueKindName(fb::CatalogueKind kind);  // "counter", ...

}  // namespace hailong::edge
