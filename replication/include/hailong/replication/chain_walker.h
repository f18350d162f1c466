// ChainWalker: walks one origin's hash chain event by event and names the
// first event that breaks it. The one walker behind EventLog::Ingest,
// EventLog::Verify and hailongctl's export check (ops/src/export_verify.cc).
//
// The walk starts after a known point `from` (seq 0 and the zero hash for
// the origin's beginning): the next event must verify, carry the origin,
// hold seq from.seq + 1 and a prev_hash equal to from.hash; each later one
// links to ChainHash(prev_hash, bytes) of the one before.
//
// Locating damage (Mode::kLocate, stored logs and export files): a broken
// link inside the walk between events a and b = a + 1 means a's bytes or
// b's prev_hash changed; the next link decides (intact: a is damaged, else
// b), or, after the last event, the recorded end given to Finish. A broken
// first link is the first event's. Mode::kRefuse (events received from
// elsewhere) refuses the first event that does not link, at once.
//
// Thread safety: one object per thread. Errors are data (damage()).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "hailong/replication/event_log.h"
#include "hailong/schema/event.h"

namespace hailong::replication {

// What broke the chain first.
enum class ChainFault {
  kNone,
  kUnreadable,   // no event where one belongs (a missing or unreadable record)
  kUnverified,   // the bytes fail the FlatBuffers Verifier
  kWrongOrigin,  // an event of another origin
  kWrongSeq,     // not the seq expected next (a gap, or misnumbered)
  kBrokenLink,   // prev_hash does not continue the chain
  kWrongEnd,     // the walk ends short of, beyond or off the recorded end
};

struct ChainDamage {
  ChainFault fault = ChainFault::kNone;
  uint64_t seq = 0;    // the damaged (or refused) event
  std::string reason;  // English, for logs and detail lines
};

class ChainWalker {
 public:
  enum class Mode { kLocate, kRefuse };

  ChainWalker(std::string origin, ChainHead from, Mode mode)
      : origin_(std::move(origin)), head_(from), mode_(mode) {}

  // The seq the next event must hold, and the events accepted so far.
  uint64_t expected_seq() const { return head_.seq + 1; }
  uint64_t count() const { return count_; }
  // The last accepted event and its chain hash (recomputed from the bytes).
  const ChainHead& head() const { return head_; }
  bool failed() const { return damage_.fault != ChainFault::kNone; }
  const ChainDamage& damage() const { return damage_; }

  // Verifies `bytes` and checks their origin without moving along the
  // chain; nullptr once damage is known. The event points into `bytes` or
  // the walker's buffer, valid until the next call.
  const fb::Event* Open(std::string_view bytes);
  // Takes an opened event as the next link. False once damage is known.
  bool Link(const fb::Event& event, std::string_view bytes);
  // Open and Link.
  bool Add(std::string_view bytes);
  // No event could be read where expected_seq() belongs (`reason`).
  void Unreadable(const std::string& reason);
  // The walk is over and `recorded` is where the chain should end (the
  // stored head, an export header's last seq and hash): checks the count
  // and settles a broken last link. False once damage is known.
  bool Finish(const ChainHead& recorded);

 private:
  void Fail(ChainFault fault, uint64_t seq, std::string reason);
  // Settles a pending broken link b = head_.seq given whether the link
  // after it holds.
  void Settle(bool next_link_ok);

  const std::string origin_;
  ChainHead head_;
  const Mode mode_;
  uint64_t count_ = 0;
  bool pending_ = false;  // the link into head_.seq is broken (kLocate)
  ChainDamage damage_;
  schema::AlignedEventBuffer aligned_;  // frames and RocksDB values sit at any address
};

}  // namespace hailong::replication
