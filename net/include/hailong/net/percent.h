// Percent decoding of URL parts and query strings (RFC 3986), the one
// decoder the servers, the hub's store keys and the tests share. Hex digits
// are read by schema::HexDecode, the project's one hex decoder.
//
// Thread safety: pure functions. Ownership: results are returned by value.
// Errors: PercentDecode says false on a bad escape; the lenient forms keep
// what they cannot decode as it was sent.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace hailong::net {

// Percent-decodes `in`; '+' becomes a space only with `plus_is_space` (a
// query's names and values). False on a bad or cut-off escape ("%4",
// "%zz"), *out untouched then.
bool PercentDecode(std::string_view in, std::string* out, bool plus_is_space = false);

// Like PercentDecode, but a bad escape is kept as it stands ("%zz" stays
// "%zz"). For store keys written by PercentEncode's kin (hub codec).
std::string PercentDecodeLenient(std::string_view in);

// Splits "a=1&b=x+y%20z" into decoded pairs ('+' is a space in values; a
// bad escape keeps the raw text). The first of repeated names wins.
std::map<std::string, std::string> ParseQuery(std::string_view query);

}  // namespace hailong::net
