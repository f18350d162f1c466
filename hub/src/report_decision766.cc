#include "report_decision766.h"

#include <algorithm>
#include <chrono>
#include <map>

#include "codec.h"
#include "hailong/schema/time.h"

namespace hailong::hub::decision766 {

namespace {
constexpr int64_t kDayMs = int64_t{24} * 3600 * 1000;
constexpr std::string_view kPendingPrefix = "x/hub/p/pd/";

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Pending {
  int64_t due_ms = 0;
  std::string counter, officer, field, procedure;
  bool Decode(std::string_view in) {
    uint64_t due = 0;
    if (!codec::GetVarint(&in, &due) || !codec::GetString(&in, &counter) ||
        !codec::GetString(&in, &officer) || !codec::GetString(&in, &field) ||
        !codec::GetString(&in, &procedure)) {
      return false;
    }
    due_ms = codec::UnZigZag(due);
    return true;
  }
};
}  // namespace

std::string PendingKey(std::string_view day, std::string_view office, std::string_view receipt) {
  std::string out(kPendingPrefix);
  codec::AppendKeyPart(&out, day);
  out.push_back('/');
  codec::AppendKeyPart(&out, office);
  out.push_back('/');
  codec::AppendKeyPart(&out, receipt);
  return out;
}

std::string PendingValue(const DossierState& d) {
  std::string out;
  codec::PutVarint(&out, codec::ZigZag(d.due_ms));
  codec::PutString(&out, d.counter);
  codec::PutString(&out, d.officer);
  codec::PutString(&out, d.field);
  codec::PutString(&out, d.procedure);
  return out;
}

int64_t Lead(const DossierState& d) {
  int64_t start = 0;
  if (!ParseVietnamDay(d.day, &start).ok()) return 0;
  return std::max<int64_t>(0, d.due_ms - start);
}

std::string ComplaintPrefix(std::string_view office, std::string_view receipt) {
  std::string out = "x/hub/p/cp/";
  codec::AppendKeyPart(&out, office);
  out.push_back('/');
  codec::AppendKeyPart(&out, receipt);
  out.push_back('/');
  return out;
}

std::string ComplaintKey(std::string_view office, std::string_view receipt,
                         std::string_view complaint_id) {
  std::string out = ComplaintPrefix(office, receipt);
  codec::AppendKeyPart(&out, complaint_id);
  return out;
}

int64_t AsOf(const ReportQuery& query, int64_t now_ms) {
  int64_t to_ms = 0;
  if (!ParseVietnamDay(query.to, &to_ms).ok()) return now_ms;
  return std::min(now_ms, to_ms + kDayMs - 1);
}

Status ApplyClock(const replication::Store& store, const ReportQuery& query, Report* out,
                  bool rows_from_tallies) {
  const int64_t now = query.now_ms > 0 ? query.now_ms : SystemNowMs();
  out->as_of_ms = AsOf(query, now);
  if (!out->dossiers_known) return Status::OK();
  if (rows_from_tallies) {
    // Only a dossier entered within the longest lead before "as of" can be
    // due after it: those days of the pending index are read.
    int64_t lead = 0;
    std::string v;
    Status s = store.Get(std::string(kLeadKey), &v);
    if (s.ok()) {
      lead = std::strtoll(v.c_str(), nullptr, 10);
    } else if (!s.IsNotFound()) {
      return s;
    }
    const std::string last_day = std::min(query.to, VietnamDay(out->as_of_ms));
    const std::string first_day = std::max(query.from, VietnamDay(out->as_of_ms - lead));
    std::vector<std::string> offices = query.offices;
    std::sort(offices.begin(), offices.end());
    const GroupBy g = query.group_by;
    std::map<std::pair<std::string, std::string>, ReportRow*> rows;
    for (ReportRow& row : out->rows) rows[{row.office, row.key}] = &row;
    if (first_day <= last_day) {
      std::string begin(kPendingPrefix), end(kPendingPrefix);
      codec::AppendKeyPart(&begin, first_day);
      begin.push_back('/');
      codec::AppendKeyPart(&end, last_day);
      end.push_back('/' + 1);
      Status bad;
      s = store.Scan(begin, end, [&](std::string_view key, std::string_view value) {
        // <day>/<office>/<receipt>
        std::string_view rest = key.substr(kPendingPrefix.size());
        const size_t a = rest.find('/');
        const size_t b = a == std::string_view::npos ? a : rest.find('/', a + 1);
        if (b == std::string_view::npos) return true;
        const std::string day = codec::UnKeyPart(rest.substr(0, a));
        const std::string office = codec::UnKeyPart(rest.substr(a + 1, b - a - 1));
        if (!offices.empty() && !std::binary_search(offices.begin(), offices.end(), office)) {
          return true;
        }
        Pending p;
        if (!p.Decode(value)) {
          bad = Status::Corruption("bad pending dossier at " + std::string(key));
          return false;
        }
        if (p.due_ms <= out->as_of_ms) return true;  // past due: stays counted
        out->valid_until_ms = std::min(out->valid_until_ms, p.due_ms);
        std::pair<std::string, std::string> k;
        switch (g) {
          case GroupBy::kOffice:
            k = {office, office};
            break;
          case GroupBy::kCounter:
            k = {office, p.counter};
            break;
          case GroupBy::kOfficer:
            k = {office, p.officer};
            break;
          case GroupBy::kField:
            k = {"", p.field};
            break;
          case GroupBy::kProcedure:
            k = {"", p.procedure};
            break;
          case GroupBy::kDay:
            k = {"", day};
            break;
          case GroupBy::kMonth:
            k = {"", day.substr(0, 7)};
            break;
          case GroupBy::kChannel:
            return true;
        }
        if (auto it = rows.find(k); it != rows.end()) it->second->tally.pending_with_due--;
        out->totals.pending_with_due--;
        return true;
      });
      if (!s.ok()) return s;
      if (!bad.ok()) return bad;
    }
  }
  for (ReportRow& row : out->rows) row.tally.unsatisfied_dossiers += row.tally.pending_with_due;
  out->totals.unsatisfied_dossiers += out->totals.pending_with_due;
  if (out->as_of_ms < now) out->valid_until_ms = INT64_MAX;  // a closed period
  return Status::OK();
}

}  // namespace hailong::hub::decision766
