// BatchApplier (batch_applier.h): follow-ups, catalogue entries and survey
// templates.
#include "api_comments.h"
#include "batch_applier.h"
#include "catalogue_entries.h"
#include "codec.h"
#include "hailong/hub/hub.h"
#include "hailong/schema/event_json.h"
#include "names.h"
#include "personal_keys.h"
#include "report_decision766.h"
#include "sign_in_names.h"

namespace hailong::hub {

namespace fb = hailong::fb;
using json = nlohmann::json;

Status BatchApplier::ApplyFollowUpOpened(const fb::Event& e, const fb::FollowUpOpened& f) {
  applied_->follow_ups++;
  const std::string id = Str(f.follow_up_id());
  const std::string key = codec::FollowUpKey(id);
  json j;
  Status s = LoadJson(key, &j);
  if (s.ok()) return Status::OK();  // opened twice: the first wins
  if (!s.IsNotFound()) return s;
  j = json{{"id", id},
           {"office", Str(f.office())},
           {"rating_origin", Str(f.rating_origin())},
           {"rating_seq", f.rating_seq()},
           {"reason", Str(f.reason())},
           {"assignee", Str(f.assignee())},
           {"status", "open"},
           {"opened_ms", e.time_ms()},
           {"updated_ms", e.time_ms()},
           {"notes", json::array()}};
  // Read models keep personal text only encrypted (personal_data.md).
  if (f.sealed_reason() != nullptr) {
    j["reason_sealed"] = PersonalKeys::SealedJson(current_origin_, nullptr, f.sealed_reason());
  }
  overlay_->Put(key, codec::Dump(j));
  applied_->offices.insert(Str(f.office()));
  if (f.rating_origin() && f.rating_origin()->size() > 0 && f.rating_seq() > 0) {
    // The projector opens follow-ups only for unsatisfied ratings, about
    // which a complaint changes no figure: no need to read the rating.
    // A suggestion a manager follows up (api_comments.cc) is no complaint.
    if (Str(f.reason()) == kSuggestionReason) return Status::OK();
    const bool opened_by_projector = Str(f.reason()).rfind(kAutoReasonPrefix, 0) == 0;
    return Complain(f.rating_origin()->str(), f.rating_seq(), opened_by_projector);
  }
  return Status::OK();
}

Status BatchApplier::ApplyFollowUpNoted(const fb::Event& e, const fb::FollowUpNoted& n) {
  applied_->follow_ups++;
  const std::string key = codec::FollowUpKey(Str(n.follow_up_id()));
  json j;
  Status s = LoadJson(key, &j);
  if (s.IsNotFound()) return Status::OK();  // the API never notes an unknown follow-up
  if (!s.ok()) return s;
  j["notes"].push_back(
      json{{"at_ms", e.time_ms()},
           {"author", Str(n.author())},
           {"action", FollowUpActionName(n.action())},
           {"note", PersonalKeys::SealedJson(current_origin_, n.note(), n.sealed_note())},
           {"assignee", Str(n.assignee())}});
  if (n.assignee() && n.assignee()->size() > 0) j["assignee"] = n.assignee()->str();
  j["updated_ms"] = e.time_ms();
  overlay_->Put(key, codec::Dump(j));
  applied_->offices.insert(j.value("office", ""));
  return Status::OK();
}

Status BatchApplier::ApplyFollowUpClosed(const fb::Event& e, const fb::FollowUpClosed& c) {
  applied_->follow_ups++;
  const std::string key = codec::FollowUpKey(Str(c.follow_up_id()));
  json j;
  Status s = LoadJson(key, &j);
  if (s.IsNotFound()) return Status::OK();
  if (!s.ok()) return s;
  if (j.value("status", "") == "closed") return Status::OK();
  j["status"] = "closed";
  j["closed_ms"] = e.time_ms();
  j["closed_by"] = Str(c.author());
  j["resolution"] =
      PersonalKeys::SealedJson(current_origin_, c.resolution(), c.sealed_resolution());
  j["updated_ms"] = e.time_ms();
  overlay_->Put(key, codec::Dump(j));
  applied_->offices.insert(j.value("office", ""));
  return Status::OK();
}

Status BatchApplier::ApplyCatalogue(const fb::Event& e, const fb::CatalogueChanged& c) {
  json attributes = json::object();
  if (c.attributes()) {
    for (const fb::Attribute* a : *c.attributes()) attributes[Str(a->key())] = Str(a->value());
  }
  const char* kind = CatalogueKindName(c.kind());
  json j{{"kind", kind},
         {"id", Str(c.id())},
         {"name", Str(c.name())},
         {"office", Str(c.office())},
         {"retired", c.retired()},
         {"attributes", attributes},
         {"updated_ms", e.time_ms()}};
  overlay_->Put(codec::CatalogueKey(kind, CatalogueOwner(kind, View(c.office())), View(c.id())),
                codec::Dump(j));
  return Status::OK();
}

Status BatchApplier::ApplyTemplate(const fb::Event& e, const fb::TemplatePublished& t) {
  const fb::SurveyTemplate* tpl = t.template_();
  if (tpl == nullptr) return Status::OK();
  const std::string key = codec::TemplateKey(Str(tpl->id()));
  json old;
  Status s = LoadJson(key, &old);
  if (s.ok() && old.value("version", 0u) > tpl->version()) return Status::OK();
  if (!s.ok() && !s.IsNotFound()) return s;
  overlay_->Put(key, codec::Dump(TemplateToJson(*tpl)));
  return Status::OK();
}

}  // namespace hailong::hub
