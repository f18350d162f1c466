// Private to hailong_schema: the table-driven codec behind event_json.h.
//
// Every table is described once, by a TableFields<T> specialization that
// lists (JSON name, member) pairs in schema order. The writer and the reader
// walk the same list, so they cannot disagree about a name:
//
//   template <> struct TableFields<fb::AnswerT> {
//     template <class V> static void Visit(V& v) {
//       v("criterion", &fb::AnswerT::criterion);
//       v("option", &fb::AnswerT::option);
//     }
//   };
//
// A member is written as the JSON type that fits its C++ type: strings,
// booleans, integers, enums (by name, see EnumNames), RatingFlags (an array
// of names), byte vectors (hex), tables and vectors of tables. A trailing
// kTime marks an int64 of milliseconds written as RFC 3339 text; kRequired
// marks a member the reader insists on. Members equal to their default are
// not written. The reader reports the first problem as InvalidArgument
// "<path>: <what>", e.g. "body.answers[1].option: expected string".
#pragma once

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "hailong/schema/event.h"
#include "hailong/schema/status.h"

namespace hailong::schema::json_codec {

using nlohmann::json;

template <class E>
concept Enum = std::is_enum_v<E>;

// Marks an int64 member of milliseconds since the epoch (JSON: RFC 3339).
struct TimeTag {};
inline constexpr TimeTag kTime;
// Marks a member that must be present in the JSON.
struct RequiredTag {};
inline constexpr RequiredTag kRequired;

// Description of a table; see the comment at the top.
template <class T>
struct TableFields;

// Names of an enum's values; specializations hold
//   static constexpr NamedValue<E> kValues[] = {{E::X, "x"}, ...};
template <class E>
struct NamedValue {
  E value;
  const char* name;
};
template <class E>
struct EnumNames;

// The name of `value`, or nullptr for a value without a name.
template <class E>
const char* NameOf(E value) {
  for (const auto& nv : EnumNames<E>::kValues) {
    if (nv.value == value) return nv.name;
  }
  return nullptr;
}

template <class E>
bool ValueOf(std::string_view name, E* out) {
  for (const auto& nv : EnumNames<E>::kValues) {
    if (name == nv.name) {
      *out = nv.value;
      return true;
    }
  }
  return false;
}

// "body" + "answers" -> "body.answers"; "" + "seq" -> "seq".
std::string JoinPath(std::string_view path, std::string_view name);
// "body.answers" + 1 -> "body.answers[1]".
std::string IndexPath(std::string_view path, size_t index);
// InvalidArgument("<path>: <what>"); an empty path reads "event".
Status Error(std::string_view path, std::string_view what);

// ---- Leaf values (event_json_codec.cc) -------------------------------------

json TimeToJson(int64_t ms);
Status TimeFromJson(const json& in, std::string_view path, int64_t* ms);
json FlagsToJson(fb::RatingFlags flags);
Status FlagsFromJson(const json& in, std::string_view path, fb::RatingFlags* flags);
json BytesToJson(const std::vector<uint8_t>& bytes);
Status BytesFromJson(const json& in, std::string_view path, std::vector<uint8_t>* bytes);
Status StringFromJson(const json& in, std::string_view path, std::string* out);
Status BoolFromJson(const json& in, std::string_view path, bool* out);

// ---- Writing ----------------------------------------------------------------

template <class T>
json TableToJson(const T& table);

inline json ValueToJson(const std::string& s) { return s; }
inline json ValueToJson(bool b) { return b; }
inline json ValueToJson(fb::RatingFlags flags) { return FlagsToJson(flags); }
inline json ValueToJson(const std::vector<uint8_t>& bytes) { return BytesToJson(bytes); }

template <std::integral I>
json ValueToJson(I i) {
  if constexpr (std::is_signed_v<I>) {
    return static_cast<int64_t>(i);
  } else {
    return static_cast<uint64_t>(i);
  }
}

// By name; a value this build does not know (a newer schema's) as its number.
template <Enum E>
json ValueToJson(E e) {
  if (const char* name = NameOf(e)) return name;
  return static_cast<uint64_t>(static_cast<std::underlying_type_t<E>>(e));
}

template <class T>
json ValueToJson(const std::unique_ptr<T>& table) {
  return table ? TableToJson(*table) : json();
}

template <class T>
json ValueToJson(const std::vector<std::unique_ptr<T>>& tables) {
  json out = json::array();
  for (const auto& t : tables) {
    if (t) out.push_back(TableToJson(*t));
  }
  return out;
}

template <class T>
class JsonWriter {
 public:
  JsonWriter(const T& table, json* out) : table_(table), out_(out) {}

  template <class M>
  void operator()(const char* name, M T::*member) {
    if (table_.*member == Defaults().*member) return;
    (*out_)[name] = ValueToJson(table_.*member);
  }
  template <class M>
  void operator()(const char* name, M T::*member, RequiredTag) {
    (*this)(name, member);
  }
  void operator()(const char* name, int64_t T::*member, TimeTag) {
    if (table_.*member == Defaults().*member) return;
    (*out_)[name] = TimeToJson(table_.*member);
  }

 private:
  static const T& Defaults() {
    static const T defaults{};
    return defaults;
  }
  const T& table_;
  json* out_;
};

template <class T>
json TableToJson(const T& table) {
  json out = json::object();
  JsonWriter<T> writer(table, &out);
  TableFields<T>::Visit(writer);
  return out;
}

// ---- Reading ----------------------------------------------------------------

template <class T>
Status TableFromJson(const json& in, std::string_view path, T* out,
                     std::initializer_list<std::string_view> other_fields = {});

inline Status ValueFromJson(const json& in, std::string_view path, std::string* out) {
  return StringFromJson(in, path, out);
}
inline Status ValueFromJson(const json& in, std::string_view path, bool* out) {
  return BoolFromJson(in, path, out);
}
inline Status ValueFromJson(const json& in, std::string_view path, fb::RatingFlags* out) {
  return FlagsFromJson(in, path, out);
}
inline Status ValueFromJson(const json& in, std::string_view path, std::vector<uint8_t>* out) {
  return BytesFromJson(in, path, out);
}

template <std::integral I>
Status ValueFromJson(const json& in, std::string_view path, I* out) {
  if (!in.is_number_integer()) return Error(path, "expected integer");
  if (in.is_number_unsigned()) {
    const auto u = in.get<uint64_t>();
    if (!std::in_range<I>(u)) return Error(path, "out of range");
    *out = static_cast<I>(u);
  } else {
    const auto i = in.get<int64_t>();
    if (!std::in_range<I>(i)) return Error(path, "out of range");
    *out = static_cast<I>(i);
  }
  return Status::OK();
}

// A name, or (for values a newer schema added) a number.
template <Enum E>
Status ValueFromJson(const json& in, std::string_view path, E* out) {
  if (in.is_string()) {
    const auto& name = in.get_ref<const std::string&>();
    if (ValueOf(name, out)) return Status::OK();
    return Error(path, "unknown value '" + name + "'");
  }
  if (!in.is_number_integer()) return Error(path, "expected string");
  std::underlying_type_t<E> raw{};
  Status s = ValueFromJson(in, path, &raw);
  if (s.ok()) *out = static_cast<E>(raw);
  return s;
}

template <class T>
Status ValueFromJson(const json& in, std::string_view path, std::unique_ptr<T>* out) {
  auto table = std::make_unique<T>();
  Status s = TableFromJson(in, path, table.get());
  if (s.ok()) *out = std::move(table);
  return s;
}

template <class T>
Status ValueFromJson(const json& in, std::string_view path, std::vector<std::unique_ptr<T>>* out) {
  if (!in.is_array()) return Error(path, "expected array");
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    auto table = std::make_unique<T>();
    Status s = TableFromJson(in[i], IndexPath(path, i), table.get());
    if (!s.ok()) return s;
    out->push_back(std::move(table));
  }
  return Status::OK();
}

template <class T>
class JsonReader {
 public:
  JsonReader(const json& in, std::string_view path, T* out) : in_(in), path_(path), out_(out) {}

  template <class M>
  void operator()(const char* name, M T::*member) {
    if (const json* v = Find(name)) {
      status_ = ValueFromJson(*v, JoinPath(path_, name), &(out_->*member));
    }
  }
  template <class M>
  void operator()(const char* name, M T::*member, RequiredTag) {
    if (status_.ok() && !in_.contains(name)) status_ = Error(JoinPath(path_, name), "missing");
    (*this)(name, member);
  }
  void operator()(const char* name, int64_t T::*member, TimeTag) {
    if (const json* v = Find(name)) {
      status_ = TimeFromJson(*v, JoinPath(path_, name), &(out_->*member));
    }
  }

  const Status& status() const { return status_; }

 private:
  // The member's JSON value, or nullptr when absent or after an error.
  const json* Find(const char* name) const {
    if (!status_.ok()) return nullptr;
    const auto it = in_.find(name);
    return it == in_.end() ? nullptr : &*it;
  }

  const json& in_;
  std::string_view path_;
  T* out_;
  Status status_;
};

// Collects the JSON names of a table's members.
struct FieldNames {
  std::vector<std::string_view> names;
  template <class... Args>
  void operator()(const char* name, Args&&...) {
    names.push_back(name);
  }
};

// Reads the members of T from the object `in`; fails on a name that is
// neither a member of T nor in `other_fields` (read by the caller).
template <class T>
Status TableFromJson(const json& in, std::string_view path, T* out,
                     std::initializer_list<std::string_view> other_fields) {
  if (!in.is_object()) return Error(path, "expected object");
  FieldNames known;
  TableFields<T>::Visit(known);
  known.names.insert(known.names.end(), other_fields);
  for (const auto& item : in.items()) {
    bool found = false;
    for (std::string_view name : known.names) found = found || name == item.key();
    if (!found) return Error(JoinPath(path, item.key()), "unknown field");
  }
  JsonReader<T> reader(in, path, out);
  TableFields<T>::Visit(reader);
  return reader.status();
}

// The body of an event of type `type` ("rating_submitted", ...), with error
// paths under `path` (event_json_body.cc).
Status BodyFromJsonAt(std::string_view type, const json& in, std::string_view path,
                      fb::EventBodyUnion* out);

}  // namespace hailong::schema::json_codec
