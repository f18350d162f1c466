// The filtered report (report.h, RunReport with query.Filtered()): every
// rating of the period from the rating index, every dossier record of the
// offices, filtered and grouped (report_filtered.cc). Private to the report
// files.
//
// Thread safety: as RunReport. Errors: the store's, or Corruption naming a
// rating chunk that does not decode.
#pragma once

#include "hailong/hub/report.h"
#include "hailong/replication/store.h"
#include "hailong/schema/status.h"
#include "report_names.h"

namespace hailong::hub {

// `out` is prepared by RunReport (query with its clock, empty rows);
// `names` names the rows.
Status RunFilteredReport(const replication::Store& store, const ReportQuery& query, Report* out,
                         Names& names);

}  // namespace hailong::hub
