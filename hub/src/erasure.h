// Eraser: erases a citizen's personal text (replication/doc/personal_data.md)
// by rating, by phone number, or by age (retention), and records each
// erasure as a PersonalDataErased event of origin hub-private that holds no
// personal data. The data keys are destroyed in the key store
// (PersonalKeys::Erase); the events stay, so the log's chain, replication,
// rebuilds and every count are unchanged.
//
// What one erasure covers: the rating's comment and phone number, and the
// texts of every follow-up opened for it (reason, notes, resolution).
//
// Thread safety: every method may be called concurrently (erasures are
// serialized inside).
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "hailong/replication/event_log.h"
#include "hailong/schema/time.h"
#include "personal_keys.h"

namespace hailong::hub {

struct ErasureResult {
  nlohmann::json summary;  // {"id","at","by","scope","reason","ratings","keys","pending"}
};

class Eraser {
 public:
  Eraser(replication::EventLog* log, PersonalKeys* keys, const Clock* clock)
      : log_(log), keys_(keys), clock_(clock) {}

  // The rating (origin, seq) must exist: NotFound otherwise.
  Status ByRating(const std::string& origin, uint64_t seq, const std::string& by,
                  const std::string& reason, ErasureResult* out);
  // Every rating whose phone number is `phone` (digits compared; +84 = 0).
  // Ratings whose key has not reached the hub cannot be read: counted in
  // "pending" (they are erased by retention, or again once their key came).
  Status ByPhone(const std::string& phone, const std::string& by, const std::string& reason,
                 ErasureResult* out);
  // Personal text older than `days` (by when its key was made or reached
  // the hub), except that of follow-ups still open.
  Status Retention(int64_t days, ErasureResult* out);

  // Runs Retention every `interval_s` on a thread until Stop.
  void StartRetention(int64_t days, int64_t interval_s);
  // Runs the retention sweep now (a follow-up closed: its texts may be due).
  void Wake();
  void Stop();
  ~Eraser() { Stop(); }

 private:
  // Key refs and legacy (origin, seq) of one rating and of its follow-ups.
  Status Collect(const std::string& origin, uint64_t seq, std::vector<std::string>* refs,
                 std::vector<std::pair<std::string, uint64_t>>* legacy);
  // Key refs of the follow-ups still open (retention keeps them).
  Status HeldByOpenFollowUps(std::vector<std::string>* refs);
  Status Finish(const std::string& scope, const std::string& by, const std::string& reason,
                const std::vector<std::pair<std::string, uint64_t>>& ratings,
                std::vector<std::string> refs,
                const std::vector<std::pair<std::string, uint64_t>>& legacy, size_t pending,
                ErasureResult* out);

  replication::EventLog* log_;
  PersonalKeys* keys_;
  const Clock* clock_;
  std::mutex mu_;  // one erasure at a time
  std::thread sweeper_;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  bool wake_ = false;
};

// Digits of a phone number, "+84 912..." and "0912..." alike.
std::string PhoneDigits(std::string_view phone);

}  // namespace hailong::hub
