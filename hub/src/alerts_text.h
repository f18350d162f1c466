// The words of alerts: the kind's name and the English message (the
// Vietnamese one is in the event), with the numbers as the messages write
// them. Private to alerts*.cc.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "hailong/schema/events_generated.h"

namespace hailong::hub {

// "unsatisfied_share", "open_follow_ups", "replication_lag",
// "forged_events" ("unknown" for another value).
const char* KindName(fb::AlertKind kind);
// 0.25 -> "25%".
std::string Percent(double share);
// Shortest text of `v` ("%g").
std::string Number(double v);
// English text of an alert (the Vietnamese one is in the event).
std::string EnglishMessage(const std::string& kind, const std::string& office,
                           const std::string& node, uint64_t count, uint64_t total,
                           int64_t seconds);

}  // namespace hailong::hub
