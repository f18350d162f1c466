// The error every template check returns (template.cc, template_json.cc,
// template_flatbuffer.cc): InvalidArgument "<field>: <what>", the field
// named by its path ("criteria[1].options[0].id").
#pragma once

#include <string>
#include <string_view>

#include "hailong/schema/status.h"

namespace hailong::survey::internal {

Status Invalid(const std::string& field, std::string_view what);

}  // namespace hailong::survey::internal
