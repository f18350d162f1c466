// POST /api/v1/counters/{counter}/sign-in and /sign-out (edge_api.h): an
// officer takes or leaves a counter, with the PIN as the credential
// (officer_sign_in.cc checks it); each records an event.
#include "api_support.h"
#include "edge_api.h"
#include "hailong/devices/payload.h"

namespace hailong::edge {

using nlohmann::json;
using Context = EdgeNode::Context;

namespace {

// Appends a sign-in or sign-out and answers with the counter's session as
// it now stands, plus the event's seq.
HttpResponse RecordSessionChange(Context* ctx, const std::string& counter,
                                 replication::EventDraft draft) {
  replication::AppendResult result;
  Status s = ctx->AppendAndApply(std::move(draft), &result);
  if (!s.ok()) return StatusError(s);
  json body = ctx->SessionJson(counter);
  body["seq"] = result.seq;
  return HttpResponse::Json(200, body);
}

}  // namespace

// The officer and the PIN (officer_sign_in.cc) are the credential; the
// name comes from the catalogue (a client's "name" is ignored).
void PostSignIn(Context* ctx, const std::string& counter, const HttpRequest& req,
                HttpResponder respond) {
  Status s = ctx->office.catalogue.CheckCounter(counter);
  if (!s.ok()) return respond(CounterError(s));
  json j;
  HttpResponse error;
  if (!ParseObject(req, &j, &error)) return respond(error);
  std::string officer, template_id;
  if (!OptionalString(j, "officer", &officer, &error) ||
      !OptionalString(j, "template", &template_id, &error)) {
    return respond(error);
  }
  if (!devices::IsValidNodeId(officer)) {
    return respond(
        HttpResponse::Error(400, "field 'officer' must be 1-64 letters, digits, '-' or '_'"));
  }
  if (!template_id.empty() && ctx->office.catalogue.templates().Find(template_id) == nullptr) {
    return respond(HttpResponse::Error(400, "unknown template '" + template_id + "'"));
  }
  std::string pin;
  if (auto refused = AdmitPin(ctx, counter, officer, j, &pin)) return respond(*refused);
  OffThread(ctx, std::move(respond), [ctx, counter, officer, template_id, pin] {
    if (auto refused = CheckAdmittedPin(ctx, counter, officer, pin, "sign-in")) return *refused;
    fb::OfficerSignedInT in;
    in.office = ctx->config.office_id;
    in.counter = counter;
    in.officer = officer;
    in.officer_name = ctx->office.catalogue.Name(fb::CatalogueKind::Officer, officer);
    in.template_id = template_id;
    replication::EventDraft draft;
    draft.body.Set(std::move(in));
    return RecordSessionChange(ctx, counter, std::move(draft));
  });
}

// The PIN of the officer on duty is the credential.
void PostSignOut(Context* ctx, const std::string& counter, const HttpRequest& req,
                 HttpResponder respond) {
  Status s = ctx->office.catalogue.CheckCounter(counter);
  if (!s.ok()) return respond(CounterError(s));
  json j = json::object();
  HttpResponse error;
  if (!req.body.empty() && !ParseObject(req, &j, &error)) return respond(error);
  std::string officer;
  if (!OptionalString(j, "officer", &officer, &error)) return respond(error);
  auto duty = ctx->office.sessions.Current(counter);
  const std::string on_duty = duty ? duty->officer : std::string();
  if (!officer.empty() && !on_duty.empty() && officer != on_duty) {
    return respond(HttpResponse::Error(
        409, "officer '" + officer + "' is not on duty at counter '" + counter + "'"));
  }
  std::string pin;
  if (on_duty.empty()) {  // nobody to sign out: nothing is stored
    if (!j.contains("pin")) {
      return respond(HttpResponse::Json(401, {{"error", "Cần nhập mã PIN của cán bộ."},
                                              {"error_en", "the officer's PIN is required"}}));
    }
    return respond(HttpResponse::Json(200, ctx->SessionJson(counter)));
  }
  if (auto refused = AdmitPin(ctx, counter, on_duty, j, &pin)) return respond(*refused);
  OffThread(ctx, std::move(respond), [ctx, counter, on_duty, pin] {
    if (auto refused = CheckAdmittedPin(ctx, counter, on_duty, pin, "sign-out")) return *refused;
    auto duty = ctx->office.sessions.Current(counter);
    if (!duty || duty->officer != on_duty) {
      return HttpResponse::Error(
          409, "officer '" + on_duty + "' is no longer on duty at counter '" + counter + "'");
    }
    fb::OfficerSignedOutT out;
    out.office = ctx->config.office_id;
    out.counter = counter;
    out.officer = duty->officer;
    replication::EventDraft draft;
    draft.body.Set(std::move(out));
    return RecordSessionChange(ctx, counter, std::move(draft));
  });
}

}  // namespace hailong::edge
