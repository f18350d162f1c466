// OfficerPins: the officers' counter PINs at the hub (hub/README.md,
// "Officer PINs"). A manager of the office (or an admin) sets or clears an
// officer's PIN; only its Argon2id hash (libsodium crypto_pwhash_str) is
// kept, as an OfficerPinSet event of the private origin `hub-private`,
// which no edge pulls. Each edge fetches the hashes of its own office only
// (GET /api/v1/replication/officer-pins), so an office's edge never holds
// another office's hashes. The table is rebuilt from the log at start.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "hailong/replication/event_log.h"
#include "hailong/schema/status.h"

namespace hailong::hub {

// Why a PIN is refused (kOk: acceptable).
enum class PinProblem { kOk, kNotDigits, kLength, kTrivial };
// 4-8 ASCII digits, and not trivial: one digit repeated (0000), a run up or
// down (1234, 9876), or a repeated block (1212, 123123).
PinProblem CheckPin(std::string_view pin);
// A random acceptable PIN of `digits` digits (libsodium randombytes).
std::string GeneratePin(int digits);
// crypto_pwhash_str at the interactive limits (as the users' passwords).
Status HashPin(std::string_view pin, std::string* hash);

class OfficerPins {
 public:
  explicit OfficerPins(replication::EventLog* log) : log_(log) {}

  // Reads every OfficerPinSet of the private origin (before serving).
  Status Load();
  // Appends OfficerPinSet (pin_hash "" clears the PIN) and applies it.
  Status Set(const std::string& office, const std::string& officer, const std::string& pin_hash,
             const std::string& by, uint64_t* seq, int64_t* at_ms);

  struct Pin {
    std::string officer;
    std::string hash;  // never empty in a view
    std::string by;
    int64_t set_at_ms = 0;
  };
  // The PINs set in `office`, by officer. `version` is the private-origin
  // seq of the office's newest OfficerPinSet (0: none ever): an edge that
  // holds that version holds the current set.
  std::vector<Pin> ForOffice(const std::string& office, uint64_t* version) const;

 private:
  void Apply(uint64_t seq, const fb::Event& e);  // mu_ held

  replication::EventLog* log_;
  mutable std::mutex mu_;
  std::mutex set_mu_;  // one Set at a time: versions follow log order
  std::map<std::string, std::map<std::string, Pin>> pins_;  // office -> officer -> pin
  std::map<std::string, uint64_t> versions_;                // office -> seq
};

}  // namespace hailong::hub
