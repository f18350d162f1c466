// EventStream: the chunks of a long-lived answer (server-sent events,
// text/event-stream). The application pushes; the HttpServer session that
// serves it drains. Either side closes it.
//
// Thread safety: every method may be called from any thread. Ownership:
// shared (std::shared_ptr) by the application and the session; the session
// closes it when the client goes away. Errors: Push returns false once the
// stream is closed; a client that does not read is cut off (closed) when
// more than max_queued_bytes wait.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>

namespace hailong::net {

class EventStream {
 public:
  // False once closed (the chunk is dropped).
  bool Push(std::string chunk);
  void Close();
  bool closed() const;

  // For the session: `wake` is called (from the pushing thread) whenever
  // something is queued or the stream closes; TakeAll moves the queue out.
  void SetWake(std::function<void()> wake);
  std::deque<std::string> TakeAll();

  size_t max_queued_bytes = 1 << 20;

 private:
  mutable std::mutex mu_;
  std::deque<std::string> queue_;
  size_t queued_bytes_ = 0;
  bool closed_ = false;
  std::function<void()> wake_;
};

}  // namespace hailong::net
