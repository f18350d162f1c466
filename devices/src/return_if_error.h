// Early return of a failed Status (private to hailong_devices).
#pragma once

#define HL_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::hailong::Status _hl_status = (expr);   \
    if (!_hl_status.ok()) return _hl_status; \
  } while (0)
