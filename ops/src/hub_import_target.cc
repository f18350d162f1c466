// The online import target: POST /api/v1/replication/push on a hub
// (protocol: replication/doc/protocol.md).
#include <nlohmann/json.hpp>

#include "hailong/ops/export_format.h"
#include "hailong/ops/log_import.h"
#include "http_client.h"

namespace hailong::ops {

namespace {

constexpr char kPushPath[] = "/api/v1/replication/push";
constexpr char kFramesType[] = "application/x-hailong-events";

std::string Frames(const std::vector<std::string_view>& events, size_t begin, size_t end) {
  std::string body;
  for (size_t i = begin; i < end; ++i) {
    PutFixed32(&body, static_cast<uint32_t>(events[i].size()));
    body.append(events[i]);
  }
  return body;
}

// The hub's JSON answer, or an empty object when it sent something else.
nlohmann::json Answer(const std::string& body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  return j.is_object() ? j : nlohmann::json::object();
}

std::string ErrorText(const nlohmann::json& j, const std::string& body) {
  if (auto it = j.find("error"); it != j.end() && it->is_string()) return it->get<std::string>();
  return body.substr(0, 200);
}

uint64_t Number(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_unsigned() ? it->get<uint64_t>() : 0;
}

class HubImportTarget : public ImportTarget {
 public:
  explicit HubImportTarget(HubTargetOptions options, HubUrl url)
      : options_(std::move(options)), client_(std::move(url), options_.timeout_seconds) {}

  Status Push(std::string_view origin, const std::vector<std::string_view>& events,
              ImportBatchResult* result) override {
    *result = ImportBatchResult();
    return PushRange(origin, events, 0, events.size(), result);
  }

  std::string Describe() const override { return options_.url; }

 private:
  // Pushes events[begin, end); halves the batch when the hub answers 413.
  Status PushRange(std::string_view origin, const std::vector<std::string_view>& events,
                   size_t begin, size_t end, ImportBatchResult* result) {
    HttpResponse res;
    Status s = client_.Post(
        kPushPath,
        {{"Authorization", "Bearer " + options_.token}, {"X-Hailong-Origin", std::string(origin)}},
        kFramesType, Frames(events, begin, end), &res);
    if (!s.ok()) return s;
    const nlohmann::json j = Answer(res.body);
    const std::string o(origin);
    switch (res.status) {
      case 200:
        result->stored += Number(j, "stored");
        result->skipped += Number(j, "skipped");
        result->head_seq = Number(j, "acked_seq");
        return Status::OK();
      case 413:
        if (end - begin > 1) {
          const size_t mid = begin + (end - begin) / 2;
          s = PushRange(origin, events, begin, mid, result);
          if (s.ok()) s = PushRange(origin, events, mid, end, result);
          return s;
        }
        return Status::InvalidArgument("the hub refuses an event of " + o + " as too large");
      case 401:
        return Status::Unauthenticated("the hub does not accept the token");
      case 403:
        return Status::PermissionDenied("the token may not push events of origin " + o);
      case 409:
        return Status::Conflict(ErrorText(j, res.body) + " (the hub holds " + o + " up to seq " +
                                std::to_string(Number(j, "acked_seq")) + ")");
      case 422:
        return Status::Corruption("the hub found event " + o + " seq " +
                                  std::to_string(Number(j, "seq")) +
                                  " damaged: " + ErrorText(j, res.body));
      case 507:
        return Status::StorageFull("the hub's disk is full");
      default:
        return Status::Unavailable("the hub answered HTTP " + std::to_string(res.status) + ": " +
                                   ErrorText(j, res.body));
    }
  }

  HubTargetOptions options_;
  HttpClient client_;
};

}  // namespace

Status NewHubImportTarget(const HubTargetOptions& options, std::unique_ptr<ImportTarget>* out) {
  HubUrl url;
  Status s = ParseHubUrl(options.url, &url);
  if (!s.ok()) return s;
  if (options.token.empty()) return Status::InvalidArgument("the token is empty");
  *out = std::make_unique<HubImportTarget>(options, std::move(url));
  return Status::OK();
}

}  // namespace hailong::ops
