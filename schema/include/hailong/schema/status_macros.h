// HAILONG_RETURN_IF_ERROR(expr): returns the Status `expr` gives unless it
// is OK. For functions that return Status themselves.
#pragma once

#include "hailong/schema/status.h"

#define HAILONG_RETURN_IF_ERROR(expr) \
  do {                                \
    ::hailong::Status _s = (expr);    \
    if (!_s.ok()) return _s;          \
  } while (0)
