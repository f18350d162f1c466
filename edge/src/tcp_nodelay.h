// Private to the edge (mqtt_link.cc).
// Paho MQTT C leaves Nagle's algorithm on for its sockets and has no option
// to turn it off. A client that answers a QoS 1 PUBLISH writes the PUBACK and
// then its own small PUBLISH (an edge's ack); Nagle
// holds the second write until the broker acknowledges the first, and the
// broker's delayed ACK makes that about 40 ms at low message rates.
//
// EnableTcpNoDelayOnAllSockets() sets TCP_NODELAY on every TCP socket the
// process has open (on Linux, by walking /proc/self/fd). Call it after each
// (re)connect of the MQTT clients. It is harmless for other TCP sockets of
// the process (HTTP servers usually want TCP_NODELAY too).
//
// Thread safety: may be called from any thread, concurrently.
#pragma once

namespace hailong::edge {

// Returns how many sockets were switched (0 where /proc is unavailable).
int EnableTcpNoDelayOnAllSockets();

}  // namespace hailong::edge
