// The field rules of limits.h.
#include "hailong/survey/limits.h"

#include <algorithm>

namespace hailong::survey {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == '_' || c == '-';
}
bool IsDossierChar(char c) { return IsIdChar(c) || c == '.' || c == '/'; }
bool IsVersionChar(char c) { return IsIdChar(c) || c == '.'; }
bool IsPhoneSeparator(char c) { return c == ' ' || c == '.' || c == '-' || c == '(' || c == ')'; }

bool AllOf(std::string_view s, size_t max, bool (*ok)(char)) {
  return !s.empty() && s.size() <= max && std::all_of(s.begin(), s.end(), ok);
}

}  // namespace

size_t CodePoints(std::string_view utf8) {
  return static_cast<size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

bool IsValidCounterId(std::string_view id) { return AllOf(id, kMaxCounterIdChars, IsIdChar); }
bool IsValidNodeId(std::string_view id) { return AllOf(id, kMaxNodeIdChars, IsIdChar); }
bool IsValidDossier(std::string_view receipt) {
  return AllOf(receipt, kMaxDossierChars, IsDossierChar);
}
bool IsValidConsentVersion(std::string_view version) {
  return AllOf(version, kMaxConsentVersionChars, IsVersionChar);
}

std::string NormalizePhone(std::string_view typed) {
  if (typed.empty() || typed.size() > kMaxPhoneChars) return "";
  std::string out;
  for (size_t i = 0; i < typed.size(); ++i) {
    const char c = typed[i];
    if (IsDigit(c)) {
      out += c;
    } else if (c == '+' && out.empty() && i == typed.find_first_not_of(' ')) {
      out += c;
    } else if (!IsPhoneSeparator(c)) {
      return "";
    }
  }
  const size_t digits = out.size() - (out.starts_with('+') ? 1 : 0);
  if (digits < kMinPhoneDigits || digits > kMaxPhoneDigits) return "";
  return out;
}

}  // namespace hailong::survey
