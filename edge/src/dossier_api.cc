// The dossiers of the one-stop software (edge_api.h): POST records a
// dossier received or returned (behind a dossier token), GET answers where
// a dossier stands.
#include "api_support.h"
#include "edge_api.h"
#include "hailong/devices/payload.h"
#include "hailong/schema/time.h"

namespace hailong::edge {

using nlohmann::json;
using Context = EdgeNode::Context;

HttpResponse GetDossier(Context* ctx, const std::string& receipt) {
  if (!IsValidReceipt(receipt)) {
    return HttpResponse::Json(
        400, {{"error", "bad receipt"}, {"message", "Số biên nhận hồ sơ chưa đúng."}});
  }
  auto d = ctx->office.dossiers.Find(receipt);
  if (!d) {
    return HttpResponse::Json(404, {{"error", "unknown receipt"},
                                    {"message", "Không tìm thấy hồ sơ số " + receipt + "."}});
  }
  json j;
  j["receipt"] = d->receipt;
  j["stage"] = d->returned ? "returned" : "received";
  j["procedure"] = d->procedure;
  j["procedure_name"] = ctx->office.catalogue.Name(fb::CatalogueKind::Procedure, d->procedure);
  j["field"] = d->field;
  j["field_name"] = ctx->office.catalogue.Name(fb::CatalogueKind::Field, d->field);
  j["counter"] = d->counter;
  j["received_at"] = TimeOrNull(d->received_at_ms);
  j["due"] = TimeOrNull(d->due_ms);
  j["returned_at"] = TimeOrNull(d->returned_at_ms);
  if (d->returned && d->due_ms != 0) {
    j["on_time"] = d->returned_at_ms <= d->due_ms;
  }
  return HttpResponse::Json(200, j);
}

void PostDossier(Context* ctx, const HttpRequest& req, HttpResponder respond) {
  if (auto denied = CheckDossierToken(ctx, req)) return respond(*denied);
  json j;
  HttpResponse error;
  if (!ParseObject(req, &j, &error)) return respond(error);
  fb::DossierRecordedT d;
  std::string event, due, at;
  if (!OptionalString(j, "receipt", &d.receipt, &error) ||
      !OptionalString(j, "event", &event, &error) ||
      !OptionalString(j, "procedure", &d.procedure, &error) ||
      !OptionalString(j, "field", &d.field, &error) ||
      !OptionalString(j, "counter", &d.counter, &error) ||
      !OptionalString(j, "officer", &d.officer, &error) ||
      !OptionalString(j, "due", &due, &error) || !OptionalString(j, "at", &at, &error)) {
    return respond(error);
  }
  if (!IsValidReceipt(d.receipt)) {
    return respond(HttpResponse::Error(400, "field 'receipt' must be 1-64 of [A-Za-z0-9._/-]"));
  }
  if (event == "received") {
    d.stage = fb::DossierStage::Received;
  } else if (event == "returned") {
    d.stage = fb::DossierStage::Returned;
  } else {
    return respond(HttpResponse::Error(400, "field 'event' must be \"received\" or \"returned\""));
  }
  if (d.procedure.size() > 64 || d.field.size() > 64) {
    return respond(HttpResponse::Error(400, "procedure and field codes are at most 64 bytes"));
  }
  if (!d.counter.empty()) {
    Status s = ctx->office.catalogue.CheckCounter(d.counter);
    if (!s.ok()) return respond(HttpResponse::Error(400, "field 'counter': " + s.message()));
  }
  if (!d.officer.empty() && !devices::IsValidNodeId(d.officer)) {
    return respond(
        HttpResponse::Error(400, "field 'officer' must be 1-64 letters, digits, '-' or '_'"));
  }
  if (!due.empty() && !ParseRfc3339(due, &d.due_ms).ok()) {
    return respond(HttpResponse::Error(400, "field 'due' must be an RFC 3339 time"));
  }
  if (!at.empty() && !ParseRfc3339(at, &d.at_ms).ok()) {
    return respond(HttpResponse::Error(400, "field 'at' must be an RFC 3339 time"));
  }
  d.office = ctx->config.office_id;
  const int64_t now = ctx->clock->NowMs();
  std::string idempotency;
  if (d.at_ms != 0) {
    idempotency = "dossier:" + d.receipt + ":" + event + ":" + std::to_string(d.at_ms);
  } else {
    d.at_ms = now;
  }
  OffThread(ctx, std::move(respond), [ctx, d = std::move(d), event, idempotency]() mutable {
    const std::string receipt = d.receipt;
    replication::EventDraft draft;
    draft.idempotency_id = idempotency;
    draft.body.Set(std::move(d));
    replication::AppendResult result;
    Status s = ctx->AppendAndApply(std::move(draft), &result);
    if (!s.ok()) return StatusError(s);
    if (!result.duplicate) ++ctx->metrics.dossiers_stored;
    return HttpResponse::Json(200, {{"receipt", receipt},
                                    {"event", event},
                                    {"status", "stored"},
                                    {"seq", result.seq},
                                    {"duplicate", result.duplicate}});
  });
}

}  // namespace hailong::edge
