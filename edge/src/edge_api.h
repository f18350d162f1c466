// The endpoints of the edge's HTTP API (edge/README.md, "HTTP API"), one
// function each, grouped by file; HandleHttp (edge_api.cc) routes to them.
//
// Thread safety: every function runs on an HTTP thread and touches only
// the internally synchronized components of the context. Endpoints that
// append hand the work to the rating intake or the blocking pool and call
// `respond` from there, exactly once. Ownership: ctx outlives every call
// and every answer (the node stops the server and joins the pool first).
// Errors: answered as HTTP statuses with a JSON body, never thrown.
#pragma once

#include <string>
#include <string_view>

#include "edge_context.h"
#include "http_server.h"

namespace hailong::edge {

// Routes and answers one HTTP request (edge_api.cc).
void HandleHttp(EdgeNode::Context* ctx, HttpRequest request, HttpResponder respond);

// ---- read_api.cc: what the office looks like now ----------------------------

// GET /api/v1/status: the log, replication, broker, disk and PIN list.
HttpResponse GetStatus(EdgeNode::Context* ctx);
// GET /api/v1/officers: the catalogue's officers (no hashes).
HttpResponse GetOfficers(EdgeNode::Context* ctx);
// GET /api/v1/counters: each counter with its template and officer.
HttpResponse GetCounters(EdgeNode::Context* ctx);
// GET /api/v1/counters/{counter}/session.
HttpResponse GetSession(EdgeNode::Context* ctx, const std::string& counter);
// GET /api/v1/officers/{officer}/photo.
HttpResponse GetPhoto(EdgeNode::Context* ctx, const std::string& officer);
// GET /qr/{counter|receipt}/{id}.{png|svg}: the phone survey's link.
HttpResponse GetQr(EdgeNode::Context* ctx, std::string_view kind, std::string_view file,
                   const HttpRequest& req);

// The file of an officer's photo in config.photo_dir ("" if none): the
// catalogue's "photo" file name, else "<officer>.jpg|.jpeg|.png|.webp|.svg".
std::string OfficerPhotoFile(const EdgeNode::Context& ctx, const std::string& officer);

// ---- rating_api.cc ------------------------------------------------------------

// POST /api/v1/ratings: a kiosk's, a phone's or a web page's rating, judged
// by the rating intake like an MQTT one.
void PostRating(EdgeNode::Context* ctx, HttpRequest& req, HttpResponder respond);

// ---- sign_in_api.cc -------------------------------------------------------------

// POST /api/v1/counters/{counter}/sign-in and /sign-out, with the officer's PIN.
void PostSignIn(EdgeNode::Context* ctx, const std::string& counter, const HttpRequest& req,
                HttpResponder respond);
void PostSignOut(EdgeNode::Context* ctx, const std::string& counter, const HttpRequest& req,
                 HttpResponder respond);

// ---- dossier_api.cc -------------------------------------------------------------

// POST /api/v1/dossiers (dossier token): a dossier received or returned.
void PostDossier(EdgeNode::Context* ctx, const HttpRequest& req, HttpResponder respond);

// ---- visit_api.cc ---------------------------------------------------------------

// POST /api/v1/visits (dossier token): a queue number issued or a citizen served.
void PostVisit(EdgeNode::Context* ctx, const HttpRequest& req, HttpResponder respond);
// GET /api/v1/dossiers/{receipt}.
HttpResponse GetDossier(EdgeNode::Context* ctx, const std::string& receipt);

// ---- credentials ------------------------------------------------------------------

// /api/v1/admin/<what> (admin_api.cc): bearer token of admin_token_sha256.
void HandleAdmin(EdgeNode::Context* ctx, const HttpRequest& request, const std::string& what,
                 HttpResponder respond);

// The PIN of a counter sign-in or sign-out (officer_sign_in.cc). AdmitPin
// runs on the HTTP thread before any work: 401 when the body has no "pin",
// 400 when it is not 4-8 digits, 403 when `officer` has no PIN set, 429 when
// the officer or the counter is over the wrong-PIN limit; else it counts
// the attempt and returns nullopt with *pin set. CheckAdmittedPin runs off
// the I/O threads (Argon2id): 403 for a wrong PIN (logged, without the PIN),
// nullopt when right. `action` is "sign-in" or "sign-out", for the log.
std::optional<HttpResponse> AdmitPin(EdgeNode::Context* ctx, const std::string& counter,
                                     const std::string& officer, const nlohmann::json& body,
                                     std::string* pin);
std::optional<HttpResponse> CheckAdmittedPin(EdgeNode::Context* ctx, const std::string& counter,
                                             const std::string& officer, const std::string& pin,
                                             const char* action);
// The bearer token of the Authorization header, "" if none.
std::string BearerToken(const HttpRequest& request);

// 401 unless the request carries a token of dossier_tokens_sha256
// (kiosk_api.cc); empty when authorized.
std::optional<HttpResponse> CheckDossierToken(const EdgeNode::Context* ctx,
                                              const HttpRequest& request);

// /api/v1/kiosks/<what> (kiosk_api.cc): "enroll" (redeem a one-time code)
// and "me" (the kiosk a credential belongs to).
void HandleKiosks(EdgeNode::Context* ctx, const HttpRequest& request, std::string_view what,
                  HttpResponder respond);

// /api/v1/admin/kiosks (kiosk_api.cc), after the admin token was checked:
// POST makes a kiosk and its enrollment code, GET lists, DELETE revokes.
void HandleAdminKiosks(EdgeNode::Context* ctx, const HttpRequest& request, HttpResponder respond);

}  // namespace hailong::edge
