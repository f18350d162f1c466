// Status: the outcome of an operation, passed across module boundaries
// instead of exceptions (after leveldb::Status).
//
// A Status is cheap to copy when OK. Functions that can fail return a
// [[nodiscard]] Status and hand results out through pointer arguments.
// Thread safety: a Status is a value; distinct objects need no locking.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace hailong {

class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk = 0,
    kNotFound,          // the thing asked for does not exist
    kCorruption,        // stored or received bytes are damaged or inconsistent
    kInvalidArgument,   // the caller's input is wrong; message says what
    kIOError,           // the operating system or RocksDB failed
    kConflict,          // out of order: a gap, a fork or a stale cursor
    kUnavailable,       // a peer or the broker cannot be reached; retry later
    kStorageFull,       // the disk floor is reached; nothing was written
    kPermissionDenied,  // authenticated, but not allowed
    kUnauthenticated,   // no or wrong credentials
  };

  Status() = default;
  static Status OK() { return Status(); }
  static Status NotFound(std::string_view msg) { return Status(Code::kNotFound, msg); }
  static Status Corruption(std::string_view msg) { return Status(Code::kCorruption, msg); }
  static Status InvalidArgument(std::string_view msg) {
    return Status(Code::kInvalidArgument, msg);
  }
  static Status IOError(std::string_view msg) { return Status(Code::kIOError, msg); }
  static Status Conflict(std::string_view msg) { return Status(Code::kConflict, msg); }
  static Status Unavailable(std::string_view msg) { return Status(Code::kUnavailable, msg); }
  static Status StorageFull(std::string_view msg) { return Status(Code::kStorageFull, msg); }
  static Status PermissionDenied(std::string_view msg) {
    return Status(Code::kPermissionDenied, msg);
  }
  static Status Unauthenticated(std::string_view msg) {
    return Status(Code::kUnauthenticated, msg);
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsCorruption() const { return code_ == Code::kCorruption; }
  bool IsInvalidArgument() const { return code_ == Code::kInvalidArgument; }
  bool IsConflict() const { return code_ == Code::kConflict; }
  bool IsStorageFull() const { return code_ == Code::kStorageFull; }
  const std::string& message() const { return message_; }

  // "Corruption: event 17 fails the chain" style text for logs and users.
  std::string ToString() const;

  // Marks a deliberately ignored status so that it can be searched for.
  void PermitUncheckedError() const {}

 private:
  Status(Code code, std::string_view msg) : code_(code), message_(msg) {}
  Code code_ = Code::kOk;
  std::string message_;
};

}  // namespace hailong
