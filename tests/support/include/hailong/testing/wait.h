// Polling helpers for integration tests.
//
// Thread safety: free functions, no shared state.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "hailong/schema/status.h"

namespace hailong::testing {

// Calls `condition` every `poll` until it returns true (then true) or
// `timeout` passes (then false).
bool WaitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
               std::chrono::milliseconds poll = std::chrono::milliseconds(20));

// Waits until something accepts TCP connections on host:port.
Status WaitForTcpPort(const std::string& host, uint16_t port, std::chrono::milliseconds timeout);

// Waits until GET http://host:port{target} answers 200.
Status WaitForHttpOk(const std::string& host, uint16_t port, const std::string& target,
                     std::chrono::milliseconds timeout);

}  // namespace hailong::testing
