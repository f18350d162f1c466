#include "hailong/ops/qr_codes.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "hailong/edge/qr.h"

namespace hailong::ops {

namespace {

bool IsId(const std::string& s, size_t max_len) {
  if (s.empty() || s.size() > max_len) return false;
  for (unsigned char c : s) {
    if (!std::isalnum(c) && c != '-' && c != '_') return false;
  }
  return true;
}

std::string PercentEncode(const std::string& s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The public URL without trailing slashes, and the office checked.
Status CheckBase(const std::string& public_url, const std::string& office, std::string* base) {
  *base = public_url;
  while (!base->empty() && base->back() == '/') base->pop_back();
  if (base->rfind("http://", 0) != 0 && base->rfind("https://", 0) != 0) {
    return Status::InvalidArgument("public URL must start with http:// or https://");
  }
  if (base->find_first_of(" ?#") != std::string::npos) {
    return Status::InvalidArgument("public URL must not hold spaces, '?' or '#'");
  }
  if (!IsId(office, 64)) {
    return Status::InvalidArgument("office must be 1-64 letters, digits, '-' or '_'");
  }
  return Status::OK();
}

}  // namespace

Status ResultsLink(const std::string& public_url, const std::string& office, std::string* link) {
  std::string base;
  Status s = CheckBase(public_url, office, &base);
  if (!s.ok()) return s;
  *link = base + "/ket-qua/" + office;
  return Status::OK();
}

Status SurveyLink(const SurveyLinkParts& p, std::string* link) {
  std::string base;
  Status s = CheckBase(p.public_url, p.office, &base);
  if (!s.ok()) return s;
  if (!IsId(p.counter, 32)) {
    return Status::InvalidArgument("counter must be 1-32 letters, digits, '-' or '_'");
  }
  *link = base + "/s/" + p.office + "/" + p.counter;
  if (!p.receipt.empty()) {
    if (p.receipt.size() > 64) return Status::InvalidArgument("receipt longer than 64 characters");
    for (unsigned char c : p.receipt) {
      if (c < 0x21 || c > 0x7e) {
        return Status::InvalidArgument("receipt must be printable ASCII without spaces");
      }
    }
    *link += "?r=" + PercentEncode(p.receipt);
  }
  return Status::OK();
}

Status WriteQrFile(const std::string& text, const std::string& path, bool overwrite) {
  std::string lower = path;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const bool png = EndsWith(lower, ".png");
  if (!png && !EndsWith(lower, ".svg")) {
    return Status::InvalidArgument("the output file must end in .png or .svg: " + path);
  }
  std::error_code ec;
  if (!overwrite && std::filesystem::exists(path, ec)) {
    return Status::InvalidArgument(path + " exists (use --force to replace it)");
  }
  std::string image;
  Status s = png ? edge::RenderQrPng(text, &image) : edge::RenderQrSvg(text, &image);
  if (!s.ok()) return s;
  const std::string tmp = path + ".partial";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(image.data(), static_cast<std::streamsize>(image.size()));
    out.flush();
    if (!out) return Status::IOError("cannot write " + tmp);
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::IOError("cannot write " + path + ": " + ec.message());
  return Status::OK();
}

}  // namespace hailong::ops
