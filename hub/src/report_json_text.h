// The report's JSON as text (report_json_text.cc): the one writer of a
// report row's fields. ReportToJsonText (report.h) writes the document;
// ReportRowToJsonText one row of it, for ReportRowToJson (report_json.cc).
//
// Thread safety: pure functions.
#pragma once

#include <string>

#include "hailong/hub/config.h"
#include "hailong/hub/report.h"

namespace hailong::hub {

// One row as ReportToJsonText writes it; `totals`: the totals row (no group
// keys, no targets).
std::string ReportRowToJsonText(const Report& report, const ReportRow& row, const HubConfig& config,
                                bool totals);

}  // namespace hailong::hub
