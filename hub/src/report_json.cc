// The report as a JSON document (ReportToJson, ReportRowToJson; report.h).
// report_json_text.cc writes the same document as text, faster.
#include <nlohmann/json.hpp>

#include "hailong/hub/report.h"
#include "hailong/schema/time.h"
#include "report_rules.h"

namespace hailong::hub {

using json = nlohmann::json;

json ReportRowToJson(const Report& report, const ReportRow& row, const HubConfig& config,
                     bool totals) {
  const Tally& t = row.tally;
  json j = json::object();
  const GroupBy g = report.query.group_by;
  if (!totals) {
    switch (g) {
      case GroupBy::kOffice:
        j["office"] = row.office;
        break;
      case GroupBy::kCounter:
      case GroupBy::kOfficer:
        j["office"] = row.office;
        j[GroupByName(g)] = row.key;
        break;
      default:
        j[GroupByName(g)] = row.key;
        break;
    }
    if (CatalogueKindOf(g) != nullptr) j["name"] = row.name;
  }
  const Share share = SatisfactionShare(t, config.satisfaction_neutral);
  const Interval ci = WilsonInterval(share.satisfied, share.ratings);
  j["ratings"] = t.ratings;
  j["satisfied"] = t.satisfied;
  j["neutral"] = t.neutral;
  j["unsatisfied"] = t.unsatisfied;
  j["very_satisfied"] = t.very_satisfied;
  j["satisfied_only"] = t.satisfied - t.very_satisfied;
  j["satisfaction_rate"] = Rate(share.satisfied, share.ratings);
  j["satisfaction_ci_low"] = ci.low;
  j["satisfaction_ci_high"] = ci.high;
  // A figure the report cannot know is null (Report::*_known), never 0.
  auto put = [&j](const char* key, auto value, bool known) {
    j[key] = known ? json(value) : json(nullptr);
  };
  const bool dk = report.dossiers_known, rk = report.returned_known;
  put("dossiers", t.dossiers, dk);
  put("rated_dossiers", t.rated_dossiers, dk);
  put("participation_rate", Rate(t.rated_dossiers, t.dossiers), dk);
  j["unclassified"] = t.unclassified;
  j["excluded"] = t.excluded;
  j["with_comment"] = t.with_comment;
  j["with_phone"] = t.with_phone;
  put("returned", t.returned, rk);
  put("returned_on_time", t.returned_on_time, rk);
  put("on_time_rate", Rate(t.returned_on_time, t.returned), rk);
  put("unsatisfied_dossiers", t.unsatisfied_dossiers, dk);
  put("decision766_rate", Rate(t.dossiers - t.unsatisfied_dossiers, t.dossiers), dk);
  put("overdue_pending_dossiers", t.pending_with_due, dk);
  put("intake_rated_dossiers", t.intake_rated_dossiers, dk);
  put("participation_intake_rate", Rate(t.intake_rated_dossiers, t.dossiers), dk);
  put("return_rated_dossiers", t.return_rated_dossiers, rk);
  put("participation_return_rate", Rate(t.return_rated_dossiers, t.returned), rk);
  put("visits", t.visits, report.visits_known);
  put("participation_visit_rate", Rate(t.ratings, t.visits), report.visits_known);
  if (!totals && g == GroupBy::kOffice) {
    const Targets& target = config.TargetsFor(row.office);
    j["target_satisfaction"] = target.satisfaction;
    j["target_participation"] = target.participation;
    j["target_decision766"] = target.decision766;
    j["below_satisfaction_target"] = BelowSatisfaction(share, target);
    j["below_participation_target"] =
        t.dossiers > 0 && Rate(t.rated_dossiers, t.dossiers) < target.participation;
    j["below_decision766_target"] = report.dossiers_known && BelowDecision766(t, target);
    const StageTargets stage = BelowStageTargets(report, t, target);
    j["target_participation_intake"] = target.participation_intake;
    j["target_participation_return"] = target.participation_return;
    j["target_participation_visits"] = target.participation_visits;
    j["below_participation_intake_target"] = stage.intake;
    j["below_participation_return_target"] = stage.ret;
    j["below_participation_visits_target"] = stage.visits;
  }
  return j;
}

json ReportToJson(const Report& report, const HubConfig& config) {
  json rows = json::array();
  for (const ReportRow& row : report.rows)
    rows.push_back(ReportRowToJson(report, row, config, false));
  ReportRow totals;
  totals.tally = report.totals;
  json office = report.query.offices.size() == 1 ? json(report.query.offices[0]) : json(nullptr);
  json out{{"from", report.query.from},
           {"to", report.query.to},
           {"office", office},
           {"group_by", GroupByName(report.query.group_by)},
           {"rows", rows},
           {"totals", ReportRowToJson(report, totals, config, true)}};
  json filters = json::object();
  for (const auto& [key, value] : Filters(report.query)) filters[key] = *value;
  if (!filters.empty()) out["filters"] = filters;
  out["as_of"] = FormatRfc3339(report.as_of_ms);
  out["satisfaction_neutral"] = NeutralPolicyName(config.satisfaction_neutral);
  return out;
}

}  // namespace hailong::hub
