// LiveUpdates: the server-sent events behind GET /api/v1/events/stream. Each
// projection batch becomes one "update" event for the subscribers allowed
// to see one of the offices it touched; a comment line every 15 s keeps
// proxies from closing idle streams. A stream belongs to its session: it
// ends at logout (EndSession) and, checked every second, once the session
// has expired (`session_alive` says no).
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "hailong/hub/auth.h"
#include "hailong/hub/http_server.h"
#include "hailong/hub/projector.h"

namespace hailong::hub {

class LiveUpdates {
 public:
  // `session_alive(hash)`: whether the session (hex SHA-256 of its id) is
  // still valid; null = streams end only at EndSession.
  explicit LiveUpdates(std::function<bool(const std::string&)> session_alive = nullptr);
  ~LiveUpdates();
  // A new stream for `principal` (a user; its office scope filters events).
  std::shared_ptr<EventStream> Subscribe(const Principal& principal);
  // Closes every stream of the session (logout).
  void EndSession(const std::string& session_hash);
  void Publish(const AppliedBatch& batch);
  // One "alert" event (data: `data`) for the subscribers who may see `office`.
  void PublishAlert(const std::string& office, const nlohmann::json& data);
  size_t subscribers() const;
  void Stop();

 private:
  struct Subscriber {
    std::weak_ptr<EventStream> stream;
    const UserConfig* user;
    std::string session_hash;  // "" for a principal without a session
  };
  void Heartbeat();
  // Calls push(subscriber, stream) for each subscriber whose stream is
  // open and drops the others. mu_ held.
  template <typename Push>
  void ForEachOpenLocked(Push push);

  const std::function<bool(const std::string&)> session_alive_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Subscriber> subscribers_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace hailong::hub
