// POST /api/v1/ratings (edge_api.h): who may send a rating over HTTP, and
// the answer to each outcome of the rating intake.
#include "api_support.h"
#include "edge_api.h"
#include "hailong/devices/payload.h"
#include "hailong/schema/event_json.h"
#include "hailong/survey/rating.h"

namespace hailong::edge {

using nlohmann::json;
using Context = EdgeNode::Context;

namespace {

// A refused rating's answer: the detail as "error" (what a device's ack
// carries), the reason's label, and its texts for the citizen's screen.
json RejectionJson(const std::optional<std::string>& id, survey::RejectReason reason,
                   const std::string& detail) {
  return {{"id", id ? json(*id) : json(nullptr)},
          {"status", "rejected"},
          {"error", detail},
          {"reason", std::string(survey::ReasonLabel(reason))},
          {"message", std::string(survey::ReasonVi(reason))},
          {"message_en", std::string(survey::ReasonEn(reason))}};
}

// Who may send this rating: a `touchscreen` rating only from a kiosk
// enrolled for its counter (the kiosk's id becomes the rating's device);
// "phone" and "web" from anyone, within the per-address and per-counter
// limits, and as anonymous clients (see RatingSubmission). Empty when
// admitted, else why the rating is refused before it reaches the intake,
// with the HTTP status.
struct RatingDenial {
  int http_status;
  survey::Rejection rejection;
};

std::optional<RatingDenial> AdmitRating(Context* ctx, const HttpRequest& req, const json& body,
                                        RatingSubmission* sub) {
  std::string counter;
  if (body.is_object() && body.contains("counter") && body["counter"].is_string()) {
    counter = body["counter"].get<std::string>();
  }
  if (sub->channel == fb::Channel::Touchscreen) {
    auto kiosk = ctx->kiosks->Authenticate(BearerToken(req));
    if (!kiosk) {
      return RatingDenial{401, survey::Reject(survey::RejectReason::kKioskNotEnrolled)};
    }
    if (kiosk->counter != counter) {
      return RatingDenial{
          403, survey::Reject(
                   survey::RejectReason::kKioskOtherCounter,
                   "kiosk '" + kiosk->id + "' is enrolled for counter '" + kiosk->counter + "'")};
    }
    sub->device = kiosk->id;
    return std::nullopt;
  }
  // The body's "device" is the client's word: it names no device of the
  // office (it could otherwise take a button box's idempotency ids).
  sub->device.clear();
  sub->anonymous = true;
  sub->client = req.remote;
  switch (ctx->phone_limits.Admit(req.remote, counter, ctx->clock->NowMs())) {
    case PhoneLimits::Verdict::kAdmitted:
      return std::nullopt;
    case PhoneLimits::Verdict::kAddressLimited:
      return RatingDenial{429, survey::Reject(survey::RejectReason::kAddressLimited)};
    case PhoneLimits::Verdict::kCounterLimited:
      break;
  }
  return RatingDenial{429, survey::Reject(survey::RejectReason::kCounterLimited)};
}

}  // namespace

void PostRating(Context* ctx, HttpRequest& req, HttpResponder respond) {
  RatingSubmission sub;
  sub.channel = fb::Channel::Web;
  json j = json::parse(req.body, nullptr, false);
  auto reject = [&](const survey::Rejection& r) {
    ctx->metrics.CountRejected("http", r.reason);
    respond(HttpResponse::Json(
        400, RejectionJson(survey::ExtractRatingId(req.body), r.reason, r.detail)));
  };
  if (j.is_object()) {
    if (auto c = j.find("channel"); c != j.end()) {
      fb::Channel channel;
      if (!c->is_string()) {
        return reject(
            survey::Reject(survey::RejectReason::kWrongType, "field 'channel' must be a string"));
      }
      const std::string name = c->get<std::string>();
      if (!schema::ChannelFromName(name, &channel) ||
          (channel != fb::Channel::Touchscreen && channel != fb::Channel::Phone &&
           channel != fb::Channel::Web)) {
        return reject(
            survey::Reject(survey::RejectReason::kBadChannel, "bad channel '" + name + "'"));
      }
      sub.channel = channel;
    }
    if (auto d = j.find("device"); d != j.end() && !d->is_null()) {
      if (!d->is_string() || !devices::IsValidNodeId(d->get<std::string>())) {
        return reject(survey::Reject(survey::RejectReason::kBadDevice));
      }
      sub.device = d->get<std::string>();
    }
  }
  if (auto denied = AdmitRating(ctx, req, j, &sub)) {
    ctx->metrics.CountRejected("http", denied->rejection.reason);
    const int status = denied->http_status;
    HttpResponse r = HttpResponse::Json(
        status, RejectionJson(survey::ExtractRatingId(req.body), denied->rejection.reason,
                              denied->rejection.detail));
    if (status == 429) {
      r.headers.emplace_back("Retry-After", std::to_string(ctx->config.phone_limit_window_s));
    }
    if (status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return respond(r);
  }
  sub.payload = std::move(req.body);
  sub.from_mqtt = false;
  sub.done = [respond](const RatingOutcome& out) {
    json id = out.id ? json(*out.id) : json(nullptr);
    switch (out.kind) {
      case RatingOutcome::Kind::kStored:
        respond(HttpResponse::Json(
            200,
            {{"id", id}, {"status", "stored"}, {"seq", out.seq}, {"duplicate", out.duplicate}}));
        return;
      case RatingOutcome::Kind::kRejected:
        respond(HttpResponse::Json(out.reason == survey::RejectReason::kAlreadyRated ? 409 : 400,
                                   RejectionJson(out.id, out.reason, out.error)));
        return;
      case RatingOutcome::Kind::kStorageFull:
        respond(HttpResponse::Json(507, RejectionJson(out.id, out.reason, "storage full")));
        return;
      case RatingOutcome::Kind::kError:
        if (out.error == "no personal data key from the hub yet") {
          // Never stored in clear: the page keeps it and retries.
          respond(HttpResponse::Json(
              503, {{"id", id},
                    {"status", "error"},
                    {"error", out.error},
                    {"message",
                     "Chưa lưu được số điện thoại và ý kiến: bộ phận một cửa chưa nhận khoá mã "
                     "hoá từ máy chủ huyện. Vui lòng thử lại sau."}}));
          return;
        }
        respond(HttpResponse::Json(503, {{"id", id}, {"status", "error"}, {"error", out.error}}));
        return;
    }
  };
  if (!ctx->intake->TrySubmit(sub)) {
    respond(HttpResponse::Json(503, {{"status", "error"}, {"error", "busy, try again"}}));
  }
}

}  // namespace hailong::edge
