// SignInNames: officers' names as the edges' OfficerSignedIn events carry
// them (the officer types or picks a name at the counter), for officers the
// district's catalogue does not name. Kept outside the read models, in
// x/hub/names/officer/<office>/<officer> -> name (the latest sign-in wins),
// with a cursor per origin in x/hub/names/cur/<origin>, written in one
// batch with the names it covers.
//
// History: a log of at most kBackfillEvents events when the index is first
// built is read from the start; a larger one is indexed from its heads at
// that moment (its officers are expected in the catalogue), so a hub
// started over years of events does not spend minutes on it.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "hailong/hub/config.h"
#include "hailong/replication/event_log.h"

namespace hailong::hub {

class SignInNames {
 public:
  static constexpr uint64_t kBackfillEvents = 1000000;

  // The store key of an officer's sign-in name (value: the name).
  static std::string NameKey(const std::string& office, const std::string& officer);

  SignInNames(const HubConfig* config, replication::EventLog* log);
  ~SignInNames();
  void Start();  // listens to the log on its own thread
  void Stop();
  // Indexes everything up to the current heads on the calling thread.
  Status CatchUp();
  // office -> officer -> name, for the offices `may_see` allows.
  std::map<std::string, std::map<std::string, std::string>> All(
      const std::function<bool(const std::string&)>& may_see) const;

 private:
  void Run();

  const HubConfig* config_;
  replication::EventLog* log_;
  std::map<std::string, std::string> origin_office_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool dirty_ = true;
  bool stop_ = true;
  uint64_t listener_ = 0;
  std::mutex catch_up_mu_;  // one CatchUp at a time
  std::thread thread_;
};

}  // namespace hailong::hub
