// Metrics: counters by name and labels, rendered in the Prometheus text
// format with the gauges the caller adds at render time.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace hailong::hub {

class Metrics {
 public:
  // `series` is a metric name with optional labels: name{label="v"}.
  void Add(const std::string& series, uint64_t n = 1);
  // Declares the HELP text and TYPE of a metric family.
  void Describe(const std::string& name, const std::string& type, const std::string& help);
  // Renders every counter, then the `gauges` (already formatted lines).
  std::string Render(const std::string& gauges) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, uint64_t> counters_;
  std::map<std::string, std::pair<std::string, std::string>> families_;
};

// Escapes a label value for the text format.
std::string LabelValue(std::string_view v);

}  // namespace hailong::hub
