#include <cstdio>

#include "hailong/net/http_server.h"

namespace hailong::net {
namespace {

namespace http = boost::beast::http;

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

}  // namespace

HttpReply JsonReply(unsigned status, std::string json_text) {
  return TextReply(status, std::move(json_text), "application/json; charset=utf-8");
}

HttpReply TextReply(unsigned status, std::string text, std::string content_type) {
  HttpReply r;
  r.response.result(status);
  r.response.set(http::field::content_type, content_type);
  r.response.body() = std::move(text);
  return r;
}

HttpReply ErrorReply(unsigned status, const std::string& vi, const std::string& en) {
  return JsonReply(status,
                   "{\"error\":" + JsonString(vi) + ",\"error_en\":" + JsonString(en) + "}");
}

}  // namespace hailong::net
