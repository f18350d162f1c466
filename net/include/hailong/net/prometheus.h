// The Prometheus text format (version 0.0.4): a label-value escaper and a
// small registry of counters keyed by series ("name{label=\"v\"}") with
// their HELP and TYPE lines, for the daemons' GET /metrics.
//
// Thread safety: EscapeLabelValue is pure; every CounterRegistry method may
// be called from any thread. Ownership: values. Errors: none (a series with
// no Describe is rendered without HELP/TYPE).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace hailong::net {

// Escapes a label value: backslash, double quote and newline.
std::string EscapeLabelValue(std::string_view v);

class CounterRegistry {
 public:
  // `series` is a metric name with optional labels: name{label="v"}.
  void Add(const std::string& series, uint64_t n = 1);
  // Declares the HELP text and TYPE of a metric family.
  void Describe(const std::string& name, const std::string& type, const std::string& help);
  // Renders every counter (sorted by series, HELP/TYPE before each family),
  // then `gauges` (lines the caller formatted).
  std::string Render(const std::string& gauges) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, uint64_t> counters_;
  std::map<std::string, std::pair<std::string, std::string>> families_;
};

}  // namespace hailong::net
