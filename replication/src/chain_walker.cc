#include "hailong/replication/chain_walker.h"

#include "hailong/replication/origin_names.h"

namespace hailong::replication {

namespace {

std::string SeqText(uint64_t seq) { return std::to_string(seq); }

}  // namespace

void ChainWalker::Fail(ChainFault fault, uint64_t seq, std::string reason) {
  if (failed()) return;
  damage_.fault = fault;
  if (pending_) {
    // The link into the last accepted event b was already broken: the
    // damage is in it or in its predecessor, and nothing later can tell.
    const uint64_t b = head_.seq;
    damage_.fault = ChainFault::kBrokenLink;
    damage_.seq = b - 1;
    damage_.reason = "seq " + SeqText(b - 1) + " or " + SeqText(b) +
                     " is damaged (their link is broken), and then: " + reason;
    return;
  }
  damage_.seq = seq;
  damage_.reason = std::move(reason);
}

void ChainWalker::Settle(bool next_link_ok) {
  const uint64_t b = head_.seq;
  pending_ = false;
  if (next_link_ok) {
    Fail(ChainFault::kBrokenLink, b - 1,
         "event bytes do not match the chain hash that seq " + SeqText(b) + " records for them");
  } else {
    Fail(ChainFault::kBrokenLink, b, "event does not continue the chain of seq " + SeqText(b - 1));
  }
}

const fb::Event* ChainWalker::Open(std::string_view bytes) {
  if (failed()) return nullptr;
  const fb::Event* event = nullptr;
  Status s = schema::VerifyEvent(bytes, &event, &aligned_);
  if (!s.ok()) {
    Fail(ChainFault::kUnverified, expected_seq(), "fails the FlatBuffers verifier: " + s.message());
    return nullptr;
  }
  // An origin stored under an alias ("quan-1:hub") holds events that
  // carry the name they were written under ("hub"): origin_names.h.
  if (event->origin()->string_view() != EmbeddedOrigin(origin_)) {
    Fail(ChainFault::kWrongOrigin, expected_seq(),
         "seq " + SeqText(event->seq()) + " has origin " + event->origin()->str() + ", not " +
             origin_);
    return nullptr;
  }
  return event;
}

bool ChainWalker::Link(const fb::Event& event, std::string_view bytes) {
  if (failed()) return false;
  const uint64_t seq = expected_seq();
  if (event.seq() != seq) {
    Fail(ChainFault::kWrongSeq, seq,
         event.seq() > seq
             ? "gap: expected seq " + SeqText(seq) + ", got " + SeqText(event.seq())
             : "seq " + SeqText(event.seq()) + " stands where seq " + SeqText(seq) + " belongs");
    return false;
  }
  const schema::Hash prev = schema::HashFromVector(event.prev_hash());
  const bool link_ok = prev == head_.hash;
  if (pending_) {
    Settle(link_ok);
    return false;
  }
  if (!link_ok) {
    if (mode_ == Mode::kRefuse || count_ == 0) {
      Fail(ChainFault::kBrokenLink, seq,
           "seq " + SeqText(seq) + " does not link to the chain (prev_hash mismatch)");
      return false;
    }
    pending_ = true;
  }
  head_.seq = seq;
  head_.hash = schema::ChainHash(prev, bytes);
  ++count_;
  return true;
}

bool ChainWalker::Add(std::string_view bytes) {
  const fb::Event* event = Open(bytes);
  return event != nullptr && Link(*event, bytes);
}

void ChainWalker::Unreadable(const std::string& reason) {
  Fail(ChainFault::kUnreadable, expected_seq(), reason);
}

bool ChainWalker::Finish(const ChainHead& recorded) {
  if (failed()) return false;
  if (pending_) {
    // The broken link is the last one: the recorded end decides.
    Settle(recorded.seq == head_.seq && recorded.hash == head_.hash);
    return false;
  }
  if (recorded.seq > head_.seq) {
    Fail(ChainFault::kWrongEnd, expected_seq(),
         "seq " + SeqText(expected_seq()) + " is missing (the chain ends at " +
             SeqText(recorded.seq) + ")");
  } else if (recorded.seq < head_.seq) {
    Fail(ChainFault::kWrongEnd, recorded.seq + 1,
         "events beyond the recorded end " + SeqText(recorded.seq));
  } else if (recorded.hash != head_.hash) {
    Fail(ChainFault::kWrongEnd, head_.seq, "event bytes do not match the recorded chain hash");
  }
  return !failed();
}

}  // namespace hailong::replication
