// Fuzz target: what a device sends over MQTT and what the edge reads from
// topics — the rating payload (ParseRating, ExtractRatingId), topics
// (ParseTopic), acks (ParseAck) and templates (ParseTemplate, also carried
// by the hub's catalogue). Input: one selector byte, then the bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hailong/devices/payload.h"
#include "hailong/survey/template_codec.h"
#include "hailong/survey/template_registry.h"

using namespace hailong;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto registry = survey::TemplateRegistry::WithBuiltins();
  if (size < 1) return 0;
  const uint8_t selector = data[0] % 4;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (selector) {
    case 0: {
      survey::CheckedRating rating;
      survey::RatingParseOptions options;
      options.reject_unknown_keys = (size % 2) == 0;
      // A fixed "now" (2026-11-24T04:27:53Z) so runs are reproducible.
      (void)survey::ParseRating(text, *registry, 1795926473000, options, &rating);
      (void)survey::ExtractRatingId(text);
      break;
    }
    case 1: {
      devices::DeviceTopic topic;
      (void)devices::ParseTopic(text, &topic);
      break;
    }
    case 2: {
      devices::DeviceAck ack;
      (void)devices::ParseAck(text, &ack);
      break;
    }
    case 3: {
      survey::SurveyTemplate t;
      if (survey::ParseTemplate(text, &t).ok()) (void)survey::TemplateToJson(t);
      break;
    }
  }
  return 0;
}
