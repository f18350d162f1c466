#include "live_updates.h"

#include <nlohmann/json.hpp>

#include "codec.h"

namespace hailong::hub {

LiveUpdates::LiveUpdates(std::function<bool(const std::string&)> session_alive)
    : session_alive_(std::move(session_alive)), thread_([this] { Heartbeat(); }) {}

LiveUpdates::~LiveUpdates() { Stop(); }

void LiveUpdates::Stop() {
  std::vector<Subscriber> subscribers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) return;
    stop_ = true;
    subscribers.swap(subscribers_);
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (auto& s : subscribers) {
    if (auto stream = s.stream.lock()) stream->Close();
  }
}

std::shared_ptr<EventStream> LiveUpdates::Subscribe(const Principal& principal) {
  auto stream = std::make_shared<EventStream>();
  stream->Push("retry: 3000\n\n: connected\n\n");
  std::lock_guard<std::mutex> lock(mu_);
  subscribers_.push_back(Subscriber{stream, principal.user, principal.session_hash});
  return stream;
}

void LiveUpdates::EndSession(const std::string& session_hash) {
  if (session_hash.empty()) return;
  std::vector<std::shared_ptr<EventStream>> ended;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = subscribers_.begin(); it != subscribers_.end();) {
      if (it->session_hash == session_hash) {
        if (auto stream = it->stream.lock()) ended.push_back(std::move(stream));
        it = subscribers_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& stream : ended) stream->Close();
}

template <typename Push>
void LiveUpdates::ForEachOpenLocked(Push push) {
  for (auto it = subscribers_.begin(); it != subscribers_.end();) {
    auto stream = it->stream.lock();
    if (!stream || stream->closed()) {
      it = subscribers_.erase(it);
      continue;
    }
    push(*it, *stream);
    ++it;
  }
}

void LiveUpdates::Publish(const AppliedBatch& batch) {
  nlohmann::json offices = nlohmann::json::array();
  for (const auto& o : batch.offices) offices.push_back(o);
  std::lock_guard<std::mutex> lock(mu_);
  ForEachOpenLocked([&](const Subscriber& subscriber, EventStream& stream) {
    nlohmann::json visible = nlohmann::json::array();
    for (const auto& o : batch.offices) {
      if (subscriber.user == nullptr || subscriber.user->MaySee(o)) visible.push_back(o);
    }
    if (!visible.empty() || batch.offices.empty()) {
      nlohmann::json data{{"origin", batch.origin},     {"seq", batch.last_seq},
                          {"offices", visible},         {"ratings", batch.ratings},
                          {"dossiers", batch.dossiers}, {"follow_ups", batch.follow_ups}};
      stream.Push("event: update\ndata: " + codec::Dump(data) + "\n\n");
    }
  });
}

void LiveUpdates::PublishAlert(const std::string& office, const nlohmann::json& data) {
  const std::string chunk = "event: alert\ndata: " + codec::Dump(data) + "\n\n";
  std::lock_guard<std::mutex> lock(mu_);
  ForEachOpenLocked([&](const Subscriber& subscriber, EventStream& stream) {
    if (subscriber.user == nullptr || subscriber.user->MaySee(office)) stream.Push(chunk);
  });
}

size_t LiveUpdates::subscribers() const {
  std::lock_guard<std::mutex> lock(mu_);
  return subscribers_.size();
}

void LiveUpdates::Heartbeat() {
  constexpr auto kPingEvery = std::chrono::seconds(15);
  auto next_ping = std::chrono::steady_clock::now() + kPingEvery;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; });
    if (stop_) return;
    const bool ping = std::chrono::steady_clock::now() >= next_ping;
    if (ping) next_ping += kPingEvery;
    for (auto it = subscribers_.begin(); it != subscribers_.end();) {
      auto stream = it->stream.lock();
      const bool expired = stream && session_alive_ && !it->session_hash.empty() &&
                           !session_alive_(it->session_hash);
      if (expired) stream->Close();
      if (!stream || expired || (ping && !stream->Push(": ping\n\n"))) {
        it = subscribers_.erase(it);
      } else {
        ++it;
      }
    }
  }
}

}  // namespace hailong::hub
