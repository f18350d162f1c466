// Metrics: the hub's counters by series, rendered in the Prometheus text
// format with the gauges the caller adds at render time — hailong_net's
// CounterRegistry (hailong/net/prometheus.h: thread safety and format).
#pragma once

#include "hailong/net/prometheus.h"

namespace hailong::hub {

using Metrics = net::CounterRegistry;

// Escapes a label value for the text format.
inline std::string LabelValue(std::string_view v) { return net::EscapeLabelValue(v); }

}  // namespace hailong::hub
