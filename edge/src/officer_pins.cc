#include "officer_pins.h"

#include <sodium.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <semaphore>
#include <sstream>

#include "hailong/devices/payload.h"

namespace hailong::edge {

using nlohmann::json;

namespace {

constexpr char kStoreKey[] = "x/edge/officer-pins";

bool LooksLikeHash(const std::string& h) {
  return h.rfind("$argon2id$", 0) == 0 && h.size() < crypto_pwhash_STRBYTES;
}

std::counting_semaphore<2>& VerifySlots() {
  static std::counting_semaphore<2> slots(2);
  return slots;
}

}  // namespace

bool VerifyPin(const std::string& hash, std::string_view pin) {
  VerifySlots().acquire();
  const bool ok = crypto_pwhash_str_verify(hash.c_str(), pin.data(), pin.size()) == 0;
  VerifySlots().release();
  return ok;
}

Status OfficerPins::Open(replication::Store* store, const std::string& local_file) {
  store_ = store;
  if (sodium_init() < 0) return Status::IOError("libsodium cannot be initialised");
  if (!local_file.empty()) {
    std::ifstream in(local_file);
    if (!in) return Status::InvalidArgument("\"officer_pins_file\": cannot read " + local_file);
    std::stringstream text;
    text << in.rdbuf();
    json j = json::parse(text.str(), nullptr, false);
    if (!j.is_object() || !j.contains("officers") || !j["officers"].is_object()) {
      return Status::InvalidArgument(local_file + ": must be {\"officers\":{\"<id>\":\"<hash>\"}}");
    }
    for (auto it = j["officers"].begin(); it != j["officers"].end(); ++it) {
      if (!devices::IsValidNodeId(it.key()) || !it->is_string() ||
          !LooksLikeHash(it->get<std::string>())) {
        return Status::InvalidArgument(local_file + ": officer \"" + it.key().substr(0, 64) +
                                       "\" needs an Argon2id hash (hailongctl hash-password)");
      }
      local_[it.key()] = it->get<std::string>();
    }
  }
  std::string stored;
  Status s = store_->Get(kStoreKey, &stored);
  if (s.IsNotFound()) return Status::OK();
  if (!s.ok()) return s;
  return Adopt(stored, /*store_it=*/false, 0);
}

std::optional<std::string> OfficerPins::HashOf(const std::string& officer) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = hub_.find(officer); it != hub_.end()) return it->second;
  if (auto it = local_.find(officer); it != local_.end()) return it->second;
  return std::nullopt;
}

OfficerPinsState OfficerPins::state() const {
  std::lock_guard<std::mutex> lock(mu_);
  OfficerPinsState s;
  s.count = hub_.size();
  for (const auto& [officer, hash] : local_) s.count += hub_.count(officer) ? 0 : 1;
  s.version = version_;
  s.fetched_ms = fetched_ms_;
  s.last_error = last_error_;
  return s;
}

std::string OfficerPins::FetchTarget() const {
  std::lock_guard<std::mutex> lock(mu_);
  return "/api/v1/replication/officer-pins?known=" + std::to_string(version_);
}

// {"office","version","pins":[{"officer","pin_hash","set_at"}]} replaces the
// hub's set; {"office","version","unchanged":true} keeps it.
Status OfficerPins::Adopt(const std::string& json_text, bool store_it, int64_t now_ms) {
  json j = json::parse(json_text, nullptr, false);
  if (!j.is_object() || !j.contains("version") || !j["version"].is_number_unsigned()) {
    return Status::Corruption("officer PINs: the answer has no version");
  }
  const uint64_t version = j["version"].get<uint64_t>();
  if (j.value("unchanged", false)) {
    std::lock_guard<std::mutex> lock(mu_);
    if (version == version_) fetched_ms_ = now_ms;
    return Status::OK();
  }
  if (!j.contains("pins") || !j["pins"].is_array()) {
    return Status::Corruption("officer PINs: the answer has no pins");
  }
  std::map<std::string, std::string> pins;
  for (const json& p : j["pins"]) {
    if (!p.is_object() || !p.contains("officer") || !p["officer"].is_string() ||
        !p.contains("pin_hash") || !p["pin_hash"].is_string() ||
        !devices::IsValidNodeId(p["officer"].get<std::string>()) ||
        !LooksLikeHash(p["pin_hash"].get<std::string>())) {
      return Status::Corruption("officer PINs: a malformed entry");
    }
    pins[p["officer"].get<std::string>()] = p["pin_hash"].get<std::string>();
  }
  if (store_it) {
    json keep{{"version", version}, {"pins", j["pins"]}, {"office", j.value("office", "")}};
    replication::WriteBatch batch;
    batch.Put(kStoreKey, keep.dump());
    Status s = store_->Write(batch, /*sync=*/true);
    if (!s.ok()) return s;
  }
  std::lock_guard<std::mutex> lock(mu_);
  hub_ = std::move(pins);
  version_ = version;
  if (now_ms != 0) fetched_ms_ = now_ms;
  return Status::OK();
}

Status OfficerPins::OnFetched(int http_status, const std::string& body, int64_t now_ms) {
  Status s;
  if (http_status == 200) {
    s = Adopt(body, /*store_it=*/true, now_ms);
  } else {
    s = Status::Unavailable("officer PINs: hub answered HTTP " + std::to_string(http_status));
  }
  std::lock_guard<std::mutex> lock(mu_);
  last_error_ = s.ok() ? std::string() : s.ToString();
  return s;
}

void PinAttempts::Prune(std::deque<int64_t>* d, int64_t now_ms) {
  while (!d->empty() && d->front() <= now_ms - kWindowMs) d->pop_front();
}

bool PinAttempts::Admit(const std::string& counter, const std::string& officer, int64_t now_ms,
                        int* retry_after_s) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& o = officers_[officer];
  auto& c = counters_[counter];
  Prune(&o, now_ms);
  Prune(&c, now_ms);
  if (o.size() >= kPerOfficer || c.size() >= kPerCounter) {
    int64_t until = 0;
    if (o.size() >= kPerOfficer) until = std::max(until, o[o.size() - kPerOfficer] + kWindowMs);
    if (c.size() >= kPerCounter) until = std::max(until, c[c.size() - kPerCounter] + kWindowMs);
    *retry_after_s = static_cast<int>(std::max<int64_t>(1, (until - now_ms + 999) / 1000));
    return false;
  }
  o.push_back(now_ms);
  c.push_back(now_ms);
  // Bounded memory: officer and counter ids come from the catalogue, but
  // unknown ones are cheap to send; forget idle keys.
  if (officers_.size() > 4096 || counters_.size() > 4096) {
    for (auto* m : {&officers_, &counters_}) {
      for (auto it = m->begin(); it != m->end();) {
        Prune(&it->second, now_ms);
        it = it->second.empty() ? m->erase(it) : std::next(it);
      }
    }
  }
  return true;
}

void PinAttempts::Succeeded(const std::string& counter, const std::string& officer) {
  std::lock_guard<std::mutex> lock(mu_);
  officers_.erase(officer);
  auto c = counters_.find(counter);
  if (c != counters_.end() && !c->second.empty()) c->second.pop_back();
}

}  // namespace hailong::edge
