// Event bodies <-> JSON: the names of every enum and the fields of every
// table in schema/fbs/events.fbs. A field added to the schema is added here,
// in one line; event_json_test.cc fills every field of every body.
#include <iterator>

#include "event_json_codec.h"
#include "hailong/schema/event_json.h"

namespace hailong::schema {
namespace json_codec {

// ---- Enums ------------------------------------------------------------------

template <>
struct EnumNames<fb::Channel> {
  static constexpr NamedValue<fb::Channel> kValues[] = {
      {fb::Channel::Unknown, "unknown"},
      {fb::Channel::ButtonBox, "button_box"},
      {fb::Channel::Touchscreen, "touchscreen"},
      {fb::Channel::Phone, "phone"},
      {fb::Channel::Web, "web"},
  };
};
template <>
struct EnumNames<fb::Classification> {
  static constexpr NamedValue<fb::Classification> kValues[] = {
      {fb::Classification::Unclassified, "unclassified"},
      {fb::Classification::Satisfied, "satisfied"},
      {fb::Classification::Neutral, "neutral"},
      {fb::Classification::Unsatisfied, "unsatisfied"},
  };
};
template <>
struct EnumNames<fb::Polarity> {
  static constexpr NamedValue<fb::Polarity> kValues[] = {
      {fb::Polarity::Neutral, "neutral"},
      {fb::Polarity::Positive, "positive"},
      {fb::Polarity::Negative, "negative"},
  };
};
template <>
struct EnumNames<fb::DossierStage> {
  static constexpr NamedValue<fb::DossierStage> kValues[] = {
      {fb::DossierStage::Received, "received"},
      {fb::DossierStage::Returned, "returned"},
  };
};
template <>
struct EnumNames<fb::ClassificationRule> {
  static constexpr NamedValue<fb::ClassificationRule> kValues[] = {
      {fb::ClassificationRule::WorstAnswer, "worst_answer"},
      {fb::ClassificationRule::AllPositive, "all_positive"},
      {fb::ClassificationRule::OverallCriterion, "overall_criterion"},
  };
};
template <>
struct EnumNames<fb::CatalogueKind> {
  static constexpr NamedValue<fb::CatalogueKind> kValues[] = {
      {fb::CatalogueKind::Office, "office"},   {fb::CatalogueKind::Counter, "counter"},
      {fb::CatalogueKind::Officer, "officer"}, {fb::CatalogueKind::Procedure, "procedure"},
      {fb::CatalogueKind::Field, "field"},
  };
};
template <>
struct EnumNames<fb::FollowUpAction> {
  static constexpr NamedValue<fb::FollowUpAction> kValues[] = {
      {fb::FollowUpAction::Note, "note"},
      {fb::FollowUpAction::Assigned, "assigned"},
      {fb::FollowUpAction::CalledBack, "called_back"},
      {fb::FollowUpAction::WrittenExplanation, "written_explanation"},
      {fb::FollowUpAction::Apology, "apology"},
      {fb::FollowUpAction::Minutes, "minutes"},
  };
};

template <>
struct EnumNames<fb::AlertKind> {
  static constexpr NamedValue<fb::AlertKind> kValues[] = {
      {fb::AlertKind::UnsatisfiedShare, "unsatisfied_share"},
      {fb::AlertKind::OpenFollowUps, "open_follow_ups"},
      {fb::AlertKind::ReplicationLag, "replication_lag"},
      {fb::AlertKind::ForgedEvents, "forged_events"},
  };
};

template <>
struct EnumNames<fb::ComplaintChannel> {
  static constexpr NamedValue<fb::ComplaintChannel> kValues[] = {
      {fb::ComplaintChannel::Other, "other"},        {fb::ComplaintChannel::Letter, "letter"},
      {fb::ComplaintChannel::Hotline, "hotline"},    {fb::ComplaintChannel::Portal, "portal"},
      {fb::ComplaintChannel::InPerson, "in_person"},
  };
};

template <>
struct EnumNames<fb::RatingStage> {
  static constexpr NamedValue<fb::RatingStage> kValues[] = {
      {fb::RatingStage::Unknown, "unknown"},
      {fb::RatingStage::Intake, "intake"},
      {fb::RatingStage::Return, "return"},
  };
};

template <>
struct EnumNames<fb::VisitSource> {
  static constexpr NamedValue<fb::VisitSource> kValues[] = {
      {fb::VisitSource::Queue, "queue"},
      {fb::VisitSource::Counter, "counter"},
  };
};

// ---- Tables, in schema order --------------------------------------------------

template <>
struct TableFields<fb::AnswerT> {
  template <class V>
  static void Visit(V& v) {
    using T = fb::AnswerT;
    v("criterion", &T::criterion);
    v("option", &T::option);
  }
};

template <>
struct TableFields<fb::RatingSubmittedT> {
  template <class V>
  static void Visit(V& v) {
    using T = fb::RatingSubmittedT;
    v("rating_id", &T::rating_id);
    v("office", &T::office);
    v("counter", &T::counter);
    v("officer", &T::officer);
    v("device", &T::device);
    v("channel", &T::channel);
    v("template_id", &T::template_id);
    v("template_version", &T::template_version);
    v("answers", &T::answers);
    v("classification", &T::classification);
    v("dossier", &T::dossier);
    v("procedure", &T::procedure);
    v("field", &T::field);
    v("comment", &T::comment);
    v("phone", &T::phone);
    v("device_time", &T::device_time_ms, kTime);
    v("edge_time", &T::edge_time_ms, kTime);
    v("flags", &T::flags);
    v("consent_version", &T::consent_version);
    v("sealed_comment", &T::sealed_comment);
    v("sealed_phone", &T::sealed_phone);
    v("stage", &T::stage);
  }
};

template <>
struct TableFields<fb::DossierRecordedT> {
  template <class V>
  static void Visit(V& v) {
    using T = fb::DossierRecordedT;
    v("receipt", &T::receipt);
    v("stage", &T::stage);
    v("office", &T::office);
    v("procedure", &T::procedure);
    v("field", &T::field);
    v("counter", &T::counter);
    v("officer", &T::officer);
    v("due", &T::due_ms, kTime);
    v("at", &T::at_ms, kTime);
  }
};

template <>
struct TableFields<fb::OfficerSignedInT> {
  template <class V>
  static void Visit(V& v) {
    using T = fb::OfficerSignedInT;
    v("office", &T::office);
    v("counter", &T::counter);
    v("officer", &T::officer);
    v("officer_name", &T::officer_name);
    v("template_id", &T::template_id);
  }
};

template <>
struct TableFields<fb::OfficerSignedOutT> {
  template <class V>
  static void Visit(V& v) {
    using T = fb::OfficerSignedOutT;
    v("office", &T::office);
    v("counter", &T::counter);
    v("officer", &T::officer);
  }
};

template <>
struct TableFields<fb::DeviceSeenT> {
  template <class V>
  static void Visit(V& v) {
    using T = fb::DeviceSeenT;
    v("office", &T::office);
    v("device", &T::device);
    v("counter", &T::counter);
    v("kind", &T::kind);
    v("firmware", &T::firmware);
    v("battery_pct", &T::battery_pct);  // default -1 (not reported); 0 is written
  }
};

template <>
struct TableFields<fb::DeviceLostT> {
  template <class V>
  static void Visit(V& v) {
    using T = fb::DeviceLostT;
    v("office", &T::office);
    v("device", &T::device);
  }
};

template <>
struct TableFields<fb::SurveyOptionT> {
  template <class V>
  static void Visit(V& v) {
    using T = fb::SurveyOptionT;
    v("id", &T::id);
    v("label", &T::label);
    v("label_en", &T::label_en);
    v("polarity", &T::polarity);
  }
};

template <>
struct TableFields<fb::SurveyCriterionT> {
  template <class V>
  static void Visit(V& v) {
    using T = fb::SurveyCriterionT;
    v("id", &T::id);
    v("label", &T::label);
    v("label_en", &T::label_en);
    v("options", &T::options);
  }
};

template <>
struct TableFields<fb::SurveyTemplateT> {
  template <class V>
  static void Visit(V& v) {
    using T = fb::SurveyTemplateT;
    v("id", &T::id);
    v("version", &T::version);
    v("name", &T::name);
    v("name_en", &T::name_en);
    v("criteria", &T::criteria);
    v("rule", &T::rule);
    v("overall_criterion", &T::overall_criterion);
    v("allow_comment", &T::allow_comment);
    v("allow_phone", &T::allow_phone);
  }
};

template <>
struct TableFields<fb::TemplatePublishedT> {
  template <class V>
  static void Visit(V& v) {
    v("template", &fb::TemplatePublishedT::template_, kRequired);
  }
};

template <>
struct TableFields<fb::AttributeT> {
  template <class V>
  static void Visit(V& v) {
    using T = fb::AttributeT;
    v("key", &T::key);
    v("value", &T::value);
  }
};

template <>
struct TableFields<fb::CatalogueChangedT> {
  template <class V>
  static void Visit(V& v) {
    using T = fb::CatalogueChangedT;
    v("kind", &T::kind);
    v("id", &T::id);
    v("name", &T::name);
    v("office", &T::office);
    v("retired", &T::retired);
    v("attributes", &T::attributes);
  }
};

template <>
struct TableFields<fb::FollowUpOpenedT> {
  template <class V>
  static void Visit(V& v) {
    using T = fb::FollowUpOpenedT;
    v("follow_up_id", &T::follow_up_id);
    v("office", &T::office);
    v("rating_origin", &T::rating_origin);
    v("rating_seq", &T::rating_seq);
    v("reason", &T::reason);
    v("assignee", &T::assignee);
    v("sealed_reason", &T::sealed_reason);
  }
};

template <>
struct TableFields<fb::FollowUpNotedT> {
  template <class V>
  static void Visit(V& v) {
    using T = fb::FollowUpNotedT;
    v("follow_up_id", &T::follow_up_id);
    v("author", &T::author);
    v("action", &T::action);
    v("note", &T::note);
    v("assignee", &T::assignee);
    v("sealed_note", &T::sealed_note);
  }
};

template <>
struct TableFields<fb::FollowUpClosedT> {
  template <class V>
  static void Visit(V& v) {
    using T = fb::FollowUpClosedT;
    v("follow_up_id", &T::follow_up_id);
    v("author", &T::author);
    v("resolution", &T::resolution);
    v("sealed_resolution", &T::sealed_resolution);
  }
};

template <>
struct TableFields<fb::RatingVoidedT> {
  template <class V>
  static void Visit(V& v) {
    using T = fb::RatingVoidedT;
    v("rating_origin", &T::rating_origin);
    v("rating_seq", &T::rating_seq);
    v("reason", &T::reason);
    v("by", &T::by);
    v("sealed_reason", &T::sealed_reason);
  }
};

template <>
struct TableFields<fb::AlertRaisedT> {
  template <class V>
  static void Visit(V& v) {
    using T = fb::AlertRaisedT;
    v("alert_id", &T::alert_id);
    v("kind", &T::kind);
    v("office", &T::office);
    v("node", &T::node);
    v("count", &T::count);
    v("total", &T::total);
    v("seconds", &T::seconds);
    v("threshold", &T::threshold);
    v("message", &T::message);
  }
};

template <>
struct TableFields<fb::AlertAcknowledgedT> {
  template <class V>
  static void Visit(V& v) {
    using T = fb::AlertAcknowledgedT;
    v("alert_id", &T::alert_id);
    v("author", &T::author);
    v("note", &T::note);
    v("sealed_note", &T::sealed_note);
  }
};

template <>
struct TableFields<fb::AlertClosedT> {
  template <class V>
  static void Visit(V& v) {
    using T = fb::AlertClosedT;
    v("alert_id", &T::alert_id);
    v("author", &T::author);
    v("note", &T::note);
    v("sealed_note", &T::sealed_note);
  }
};

template <>
struct TableFields<fb::SealedTextT> {
  template <class V>
  static void Visit(V& v) {
    using T = fb::SealedTextT;
    v("key_id", &T::key_id);
    v("nonce", &T::nonce);
    v("ciphertext", &T::ciphertext);
  }
};

template <>
struct TableFields<fb::EventRefT> {
  template <class V>
  static void Visit(V& v) {
    using T = fb::EventRefT;
    v("origin", &T::origin);
    v("seq", &T::seq);
  }
};

template <>
struct TableFields<fb::PersonalDataErasedT> {
  template <class V>
  static void Visit(V& v) {
    using T = fb::PersonalDataErasedT;
    v("erasure_id", &T::erasure_id);
    v("by", &T::by);
    v("scope", &T::scope);
    v("reason", &T::reason);
    v("events", &T::events);
    v("keys", &T::keys);
  }
};

template <>
struct TableFields<fb::OfficerPinSetT> {
  template <class V>
  static void Visit(V& v) {
    using T = fb::OfficerPinSetT;
    v("office", &T::office);
    v("officer", &T::officer);
    v("pin_hash", &T::pin_hash);
    v("by", &T::by);
  }
};

template <>
struct TableFields<fb::ComplaintRecordedT> {
  template <class V>
  static void Visit(V& v) {
    using T = fb::ComplaintRecordedT;
    v("complaint_id", &T::complaint_id);
    v("office", &T::office);
    v("dossier", &T::dossier);
    v("channel", &T::channel);
    v("received", &T::received_ms, kTime);
    v("by", &T::by);
    v("sealed_note", &T::sealed_note);
  }
};

template <>
struct TableFields<fb::VisitRecordedT> {
  template <class V>
  static void Visit(V& v) {
    using T = fb::VisitRecordedT;
    v("visit_id", &T::visit_id);
    v("office", &T::office);
    v("counter", &T::counter);
    v("ticket", &T::ticket);
    v("source", &T::source);
    v("at", &T::at_ms, kTime);
  }
};

// ---- The union --------------------------------------------------------------

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

const char* ChannelName(fb::Channel c) {
  const char* name = json_codec::NameOf(c);
  return name ? name : "unknown";
}

bool ChannelFromName(std::string_view name, fb::Channel* out) {
  return json_codec::ValueOf(name, out);
}

const char* ClassificationName(fb::Classification c) {
  const char* name = json_codec::NameOf(c);
  return name ? name : "unclassified";
}

const char* PolarityName(fb::Polarity p) {
  const char* name = json_codec::NameOf(p);
  return name ? name : "unknown";
}

bool PolarityFromName(std::string_view name, fb::Polarity* out) {
  return json_codec::ValueOf(name, out);
}

const char* ComplaintChannelName(fb::ComplaintChannel c) {
  const char* name = json_codec::NameOf(c);
  return name ? name : "other";
}

bool ComplaintChannelFromName(std::string_view name, fb::ComplaintChannel* out) {
  return json_codec::ValueOf(name, out);
}

}  // namespace hailong::schema
