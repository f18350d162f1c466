#include "rebuild_scan.h"

#include <cstring>

#include "hailong/schema/events_generated.h"

namespace hailong::hub {

ScanAhead::ScanAhead(const replication::EventLog* log, std::string origin, uint64_t from_seq)
    : log_(log), origin_(std::move(origin)), next_seq_(from_seq) {
  thread_ = std::thread([this, from_seq] { Run(from_seq); });
}

ScanAhead::~ScanAhead() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool ScanAhead::Publish(std::unique_ptr<Block>* block) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return stop_ || full_.size() < kMaxQueued; });
  if (stop_) return false;
  full_.push_back(std::move(*block));
  if (!free_.empty()) {
    *block = std::move(free_.back());
    free_.pop_back();
  } else {
    *block = std::make_unique<Block>();
  }
  lock.unlock();
  cv_.notify_all();
  return true;
}

void ScanAhead::Run(uint64_t from_seq) {
  auto block = std::make_unique<Block>();
  bool stopped = false;
  Status s =
      log_->Scan(origin_, from_seq, [&](uint64_t seq, std::string_view bytes, const fb::Event&) {
        // 8-byte aligned, like the log's aligned copy.
        const size_t at = (block->used + 7) & ~size_t{7};
        const size_t end = at + bytes.size();
        if (end > block->buffer.size() * 8) {
          block->buffer.resize(std::max(end, block->buffer.size() * 16) / 8 + 1);
        }
        std::memcpy(reinterpret_cast<char*>(block->buffer.data()) + at, bytes.data(), bytes.size());
        block->used = end;
        block->events.emplace_back(seq, at);
        if (block->events.size() < kBlockEvents) return true;
        stopped = !Publish(&block);
        return !stopped;
      });
  if (!stopped && !block->events.empty()) stopped = !Publish(&block);
  {
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
    status_ = stopped ? Status::OK() : s;
  }
  cv_.notify_all();
}

bool ScanAhead::Next(uint64_t* seq, const fb::Event** event) {
  while (current_ == nullptr || position_ >= current_->events.size()) {
    if (finished_) return false;
    std::unique_lock<std::mutex> lock(mu_);
    if (current_ != nullptr) {
      current_->used = 0;
      current_->events.clear();
      free_.push_back(std::move(current_));
    }
    cv_.notify_all();
    cv_.wait(lock, [this] { return !full_.empty() || done_; });
    if (full_.empty()) {
      finished_ = true;
      return false;
    }
    current_ = std::move(full_.front());
    full_.pop_front();
    position_ = 0;
    lock.unlock();
    cv_.notify_all();
  }
  const auto& [s, offset] = current_->events[position_++];
  *seq = s;
  *event = fb::GetEvent(reinterpret_cast<const char*>(current_->buffer.data()) + offset);
  next_seq_ = s + 1;
  return true;
}

Status ScanAhead::status() const {
  std::lock_guard<std::mutex> lock(mu_);
  return status_;
}

}  // namespace hailong::hub
