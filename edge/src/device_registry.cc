// DeviceRegistry: see device_registry.h.
#include "device_registry.h"

#include <algorithm>
#include <cctype>

namespace hailong::edge {

using nlohmann::json;

DeviceState& DeviceRegistry::At(const std::string& device, int64_t at_ms) {
  DeviceState& d = devices_[device];
  if (d.device.empty()) {
    d.device = device;
    d.first_seen_ms = at_ms;
  }
  d.first_seen_ms = std::min(d.first_seen_ms, at_ms);
  d.last_seen_ms = std::max(d.last_seen_ms, at_ms);
  return d;
}

void DeviceRegistry::Status(const std::string& device, const DeviceStatusReport& report,
                            int64_t at_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  DeviceState& d = At(device, at_ms);
  if (at_ms < d.last_status_ms) return;
  d.last_status_ms = at_ms;
  d.online = report.online;
  if (!report.counter.empty()) d.counter = report.counter;
  if (!report.kind.empty()) d.kind = report.kind;
  if (!report.firmware.empty()) d.firmware = report.firmware;
  if (report.battery_pct >= 0) d.battery_pct = report.battery_pct;
}

void DeviceRegistry::Rating(const std::string& device, const std::string& counter, int64_t at_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  DeviceState& d = At(device, at_ms);
  ++d.ratings;
  if (at_ms >= d.last_rating_ms) {
    d.last_rating_ms = at_ms;
    if (d.last_status_ms == 0 && !counter.empty()) d.counter = counter;
  }
}

void DeviceRegistry::Touch(const std::string& device, int64_t at_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = devices_.find(device);
  if (it == devices_.end()) {
    At(device, at_ms);
  } else {
    it->second.last_seen_ms = std::max(it->second.last_seen_ms, at_ms);
  }
}

bool DeviceRegistry::ReportChanges(const std::string& device,
                                   const DeviceStatusReport& report) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = devices_.find(device);
  // A device never recorded: worth recording once it says it is online.
  if (it == devices_.end() || it->second.last_status_ms == 0) return report.online;
  const DeviceState& d = it->second;
  if (d.online != report.online) return true;
  if (!report.online) return false;  // offline says nothing else
  return (!report.counter.empty() && report.counter != d.counter) ||
         (!report.kind.empty() && report.kind != d.kind) ||
         (!report.firmware.empty() && report.firmware != d.firmware) ||
         (report.battery_pct >= 0 && report.battery_pct != d.battery_pct);
}

size_t DeviceRegistry::OnlineCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const auto& [id, d] : devices_) n += d.online ? 1 : 0;
  return n;
}

std::vector<DeviceState> DeviceRegistry::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<DeviceState> out;
  out.reserve(devices_.size());
  for (const auto& [id, d] : devices_) out.push_back(d);
  return out;
}

json DeviceStateJson(const std::string& office, const DeviceState& d) {
  DeviceState record = d;
  record.office = office;
  return devices::DeviceRecordToJson(record);
}

bool ParseDeviceStatus(const std::string& payload, DeviceStatusReport* report) {
  *report = DeviceStatusReport();
  std::string status;
  json j = json::parse(payload, nullptr, false);
  if (j.is_string()) {
    status = j.get<std::string>();
  } else if (j.is_object()) {
    auto str = [&](const char* key, size_t max_len) {
      auto it = j.find(key);
      if (it == j.end() || !it->is_string()) return std::string();
      std::string v = it->get<std::string>();
      return v.size() <= max_len ? v : std::string();
    };
    status = str("status", 16);
    report->counter = str("counter", 32);
    report->kind = str("kind", 32);
    report->firmware = str("firmware", 64);
    auto battery = j.find("battery_pct");
    if (battery != j.end() && battery->is_number_integer()) {
      const int64_t b = battery->get<int64_t>();
      if (b >= 0 && b <= 100) report->battery_pct = static_cast<int>(b);
    }
  } else {
    status = payload;
    while (!status.empty() && std::isspace(static_cast<unsigned char>(status.back()))) {
      status.pop_back();
    }
  }
  if (status != "online" && status != "offline") return false;
  report->online = status == "online";
  return true;
}

}  // namespace hailong::edge
