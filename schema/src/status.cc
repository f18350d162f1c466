#include "hailong/schema/status.h"

namespace hailong {

std::string Status::ToString() const {
  const char* name = "OK";
  switch (code_) {
    case Code::kOk:
      return "OK";
    case Code::kNotFound:
      name = "Not found";
      break;
    case Code::kCorruption:
      name = "Corruption";
      break;
    case Code::kInvalidArgument:
      name = "Invalid argument";
      break;
    case Code::kIOError:
      name = "IO error";
      break;
    case Code::kConflict:
      name = "Conflict";
      break;
    case Code::kUnavailable:
      name = "Unavailable";
      break;
    case Code::kStorageFull:
      name = "Storage full";
      break;
    case Code::kPermissionDenied:
      name = "Permission denied";
      break;
    case Code::kUnauthenticated:
      name = "Unauthenticated";
      break;
  }
  return std::string(name) + ": " + message_;
}

}  // namespace hailong
