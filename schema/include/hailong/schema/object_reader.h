// ObjectReader: reads the members of one JSON object of a configuration or
// a request, remembering which keys it knows so that any other key is
// reported as unknown. Every message names the key by its dotted path.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "hailong/schema/status.h"

namespace hailong::schema {

class ObjectReader {
 public:
  // `prefix` is the dotted path of the object ("" at the top, "http." inside http).
  ObjectReader(const nlohmann::json& object, std::string prefix)
      : object_(object), prefix_(std::move(prefix)) {}

  Status String(const char* key, bool required, std::string* out);
  Status Int(const char* key, int64_t min, int64_t max, int64_t* out);
  Status Int(const char* key, int min, int max, int* out);
  Status Double(const char* key, double min, double max, double* out);
  Status Bool(const char* key, bool* out);
  // Sets *out to the member (nullptr if absent and optional) after checking its type.
  Status Object(const char* key, bool required, const nlohmann::json** out);
  Status Array(const char* key, bool required, const nlohmann::json** out);
  Status StringArray(const char* key, bool required, std::vector<std::string>* out);

  // After every known key has been read: any other key is an error.
  Status RejectUnknown() const;

  Status Bad(const char* key, const std::string& why) const;
  std::string Path(const char* key) const { return prefix_ + key; }

 private:
  const nlohmann::json* Find(const char* key);
  Status Missing(const char* key) const;
  Status WrongType(const char* key, const char* type) const;

  const nlohmann::json& object_;
  std::string prefix_;
  std::set<std::string> known_;
};

}  // namespace hailong::schema
