// `hailongctl qr`: QR codes of the phone-survey links for printing, the
// same links and images the edge serves at /qr/counter/{c} and
// /qr/receipt/{r} (hailong/edge/qr.h renders them).
//
//   counter:  {public_url}/s/{office}/{counter}
//   receipt:  {public_url}/s/{office}/{counter}?r={receipt}
//
// Thread safety: the functions keep no state.
#pragma once

#include <string>

#include "hailong/schema/status.h"

namespace hailong::ops {

struct SurveyLinkParts {
  std::string public_url;  // "https://hailong.example.vn" (no trailing slash needed)
  std::string office;      // 1-64 of letters, digits, '-', '_'
  std::string counter;     // 1-32 of letters, digits, '-', '_'
  std::string receipt;     // "" = a counter's code; else printable ASCII, percent-encoded
};

// The link. InvalidArgument naming the bad part.
Status SurveyLink(const SurveyLinkParts& parts, std::string* link);

// The office's public results page at the hub: {public_url}/ket-qua/{office}
// (public_url is then the hub's public address). InvalidArgument naming the bad part.
Status ResultsLink(const std::string& public_url, const std::string& office, std::string* link);

// Renders `text` as PNG or SVG, chosen by `path`'s extension (.png, .svg),
// and writes the file (replacing it only when `overwrite`). InvalidArgument
// for another extension, an existing file, or text too long for a QR code;
// IOError when the file cannot be written.
Status WriteQrFile(const std::string& text, const std::string& path, bool overwrite);

}  // namespace hailong::ops
