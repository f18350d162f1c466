// CounterSessions: who is on duty at each counter, and since when, from the
// OfficerSignedIn / OfficerSignedOut events of this edge's log; and the
// dossier the one-stop software last posted for each counter.
//
// Ratings are attributed to the officer on duty at the rating's device time
// (OfficerAt), so a rating pressed before a shift change but delivered after
// it still goes to the right officer. The history kept per counter is
// bounded (kMaxShiftsPerCounter newest changes).
//
// Thread safety: internally synchronized; every method from any thread.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hailong::edge {

struct OnDuty {
  std::string officer;  // "" = nobody (signed out)
  std::string officer_name;
  std::string template_id;  // "" = the counter's own template
  int64_t since_ms = 0;
};

// The dossier being served at a counter (from a DossierRecorded event).
struct CounterDossier {
  std::string receipt;
  std::string procedure;
  std::string field;
  int64_t at_ms = 0;  // when it was posted (edge time)
};

class CounterSessions {
 public:
  static constexpr size_t kMaxShiftsPerCounter = 4096;
  // A posted dossier is offered to the next rating at its counter for this long.
  static constexpr int64_t kDossierTtlMs = 30LL * 60 * 1000;

  // A sign-in or sign-out at edge time `time_ms` (events arrive in log
  // order; a change older than the newest one is inserted in place).
  void SignIn(const std::string& counter, const std::string& officer, const std::string& name,
              const std::string& template_id, int64_t time_ms);
  void SignOut(const std::string& counter, int64_t time_ms);

  // The shift now, nullopt if nobody ever signed in at `counter`.
  std::optional<OnDuty> Current(std::string_view counter) const;
  // The officer on duty at `counter` at `time_ms`, "" if none.
  std::string OfficerAt(std::string_view counter, int64_t time_ms) const;

  void SetDossier(const std::string& counter, CounterDossier dossier);
  // The counter's dossier if posted less than kDossierTtlMs before now_ms.
  std::optional<CounterDossier> Dossier(std::string_view counter, int64_t now_ms) const;
  // A rating carrying `receipt` was stored at `counter`: stop offering it.
  // True if it was the counter's current dossier.
  bool ConsumeDossier(std::string_view counter, std::string_view receipt);

  // Every counter with a shift or a dossier, sorted.
  std::vector<std::string> Counters() const;

 private:
  struct Change {
    int64_t time_ms;
    OnDuty duty;
  };
  struct CounterState {
    std::deque<Change> changes;  // by time
    std::optional<CounterDossier> dossier;
  };
  void AddChange(const std::string& counter, Change change);

  mutable std::mutex mu_;
  std::map<std::string, CounterState, std::less<>> counters_;
};

}  // namespace hailong::edge
