// The edge's side of the device MQTT protocol v1 (devices/doc/protocol.md):
// the broker link with its subscriptions and last will, ratings handed to
// the intake, acks published back to the device, device status recorded as
// events (EdgeNode::Context::HandleDeviceStatus), and the edge's own
// retained status topic.
//
// Thread safety: StartDeviceLink and the shutdown from the node's start-up
// thread; the message callbacks run on Paho's receive thread and hand
// status work to ctx->status_strand, ratings to ctx->intake. Ownership:
// ctx outlives the link (EdgeNode::Stop stops it before the context goes).
#pragma once

#include <string>

#include "edge_context.h"

namespace hailong::edge {

// Connects ctx->mqtt to the office broker (config "mqtt"): subscribes to
// the office's device ratings and status, announces "online" on the edge
// status topic at each connect (will: "offline") and republishes every
// counter session. The link connects in the background.
// Errors: InvalidArgument when mqtt.password_file or mqtt.ca_file cannot
// be read, or what MqttLink::Start refuses.
Status StartDeviceLink(EdgeNode::Context* ctx);

// "hailong/v1/{office}/edge/status": "online" or "offline", retained.
std::string EdgeStatusTopic(const std::string& office);

}  // namespace hailong::edge
