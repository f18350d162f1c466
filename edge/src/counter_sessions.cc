#include "counter_sessions.h"

#include <algorithm>

namespace hailong::edge {

void CounterSessions::AddChange(const std::string& counter, Change change) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& changes = counters_[counter].changes;
  // Usually appended at the end; upper_bound keeps equal times in arrival order.
  auto pos = std::upper_bound(changes.begin(), changes.end(), change.time_ms,
                              [](int64_t t, const Change& c) { return t < c.time_ms; });
  changes.insert(pos, std::move(change));
  while (changes.size() > kMaxShiftsPerCounter) changes.pop_front();
}

void CounterSessions::SignIn(const std::string& counter, const std::string& officer,
                             const std::string& name, const std::string& template_id,
                             int64_t time_ms) {
  AddChange(counter, Change{time_ms, OnDuty{officer, name, template_id, time_ms}});
}

void CounterSessions::SignOut(const std::string& counter, int64_t time_ms) {
  AddChange(counter, Change{time_ms, OnDuty{"", "", "", time_ms}});
}

std::optional<OnDuty> CounterSessions::Current(std::string_view counter) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = counters_.find(counter);
  if (it == counters_.end() || it->second.changes.empty()) return std::nullopt;
  return it->second.changes.back().duty;
}

std::string CounterSessions::OfficerAt(std::string_view counter, int64_t time_ms) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = counters_.find(counter);
  if (it == counters_.end()) return "";
  const auto& changes = it->second.changes;
  auto pos = std::upper_bound(changes.begin(), changes.end(), time_ms,
                              [](int64_t t, const Change& c) { return t < c.time_ms; });
  if (pos == changes.begin()) return "";
  return std::prev(pos)->duty.officer;
}

void CounterSessions::SetDossier(const std::string& counter, CounterDossier dossier) {
  std::lock_guard<std::mutex> lock(mu_);
  counters_[counter].dossier = std::move(dossier);
}

std::optional<CounterDossier> CounterSessions::Dossier(std::string_view counter,
                                                       int64_t now_ms) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = counters_.find(counter);
  if (it == counters_.end() || !it->second.dossier) return std::nullopt;
  if (now_ms - it->second.dossier->at_ms > kDossierTtlMs) return std::nullopt;
  return it->second.dossier;
}

bool CounterSessions::ConsumeDossier(std::string_view counter, std::string_view receipt) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = counters_.find(counter);
  if (it == counters_.end() || !it->second.dossier || it->second.dossier->receipt != receipt) {
    return false;
  }
  it->second.dossier.reset();
  return true;
}

std::vector<std::string> CounterSessions::Counters() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [id, state] : counters_) out.push_back(id);
  return out;
}

}  // namespace hailong::edge
