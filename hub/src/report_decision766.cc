#include "report_decision766.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <tuple>

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

namespace {
// Pending past due at "as of" counts as unsatisfied (Decision 766).
Status Finish(int64_t now, Report* out) {
  for (ReportRow& row : out->rows) row.tally.unsatisfied_dossiers += row.tally.pending_with_due;
  out->totals.unsatisfied_dossiers += out->totals.pending_with_due;
  if (out->as_of_ms < now) out->valid_until_ms = INT64_MAX;  // a closed period
  return Status::OK();
}
}  // namespace

size_t PendingSlice::Bytes() const {
  size_t n = sizeof(*this);
  for (const auto& [k, count] : rows) n += sizeof(rows[0]) + k.first.size() + k.second.size();
  return n;
}

namespace {

// The row key of a not-yet-due dossier under grouping `g` ({"",""} for
// groupings the tallies never key by dossier, as before).
void RowKeyOf(GroupBy g, const std::string& office, std::string_view day, const Pending& p,
              std::pair<std::string, std::string>* k) {
  k->first.clear();
  k->second.clear();
  switch (g) {
    case GroupBy::kOffice:
      k->first = office;
      k->second = office;
      break;
    case GroupBy::kCounter:
      k->first = office;
      k->second = p.counter;
      break;
    case GroupBy::kOfficer:
      k->first = office;
      k->second = p.officer;
      break;
    case GroupBy::kField:
      k->second = p.field;
      break;
    case GroupBy::kProcedure:
      k->second = p.procedure;
      break;
    case GroupBy::kDay:
      k->second = codec::UnKeyPart(day);
      break;
    case GroupBy::kMonth:
      k->second = codec::UnKeyPart(day).substr(0, 7);
      break;
    case GroupBy::kChannel:
    case GroupBy::kCriterion:
      break;
  }
}

// Reads the days [first_day, last_day] of the pending index: the dossiers
// of `offices` (sorted; empty = all) due after `as_of`, counted by row key.
Status ScanNotYetDue(const replication::Store& store, const std::vector<std::string>& offices,
                     GroupBy g, const std::string& first_day, const std::string& last_day,
                     int64_t as_of, PendingSlice* out) {
  out->as_of = as_of;
  std::map<std::pair<std::string, std::string>, int64_t> counts;
  std::string begin(kPendingPrefix), end(kPendingPrefix);
  codec::AppendKeyPart(&begin, first_day);
  begin.push_back('/');
  codec::AppendKeyPart(&end, last_day);
  end.push_back('/' + 1);
  // Entries come by day, then office: the office is decoded once per run.
  std::string office_part, office;
  bool office_in = false;
  std::pair<std::string, std::string> k;
  Pending p;
  Status bad;
  Status s = store.Scan(begin, end, [&](std::string_view key, std::string_view value) {
    // <day>/<office>/<receipt>
    std::string_view rest = key.substr(kPendingPrefix.size());
    const size_t a = rest.find('/');
    const size_t b = a == std::string_view::npos ? a : rest.find('/', a + 1);
    if (b == std::string_view::npos) return true;
    const std::string_view part = rest.substr(a + 1, b - a - 1);
    if (part != office_part || office_part.empty()) {
      office_part.assign(part);
      office = codec::UnKeyPart(part);
      office_in = offices.empty() || std::binary_search(offices.begin(), offices.end(), office);
    }
    if (!office_in) return true;
    if (!p.Decode(value)) {
      bad = Status::Corruption("bad pending dossier at " + std::string(key));
      return false;
    }
    if (p.due_ms <= as_of) return true;  // past due: stays counted
    out->next_due = std::min(out->next_due, p.due_ms);
    if (g == GroupBy::kChannel) return true;
    RowKeyOf(g, office, rest.substr(0, a), p, &k);
    ++counts[k];
    ++out->total;
    return true;
  });
  if (!s.ok()) return s;
  if (!bad.ok()) return bad;
  out->rows.assign(counts.begin(), counts.end());
  return Status::OK();
}

// Subtracts `slice` from the rows' and the totals' pending_with_due.
void Subtract(const PendingSlice& slice, Report* out) {
  out->valid_until_ms = std::min(out->valid_until_ms, slice.next_due);
  out->totals.pending_with_due -= slice.total;
  if (slice.rows.empty()) return;
  auto less = [](const ReportRow& row, const std::pair<std::string, std::string>& k) {
    return std::tie(row.office, row.key) < std::tie(k.first, k.second);
  };
  auto by_key = [&](const ReportRow& a, const ReportRow& b) {
    return std::tie(a.office, a.key) < std::tie(b.office, b.key);
  };
  const bool sorted = std::is_sorted(out->rows.begin(), out->rows.end(), by_key);
  for (const auto& entry : slice.rows) {
    // Not a structured binding: clang (the sanitizer builds) cannot capture one in a lambda.
    const auto& k = entry.first;
    const auto count = entry.second;
    auto it = sorted ? std::lower_bound(out->rows.begin(), out->rows.end(), k, less)
                     : std::find_if(out->rows.begin(), out->rows.end(), [&](const ReportRow& r) {
                         return r.office == k.first && r.key == k.second;
                       });
    if (it != out->rows.end() && it->office == k.first && it->key == k.second) {
      it->tally.pending_with_due -= count;
    }
  }
}

}  // namespace

Status ApplyClock(const replication::Store& store, const ReportQuery& query, Report* out,
                  bool rows_from_tallies, ReportCache* cache, uint64_t owner, uint64_t generation) {
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
    if (first_day <= last_day) {
      std::vector<std::string> offices = query.offices;
      std::sort(offices.begin(), offices.end());
      // Cached by days, grouping and offices: a slice holds until the next
      // due time after the "as of" it was read at.
      std::string key;
      if (cache != nullptr) {
        key = first_day + '\0' + last_day + '\0' + GroupByName(query.group_by);
        for (const std::string& office : offices) key += '\0' + office;
        if (auto slice = cache->FindPending(owner, generation, key, out->as_of_ms)) {
          Subtract(*slice, out);
          return Finish(now, out);
        }
      }
      auto slice = std::make_shared<PendingSlice>();
      s = ScanNotYetDue(store, offices, query.group_by, first_day, last_day, out->as_of_ms,
                        slice.get());
      if (!s.ok()) return s;
      Subtract(*slice, out);
      if (cache != nullptr) cache->PutPending(owner, generation, key, std::move(slice));
    }
  }
  return Finish(now, out);
}

}  // namespace hailong::hub::decision766
