#include "report_rules.h"

namespace hailong::hub {

namespace {

constexpr GroupInfo kGroups[] = {
    {GroupBy::kOffice, "office", "Đơn vị", Dimension::kOffice, true},
    {GroupBy::kCounter, "counter", "Quầy", Dimension::kCounter, true},
    {GroupBy::kOfficer, "officer", "Cán bộ", Dimension::kOfficer, true},
    {GroupBy::kField, "field", "Lĩnh vực", Dimension::kField, false},
    {GroupBy::kProcedure, "procedure", "Thủ tục", Dimension::kProcedure, false},
    {GroupBy::kDay, "day", "Ngày", Dimension::kOffice, false},
    {GroupBy::kMonth, "month", "Tháng", Dimension::kOffice, false},
    {GroupBy::kChannel, "channel", "Kênh", Dimension::kChannel, false},
    {GroupBy::kCriterion, "criterion", "Tiêu chí", Dimension::kAnswer, false},
};

}  // namespace

const GroupInfo& GroupInfoOf(GroupBy g) {
  for (const auto& i : kGroups) {
    if (i.group == g) return i;
  }
  return kGroups[0];
}

double Rate(int64_t part, int64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

Share SatisfactionShare(const Tally& t, NeutralPolicy policy) {
  switch (policy) {
    case NeutralPolicy::kExcluded:
      return {t.satisfied, t.ratings - t.neutral};
    case NeutralPolicy::kSatisfied:
      return {t.satisfied + t.neutral, t.ratings};
    case NeutralPolicy::kNotSatisfied:
      break;
  }
  return {t.satisfied, t.ratings};
}

bool BelowSatisfaction(const Share& s, const Targets& target) {
  return s.ratings > 0 && !(Rate(s.satisfied, s.ratings) > target.satisfaction);
}
bool BelowDecision766(const Tally& t, const Targets& target) {
  return target.decision766 > 0 && t.dossiers > 0 &&
         Rate(t.dossiers - t.unsatisfied_dossiers, t.dossiers) < target.decision766;
}

StageTargets BelowStageTargets(const Report& report, const Tally& t, const Targets& target) {
  auto below = [](double goal, int64_t part, int64_t base) {
    return goal > 0 && base > 0 && Rate(part, base) < goal;
  };
  StageTargets b;
  b.intake = report.dossiers_known &&
             below(target.participation_intake, t.intake_rated_dossiers, t.dossiers);
  b.ret = report.returned_known &&
          below(target.participation_return, t.return_rated_dossiers, t.returned);
  b.visits = report.visits_known && below(target.participation_visits, t.ratings, t.visits);
  return b;
}

const char* CatalogueKindOf(GroupBy g) {
  switch (g) {
    case GroupBy::kOffice:
      return "office";
    case GroupBy::kCounter:
      return "counter";
    case GroupBy::kOfficer:
      return "officer";
    case GroupBy::kField:
      return "field";
    case GroupBy::kProcedure:
      return "procedure";
    default:
      return nullptr;
  }
}

std::vector<std::pair<const char*, const std::string*>> Filters(const ReportQuery& q) {
  std::vector<std::pair<const char*, const std::string*>> out;
  for (const auto& f : {std::pair<const char*, const std::string*>{"field", &q.field},
                        {"procedure", &q.procedure},
                        {"counter", &q.counter},
                        {"officer", &q.officer},
                        {"channel", &q.channel}}) {
    if (!f.second->empty()) out.push_back(f);
  }
  return out;
}

const char* GroupByName(GroupBy g) { return GroupInfoOf(g).name; }
const char* GroupByLabelVi(GroupBy g) { return GroupInfoOf(g).label_vi; }

bool GroupByFromName(std::string_view name, GroupBy* out) {
  for (const auto& i : kGroups) {
    if (name == i.name) {
      *out = i.group;
      return true;
    }
  }
  return false;
}

}  // namespace hailong::hub
