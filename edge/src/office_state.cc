// OfficeState::Apply: how each event changes the office state (see
// office_state.h).
#include "office_state.h"

#include "hailong/survey/rating.h"

namespace hailong::edge {

OfficeChange OfficeState::Apply(std::string_view origin, const fb::Event& event) {
  OfficeChange change;
  const fb::EventBody type = event.body_type();
  if (type == fb::EventBody::CatalogueChanged || type == fb::EventBody::TemplatePublished) {
    catalogue.Apply(event);
    change.catalogue = true;
    return change;
  }
  // Sessions, dossiers, ratings and devices are this office's own facts.
  if (origin != own_origin_) return change;
  switch (type) {
    case fb::EventBody::OfficerSignedIn: {
      const auto* e = event.body_as_OfficerSignedIn();
      change.counter = flatbuffers::GetString(e->counter());
      sessions.SignIn(change.counter, flatbuffers::GetString(e->officer()),
                      flatbuffers::GetString(e->officer_name()),
                      flatbuffers::GetString(e->template_id()), event.time_ms());
      break;
    }
    case fb::EventBody::OfficerSignedOut: {
      const auto* e = event.body_as_OfficerSignedOut();
      change.counter = flatbuffers::GetString(e->counter());
      sessions.SignOut(change.counter, event.time_ms());
      break;
    }
    case fb::EventBody::DossierRecorded: {
      fb::DossierRecordedT d;
      event.body_as_DossierRecorded()->UnPackTo(&d);
      dossiers.Apply(d);
      if (!d.counter.empty()) {
        sessions.SetDossier(d.counter,
                            CounterDossier{d.receipt, d.procedure, d.field, event.time_ms()});
        change.counter = d.counter;
      }
      break;
    }
    case fb::EventBody::RatingSubmitted: {
      const auto* r = event.body_as_RatingSubmitted();
      const std::string device = flatbuffers::GetString(r->device());
      if (!device.empty()) {
        devices::MisuseVerdict v;
        const auto flags = static_cast<uint32_t>(r->flags());
        v.suspected_misuse = flags & static_cast<uint32_t>(fb::RatingFlags::SuspectedMisuse);
        v.resent = flags & static_cast<uint32_t>(fb::RatingFlags::Resent);
        misuse.Remember(device, flatbuffers::GetString(r->rating_id()), r->device_time_ms(), v);
      }
      if (!device.empty()) {
        devices.Rating(device, flatbuffers::GetString(r->counter()),
                       r->edge_time_ms() != 0 ? r->edge_time_ms() : event.time_ms());
      }
      if (r->dossier() != nullptr && r->dossier()->size() > 0) {
        const std::string counter = flatbuffers::GetString(r->counter());
        if (sessions.ConsumeDossier(counter, r->dossier()->str())) change.counter = counter;
        if (r->channel() == fb::Channel::Phone || r->channel() == fb::Channel::Web) {
          rated.Remember(r->dossier()->str(),
                         survey::ReceiptSlot(flatbuffers::GetString(r->template_id()), r->stage()),
                         flatbuffers::GetString(event.idempotency_id()));
        }
      }
      break;
    }
    case fb::EventBody::DeviceSeen: {
      const auto* e = event.body_as_DeviceSeen();
      DeviceStatusReport report;
      report.online = true;
      report.counter = flatbuffers::GetString(e->counter());
      report.kind = flatbuffers::GetString(e->kind());
      report.firmware = flatbuffers::GetString(e->firmware());
      report.battery_pct = e->battery_pct();
      devices.Status(flatbuffers::GetString(e->device()), report, event.time_ms());
      break;
    }
    case fb::EventBody::DeviceLost: {
      devices.Status(flatbuffers::GetString(event.body_as_DeviceLost()->device()),
                     DeviceStatusReport{}, event.time_ms());
      break;
    }
    default:
      break;
  }
  return change;
}

OfficeChange OfficeState::Apply(const replication::AppendResult& appended) {
  if (appended.duplicate || appended.bytes.empty()) return {};
  // Bytes this process's log just serialized and wrote: no Verifier needed.
  const auto* event = flatbuffers::GetRoot<fb::Event>(appended.bytes.data());
  return Apply(event->origin()->string_view(), *event);
}

}  // namespace hailong::edge
