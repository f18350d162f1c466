// The hub's cursor per pushed origin, learnt and kept, and the hub's
// refusals as Status (shipper_impl.h).
#include "shipper_impl.h"

namespace hailong::replication::shipper_internal {

Status ShipperImpl::ParseJson(const std::string& body, json* out) {
  *out = json::parse(body, nullptr, false);
  if (out->is_discarded() || !out->is_object()) {
    return Status::Corruption("hub answered with malformed JSON");
  }
  return Status::OK();
}

Status ShipperImpl::FetchCursor() {
  int code = 0;
  std::string body;
  Status s = client_.Exchange(http::verb::get, "/api/v1/replication/cursor?origin=" + current_,
                              AuthHeaders(), "", &code, &body);
  if (!s.ok()) return s;
  if (code != 200) return Refused("cursor", code, body);
  json j;
  s = ParseJson(body, &j);
  if (!s.ok()) return s;
  if (!j.contains("acked_seq") || !j["acked_seq"].is_number_unsigned()) {
    return Status::Corruption("hub cursor answer has no acked_seq");
  }
  SetAcked(j["acked_seq"].get<uint64_t>());
  std::lock_guard<std::mutex> l(mu_);
  states_[current_].have_cursor = true;
  return Status::OK();
}

Status ShipperImpl::Refused(const char* what, int code, const std::string& body) {
  std::string reason = body;
  json j = json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].is_string()) {
    reason = j["error"].get<std::string>();
  }
  if (reason.size() > 300) reason.resize(300);
  {
    std::lock_guard<std::mutex> l(mu_);
    ++status_.refusals;
  }
  const std::string msg =
      std::string("hub refused ") + what + " (HTTP " + std::to_string(code) + "): " + reason;
  if (code == 401) return Status::Unauthenticated(msg);
  if (code == 403) return Status::PermissionDenied(msg);
  if (code == 409) return Status::Conflict(msg);
  if (code >= 500) return Status::Unavailable(msg);
  return Status::InvalidArgument(msg);
}

void ShipperImpl::SetAcked(uint64_t acked) {
  std::vector<StoredEvent> next;
  int64_t oldest = 0;
  if (acked < log_->Head(current_).seq && log_->Read(current_, acked + 1, 1, 1, &next).ok() &&
      !next.empty()) {
    const fb::Event* e = nullptr;
    if (schema::VerifyEvent(next[0].bytes, &e).ok()) oldest = e->time_ms();
  }
  std::lock_guard<std::mutex> l(mu_);
  OriginState& st = states_[current_];
  st.acked = acked;
  st.oldest_unacked_ms = oldest;
}

uint64_t ShipperImpl::Acked() {
  std::lock_guard<std::mutex> l(mu_);
  auto it = states_.find(current_);
  return it == states_.end() ? 0 : it->second.acked;
}

}  // namespace hailong::replication::shipper_internal
