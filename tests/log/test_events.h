// Event drafts for log tests.
#pragma once

#include <string>

#include "hailong/replication/event_log.h"

namespace hailong::replication::testing {

inline EventDraft RatingDraft(const std::string& id, const std::string& comment = "Rất hài lòng") {
  fb::RatingSubmittedT r;
  r.rating_id = id;
  r.office = "phuong-01";
  r.counter = "q1";
  r.device = "box-1";
  r.channel = fb::Channel::ButtonBox;
  r.template_id = "smiley-4";
  r.template_version = 1;
  auto a = std::make_unique<fb::AnswerT>();
  a->criterion = "overall";
  a->option = "very_satisfied";
  r.answers.push_back(std::move(a));
  r.classification = fb::Classification::Satisfied;
  r.comment = comment;
  r.device_time_ms = 1795000000000;
  EventDraft d;
  d.idempotency_id = id.empty() ? "" : "box-1:" + id;
  d.body.Set(std::move(r));
  return d;
}

}  // namespace hailong::replication::testing
