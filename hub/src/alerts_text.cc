#include "alerts_text.h"

#include <cstdio>

namespace hailong::hub {

const char* KindName(fb::AlertKind kind) {
  switch (kind) {
    case fb::AlertKind::UnsatisfiedShare:
      return "unsatisfied_share";
    case fb::AlertKind::OpenFollowUps:
      return "open_follow_ups";
    case fb::AlertKind::ReplicationLag:
      return "replication_lag";
    case fb::AlertKind::ForgedEvents:
      return "forged_events";
  }
  return "unknown";
}

std::string Percent(double share) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f%%", share * 100.0);
  return buf;
}

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// English text of an alert (the Vietnamese one is in the event).
std::string EnglishMessage(const std::string& kind, const std::string& office,
                           const std::string& node, uint64_t count, uint64_t total,
                           int64_t seconds) {
  if (kind == "unsatisfied_share") {
    return "Office " + office + ": " + std::to_string(count) + " of " + std::to_string(total) +
           " ratings unsatisfied (" + Percent(total ? double(count) / double(total) : 0) +
           ") in the last " + std::to_string(seconds / 60) + " min";
  }
  if (kind == "open_follow_ups") {
    return "Office " + office + ": " + std::to_string(count) + " open follow-ups";
  }
  if (kind == "forged_events") {
    return "Node " + node + " (office " + office + ") sent " + std::to_string(count) +
           " events it may not make (" + std::to_string(total) +
           " in all); they are kept as evidence and count in no figure";
  }
  return "Node " + node + " (office " + office + ") is behind: " + std::to_string(count) +
         " events, " + std::to_string(seconds) + " s";
}

}  // namespace hailong::hub
