#include "hailong/schema/event.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cstring>
#include <memory>

namespace hailong::schema {

Status VerifyEvent(std::string_view bytes, const fb::Event** event) {
  *event = nullptr;
  if (bytes.size() < 8) return Status::Corruption("event shorter than a FlatBuffer header");
  flatbuffers::Verifier::Options opts;
  opts.max_depth = 32;
  opts.max_tables = 10000;
  flatbuffers::Verifier verifier(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
                                 opts);
  if (!fb::EventBufferHasIdentifier(bytes.data())) {
    return Status::Corruption("not an event (file identifier is not HLE1)");
  }
  if (!fb::VerifyEventBuffer(verifier)) {
    return Status::Corruption("event fails the FlatBuffers Verifier");
  }
  const fb::Event* e = fb::GetEvent(bytes.data());
  if (e->origin()->size() == 0) return Status::Corruption("event has an empty origin");
  if (e->seq() == 0) return Status::Corruption("event has seq 0");
  if (e->prev_hash() == nullptr || e->prev_hash()->size() != 32) {
    return Status::Corruption("event prev_hash is not 32 bytes");
  }
  if (e->body_type() == fb::EventBody::NONE ||
      static_cast<uint8_t>(e->body_type()) > static_cast<uint8_t>(fb::EventBody::MAX)) {
    return Status::Corruption("event has no known body type");
  }
  *event = e;
  return Status::OK();
}

std::string_view AlignedEventBuffer::Align(std::string_view bytes) {
  if (reinterpret_cast<uintptr_t>(bytes.data()) % alignof(uint64_t) == 0) return bytes;
  words_.resize((bytes.size() + sizeof(uint64_t) - 1) / sizeof(uint64_t));
  std::memcpy(words_.data(), bytes.data(), bytes.size());
  return std::string_view(reinterpret_cast<const char*>(words_.data()), bytes.size());
}

Status VerifyEvent(std::string_view bytes, const fb::Event** event, AlignedEventBuffer* buffer) {
  return VerifyEvent(buffer->Align(bytes), event);
}

std::string SerializeEvent(const fb::EventT& event) {
  flatbuffers::FlatBufferBuilder fbb(256);
  fbb.Finish(fb::Event::Pack(fbb, &event), fb::EventIdentifier());
  return std::string(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
}

Status DecodeEvent(std::string_view bytes, fb::EventT* out) {
  const fb::Event* e = nullptr;
  AlignedEventBuffer aligned;  // nothing returned points into it
  Status s = VerifyEvent(bytes, &e, &aligned);
  if (!s.ok()) return s;
  e->UnPackTo(out);
  return Status::OK();
}

Hash ChainHash(const Hash& prev, std::string_view bytes) {
  // One fetched digest for the process and one context per thread: the
  // log hashes every event it writes or verifies, so no allocation here.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                           &EVP_MD_CTX_free);
  Hash out;
  unsigned int len = 0;
  EVP_DigestInit_ex(ctx.get(), sha256, nullptr);
  EVP_DigestUpdate(ctx.get(), prev.data(), prev.size());
  EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size());
  EVP_DigestFinal_ex(ctx.get(), out.data(), &len);
  return out;
}

Hash Sha256(std::string_view bytes) {
  Hash out;
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), out.data());
  return out;
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.resize(bytes.size() * 2);
  for (size_t i = 0; i < bytes.size(); ++i) {
    const auto b = static_cast<uint8_t>(bytes[i]);
    out[2 * i] = kDigits[b >> 4];
    out[2 * i + 1] = kDigits[b & 15];
  }
  return out;
}

static int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool HexDecode(std::string_view hex, std::string* out) {
  if (hex.size() % 2 != 0) return false;
  out->clear();
  out->reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = HexValue(hex[i]);
    const int lo = HexValue(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

Hash HashFromVector(const flatbuffers::Vector<uint8_t>* v) {
  Hash h = kZeroHash;
  if (v != nullptr && v->size() == h.size()) std::memcpy(h.data(), v->data(), h.size());
  return h;
}

namespace {
struct TypeName {
  fb::EventBody type;
  const char* name;
};
constexpr TypeName kTypeNames[] = {
    {fb::EventBody::RatingSubmitted, "rating_submitted"},
    {fb::EventBody::DossierRecorded, "dossier_recorded"},
    {fb::EventBody::OfficerSignedIn, "officer_signed_in"},
    {fb::EventBody::OfficerSignedOut, "officer_signed_out"},
    {fb::EventBody::DeviceSeen, "device_seen"},
    {fb::EventBody::DeviceLost, "device_lost"},
    {fb::EventBody::TemplatePublished, "template_published"},
    {fb::EventBody::CatalogueChanged, "catalogue_changed"},
    {fb::EventBody::FollowUpOpened, "follow_up_opened"},
    {fb::EventBody::FollowUpNoted, "follow_up_noted"},
    {fb::EventBody::FollowUpClosed, "follow_up_closed"},
    {fb::EventBody::RatingVoided, "rating_voided"},
    {fb::EventBody::AlertRaised, "alert_raised"},
    {fb::EventBody::AlertAcknowledged, "alert_acknowledged"},
    {fb::EventBody::AlertClosed, "alert_closed"},
    {fb::EventBody::OfficerPinSet, "officer_pin_set"},
    {fb::EventBody::PersonalDataErased, "personal_data_erased"},
    {fb::EventBody::ComplaintRecorded, "complaint_recorded"},
    {fb::EventBody::VisitRecorded, "visit_recorded"},
};
}  // namespace

const char* EventTypeName(fb::EventBody type) {
  for (const auto& t : kTypeNames) {
    if (t.type == type) return t.name;
  }
  return "unknown";
}

fb::EventBody EventTypeFromName(std::string_view name) {
  for (const auto& t : kTypeNames) {
    if (name == t.name) return t.type;
  }
  return fb::EventBody::NONE;
}

}  // namespace hailong::schema
