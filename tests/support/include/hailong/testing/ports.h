// Free TCP ports for test servers.
//
// Thread safety: FreeTcpPort may be called from any thread and process; a
// port is never handed out twice by one process, and ports come from a
// per-process window of the ephemeral range to make collisions between
// test programs running in parallel (ctest -j) unlikely.
#pragma once

#include <cstdint>

namespace hailong::testing {

// A loopback TCP port that nothing listens on right now. The caller binds it
// soon after (there is an unavoidable window in which another process could
// take it).
uint16_t FreeTcpPort();

}  // namespace hailong::testing
