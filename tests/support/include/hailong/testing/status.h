// ASSERT_OK(expr): a gtest assertion that a hailong::Status is OK, printing
// the status otherwise. For test files only (includes gtest).
#pragma once

#include <gtest/gtest.h>

#include "hailong/schema/status.h"

#define ASSERT_OK(expr)                    \
  do {                                     \
    const ::hailong::Status _s = (expr);   \
    ASSERT_TRUE(_s.ok()) << _s.ToString(); \
  } while (0)
