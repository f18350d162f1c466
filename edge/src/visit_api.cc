// The visits the office's queue system or counter software counts
// (edge_api.h), the base of participation by visits
// (hub/src/report_participation.md).
#include "api_support.h"
#include "edge_api.h"
#include "hailong/devices/payload.h"
#include "hailong/schema/time.h"

namespace hailong::edge {

using nlohmann::json;
using Context = EdgeNode::Context;

// POST /api/v1/visits: a citizen's visit from the office's queue system
// (a number issued) or counter software (a citizen served), with the
// one-stop software's token: the base of participation by visits. The
// poster's id makes a resend harmless.
void PostVisit(Context* ctx, const HttpRequest& req, HttpResponder respond) {
  if (auto denied = CheckDossierToken(ctx, req)) return respond(*denied);
  json j;
  HttpResponse error;
  if (!ParseObject(req, &j, &error)) return respond(error);
  fb::VisitRecordedT v;
  std::string source, at;
  if (!OptionalString(j, "id", &v.visit_id, &error) ||
      !OptionalString(j, "ticket", &v.ticket, &error) ||
      !OptionalString(j, "counter", &v.counter, &error) ||
      !OptionalString(j, "source", &source, &error) || !OptionalString(j, "at", &at, &error)) {
    return respond(error);
  }
  if (!IsValidReceipt(v.visit_id)) {
    return respond(HttpResponse::Error(400, "field 'id' must be 1-64 of [A-Za-z0-9._/-]"));
  }
  if (v.ticket.size() > 32) {
    return respond(HttpResponse::Error(400, "field 'ticket' is at most 32 bytes"));
  }
  if (source.empty() || source == "queue") {
    v.source = fb::VisitSource::Queue;
  } else if (source == "counter") {
    v.source = fb::VisitSource::Counter;
  } else {
    return respond(HttpResponse::Error(400, "field 'source' must be \"queue\" or \"counter\""));
  }
  if (!v.counter.empty()) {
    Status s = ctx->office.catalogue.CheckCounter(v.counter);
    if (!s.ok()) return respond(HttpResponse::Error(400, "field 'counter': " + s.message()));
  }
  const int64_t now = ctx->clock->NowMs();
  if (!at.empty() && !ParseRfc3339(at, &v.at_ms).ok()) {
    return respond(HttpResponse::Error(400, "field 'at' must be an RFC 3339 time"));
  }
  if (at.empty()) v.at_ms = now;
  v.office = ctx->config.office_id;
  OffThread(ctx, std::move(respond), [ctx, v = std::move(v)]() mutable {
    const std::string id = v.visit_id;
    replication::EventDraft draft;
    draft.idempotency_id = "visit:" + id;
    draft.body.Set(std::move(v));
    replication::AppendResult result;
    Status s = ctx->AppendAndApply(std::move(draft), &result);
    if (!s.ok()) return StatusError(s);
    if (!result.duplicate) ++ctx->metrics.visits_stored;
    return HttpResponse::Json(
        200,
        {{"id", id}, {"status", "stored"}, {"seq", result.seq}, {"duplicate", result.duplicate}});
  });
}

}  // namespace hailong::edge
