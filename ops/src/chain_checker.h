// ChainChecker: checks the events of one origin range of an export file,
// frame by frame, and names the first damaged event (see export_verify.h
// for how damage is located). Private to hailong_ops.
// Thread safety: one object per thread.
#pragma once

#include <cstdint>
#include <string_view>

#include "hailong/ops/export_format.h"
#include "hailong/ops/export_verify.h"

namespace hailong::ops {

class ChainChecker {
 public:
  // `range` must outlive the checker.
  explicit ChainChecker(const ExportOriginRange& range) : range_(range) {}

  // The seq the next frame must hold.
  uint64_t expected_seq() const { return range_.first_seq + count_; }
  // Frames accepted so far.
  uint64_t count() const { return count_; }

  // Feeds the next frame. False once damage is known (see damage()).
  bool Add(std::string_view bytes);
  // Reports that the next frame could not be read at all (`reason`).
  void Unreadable(const std::string& reason);
  // Called when the range's frames are all fed (or the file ran out):
  // checks the count and the last link. False once damage is known.
  bool Finish();

  const ExportDamage& damage() const { return damage_; }

 private:
  void Fail(uint64_t seq, const std::string& reason);

  const ExportOriginRange& range_;
  uint64_t count_ = 0;
  schema::Hash prev_self_ = schema::kZeroHash;  // ChainHash(stored prev, bytes) of the last frame
  bool pending_ = false;  // the link from expected_seq()-2 to expected_seq()-1 is broken
  bool failed_ = false;
  ExportDamage damage_;
  schema::AlignedEventBuffer aligned_;  // frames follow a 4-byte length
};

}  // namespace hailong::ops
