#include "chain_checker.h"

#include <string>

#include "hailong/schema/event.h"

namespace hailong::ops {

void ChainChecker::Fail(uint64_t seq, const std::string& reason) {
  failed_ = true;
  damage_.origin = range_.origin;
  if (pending_) {
    // The link before the last accepted event was already broken: the
    // damage is in it or in its predecessor, and nothing later can tell.
    const uint64_t b = expected_seq() - 1;
    damage_.seq = b - 1;
    damage_.reason = "seq " + std::to_string(b - 1) + " or " + std::to_string(b) +
                     " is damaged (their link is broken), and then: " + reason;
    return;
  }
  damage_.seq = seq;
  damage_.reason = reason;
}

bool ChainChecker::Add(std::string_view bytes) {
  if (failed_) return false;
  const uint64_t seq = expected_seq();
  const fb::Event* event = nullptr;
  Status s = schema::VerifyEvent(bytes, &event, &aligned_);
  if (!s.ok()) {
    Fail(seq, s.message());
    return false;
  }
  if (event->origin()->string_view() != range_.origin) {
    Fail(seq, "frame holds an event of origin " + event->origin()->str() + " where seq " +
                  std::to_string(seq) + " of " + range_.origin + " belongs");
    return false;
  }
  if (event->seq() != seq) {
    Fail(seq, "frame holds seq " + std::to_string(event->seq()) + " where seq " +
                  std::to_string(seq) + " belongs");
    return false;
  }
  const schema::Hash stored_prev = schema::HashFromVector(event->prev_hash());
  const schema::Hash& want_prev = count_ == 0 ? range_.first_prev_hash : prev_self_;
  const bool link_ok = stored_prev == want_prev;
  if (pending_) {
    // Broken link (a, b) with b = seq - 1; this link (b, seq) decides.
    const uint64_t b = seq - 1;
    failed_ = true;
    damage_.origin = range_.origin;
    if (link_ok) {
      damage_.seq = b - 1;
      damage_.reason = "event bytes do not match the chain hash that seq " + std::to_string(b) +
                       " records for them";
    } else {
      damage_.seq = b;
      damage_.reason = "event does not continue the chain of seq " + std::to_string(b - 1);
    }
    return false;
  }
  if (!link_ok) {
    if (count_ == 0) {
      Fail(seq, "prev_hash does not match the header's first_prev_hash");
      return false;
    }
    pending_ = true;
  }
  prev_self_ = schema::ChainHash(stored_prev, bytes);
  ++count_;
  return true;
}

void ChainChecker::Unreadable(const std::string& reason) {
  if (!failed_) Fail(expected_seq(), reason);
}

bool ChainChecker::Finish() {
  if (failed_) return false;
  if (count_ < range_.events()) {
    Fail(expected_seq(), "event is missing from the file");
    return false;
  }
  const bool last_ok = prev_self_ == range_.last_hash;
  if (pending_) {
    const uint64_t b = range_.last_seq;
    failed_ = true;
    damage_.origin = range_.origin;
    if (last_ok) {
      damage_.seq = b - 1;
      damage_.reason = "event bytes do not match the chain hash that seq " + std::to_string(b) +
                       " records for them";
    } else {
      damage_.seq = b;
      damage_.reason = "event does not continue the chain of seq " + std::to_string(b - 1);
    }
    return false;
  }
  if (!last_ok) {
    Fail(range_.last_seq, "event bytes do not match the header's last_hash");
    return false;
  }
  return true;
}

}  // namespace hailong::ops
