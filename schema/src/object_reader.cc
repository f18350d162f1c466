#include "hailong/schema/object_reader.h"

#include "hailong/schema/status_macros.h"

namespace hailong::schema {

using json = nlohmann::json;

const json* ObjectReader::Find(const char* key) {
  known_.insert(key);
  auto it = object_.find(key);
  return it == object_.end() ? nullptr : &*it;
}

Status ObjectReader::Missing(const char* key) const {
  return Status::InvalidArgument("missing required key \"" + prefix_ + key + "\"");
}

Status ObjectReader::WrongType(const char* key, const char* type) const {
  return Status::InvalidArgument("\"" + prefix_ + key + "\" must be " + type);
}

Status ObjectReader::Bad(const char* key, const std::string& why) const {
  return Status::InvalidArgument("\"" + prefix_ + key + "\" " + why);
}

Status ObjectReader::String(const char* key, bool required, std::string* out) {
  const json* v = Find(key);
  if (v == nullptr) return required ? Missing(key) : Status::OK();
  if (!v->is_string()) return WrongType(key, "a string");
  *out = v->get<std::string>();
  if (required && out->empty()) return Bad(key, "must not be empty");
  return Status::OK();
}

Status ObjectReader::Int(const char* key, int64_t min, int64_t max, int64_t* out) {
  const json* v = Find(key);
  if (v == nullptr) return Status::OK();
  if (!v->is_number_integer()) return WrongType(key, "an integer");
  if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(max)) {
    return Bad(key, "must be at most " + std::to_string(max));
  }
  const int64_t n = v->get<int64_t>();
  if (n < min || n > max) {
    return Bad(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  *out = n;
  return Status::OK();
}

Status ObjectReader::Int(const char* key, int min, int max, int* out) {
  int64_t v = *out;
  HAILONG_RETURN_IF_ERROR(Int(key, static_cast<int64_t>(min), static_cast<int64_t>(max), &v));
  *out = static_cast<int>(v);
  return Status::OK();
}

Status ObjectReader::Double(const char* key, double min, double max, double* out) {
  const json* v = Find(key);
  if (v == nullptr) return Status::OK();
  if (!v->is_number()) return WrongType(key, "a number");
  const double d = v->get<double>();
  if (!(d >= min && d <= max)) {
    return Bad(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  *out = d;
  return Status::OK();
}

Status ObjectReader::Bool(const char* key, bool* out) {
  const json* v = Find(key);
  if (v == nullptr) return Status::OK();
  if (!v->is_boolean()) return WrongType(key, "true or false");
  *out = v->get<bool>();
  return Status::OK();
}

Status ObjectReader::Object(const char* key, bool required, const json** out) {
  *out = nullptr;
  const json* v = Find(key);
  if (v == nullptr) return required ? Missing(key) : Status::OK();
  if (!v->is_object()) return WrongType(key, "an object");
  *out = v;
  return Status::OK();
}

Status ObjectReader::Array(const char* key, bool required, const json** out) {
  *out = nullptr;
  const json* v = Find(key);
  if (v == nullptr) return required ? Missing(key) : Status::OK();
  if (!v->is_array()) return WrongType(key, "an array");
  *out = v;
  return Status::OK();
}

Status ObjectReader::StringArray(const char* key, bool required, std::vector<std::string>* out) {
  const json* v = nullptr;
  HAILONG_RETURN_IF_ERROR(Array(key, required, &v));
  if (v == nullptr) return Status::OK();
  out->clear();
  for (size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_string()) {
      return Status::InvalidArgument("\"" + prefix_ + key + "[" + std::to_string(i) +
                                     "]\" must be a string");
    }
    out->push_back((*v)[i].get<std::string>());
  }
  return Status::OK();
}

Status ObjectReader::RejectUnknown() const {
  for (auto it = object_.begin(); it != object_.end(); ++it) {
    if (known_.count(it.key()) == 0) {
      return Status::InvalidArgument("unknown key \"" + prefix_ + it.key() + "\"");
    }
  }
  return Status::OK();
}

}  // namespace hailong::schema
