// Private to hailong_schema: the JSON names of every enum of
// schema/fbs/events.fbs (EnumNames, see event_json_codec.h). A value added
// to an enum is added here, in one line.
#pragma once

#include "event_json_codec.h"

namespace hailong::schema {
namespace json_codec {

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

}  // namespace json_codec
}  // namespace hailong::schema
