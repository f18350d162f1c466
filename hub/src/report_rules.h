// The report's rules shared by its paths and writers: the groupings'
// table, rates, the satisfaction share under the neutral policy and the
// below-target tests, the catalogue kind of a grouping, the filters set.
// Private to the report files (report*.cc).
//
// Thread safety: pure functions over their arguments.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "hailong/hub/config.h"
#include "hailong/hub/read_model.h"
#include "hailong/hub/report.h"

namespace hailong::hub {

struct GroupInfo {
  GroupBy group;
  const char* name;
  const char* label_vi;
  Dimension dim;
  bool per_office;  // rows keyed by (office, value)
};

// The table row of `g`.
const GroupInfo& GroupInfoOf(GroupBy g);

// part / whole, 0 when whole is 0.
double Rate(int64_t part, int64_t whole);

// satisfaction_rate's numerator and denominator under the district's
// policy on neutral answers (config satisfaction_neutral).
struct Share {
  int64_t satisfied = 0, ratings = 0;
};
Share SatisfactionShare(const Tally& t, NeutralPolicy policy);
// Below target: satisfaction must be strictly above it ("trên 80%": exactly
// 80 % is below); participation and Decision 766 at least at it.
bool BelowSatisfaction(const Share& s, const Targets& target);
bool BelowDecision766(const Tally& t, const Targets& target);
// Participation by stage and by visits, each against its own target (0 =
// none), at least at it; a figure the report cannot know is never below
// (report_participation.md).
struct StageTargets {
  bool intake = false, ret = false, visits = false;
};
StageTargets BelowStageTargets(const Report& report, const Tally& t, const Targets& target);

// The catalogue kind naming the rows of `g` ("office", "counter", ...), or
// nullptr for groupings without catalogue names.
const char* CatalogueKindOf(GroupBy g);

// The filters set in `q`, by name; the pointers point into `q`.
std::vector<std::pair<const char*, const std::string*>> Filters(const ReportQuery& q);

}  // namespace hailong::hub
