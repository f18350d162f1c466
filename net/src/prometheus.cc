#include "hailong/net/prometheus.h"

namespace hailong::net {

std::string EscapeLabelValue(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void CounterRegistry::Add(const std::string& series, uint64_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  counters_[series] += n;
}

void CounterRegistry::Describe(const std::string& name, const std::string& type,
                               const std::string& help) {
  std::lock_guard<std::mutex> lock(mu_);
  families_[name] = {type, help};
}

std::string CounterRegistry::Render(const std::string& gauges) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  std::string family;
  for (const auto& [series, value] : counters_) {
    const std::string name = series.substr(0, series.find('{'));
    if (name != family) {
      family = name;
      auto it = families_.find(name);
      if (it != families_.end()) {
        out += "# HELP " + name + " " + it->second.second + "\n";
        out += "# TYPE " + name + " " + it->second.first + "\n";
      }
    }
    out += series + " " + std::to_string(value) + "\n";
  }
  return out + gauges;
}

}  // namespace hailong::net
