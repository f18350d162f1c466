// Private to hailong_schema: the fields of every table of
// schema/fbs/events.fbs, in schema order (TableFields, see
// event_json_codec.h). A field added to the schema is added here, in one
// line; event_json_test.cc fills every field of every body.
#pragma once

#include "event_json_codec.h"

namespace hailong::schema {
namespace json_codec {

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

}  // namespace json_codec
}  // namespace hailong::schema
