// Pushing: batches of frames read from the log, sent as a pipeline of
// pushes, answers read in order (shipper_impl.h).
#include "shipper_impl.h"

namespace hailong::replication::shipper_internal {

Status ShipperImpl::ReadBatch(uint64_t from, std::string* body, uint64_t* last) {
  body->clear();
  body->reserve(options_.max_batch_bytes + (64u << 10));
  *last = 0;
  return log_->Scan(current_, from, [&](uint64_t seq, std::string_view bytes, const fb::Event&) {
    AppendFrame(body, bytes);
    *last = seq;
    return body->size() < options_.max_batch_bytes;
  });
}

void ShipperImpl::AbandonPipeline() {
  client_.Close();
  in_flight_.clear();
}

Status ShipperImpl::PushOnce(bool* more) {
  *more = false;
  const uint64_t head = log_->Head(current_).seq;
  if (in_flight_.empty()) next_send_ = Acked() + 1;
  // After a refusal, one push at a time until one is stored: the hub then
  // sees (and lists for the node) the refusal's reason again, not the gap
  // of a push that was behind it.
  const size_t depth =
      after_refusal_ ? 1 : static_cast<size_t>(std::max(1, options_.max_in_flight));
  while (in_flight_.size() < depth && next_send_ <= head &&
         (!options_.pull || pushes_since_pull_ < kPushesPerPull) &&
         (!options_.ship_origin || turn_pushes_ < kPushesPerTurn)) {
    std::string body;
    uint64_t last = 0;
    Status s = ReadBatch(next_send_, &body, &last);
    if (!s.ok()) {  // a damaged local event: never skipped
      AbandonPipeline();
      return s;
    }
    if (last == 0) break;
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Authorization", "Bearer " + options_.token}, {"X-Hailong-Origin", current_}};
    if (options_.push_headers) {
      for (auto& h : options_.push_headers(current_)) headers.push_back(std::move(h));
    }
    headers.emplace_back("Content-Type", "application/octet-stream");
    // For the hub's node list: this node's clock (skew) and head (lag).
    headers.emplace_back("X-Hailong-Clock", std::to_string(WallMs()));
    // (Not with many origins: the hub's node list has one head per node.)
    if (!options_.ship_origin) headers.emplace_back("X-Hailong-Head-Seq", std::to_string(head));
    // A connection idle since the last round may have been closed by the
    // hub: its first push gets one fresh attempt (see below).
    const bool idle_reuse = in_flight_.empty() && client_.connected();
    s = client_.Send(http::verb::post, "/api/v1/replication/push", headers, std::move(body));
    if (!s.ok()) {
      AbandonPipeline();
      if (idle_reuse) {
        *more = true;
        return Status::OK();
      }
      return s;
    }
    in_flight_.push_back(InFlight{last, idle_reuse});
    next_send_ = last + 1;
    ++pushes_since_pull_;
    if (options_.ship_origin) ++turn_pushes_;
  }
  if (in_flight_.empty()) {
    *more = next_send_ <= head;  // paused for a pull
    return Status::OK();
  }

  const InFlight sent = in_flight_.front();
  int code = 0;
  std::string answer;
  Status s = client_.Receive(&code, &answer);
  if (!s.ok()) {
    AbandonPipeline();
    if (sent.idle_reuse) {
      *more = true;
      return Status::OK();
    }
    return s;
  }
  in_flight_.pop_front();
  after_refusal_ = code != 200;
  if (code == 409) {
    // The hub's cursor differs from ours: take the hub's and go on.
    AbandonPipeline();
    json j = json::parse(answer, nullptr, false);
    if (j.is_object() && j.contains("acked_seq") && j["acked_seq"].is_number_unsigned()) {
      SetAcked(j["acked_seq"].get<uint64_t>());
      *more = true;
      return Status::OK();
    }
    {
      std::lock_guard<std::mutex> l(mu_);
      states_[current_].have_cursor = false;
    }
    return Refused("push", code, answer);
  }
  if (code != 200) {
    AbandonPipeline();
    return Refused("push", code, answer);
  }
  json j;
  s = ParseJson(answer, &j);
  if (!s.ok() || !j.contains("acked_seq") || !j["acked_seq"].is_number_unsigned()) {
    AbandonPipeline();
    return s.ok() ? Status::Corruption("hub push answer has no acked_seq") : s;
  }
  const uint64_t acked = j["acked_seq"].get<uint64_t>();
  SetAcked(acked);
  // The pushes behind this one continue from sent.last: if the hub
  // stands elsewhere they would be refused, so resend from its cursor.
  if (acked != sent.last) AbandonPipeline();
  {
    std::lock_guard<std::mutex> l(mu_);
    ++status_.pushes;
  }
  *more = !in_flight_.empty() || Acked() < log_->Head(current_).seq;
  return Status::OK();
}

}  // namespace hailong::replication::shipper_internal
