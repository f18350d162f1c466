#include "officer_pins.h"

#include <sodium.h>

#include "hailong/hub/hub.h"
#include "hailong/schema/event.h"

namespace hailong::hub {

PinProblem CheckPin(std::string_view pin) {
  for (char c : pin) {
    if (c < '0' || c > '9') return PinProblem::kNotDigits;
  }
  if (pin.size() < 4 || pin.size() > 8) return PinProblem::kLength;
  bool up = true, down = true;
  for (size_t i = 1; i < pin.size(); ++i) {
    up = up && pin[i] == pin[i - 1] + 1;
    down = down && pin[i] == pin[i - 1] - 1;
  }
  if (up || down) return PinProblem::kTrivial;
  // A block repeated: 0000 (period 1), 1212 (2), 123123 (3), 12341234 (4).
  for (size_t period = 1; period < pin.size(); ++period) {
    if (pin.size() % period != 0) continue;
    bool repeats = true;
    for (size_t i = period; i < pin.size() && repeats; ++i) repeats = pin[i] == pin[i - period];
    if (repeats) return PinProblem::kTrivial;
  }
  return PinProblem::kOk;
}

std::string GeneratePin(int digits) {
  std::string pin;
  do {
    pin.clear();
    for (int i = 0; i < digits; ++i)
      pin.push_back(static_cast<char>('0' + randombytes_uniform(10)));
  } while (CheckPin(pin) != PinProblem::kOk);
  return pin;
}

Status HashPin(std::string_view pin, std::string* hash) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, pin.data(), pin.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Status::IOError("crypto_pwhash_str failed (out of memory?)");
  }
  *hash = out;
  return Status::OK();
}

void OfficerPins::Apply(uint64_t seq, const fb::Event& e) {
  if (e.body_type() != fb::EventBody::OfficerPinSet) return;
  const fb::OfficerPinSet& p = *e.body_as_OfficerPinSet();
  const std::string office = flatbuffers::GetString(p.office());
  const std::string officer = flatbuffers::GetString(p.officer());
  const std::string hash = flatbuffers::GetString(p.pin_hash());
  if (office.empty() || officer.empty()) return;
  if (hash.empty()) {
    pins_[office].erase(officer);
  } else {
    pins_[office][officer] = Pin{officer, hash, flatbuffers::GetString(p.by()), e.time_ms()};
  }
  versions_[office] = seq;
}

Status OfficerPins::Load() {
  if (sodium_init() < 0) return Status::IOError("libsodium cannot be initialised");
  std::lock_guard<std::mutex> lock(mu_);
  return log_->Scan(kHubPrivateOrigin, 1,
                    [this](uint64_t seq, std::string_view, const fb::Event& e) {
                      Apply(seq, e);
                      return true;
                    });
}

Status OfficerPins::Set(const std::string& office, const std::string& officer,
                        const std::string& pin_hash, const std::string& by, uint64_t* seq,
                        int64_t* at_ms) {
  std::lock_guard<std::mutex> one(set_mu_);
  fb::OfficerPinSetT body;
  body.office = office;
  body.officer = officer;
  body.pin_hash = pin_hash;
  body.by = by;
  replication::EventDraft draft;
  draft.origin = kHubPrivateOrigin;
  draft.body.Set(std::move(body));
  replication::AppendResult result;
  Status s = log_->Append(std::move(draft), &result);
  if (!s.ok()) return s;
  std::vector<replication::StoredEvent> events;
  s = log_->Read(kHubPrivateOrigin, result.seq, 1, 1 << 20, &events);
  if (!s.ok()) return s;
  const fb::Event* event = nullptr;
  if (events.empty() || !schema::VerifyEvent(events[0].bytes, &event).ok()) {
    return Status::Corruption("OfficerPinSet " + std::to_string(result.seq) +
                              " not readable after append");
  }
  std::lock_guard<std::mutex> lock(mu_);
  Apply(result.seq, *event);
  *seq = result.seq;
  *at_ms = event->time_ms();
  return Status::OK();
}

std::vector<OfficerPins::Pin> OfficerPins::ForOffice(const std::string& office,
                                                     uint64_t* version) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Pin> out;
  auto v = versions_.find(office);
  *version = v == versions_.end() ? 0 : v->second;
  auto it = pins_.find(office);
  if (it != pins_.end()) {
    for (const auto& [officer, pin] : it->second) out.push_back(pin);
  }
  return out;
}

}  // namespace hailong::hub
