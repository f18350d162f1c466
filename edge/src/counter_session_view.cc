// A counter's session as the kiosk and the counter's devices see it
// (edge_context.h): JSON for GET /api/v1/counters/{counter}/session and the
// retained MQTT session topic, published whenever it changes.
#include "edge_api.h"
#include "edge_context.h"
#include "hailong/devices/payload.h"
#include "hailong/survey/template_codec.h"

namespace hailong::edge {

using nlohmann::json;

namespace {

bool IsUrl(std::string_view s) {
  return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0 || s.rfind("/", 0) == 0;
}

}  // namespace

json EdgeNode::Context::SessionJson(const std::string& counter) const {
  json out;
  out["counter"] = counter;
  out["name"] = office.catalogue.Name(fb::CatalogueKind::Counter, counter);
  auto duty = office.sessions.Current(counter);
  if (duty && !duty->officer.empty()) {
    json officer;
    officer["id"] = duty->officer;
    std::string name = duty->officer_name;
    auto entry = office.catalogue.Find(fb::CatalogueKind::Officer, duty->officer);
    if (name.empty() && entry) name = entry->name;
    officer["name"] = name.empty() ? duty->officer : name;
    std::string photo = entry ? entry->Attribute("photo") : std::string();
    if (IsUrl(photo)) {
      officer["photo_url"] = photo;
    } else if (!OfficerPhotoFile(*this, duty->officer).empty()) {
      officer["photo_url"] = "/api/v1/officers/" + duty->officer + "/photo";
    } else {
      officer["photo_url"] = nullptr;
    }
    out["officer"] = officer;
  } else {
    out["officer"] = nullptr;
  }
  std::string template_id;
  if (duty && !duty->template_id.empty() && office.catalogue.templates().Find(duty->template_id)) {
    template_id = duty->template_id;
  } else {
    template_id = office.catalogue.CounterTemplate(counter);
  }
  auto tpl = office.catalogue.templates().Find(template_id);
  out["template"] = tpl ? survey::TemplateToJson(*tpl) : json(nullptr);
  auto dossier = office.sessions.Dossier(counter, clock->NowMs());
  if (dossier) {
    out["dossier"] = {{"receipt", dossier->receipt},
                      {"procedure", dossier->procedure},
                      {"field", dossier->field}};
  } else {
    out["dossier"] = nullptr;
  }
  return out;
}

void EdgeNode::Context::PublishSession(const std::string& counter) {
  if (!mqtt || !mqtt->connected()) return;
  mqtt->Publish(devices::SessionTopic(config.office_id, counter), SessionJson(counter).dump(), 1,
                true);
}

std::vector<std::string> EdgeNode::Context::KnownCounters() const {
  std::vector<std::string> out;
  if (office.catalogue.HasCounters()) {
    for (const auto& e : office.catalogue.List(fb::CatalogueKind::Counter)) out.push_back(e.id);
    return out;
  }
  return office.sessions.Counters();
}

void EdgeNode::Context::PublishAllSessions() {
  for (const auto& counter : KnownCounters()) PublishSession(counter);
}

}  // namespace hailong::edge
