// RawConnection: one loopback TCP connection a test drives by hand: send
// bytes, then read until what it waits for has arrived. For long-lived
// answers (server-sent events) where the test must know the server has
// started answering before it makes something happen.
//
// Thread safety: one thread uses a RawConnection. The socket is closed
// when it goes.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "hailong/schema/status.h"

namespace hailong::testing {

class RawConnection {
 public:
  // Connects to 127.0.0.1:port.
  static Status Open(uint16_t port, std::unique_ptr<RawConnection>* out);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  Status Send(std::string_view bytes);
  // Reads until received() contains `needle` (OK), the peer closes or
  // `timeout` passes (Unavailable).
  Status ReadUntil(std::string_view needle, std::chrono::milliseconds timeout);
  // Everything read so far.
  const std::string& received() const { return received_; }

 private:
  explicit RawConnection(int fd) : fd_(fd) {}
  int fd_;
  std::string received_;
};

}  // namespace hailong::testing
