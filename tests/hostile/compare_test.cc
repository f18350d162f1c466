// Tokens compared in constant time: every node token (as its SHA-256), and
// every CSRF token, goes through hub::ConstantTimeEqual (hub/src/auth.cc:
// Authenticate, CheckCsrf), which is sodium_memcmp: its running time depends
// only on the length, never on where the first difference is. Passwords go
// through crypto_pwhash_str_verify. This checks that the compare is exact.
#include <gtest/gtest.h>

#include <string>

#include "hailong/hub/auth.h"

namespace hailong::hostile {
namespace {

TEST(ConstantTimeTest, TheTokenCompareIsExact) {
  using hub::ConstantTimeEqual;
  EXPECT_TRUE(ConstantTimeEqual("", ""));
  EXPECT_TRUE(ConstantTimeEqual("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "xbc"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abcd"));
  EXPECT_FALSE(ConstantTimeEqual("", "a"));
  const std::string a(64, 'f');
  std::string b = a;
  for (size_t i = 0; i < b.size(); ++i) {
    b[i] = 'e';
    EXPECT_FALSE(ConstantTimeEqual(a, b)) << i;
    b[i] = 'f';
  }
  // NUL bytes are compared, not terminators.
  EXPECT_FALSE(ConstantTimeEqual(std::string("a\0b", 3), std::string("a\0c", 3)));
  // The node token, its SHA-256 and the CSRF token all go through it (see
  // hub/src/auth.cc: Authenticate and CheckCsrf); it is sodium_memcmp,
  // whose running time depends only on the length.
}

}  // namespace
}  // namespace hailong::hostile
