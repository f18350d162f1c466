#include "projection_state.h"

#include <algorithm>

#include "codec.h"

namespace hailong::hub {

using codec::GetString;
using codec::GetVarint;
using codec::PutString;
using codec::PutVarint;
using codec::UnZigZag;
using codec::ZigZag;

Tally DossierState::Contribution() const {
  Tally t;
  if (!entered) return t;
  t.dossiers = 1;
  t.rated_dossiers = rated > 0 ? 1 : 0;
  t.unsatisfied_dossiers = Unsatisfied766() ? 1 : 0;
  t.pending_with_due = PendingCounted() ? 1 : 0;
  t.intake_rated_dossiers = rated_intake > 0 ? 1 : 0;
  return t;
}

Tally DossierState::ReturnContribution() const {
  Tally t;
  if (returned_ms == 0 || return_day.empty()) return t;
  t.returned = 1;
  t.returned_on_time = (due_ms == 0 || returned_ms <= due_ms) ? 1 : 0;
  t.return_rated_dossiers = rated_return > 0 ? 1 : 0;
  return t;
}

std::string DossierState::Encode() const {
  std::string out;
  PutVarint(&out, entered ? 1 : 0);
  PutString(&out, day);
  PutString(&out, counter);
  PutString(&out, officer);
  PutString(&out, field);
  PutString(&out, procedure);
  PutVarint(&out, ZigZag(due_ms));
  PutVarint(&out, ZigZag(returned_ms));
  PutVarint(&out, ZigZag(rated));
  PutVarint(&out, ZigZag(bad));
  PutVarint(&out, ZigZag(complaints));
  PutString(&out, rating_refs);
  PutVarint(&out, ZigZag(entered_ms));
  PutVarint(&out, ZigZag(rated_intake));
  PutVarint(&out, ZigZag(rated_return));
  PutString(&out, return_day);
  PutString(&out, return_counter);
  PutString(&out, return_officer);
  return out;
}

bool DossierState::Decode(std::string_view in) {
  uint64_t e = 0, due = 0, ret = 0, r = 0, b = 0;
  if (!GetVarint(&in, &e) || !GetString(&in, &day) || !GetString(&in, &counter) ||
      !GetString(&in, &officer) || !GetString(&in, &field) || !GetString(&in, &procedure) ||
      !GetVarint(&in, &due) || !GetVarint(&in, &ret) || !GetVarint(&in, &r) ||
      !GetVarint(&in, &b)) {
    return false;
  }
  entered = e != 0;
  due_ms = UnZigZag(due);
  returned_ms = UnZigZag(ret);
  rated = UnZigZag(r);
  bad = UnZigZag(b);
  // Added with ComplaintRecorded; older states end before it.
  uint64_t c = 0;
  complaints = (!in.empty() && GetVarint(&in, &c)) ? UnZigZag(c) : 0;
  rating_refs.clear();
  if (!in.empty() && !GetString(&in, &rating_refs)) return false;
  uint64_t at = 0;
  entered_ms = (!in.empty() && GetVarint(&in, &at)) ? UnZigZag(at) : 0;
  // Added with participation by stage (model format 5).
  uint64_t ri = 0, rr = 0;
  rated_intake = (!in.empty() && GetVarint(&in, &ri)) ? UnZigZag(ri) : 0;
  rated_return = (!in.empty() && GetVarint(&in, &rr)) ? UnZigZag(rr) : 0;
  return_day.clear();
  return_counter.clear();
  return_officer.clear();
  if (!in.empty() && !(GetString(&in, &return_day) && GetString(&in, &return_counter) &&
                       GetString(&in, &return_officer))) {
    return false;
  }
  return true;
}

void DossierState::AddRatingRef(std::string_view origin, uint64_t seq) {
  // Sorted by (origin, seq), once each: the same bytes whatever order the
  // origins are projected in (a rebuild replays origin after origin).
  std::vector<std::pair<std::string, uint64_t>> refs;
  ForEachRatingRef([&](std::string_view o, uint64_t s) { refs.emplace_back(std::string(o), s); });
  std::pair<std::string, uint64_t> ref(std::string(origin), seq);
  auto at = std::lower_bound(refs.begin(), refs.end(), ref);
  if (at != refs.end() && *at == ref) return;
  if (at == refs.end()) {  // the usual case: appended
    PutString(&rating_refs, origin);
    PutVarint(&rating_refs, seq);
    return;
  }
  refs.insert(at, std::move(ref));
  rating_refs.clear();
  for (const auto& [o, s] : refs) {
    PutString(&rating_refs, o);
    PutVarint(&rating_refs, s);
  }
}

bool DossierState::ForEachRatingRef(
    const std::function<void(std::string_view, uint64_t)>& visit) const {
  std::string_view in = rating_refs;
  std::string origin;
  while (!in.empty()) {
    uint64_t seq = 0;
    if (!GetString(&in, &origin) || !GetVarint(&in, &seq)) return false;
    visit(origin, seq);
  }
  return true;
}

std::string RatingFlags::Encode() const {
  std::string out;
  PutVarint(&out, (voided ? 1u : 0u) | (complained ? 2u : 0u));
  return out;
}

bool RatingFlags::Decode(std::string_view in) {
  uint64_t bits = 0;
  if (!GetVarint(&in, &bits)) return false;
  voided = bits & 1;
  complained = bits & 2;
  return true;
}

namespace rating_chunk {

namespace {
constexpr uint8_t kMisuse = 1, kVoided = 2, kComment = 4, kPhone = 8, kVerySatisfied = 16;

bool GetView(std::string_view* in, std::string_view* out) {
  uint64_t n = 0;
  if (!GetVarint(in, &n) || n > in->size()) return false;
  *out = in->substr(0, n);
  in->remove_prefix(n);
  return true;
}
}  // namespace

void Append(std::string* chunk, uint64_t seq, int64_t time_ms, const RatingIndexEntry& e) {
  PutVarint(chunk, seq);
  PutVarint(chunk, static_cast<uint64_t>(time_ms < 0 ? 0 : time_ms));
  chunk->push_back(static_cast<char>(e.classification));
  chunk->push_back(static_cast<char>((e.misuse ? kMisuse : 0) | (e.voided ? kVoided : 0) |
                                     (e.has_comment ? kComment : 0) | (e.has_phone ? kPhone : 0) |
                                     (e.very_satisfied ? kVerySatisfied : 0)));
  PutString(chunk, e.counter);
  PutString(chunk, e.officer);
  PutString(chunk, e.channel);
  PutString(chunk, e.field);
  PutString(chunk, e.procedure);
}

bool Next(std::string_view* in, uint64_t* seq, int64_t* time_ms, RatingIndexEntry* e,
          size_t* flags_offset_from_end) {
  uint64_t time = 0;
  if (!GetVarint(in, seq) || !GetVarint(in, &time) || in->size() < 2) return false;
  *time_ms = static_cast<int64_t>(time);
  e->classification = static_cast<uint8_t>((*in)[0]);
  const auto flags = static_cast<uint8_t>((*in)[1]);
  *flags_offset_from_end = in->size() - 1;
  in->remove_prefix(2);
  e->misuse = flags & kMisuse;
  e->voided = flags & kVoided;
  e->has_comment = flags & kComment;
  e->has_phone = flags & kPhone;
  e->very_satisfied = flags & kVerySatisfied;
  return GetView(in, &e->counter) && GetView(in, &e->officer) && GetView(in, &e->channel) &&
         GetView(in, &e->field) && GetView(in, &e->procedure);
}

bool SetVoided(std::string* chunk, uint64_t seq) {
  std::string_view in(*chunk);
  uint64_t s = 0;
  int64_t time = 0;
  RatingIndexEntry e;
  size_t flags_from_end = 0;
  while (!in.empty()) {
    if (!Next(&in, &s, &time, &e, &flags_from_end)) return false;
    if (s == seq) {
      (*chunk)[chunk->size() - flags_from_end] |= static_cast<char>(kVoided);
      return true;
    }
  }
  return false;
}

}  // namespace rating_chunk

std::string EncodeTallyPage(const TallyPage& page) {
  std::vector<std::pair<std::string_view, const Tally*>> sorted;
  sorted.reserve(page.size());
  for (const auto& [value, tally] : page) sorted.emplace_back(value, &tally);
  return EncodeTallyPage(sorted);
}

std::string EncodeTallyPage(const std::vector<std::pair<std::string_view, const Tally*>>& sorted) {
  size_t count = 0;
  for (const auto& [value, tally] : sorted) count += tally->IsZero() ? 0 : 1;
  if (count == 0) return std::string();
  std::string out, encoded;
  PutVarint(&out, count);
  for (const auto& [value, tally] : sorted) {
    if (tally->IsZero()) continue;
    PutString(&out, value);
    encoded.clear();
    tally->EncodeTo(&encoded);
    PutString(&out, encoded);
  }
  return out;
}

bool NextInTallyPage(std::string_view* in, std::string_view* value, Tally* tally) {
  uint64_t n = 0;
  if (!GetVarint(in, &n) || n > in->size()) return false;
  *value = in->substr(0, n);
  in->remove_prefix(n);
  if (!GetVarint(in, &n) || n > in->size()) return false;
  if (!tally->Decode(in->substr(0, n))) return false;
  in->remove_prefix(n);
  return true;
}

bool DecodeTallyPage(std::string_view bytes, TallyPage* page) {
  page->clear();
  return ForEachInTallyPage(bytes, [&](std::string_view value, const Tally& t) {
    page->emplace_hint(page->end(), std::string(value), t);
  });
}

Status Overlay::Get(const std::string& key, std::string* value) const {
  auto it = records_.find(key);
  if (it != records_.end()) {
    if (!it->second) return Status::NotFound(key);
    *value = *it->second;
    return Status::OK();
  }
  return store_->Get(key, value);
}

void Overlay::Put(const std::string& key, std::string value) { records_[key] = std::move(value); }

void Overlay::Delete(const std::string& key) { records_[key] = std::nullopt; }

void Overlay::AddCell(Dimension dim, std::string_view office, std::string_view day,
                      std::string_view value, const Tally& delta) {
  if (delta.IsZero()) return;
  LastPage& last = last_[static_cast<int>(dim) % kDimensionCount];
  if (last.page == nullptr || last.office != office || last.day != day) {
    scratch_.clear();
    scratch_.push_back(static_cast<char>(dim));
    scratch_.append(office);
    scratch_.push_back('\0');
    scratch_.append(day);
    last.page = &pages_[scratch_];
    last.office.assign(office);
    last.day.assign(day);
  }
  TallyPage& page = *last.page;
  auto it = page.find(value);
  if (it == page.end()) {
    it = page.emplace(std::string(value), Tally()).first;
    ++cell_count_;
  }
  it->second.Add(delta);
}

Status Overlay::MergedPages(
    std::vector<std::pair<std::string, std::optional<std::string>>>* out) const {
  // Each day page is written twice, office first (a/) and day first (t/),
  // with the same bytes; month pages (m/) sum the deltas of their days.
  struct Target {
    std::string key, day_major_key;  // day_major_key empty for a month page
    const TallyPage* delta;
  };
  std::vector<Target> targets;
  targets.reserve(pages_.size());
  std::unordered_map<std::string, TallyPage> months;
  for (const auto& [cell, delta] : pages_) {
    const auto dim = static_cast<Dimension>(cell[0]);
    const size_t a = cell.find('\0', 1);
    const std::string_view view(cell);
    const std::string_view office = view.substr(1, a - 1);
    const std::string_view day = view.substr(a + 1);
    targets.push_back(Target{codec::TallyKey(dim, office, day),
                             codec::DayMajorTallyKey(dim, day, office), &delta});
    TallyPage& month = months[codec::MonthTallyKey(dim, day.substr(0, 7), office)];
    for (const auto& [value, t] : delta) {
      auto it = month.find(value);
      if (it == month.end()) it = month.emplace(value, Tally()).first;
      it->second.Add(t);
    }
  }
  for (const auto& [key, delta] : months) targets.push_back(Target{key, "", &delta});
  out->clear();
  out->reserve(targets.size() * 2);
  std::string stored;
  TallyPage page;
  for (Target& target : targets) {
    const TallyPage& delta = *target.delta;
    if (std::all_of(delta.begin(), delta.end(), [](const auto& c) { return c.second.IsZero(); })) {
      continue;
    }
    // The deltas are added to the stored page.
    page.clear();
    Status s = store_->Get(target.key, &stored);
    if (s.ok()) {
      if (!DecodeTallyPage(stored, &page)) {
        return Status::Corruption("bad tally page at " + target.key);
      }
    } else if (!s.IsNotFound()) {
      return s;
    }
    for (const auto& [value, t] : delta) {
      auto it = page.find(value);
      if (it == page.end()) it = page.emplace(value, Tally()).first;
      it->second.Add(t);
    }
    std::string bytes = EncodeTallyPage(page);
    std::optional<std::string> value;  // nullopt: every tally is zero, delete the page
    if (!bytes.empty()) value = std::move(bytes);
    if (!target.day_major_key.empty()) out->emplace_back(std::move(target.day_major_key), value);
    out->emplace_back(std::move(target.key), std::move(value));
  }
  std::sort(out->begin(), out->end(),
            [](const auto& x, const auto& y) { return x.first < y.first; });
  return Status::OK();
}

Status Overlay::Flush(replication::WriteBatch* batch) {
  std::vector<std::pair<std::string, std::optional<std::string>>> writes;
  Status s = MergedPages(&writes);
  if (!s.ok()) return s;
  for (const auto& [key, value] : writes) {
    if (value) {
      batch->Put(key, *value);
    } else {
      batch->Delete(key);
    }
  }
  std::vector<std::pair<const std::string, std::optional<std::string>>*> records;
  records.reserve(records_.size());
  for (auto& record : records_) {
    records.push_back(&record);
  }
  std::sort(records.begin(), records.end(),
            [](const auto* x, const auto* y) { return x->first < y->first; });
  for (const auto* record : records) {
    if (record->second) {
      batch->Put(record->first, *record->second);
    } else {
      batch->Delete(record->first);
    }
  }
  records_.clear();
  return Status::OK();
}

}  // namespace hailong::hub
