// Fuzz target: the event JSON codec (schema/event_json.h), as `hailongctl
// log import`-style tools and the HTTP APIs read it. Anything EventFromJson
// accepts must serialize, verify, and come back equal through EventToJson.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "hailong/schema/event.h"
#include "hailong/schema/event_json.h"

using namespace hailong;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return 0;
  fb::EventT event;
  if (!schema::EventFromJson(j, &event).ok()) return 0;
  const std::string bytes = schema::SerializeEvent(event);
  const fb::Event* root = nullptr;
  fb::EventT decoded;
  const nlohmann::json again = schema::EventToJson(event);
  // The verifier may refuse what JSON allowed (e.g. seq 0); that is fine.
  if (!schema::VerifyEvent(bytes, &root).ok()) return 0;
  if (!schema::DecodeEvent(bytes, &decoded).ok()) std::abort();
  fb::EventT round;
  if (!schema::EventFromJson(again, &round).ok()) std::abort();
  if (schema::SerializeEvent(round) != bytes) std::abort();
  (void)again.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return 0;
}
