#include "hailong/net/event_stream.h"

namespace hailong::net {

bool EventStream::Push(std::string chunk) {
  std::function<void()> wake;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return false;
    queued_bytes_ += chunk.size();
    queue_.push_back(std::move(chunk));
    if (queued_bytes_ > max_queued_bytes) {
      closed_ = true;
      queue_.clear();
      queued_bytes_ = 0;
    }
    wake = wake_;
  }
  if (wake) wake();
  return true;
}

void EventStream::Close() {
  std::function<void()> wake;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return;
    closed_ = true;
    wake = wake_;
  }
  if (wake) wake();
}

bool EventStream::closed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return closed_;
}

void EventStream::SetWake(std::function<void()> wake) {
  std::lock_guard<std::mutex> lock(mu_);
  wake_ = std::move(wake);
}

std::deque<std::string> EventStream::TakeAll() {
  std::lock_guard<std::mutex> lock(mu_);
  std::deque<std::string> out;
  out.swap(queue_);
  queued_bytes_ = 0;
  return out;
}

}  // namespace hailong::net
