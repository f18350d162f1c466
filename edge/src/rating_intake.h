// RatingIntake: turns rating payloads (from devices over MQTT and from the
// kiosk / phone pages over HTTP) into RatingSubmitted events, durably.
//
// A bounded queue feeds `threads` workers. Each worker takes up to `batch`
// submissions, validates them (survey::ParseRating against the template
// registry, the counter against the catalogue, the payload's "device"
// against the topic's), answers repeats from the log's idempotency index
// ("<device or channel>:<id>"), judges misuse, attributes the officer on
// duty at the device time (the edge's time for anonymous clients), refuses
// a second anonymous rating of one receipt and template ("already rated"),
// and appends the rest with one AppendBatch (one
// fsync for the whole batch; concurrent workers are group-committed by the
// log), then applies each stored rating to the OfficeState from the bytes
// appended, before answering. Every submission's `done` is called exactly once, on a worker
// thread, and only after the event is durable for a "stored" outcome.
//
// Thread safety: Submit from any thread (blocks while the queue is full);
// Stop from one thread, after the producers have stopped.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "client_misuse.h"
#include "counter_sessions.h"
#include "hailong/edge/metrics.h"
#include "hailong/replication/event_log.h"
#include "hailong/schema/time.h"
#include "hailong/survey/rating.h"
#include "office_state.h"
#include "personal_sealer.h"

namespace hailong::edge {

struct RatingOutcome {
  enum class Kind { kStored, kRejected, kStorageFull, kError };
  Kind kind = Kind::kError;
  std::optional<std::string> id;  // the rating's id, nullopt if it had none
  uint64_t seq = 0;               // kStored
  bool duplicate = false;         // kStored: answered from the idempotency index
  // kRejected and kStorageFull: why (its label counts the rejection and its
  // texts answer the page); kError: kInternalError.
  survey::RejectReason reason = survey::RejectReason::kNone;
  std::string error;  // kRejected: the reason's detail (the ack's "error"); kError: what failed
};

struct RatingSubmission {
  std::string payload;  // the rating JSON as received
  // MQTT: the device id of the topic (authoritative). HTTP: the optional
  // "device" of the body. "" = none (idempotency falls back to the channel).
  std::string device;
  fb::Channel channel = fb::Channel::ButtonBox;
  bool from_mqtt = false;
  // An unauthenticated client (channels "phone" and "web"): its "at" is
  // its own to choose, so its officer is the one on duty at the edge's
  // time and misuse is judged per `client` (its address, never stored) at
  // the edge's time; a receipt it names is rated once per template.
  bool anonymous = false;
  std::string client;
  std::function<void(const RatingOutcome&)> done;
};

struct RatingIntakeOptions {
  std::string office_id;
  int threads = 4;
  size_t batch = 4096;            // most ratings per AppendBatch
  size_t queue_capacity = 65536;  // Submit blocks beyond this
  survey::RatingParseOptions parse;
  // A posted dossier is attached to a button-box rating without one if it
  // was posted at most this long before the press (device time).
  int64_t dossier_attach_ms = CounterSessions::kDossierTtlMs;
};

// What the intake reads and updates; none owned, all outlive the intake.
struct RatingIntakeDeps {
  replication::EventLog* log = nullptr;
  // Judged against and reserved in before an append; each stored rating
  // is applied to it from the bytes appended.
  OfficeState* office = nullptr;
  ClientMisuse* client_misuse = nullptr;  // anonymous clients, by address
  EdgeMetrics* metrics = nullptr;
  const Clock* clock = nullptr;
  // Seals comments and phone numbers before they are appended; may be null
  // only where no rating carries them (benchmarks of the log alone).
  PersonalSealer* sealer = nullptr;
  // Called (on a worker) when a stored rating used up its counter's posted
  // dossier, so the session topic can be republished.
  std::function<void(const std::string& counter)> on_dossier_used;
};

class RatingIntake {
 public:
  RatingIntake(RatingIntakeOptions options, RatingIntakeDeps deps);
  ~RatingIntake();
  RatingIntake(const RatingIntake&) = delete;
  RatingIntake& operator=(const RatingIntake&) = delete;

  void Start();
  // Queues a submission; blocks while the queue is full. After Stop, the
  // submission is answered kError at once.
  void Submit(RatingSubmission submission);
  // Queues without waiting; false (and `submission` untouched) when the
  // queue is full or the intake is stopping. For the HTTP threads.
  bool TrySubmit(RatingSubmission& submission);
  size_t depth() const;
  // Finishes what is queued, then joins the workers. Idempotent.
  void Stop();

 private:
  struct Pending;
  void Work();
  void Process(std::vector<RatingSubmission>& batch);
  bool Prepare(RatingSubmission& sub, int64_t now_ms, Pending* out, RatingOutcome* early);

  const RatingIntakeOptions options_;
  const RatingIntakeDeps deps_;
  mutable std::mutex mu_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<RatingSubmission> queue_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

// The idempotency id of a rating in the log.
std::string RatingIdempotencyId(std::string_view device, fb::Channel channel,
                                std::string_view rating_id);

}  // namespace hailong::edge
