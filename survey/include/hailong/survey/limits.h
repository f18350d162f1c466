// The limits of a rating's fields, one constant each, whatever way the rating
// arrives (MQTT, the edge's HTTP API, the hub's phone survey). The browser
// pages (edge/web/survey.js, survey.html) repeat the comment and phone limits
// for their form checks.
//
// Thread safety: constants and pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace hailong::survey {

// A rating's id: 1-128 Unicode code points, any characters (a device's own
// numbering; the edge prefixes it with the device id for idempotency).
inline constexpr size_t kMaxRatingIdChars = 128;
// A counter id: 1-32 of [A-Za-z0-9_-].
inline constexpr size_t kMaxCounterIdChars = 32;
// Office, officer and device ids (MQTT user names of devices).
inline constexpr size_t kMaxNodeIdChars = 64;
// A receipt (dossier) number: 1-64 of [A-Za-z0-9._/-].
inline constexpr size_t kMaxDossierChars = 64;
// A comment: at most 2,000 Unicode code points (not bytes: a Vietnamese
// letter with two diacritics takes 3 bytes of UTF-8).
inline constexpr size_t kMaxCommentCodePoints = 2000;
// A call-back phone number: digits with optional spaces, '.', '-', '(' and
// ')' between them and one leading '+', at most kMaxPhoneChars as typed;
// without the separators, 8-16 digits (E.164 has at most 15; Vietnamese
// numbers have 10). Stored without the separators ("+84 912-345-678" ->
// "+84912345678").
inline constexpr size_t kMaxPhoneChars = 32;
inline constexpr size_t kMinPhoneDigits = 8;
inline constexpr size_t kMaxPhoneDigits = 16;
// The version of the consent text a page or device showed: 1-32 of
// [A-Za-z0-9._-]. A rating with consent but without a version records
// kUnversionedConsent.
inline constexpr size_t kMaxConsentVersionChars = 32;
inline constexpr std::string_view kUnversionedConsent = "unversioned";

// Code points of valid UTF-8 (continuation bytes are not counted).
size_t CodePoints(std::string_view utf8);

// 1-kMaxCounterIdChars of [A-Za-z0-9_-].
bool IsValidCounterId(std::string_view id);
// 1-kMaxNodeIdChars of [A-Za-z0-9_-] (office, officer and device ids).
bool IsValidNodeId(std::string_view id);
// 1-kMaxDossierChars of [A-Za-z0-9._/-].
bool IsValidDossier(std::string_view receipt);
// 1-kMaxConsentVersionChars of [A-Za-z0-9._-].
bool IsValidConsentVersion(std::string_view version);
// The phone number without separators ("+84912345678"), or "" when `typed`
// breaks the rule above.
std::string NormalizePhone(std::string_view typed);

}  // namespace hailong::survey
