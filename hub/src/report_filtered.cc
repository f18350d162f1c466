#include "report_filtered.h"

#include <algorithm>
#include <map>

#include "codec.h"
#include "hailong/schema/time.h"
#include "projection_state.h"
#include "report_decision766.h"

namespace hailong::hub {

Status RunFilteredReport(const replication::Store& store, const ReportQuery& query, Report* out,
                         Names& names) {
  std::vector<std::string> offices = query.offices;
  if (offices.empty()) {
    Status s = ListOffices(store, &offices);
    if (!s.ok()) return s;
  }
  std::sort(offices.begin(), offices.end());
  offices.erase(std::unique(offices.begin(), offices.end()), offices.end());
  const GroupBy g = query.group_by;
  out->dossiers_known = query.channel.empty() && g != GroupBy::kChannel;
  out->returned_known = out->dossiers_known;  // at the return's own counter and officer
  out->visits_known = false;                  // visits are in the tallies only
  // Excluded ratings live in the office tallies only: office, day, month.
  const bool count_excluded = g == GroupBy::kOffice || g == GroupBy::kDay || g == GroupBy::kMonth;
  int64_t from_ms = 0, to_ms = 0;
  Status s = ParseVietnamDay(query.from, &from_ms);
  if (s.ok()) s = ParseVietnamDay(query.to, &to_ms);
  if (!s.ok()) return s;
  to_ms += int64_t{24} * 3600 * 1000 - 1;  // the last millisecond of the last day
  const int64_t as_of = decision766::AsOf(query, query.now_ms);

  std::map<std::pair<std::string, std::string>, Tally> groups;
  auto group = [&](std::string_view office, std::string_view day, std::string_view counter,
                   std::string_view officer, std::string_view field, std::string_view procedure,
                   std::string_view channel) -> Tally& {
    auto at = [&](std::string_view a, std::string_view b) -> Tally& {
      return groups[{std::string(a), std::string(b)}];
    };
    switch (g) {
      case GroupBy::kOffice:
        return at(office, office);
      case GroupBy::kCounter:
        return at(office, counter);
      case GroupBy::kOfficer:
        return at(office, officer);
      case GroupBy::kField:
        return at("", field);
      case GroupBy::kProcedure:
        return at("", procedure);
      case GroupBy::kDay:
        return at("", day);
      case GroupBy::kMonth:
        return at("", day.substr(0, 7));
      case GroupBy::kChannel:
      case GroupBy::kCriterion:  // refused with a filter (api_reports.cc)
        break;
    }
    return at("", channel);
  };
  auto match = [&](const std::string& want, std::string_view value) {
    return want.empty() || want == value;
  };

  for (const std::string& office : offices) {
    // Ratings: an hour chunk at a time, newest first.
    const std::string prefix = codec::RatingIndexPrefix(office);
    std::string begin, end;
    codec::RatingChunkRange(office, from_ms, to_ms, &begin, &end);
    Status bad;
    s = store.Scan(begin, end, [&](std::string_view key, std::string_view value) {
      int64_t start = 0;
      if (!codec::RatingChunkTime(key, prefix, &start)) return true;
      // Asia/Ho_Chi_Minh is a whole number of hours from UTC: one day per chunk.
      const std::string day = VietnamDay(start);
      const bool whole = start >= from_ms && start + codec::kRatingChunkMs - 1 <= to_ms;
      const bool ok =
          rating_chunk::ForEach(value, [&](uint64_t, int64_t time, const RatingIndexEntry& e) {
            if (!whole && (time < from_ms || time > to_ms)) return true;
            if (!match(query.counter, e.counter) || !match(query.officer, e.officer) ||
                !match(query.channel, e.channel) || !match(query.field, e.field) ||
                !match(query.procedure, e.procedure)) {
              return true;
            }
            Tally t;
            if (e.misuse || e.voided) {
              if (!count_excluded) return true;
              t.excluded = 1;
            } else {
              t = Tally::OneRating(e.classification, e.has_comment, e.has_phone);
              t.very_satisfied = e.very_satisfied ? 1 : 0;
            }
            group(office, day, e.counter, e.officer, e.field, e.procedure, e.channel).Add(t);
            return true;
          });
      if (!ok) {
        bad = Status::Corruption("bad rating chunk at " + std::string(key));
        return false;
      }
      return true;
    });
    if (!s.ok()) return s;
    if (!bad.ok()) return bad;
    if (!out->dossiers_known) continue;
    // Dossiers: counted on their entry day, returns on their return day.
    std::string dprefix = codec::DossierKey(office, "");
    std::string dend = dprefix;
    dend.back() = static_cast<char>('/' + 1);
    s = store.Scan(dprefix, dend, [&](std::string_view, std::string_view value) {
      DossierState d;
      if (!d.Decode(value) || !d.entered) return true;
      auto cells = [&](std::string_view counter, std::string_view officer) {
        return match(query.counter, counter) && match(query.officer, officer) &&
               match(query.field, d.field) && match(query.procedure, d.procedure);
      };
      if (d.day >= query.from && d.day <= query.to && cells(d.counter, d.officer)) {
        Tally c = d.Contribution();
        if (c.pending_with_due > 0 && d.due_ms > as_of) {  // not yet due at "as of"
          c.pending_with_due = 0;
          out->valid_until_ms = std::min(out->valid_until_ms, d.due_ms);
        }
        group(office, d.day, d.counter, d.officer, d.field, d.procedure, "").Add(c);
      }
      // Returns count where and when they happened (DossierState::ReturnContribution).
      if (out->returned_known && d.returned_ms > 0 && d.returned_ms >= from_ms &&
          d.returned_ms <= to_ms && cells(d.return_counter, d.return_officer)) {
        group(office, VietnamDay(d.returned_ms), d.return_counter, d.return_officer, d.field,
              d.procedure, "")
            .Add(d.ReturnContribution());
      }
      return true;
    });
    if (!s.ok()) return s;
  }
  AppendRows(names, g, groups, out);
  return decision766::ApplyClock(store, query, out, false);
}

}  // namespace hailong::hub
