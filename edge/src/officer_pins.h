// OfficerPins: the hashes of the officers' counter PINs this edge checks
// sign-ins and sign-outs against (edge/README.md, "Officer PINs"), and the
// limiter of wrong PINs.
//
// Where the hashes come from:
//  - the hub: a manager sets a PIN there; the Shipper's side fetch
//    (GET /api/v1/replication/officer-pins?known=<version>) brings the
//    Argon2id hashes of this office only. Each new set replaces the old one
//    and is written synced to the log's store (key x/edge/officer-pins), so
//    sign-in keeps working through weeks without the hub;
//  - `officer_pins_file` (offices without a hub): {"officers":{"<id>":
//    "<hailongctl hash-password output>"}}; the hub's hash wins for an
//    officer it names.
// The PINs themselves are never stored, logged or answered.
//
// PinAttempts: wrong PINs per officer and per counter over a sliding window.
// An attempt is counted before its (slow) check and forgiven on success, so
// parallel guesses are bounded too.
//
// Thread safety: both classes are internally synchronized.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <string_view>

#include "hailong/replication/store.h"
#include "hailong/schema/status.h"

namespace hailong::edge {

struct OfficerPinsState {
  size_t count = 0;        // officers with a PIN (hub and file)
  uint64_t version = 0;    // the hub's version held (0: none received)
  int64_t fetched_ms = 0;  // when the hub's set was last received
  std::string last_error;  // of the last fetch, "" after a success
};

class OfficerPins {
 public:
  // Reads the stored hub set from `store` (not owned, outlives this) and the
  // local file (InvalidArgument naming the file or the entry).
  Status Open(replication::Store* store, const std::string& local_file);

  // The hash of `officer`'s PIN, nullopt if none is set.
  std::optional<std::string> HashOf(const std::string& officer) const;
  OfficerPinsState state() const;

  // The side fetch of the Shipper: its target, and its answer.
  std::string FetchTarget() const;
  Status OnFetched(int http_status, const std::string& body, int64_t now_ms);

 private:
  Status Adopt(const std::string& json_text, bool store_it, int64_t now_ms);

  replication::Store* store_ = nullptr;
  mutable std::mutex mu_;
  std::map<std::string, std::string> hub_;    // officer -> hash (from the hub)
  std::map<std::string, std::string> local_;  // officer -> hash (officer_pins_file)
  uint64_t version_ = 0;
  int64_t fetched_ms_ = 0;
  std::string last_error_;
};

// True if the hash of `pin` is `hash` (Argon2id: about 50-100 ms and 64 MiB;
// at most two run at once, others wait). Call off the I/O threads.
bool VerifyPin(const std::string& hash, std::string_view pin);

class PinAttempts {
 public:
  static constexpr int64_t kWindowMs = 15 * 60 * 1000;
  static constexpr size_t kPerOfficer = 5;   // wrong PINs per officer per window
  static constexpr size_t kPerCounter = 10;  // wrong PINs at one counter per window

  // Counts an attempt; false (and *retry_after_s) when the officer or the
  // counter is over its limit (nothing counted then).
  bool Admit(const std::string& counter, const std::string& officer, int64_t now_ms,
             int* retry_after_s);
  // The admitted attempt was right: it is forgiven, with the officer's
  // earlier wrong ones.
  void Succeeded(const std::string& counter, const std::string& officer);

 private:
  static void Prune(std::deque<int64_t>* d, int64_t now_ms);
  std::mutex mu_;
  std::map<std::string, std::deque<int64_t>> officers_, counters_;
};

}  // namespace hailong::edge
