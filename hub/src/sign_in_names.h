// SignInNames: officers' names as the edges' OfficerSignedIn events carry
// them (the officer types or picks a name at the counter), for officers the
// district's catalogue does not name. A read model written by the projector
// in the batch of the sign-in event (x/hub/p/names/<office>/<officer> ->
// name; the latest sign-in wins), so it is rebuilt with the others.
//
// Thread safety: plain functions over the store.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "hailong/replication/store.h"

namespace hailong::hub {

class SignInNames {
 public:
  // The store key of an officer's sign-in name (value: the name).
  static std::string NameKey(std::string_view office, std::string_view officer);

  // office -> officer -> name, for the offices `may_see` allows.
  static std::map<std::string, std::map<std::string, std::string>> All(
      const replication::Store& store, const std::function<bool(const std::string&)>& may_see);
};

}  // namespace hailong::hub
