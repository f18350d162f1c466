// Pulling the hub's own events, and the side fetches (shipper_impl.h).
#include <cstdio>

#include "shipper_impl.h"

namespace hailong::replication::shipper_internal {

Status ShipperImpl::PullOnce(bool* more) {
  *more = false;
  pushes_since_pull_ = 0;
  const uint64_t from = log_->Head(kHubOrigin).seq + 1;
  int code = 0;
  std::string body;
  Status s = client_.Exchange(http::verb::get,
                              "/api/v1/replication/pull?origin=" + std::string(kHubOrigin) +
                                  "&from=" + std::to_string(from) +
                                  "&max_bytes=" + std::to_string(options_.max_batch_bytes),
                              AuthHeaders(), "", &code, &body);
  if (!s.ok()) return s;
  if (code != 200) return Refused("pull", code, body);
  std::vector<std::string_view> frames;
  s = SplitFrames(body, &frames);
  if (!s.ok()) return s;
  if (frames.empty()) return Status::OK();
  IngestResult r;
  s = log_->Ingest(kHubOrigin, frames, &r);
  if (!s.ok()) return s;
  *more = r.stored > 0;
  return Status::OK();
}

void ShipperImpl::SideFetches() {
  const auto now = std::chrono::steady_clock::now();
  if (side_fetched_ &&
      now - last_side_fetch_ < std::chrono::milliseconds(options_.pull_interval_ms)) {
    return;
  }
  side_fetched_ = true;
  last_side_fetch_ = now;
  for (size_t i = 0; i < options_.side_fetches.size(); ++i) {
    const auto& f = options_.side_fetches[i];
    const std::string target = f.target ? f.target() : std::string();
    if (target.empty()) continue;
    int code = 0;
    std::string body;
    Status s = client_.Exchange(http::verb::get, target, AuthHeaders(), "", &code, &body);
    if (s.ok()) s = f.on_answer(code, body);
    std::string& last = side_errors_.emplace(i, std::string()).first->second;
    const std::string now_error = s.ok() ? std::string() : s.ToString();
    if (!s.ok() && now_error != last) {
      std::fprintf(stderr, "hailong shipper: GET %s: %s\n", target.substr(0, 80).c_str(),
                   now_error.c_str());
    }
    last = now_error;
  }
}

}  // namespace hailong::replication::shipper_internal
