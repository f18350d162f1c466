#include "sign_in_names.h"

#include "codec.h"

namespace hailong::hub {

namespace {
constexpr std::string_view kNamePrefix = "x/hub/p/names/";
}  // namespace

std::string SignInNames::NameKey(std::string_view office, std::string_view officer) {
  return std::string(kNamePrefix) + codec::KeyPart(office) + "/" + codec::KeyPart(officer);
}

std::map<std::string, std::map<std::string, std::string>> SignInNames::All(
    const replication::Store& store, const std::function<bool(const std::string&)>& may_see) {
  std::map<std::string, std::map<std::string, std::string>> out;
  std::string end(kNamePrefix);
  end.back() = static_cast<char>('/' + 1);
  (void)store.Scan(kNamePrefix, end, [&](std::string_view key, std::string_view v) {
    std::string_view rest = key.substr(kNamePrefix.size());
    const size_t slash = rest.find('/');
    if (slash == std::string_view::npos) return true;
    const std::string office = codec::UnKeyPart(rest.substr(0, slash));
    if (may_see(office)) out[office][codec::UnKeyPart(rest.substr(slash + 1))] = std::string(v);
    return true;
  });
  return out;
}

}  // namespace hailong::hub
