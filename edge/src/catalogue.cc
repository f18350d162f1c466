#include "catalogue.h"

#include <iostream>

#include "hailong/survey/limits.h"
#include "hailong/survey/template_codec.h"

namespace hailong::edge {

const char* CatalogueKindName(fb::CatalogueKind kind) {
  switch (kind) {
    case fb::CatalogueKind::Office:
      return "office";
    case fb::CatalogueKind::Counter:
      return "counter";
    case fb::CatalogueKind::Officer:
      return "officer";
    case fb::CatalogueKind::Procedure:
      return "procedure";
    case fb::CatalogueKind::Field:
      return "field";
  }
  return "unknown";
}

Catalogue::Catalogue(std::string office_id)
    : office_id_(std::move(office_id)), templates_(survey::TemplateRegistry::WithBuiltins()) {}

void Catalogue::Apply(const fb::Event& event) {
  switch (event.body_type()) {
    case fb::EventBody::CatalogueChanged: {
      fb::CatalogueChangedT change;
      event.body_as_CatalogueChanged()->UnPackTo(&change);
      ApplyCatalogueChanged(change);
      break;
    }
    case fb::EventBody::TemplatePublished: {
      const fb::TemplatePublished* tp = event.body_as_TemplatePublished();
      if (tp->template_() == nullptr) break;
      fb::SurveyTemplateT t;
      tp->template_()->UnPackTo(&t);
      Status s = ApplyTemplate(t);
      if (!s.ok()) {
        std::cerr << "hailong-edge: template event " << event.origin()->str() << "/" << event.seq()
                  << " skipped: " << s.ToString() << "\n";
      }
      break;
    }
    default:
      break;
  }
}

void Catalogue::ApplyCatalogueChanged(const fb::CatalogueChangedT& change) {
  if (!change.office.empty() && change.office != office_id_) return;
  CatalogueEntry e;
  e.kind = change.kind;
  e.id = change.id;
  e.name = change.name;
  e.office = change.office;
  e.retired = change.retired;
  for (const auto& a : change.attributes) {
    if (a) e.attributes[a->key] = a->value;
  }
  std::unique_lock lock(mu_);
  Key key(e.kind, e.id);
  auto it = entries_.find(key);
  const bool was_live_counter =
      it != entries_.end() && it->second.kind == fb::CatalogueKind::Counter && !it->second.retired;
  // The office's own entry wins over the district-wide one, whichever came last.
  (e.office.empty() ? district_ : own_)[key] = std::move(e);
  auto own = own_.find(key);
  const CatalogueEntry& effective = own != own_.end() ? own->second : district_[key];
  const bool is_live_counter = effective.kind == fb::CatalogueKind::Counter && !effective.retired;
  if (was_live_counter) --live_counters_;
  if (is_live_counter) ++live_counters_;
  entries_[key] = effective;
}

Status Catalogue::ApplyTemplate(const fb::SurveyTemplateT& t) {
  survey::SurveyTemplate parsed;
  Status s = survey::TemplateFromFlatbuffer(t, &parsed);
  if (!s.ok()) return s;
  return templates_->Add(parsed);
}

std::optional<CatalogueEntry> Catalogue::Find(fb::CatalogueKind kind, std::string_view id) const {
  std::shared_lock lock(mu_);
  auto it = entries_.find(Key(kind, std::string(id)));
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

std::vector<CatalogueEntry> Catalogue::List(fb::CatalogueKind kind) const {
  std::shared_lock lock(mu_);
  std::vector<CatalogueEntry> out;
  for (auto it = entries_.lower_bound(Key(kind, "")); it != entries_.end(); ++it) {
    if (it->first.first != kind) break;
    if (!it->second.retired) out.push_back(it->second);
  }
  return out;
}

bool Catalogue::HasCounters() const {
  std::shared_lock lock(mu_);
  return live_counters_ > 0;
}

Status Catalogue::CheckCounter(std::string_view id) const {
  if (!survey::IsValidCounterId(id)) return Status::InvalidArgument("bad counter id");
  std::shared_lock lock(mu_);
  if (live_counters_ == 0) return Status::OK();
  auto it = entries_.find(Key(fb::CatalogueKind::Counter, std::string(id)));
  if (it == entries_.end() || it->second.retired) {
    return Status::NotFound("unknown counter '" + std::string(id) + "'");
  }
  return Status::OK();
}

std::string Catalogue::CounterTemplate(std::string_view counter) const {
  auto entry = Find(fb::CatalogueKind::Counter, counter);
  if (entry && !entry->retired) {
    std::string t = entry->Attribute("template");
    if (!t.empty() && templates_->Find(t) != nullptr) return t;
  }
  return survey::kDefaultTemplateId;
}

std::string Catalogue::Name(fb::CatalogueKind kind, std::string_view id) const {
  auto entry = Find(kind, id);
  return entry ? entry->name : std::string();
}

}  // namespace hailong::edge
