// Event bodies <-> JSON: one codec per member of union EventBody, built
// from the table descriptions (event_json_tables.h) and the enum names
// (event_json_enums.h); the enum name functions of event_json.h.
#include <iterator>

#include "event_json_codec.h"
#include "event_json_enums.h"
#include "event_json_tables.h"
#include "hailong/schema/event_json.h"

namespace hailong::schema {
namespace json_codec {

struct BodyCodec {
  fb::EventBody type;
  json (*to_json)(const void* body);
  Status (*from_json)(const json& in, std::string_view path, fb::EventBodyUnion* out);
};

template <class T>
constexpr BodyCodec CodecOf() {
  return {fb::EventBodyUnionTraits<T>::enum_value,
          [](const void* body) { return TableToJson(*static_cast<const T*>(body)); },
          [](const json& in, std::string_view path, fb::EventBodyUnion* out) {
            T body;
            Status s = TableFromJson(in, path, &body);
            if (s.ok()) out->Set(std::move(body));
            return s;
          }};
}

constexpr BodyCodec kBodyCodecs[] = {
    CodecOf<fb::RatingSubmittedT>(),    CodecOf<fb::DossierRecordedT>(),
    CodecOf<fb::OfficerSignedInT>(),    CodecOf<fb::OfficerSignedOutT>(),
    CodecOf<fb::DeviceSeenT>(),         CodecOf<fb::DeviceLostT>(),
    CodecOf<fb::TemplatePublishedT>(),  CodecOf<fb::CatalogueChangedT>(),
    CodecOf<fb::FollowUpOpenedT>(),     CodecOf<fb::FollowUpNotedT>(),
    CodecOf<fb::FollowUpClosedT>(),     CodecOf<fb::RatingVoidedT>(),
    CodecOf<fb::AlertRaisedT>(),        CodecOf<fb::AlertAcknowledgedT>(),
    CodecOf<fb::AlertClosedT>(),        CodecOf<fb::OfficerPinSetT>(),
    CodecOf<fb::PersonalDataErasedT>(), CodecOf<fb::ComplaintRecordedT>(),
    CodecOf<fb::VisitRecordedT>(),
};
static_assert(std::size(kBodyCodecs) == static_cast<size_t>(fb::EventBody::MAX),
              "every member of union EventBody needs a codec");

const BodyCodec* FindCodec(fb::EventBody type) {
  for (const auto& c : kBodyCodecs) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

Status BodyFromJsonAt(std::string_view type, const json& in, std::string_view path,
                      fb::EventBodyUnion* out) {
  const BodyCodec* codec = FindCodec(EventTypeFromName(type));
  if (codec == nullptr) return Error("type", "unknown event type '" + std::string(type) + "'");
  return codec->from_json(in, path, out);
}

// The name of `value`, or `fallback` for a value without a name.
template <class E>
const char* NameOr(E value, const char* fallback) {
  const char* name = NameOf(value);
  return name ? name : fallback;
}

}  // namespace json_codec

json_codec::json BodyToJson(const fb::EventBodyUnion& body) {
  const json_codec::BodyCodec* codec = json_codec::FindCodec(body.type);
  if (codec == nullptr || body.value == nullptr) return nullptr;
  return codec->to_json(body.value);
}

Status BodyFromJson(std::string_view type, const nlohmann::json& json, fb::EventBodyUnion* out) {
  try {
    return json_codec::BodyFromJsonAt(type, json, "body", out);
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("body: ") + e.what());
  }
}

const char* ChannelName(fb::Channel c) { return json_codec::NameOr(c, "unknown"); }

bool ChannelFromName(std::string_view name, fb::Channel* out) {
  return json_codec::ValueOf(name, out);
}

const char* ClassificationName(fb::Classification c) {
  return json_codec::NameOr(c, "unclassified");
}

const char* PolarityName(fb::Polarity p) { return json_codec::NameOr(p, "unknown"); }

bool PolarityFromName(std::string_view name, fb::Polarity* out) {
  return json_codec::ValueOf(name, out);
}

const char* ComplaintChannelName(fb::ComplaintChannel c) { return json_codec::NameOr(c, "other"); }

bool ComplaintChannelFromName(std::string_view name, fb::ComplaintChannel* out) {
  return json_codec::ValueOf(name, out);
}

}  // namespace hailong::schema
