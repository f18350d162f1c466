// Events <-> JSON: the envelope. Bodies are in event_json_body.cc, the
// codec they share in event_json_codec.h.
//
// Beyond the header's contract, so that `hailongctl log cat` never loses a
// value written by a newer schema: an enum value without a name is written
// as its number, an unnamed flag bit as "bit_N", and an instant outside the
// years 0000-9999 as integer milliseconds; EventFromJson reads these back.
// prev_hash must be 64 hex digits when present (VerifyEvent's 32 bytes).
#include "hailong/schema/event_json.h"

#include "event_json_codec.h"

namespace hailong::schema {
namespace json_codec {

template <>
struct TableFields<fb::EventT> {
  template <class V>
  static void Visit(V& v) {
    using T = fb::EventT;
    v("origin", &T::origin);
    v("seq", &T::seq);
    v("time", &T::time_ms, kTime);
    v("idempotency_id", &T::idempotency_id);
    v("prev_hash", &T::prev_hash);
  }
};

}  // namespace json_codec

nlohmann::json EventToJson(const fb::EventT& event) {
  nlohmann::json out = json_codec::TableToJson(event);
  if (event.body.type != fb::EventBody::NONE) {
    out["type"] = EventTypeName(event.body.type);
    out["body"] = BodyToJson(event.body);
  }
  return out;
}

nlohmann::json EventToJson(const fb::Event& event) {
  fb::EventT unpacked;
  event.UnPackTo(&unpacked);
  return EventToJson(unpacked);
}

Status EventFromJson(const nlohmann::json& json, fb::EventT* out) {
  using json_codec::Error;
  try {
    fb::EventT event;
    Status s = json_codec::TableFromJson(json, "", &event, {"type", "body"});
    if (!s.ok()) return s;
    const auto type = json.find("type");
    if (type == json.end()) return Error("type", "missing");
    if (!type->is_string()) return Error("type", "expected string");
    const auto body = json.find("body");
    if (body == json.end()) return Error("body", "missing");
    s = json_codec::BodyFromJsonAt(type->get_ref<const std::string&>(), *body, "body", &event.body);
    if (!s.ok()) return s;
    *out = std::move(event);
    return Status::OK();
  } catch (const std::exception& e) {
    // Not expected (every access is type-checked first); never let one escape.
    return Status::InvalidArgument(std::string("event: ") + e.what());
  }
}

}  // namespace hailong::schema
