#include "personal_keys.h"

#include <cinttypes>
#include <cstdio>

#include "hailong/hub/hub.h"

namespace hailong::hub {

namespace personal = replication::personal;
using json = nlohmann::json;

namespace {

// k/<owner>/<keyid hex> -> <created ms, 16 digits><wrapped key>
// t/<created ms, 16 digits>/<owner>/<keyid hex> -> ""   (retention order)
// e/<owner>/<keyid hex> -> <erased ms>                 (tombstone)
// x/<origin>/<seq, 20 digits> -> <erased ms>            (legacy clear text hidden)
// r/<~ms, 16 digits>/<erasure id> -> summary JSON        (newest first)
std::string Ms16(int64_t ms) {
  char b[24];
  std::snprintf(b, sizeof b, "%016" PRId64, ms < 0 ? int64_t{0} : ms);
  return b;
}
std::string Seq20(uint64_t seq) {
  char b[24];
  std::snprintf(b, sizeof b, "%020" PRIu64, seq);
  return b;
}
std::string KKey(std::string_view ref) { return "k/" + std::string(ref); }
std::string EKey(std::string_view ref) { return "e/" + std::string(ref); }
std::string XKey(std::string_view origin, uint64_t seq) {
  return "x/" + std::string(origin) + "/" + Seq20(seq);
}

template <class V>
std::string HexOfFb(const V* v) {
  if (v == nullptr) return "";
  return schema::HexEncode(std::string_view(reinterpret_cast<const char*>(v->data()), v->size()));
}

}  // namespace

const char* TextStateName(TextState s) {
  switch (s) {
    case TextState::kAbsent:
      return "absent";
    case TextState::kShown:
      return "shown";
    case TextState::kPending:
      return "pending";
    case TextState::kErased:
      return "erased";
  }
  return "absent";
}

Status PersonalKeys::Open(const std::string& data_dir, const std::string& key_file,
                          const Clock* clock, std::unique_ptr<PersonalKeys>* out) {
  std::unique_ptr<PersonalKeys> k(new PersonalKeys());
  Status s = personal::HubSecrets::Load(key_file, /*create=*/true, &k->secrets_);
  if (!s.ok()) return s;
  replication::StoreOptions options;
  options.block_cache_bytes = 4u << 20;
  s = replication::Store::Open(options, personal::KeyStoreDir(data_dir), &k->store_);
  if (!s.ok()) return s;
  // The wrapping key must be the one the store was written with.
  std::string first_key, first;
  s = k->store_->Last("k/", "k0", &first_key, &first);
  if (s.ok()) {
    std::array<uint8_t, personal::kDataKeyBytes> probe;
    if (first.size() < 16 ||
        !k->secrets_->Unwrap(std::string_view(first).substr(16), &probe).ok()) {
      return Status::InvalidArgument(
          "personal_data_key_file " + key_file + " does not open the key store in " +
          personal::KeyStoreDir(data_dir) + " (another hub's key file?)");
    }
  } else if (!s.IsNotFound()) {
    return s;
  }
  k->clock_ = clock;
  *out = std::move(k);
  return Status::OK();
}

std::string PersonalKeys::KeyOwner(std::string_view origin) {
  if (origin == kHubOrigin || origin == kHubPrivateOrigin) return kHubOrigin;
  return std::string(origin);
}

void PersonalKeys::Keep(const std::string& owner, const personal::DataKey& key,
                        replication::WriteBatch* batch) const {
  const std::string ref = owner + "/" + personal::KeyIdHex(key.id);
  const std::string now = Ms16(clock_->NowMs());
  batch->Put(KKey(ref), now + secrets_->Wrap(key));
  batch->Put("t/" + now + "/" + ref, "");
}

Status PersonalKeys::NewHubKey(personal::DataKey* key) {
  *key = personal::NewDataKey();
  replication::WriteBatch batch;
  Keep(kHubOrigin, *key, &batch);
  return store_->Write(batch, /*sync=*/true);
}

Status PersonalKeys::SealRating(fb::RatingSubmittedT* r) {
  if (r->comment.empty() && r->phone.empty()) return Status::OK();
  personal::DataKey key;
  Status s = NewHubKey(&key);
  if (!s.ok()) return s;
  if (!r->comment.empty()) r->sealed_comment = personal::SealText(key, "comment", r->comment);
  if (!r->phone.empty()) r->sealed_phone = personal::SealText(key, "phone", r->phone);
  r->comment.clear();
  r->phone.clear();
  return Status::OK();
}

Status PersonalKeys::SealField(std::string* text, std::string_view field,
                               std::unique_ptr<fb::SealedTextT>* out) {
  if (text->empty()) return Status::OK();
  personal::DataKey key;
  Status s = NewHubKey(&key);
  if (!s.ok()) return s;
  *out = personal::SealText(key, field, *text);
  text->clear();
  return Status::OK();
}

std::unique_ptr<fb::SealedTextT> PersonalKeys::Seal(const personal::DataKey& key,
                                                    std::string_view field, std::string_view text) {
  if (text.empty()) return nullptr;
  return personal::SealText(key, field, text);
}

Status PersonalKeys::Accept(const std::string& node, const std::vector<std::string>& sealed,
                            size_t* kept, size_t* refused) {
  *kept = 0;
  *refused = 0;
  replication::WriteBatch batch;
  for (const std::string& box : sealed) {
    personal::DataKey key;
    Status s = secrets_->OpenSealedKey(box, &key);
    if (!s.ok()) return s;
    const std::string ref = node + "/" + personal::KeyIdHex(key.id);
    std::string v;
    if (store_->Get(EKey(ref), &v).ok()) {
      ++*refused;  // erased before it arrived: stays erased
      continue;
    }
    if (store_->Get(KKey(ref), &v).ok()) continue;  // shipped again after a lost ack
    Keep(node, key, &batch);
    ++*kept;
  }
  if (batch.Count() == 0) return Status::OK();
  return store_->Write(batch, /*sync=*/true);
}

bool PersonalKeys::FindKey(const std::string& owner, const std::string& key_id_hex,
                           std::array<uint8_t, personal::kDataKeyBytes>* key, bool* erased) const {
  const std::string ref = owner + "/" + key_id_hex;
  std::string v;
  *erased = false;
  if (!store_->Get(KKey(ref), &v).ok()) {
    *erased = store_->Get(EKey(ref), &v).ok();
    return false;
  }
  return v.size() > 16 && secrets_->Unwrap(std::string_view(v).substr(16), key).ok();
}

TextState PersonalKeys::Reveal(std::string_view origin, uint64_t seq,
                               const flatbuffers::String* clear, const fb::SealedText* sealed,
                               std::string_view field, std::string* text) const {
  text->clear();
  if (sealed != nullptr) {
    const std::string id = personal::KeyIdHex(sealed);
    std::array<uint8_t, personal::kDataKeyBytes> key;
    bool erased = false;
    if (id.empty()) return TextState::kErased;  // malformed: nothing to show
    if (!FindKey(KeyOwner(origin), id, &key, &erased)) {
      return erased ? TextState::kErased : TextState::kPending;
    }
    if (!personal::OpenText(key, *sealed, field, text).ok()) return TextState::kErased;
    return TextState::kShown;
  }
  if (clear == nullptr || clear->size() == 0) return TextState::kAbsent;
  std::string v;
  if (store_->Get(XKey(origin, seq), &v).ok()) return TextState::kErased;
  *text = clear->str();
  return TextState::kShown;
}

json PersonalKeys::SealedJson(std::string_view origin, const flatbuffers::String* clear,
                              const fb::SealedText* sealed) {
  if (sealed != nullptr) {
    return json{{"o", KeyOwner(origin)},
                {"k", HexOfFb(sealed->key_id())},
                {"n", HexOfFb(sealed->nonce())},
                {"c", HexOfFb(sealed->ciphertext())}};
  }
  return clear ? json(clear->str()) : json("");
}

std::string PersonalKeys::KeyRefOfJson(const json& sealed) {
  if (!sealed.is_object()) return "";
  return sealed.value("o", "") + "/" + sealed.value("k", "");
}

std::string PersonalKeys::KeyRef(std::string_view origin, const fb::SealedText* sealed) {
  const std::string id = personal::KeyIdHex(sealed);
  return id.empty() ? "" : KeyOwner(origin) + "/" + id;
}

TextState PersonalKeys::RevealJson(const json& sealed, std::string_view field,
                                   std::string* text) const {
  text->clear();
  if (sealed.is_string()) {
    // Projected from an event written before encryption (legacy).
    *text = sealed.get<std::string>();
    return text->empty() ? TextState::kAbsent : TextState::kShown;
  }
  if (!sealed.is_object()) return TextState::kAbsent;
  fb::SealedTextT t;
  std::string id, nonce, ct;
  if (!schema::HexDecode(sealed.value("k", ""), &id) ||
      !schema::HexDecode(sealed.value("n", ""), &nonce) ||
      !schema::HexDecode(sealed.value("c", ""), &ct)) {
    return TextState::kErased;
  }
  t.key_id.assign(id.begin(), id.end());
  t.nonce.assign(nonce.begin(), nonce.end());
  t.ciphertext.assign(ct.begin(), ct.end());
  flatbuffers::FlatBufferBuilder fbb;
  fbb.Finish(fb::SealedText::Pack(fbb, &t));
  const auto* view = flatbuffers::GetRoot<fb::SealedText>(fbb.GetBufferPointer());
  std::array<uint8_t, personal::kDataKeyBytes> key;
  bool erased = false;
  if (!FindKey(sealed.value("o", ""), sealed.value("k", ""), &key, &erased)) {
    return erased ? TextState::kErased : TextState::kPending;
  }
  if (!personal::OpenText(key, *view, field, text).ok()) return TextState::kErased;
  return TextState::kShown;
}

Status PersonalKeys::Erase(const std::vector<std::string>& key_refs,
                           const std::vector<std::pair<std::string, uint64_t>>& legacy,
                           size_t* destroyed) {
  std::lock_guard<std::mutex> lock(erase_mu_);
  *destroyed = 0;
  const std::string now = std::to_string(clock_->NowMs());
  replication::WriteBatch batch;
  for (const std::string& ref : key_refs) {
    if (ref.empty() || ref.back() == '/') continue;
    std::string v;
    if (store_->Get(KKey(ref), &v).ok()) {
      ++*destroyed;
      batch.Delete(KKey(ref));
      if (v.size() >= 16) batch.Delete("t/" + v.substr(0, 16) + "/" + ref);
    }
    batch.Put(EKey(ref), now);
  }
  for (const auto& [origin, seq] : legacy) batch.Put(XKey(origin, seq), now);
  if (batch.Count() == 0) return Status::OK();
  Status s = store_->Write(batch, /*sync=*/true);
  if (!s.ok()) return s;
  // No table file, memtable or write-ahead log keeps a destroyed key.
  s = store_->Flush();
  if (!s.ok()) return s;
  return store_->CompactAll();
}

bool PersonalKeys::IsHidden(std::string_view origin, uint64_t seq) const {
  std::string v;
  return store_->Get(XKey(origin, seq), &v).ok();
}

Status PersonalKeys::KeysBefore(int64_t before_ms, size_t max,
                                std::vector<std::string>* out) const {
  out->clear();
  return store_->Scan("t/", "t/" + Ms16(before_ms), [&](std::string_view key, std::string_view) {
    // t/<16>/<owner>/<keyid>
    if (key.size() > 19) out->emplace_back(key.substr(19));
    return out->size() < max;
  });
}

Status PersonalKeys::RecordErasure(const json& summary) {
  const int64_t at = summary.value("at_ms", int64_t{0});
  replication::WriteBatch batch;
  batch.Put("r/" + Ms16(int64_t{9999999999999999} - at) + "/" + summary.value("id", ""),
            summary.dump());
  return store_->Write(batch, /*sync=*/true);
}

Status PersonalKeys::ListErasures(size_t limit, json* out) const {
  *out = json::array();
  return store_->Scan("r/", "r0", [&](std::string_view, std::string_view value) {
    json j = json::parse(value, nullptr, false);
    if (!j.is_discarded()) out->push_back(std::move(j));
    return out->size() < limit;
  });
}

uint64_t PersonalKeys::key_count() const {
  uint64_t n = 0;
  store_
      ->Scan("k/", "k0",
             [&](std::string_view, std::string_view) {
               ++n;
               return true;
             })
      .PermitUncheckedError();
  return n;
}

}  // namespace hailong::hub
