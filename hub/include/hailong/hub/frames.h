// The replication push body: frames of [u32 little-endian length][event
// bytes], back to back (replication/doc/protocol.md). Parsing does no I/O
// and checks nothing inside the events (EventLog::Ingest verifies them).
//
// Thread safety: free functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hailong/schema/status.h"

namespace hailong::hub {

// Splits `body` into frames (views into `body`). InvalidArgument naming the
// frame index when a length runs past the end, a frame is empty or larger
// than `max_frame`, or bytes are left over.
Status ParseFrames(std::string_view body, size_t max_frame, std::vector<std::string_view>* frames);

// Appends one frame.
void AppendFrame(std::string* body, std::string_view event);

}  // namespace hailong::hub
