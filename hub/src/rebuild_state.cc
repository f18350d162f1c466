#include "rebuild_state.h"

#include <algorithm>
#include <cstring>
#include <thread>

#include "codec.h"
#include "report_decision766.h"

namespace hailong::hub {

namespace {
// Pages with more values than this look them up in a hash map.
constexpr size_t kLinearValues = 24;

// Equality without std::string_view::compare's out-of-line call. (An empty
// view may hold a null pointer, which memcmp must not be given.)
bool Same(std::string_view a, const std::string& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}
}  // namespace

uint32_t Interner::Intern(std::string_view s) {
  auto it = ids_.find(s);
  if (it != ids_.end()) return it->second;
  const auto id = static_cast<uint32_t>(names_.size());
  names_.emplace_back(s);
  ids_.emplace(names_.back(), id);
  return id;
}

Tally* RebuildTallies::Page::Find(uint32_t value, size_t* cells) {
  if (index.empty()) {
    for (size_t i = 0; i < values.size(); ++i) {
      if (values[i] == value) return &tallies[i];
    }
  } else {
    auto it = index.find(value);
    if (it != index.end()) return &tallies[it->second];
  }
  values.push_back(value);
  tallies.emplace_back();
  ++*cells;
  if (!index.empty()) {
    index.emplace(value, static_cast<uint32_t>(values.size() - 1));
  } else if (values.size() > kLinearValues) {
    for (size_t i = 0; i < values.size(); ++i) index.emplace(values[i], static_cast<uint32_t>(i));
  }
  return &tallies.back();
}

uint32_t RebuildTallies::OfficeId(std::string_view office) {
  if (last_office_id_ == UINT32_MAX || !Same(office, last_office_)) {
    last_office_id_ = offices_.Intern(office);
    last_office_.assign(office);
  }
  return last_office_id_;
}

uint32_t RebuildTallies::DayId(std::string_view day) {
  if (last_day_id_ == UINT32_MAX || !Same(day, last_day_)) {
    last_day_id_ = days_.Intern(day);
    last_day_.assign(day);
  }
  return last_day_id_;
}

uint32_t RebuildTallies::ValueId(int dim, std::string_view value) {
  if (values_[dim].size() == 0 || !Same(value, last_value_[dim])) {
    last_value_id_[dim] = values_[dim].Intern(value);
    last_value_[dim].assign(value);
  }
  return last_value_id_[dim];
}

void RebuildTallies::Add(Dimension dim, std::string_view office, std::string_view day,
                         std::string_view value, const Tally& delta) {
  if (delta.IsZero()) return;
  const int d = static_cast<int>(dim) % kDimensionCount;
  const uint32_t o = OfficeId(office), y = DayId(day);
  Last& last = last_[d];
  if (last.page == nullptr || last.office != o || last.day != y) {
    const size_t row = size_t{o} * kDimensionCount + static_cast<size_t>(d);
    if (row >= grid_.size()) grid_.resize(row + 1);
    std::vector<std::unique_ptr<DayBlock>>& blocks = grid_[row];
    if (y / 64 >= blocks.size()) blocks.resize(y / 64 + 1);
    std::unique_ptr<DayBlock>& block = blocks[y / 64];
    if (block == nullptr) {
      block = std::make_unique<DayBlock>();
      block->fill(nullptr);
    }
    Page*& page = (*block)[y % 64];
    if (page == nullptr) {
      page = &pages_.emplace_back();
      page->dim = static_cast<uint8_t>(d);
      page->office = o;
      page->day = y;
    }
    last.office = o;
    last.day = y;
    last.page = page;
  }
  last.page->Find(ValueId(d, value), &cells_)->Add(delta);
}

Status RebuildTallies::WriteTo(replication::Store* store, bool merge, size_t max_ops) {
  // Month roll-ups: the day pages summed by (dimension, office, month).
  Interner months;
  std::deque<Page> month_pages;
  std::unordered_map<uint64_t, Page*> month_by_key;
  size_t unused = 0;
  for (Page& page : pages_) {
    const uint32_t m = months.Intern(days_.Name(page.day).substr(0, 7));
    const uint64_t key = (uint64_t{page.dim} << 56) | (uint64_t{page.office} << 28) | m;
    Page*& month = month_by_key[key];
    if (month == nullptr) {
      month = &month_pages.emplace_back();
      month->dim = page.dim;
      month->office = page.office;
      month->day = m;
    }
    for (size_t i = 0; i < page.values.size(); ++i) {
      month->Find(page.values[i], &unused)->Add(page.tallies[i]);
    }
  }
  // Ranks that sort like the key parts: dimension names, offices (as key
  // parts), days and months, so pages are written in key order (or nearly:
  // an office's key part is followed by '/' in a/ keys and ends t/ and m/
  // keys) without comparing keys.
  auto ranks = [](size_t n, auto name_of) {
    std::vector<uint32_t> order(n), rank(n);
    for (size_t i = 0; i < n; ++i) order[i] = static_cast<uint32_t>(i);
    std::sort(order.begin(), order.end(),
              [&](uint32_t x, uint32_t y) { return name_of(x) < name_of(y); });
    for (size_t i = 0; i < n; ++i) rank[order[i]] = static_cast<uint32_t>(i);
    return rank;
  };
  std::vector<std::string> office_parts(offices_.size());
  for (size_t i = 0; i < office_parts.size(); ++i) {
    office_parts[i] = codec::KeyPart(offices_.Name(static_cast<uint32_t>(i)));
  }
  const auto dim_rank = ranks(kDimensionCount, [](uint32_t d) {
    return std::string_view(DimensionName(static_cast<Dimension>(d)));
  });
  const auto office_rank =
      ranks(office_parts.size(), [&](uint32_t o) { return office_parts[o] + "/"; });
  const auto day_rank = ranks(days_.size(), [&](uint32_t d) { return days_.Name(d); });
  const auto month_rank = ranks(months.size(), [&](uint32_t m) { return months.Name(m); });

  // Each page's bytes once (in one arena); a day page is written twice.
  std::string arena;
  std::vector<std::pair<size_t, size_t>> day_bytes, month_bytes;  // offset, size
  std::vector<std::pair<std::string_view, const Tally*>> sorted;
  std::string stored, key;
  auto append_key = [&](char kind, const Page& page, std::string_view middle, bool office_last) {
    key.assign("x/hub/p/");
    key.push_back(kind);
    key.push_back('/');
    key.append(DimensionName(static_cast<Dimension>(page.dim)));
    key.push_back('/');
    if (office_last) {
      key.append(middle);
      key.push_back('/');
      key.append(office_parts[page.office]);
    } else {
      key.append(office_parts[page.office]);
      key.push_back('/');
      key.append(middle);
    }
  };
  auto encode = [&](const Page& page, std::vector<std::pair<size_t, size_t>>* out) -> Status {
    const Interner& names = values_[page.dim];
    sorted.clear();
    for (size_t i = 0; i < page.values.size(); ++i) {
      sorted.emplace_back(names.Name(page.values[i]), &page.tallies[i]);
    }
    std::sort(sorted.begin(), sorted.end(),
              [](const auto& x, const auto& y) { return x.first < y.first; });
    std::string bytes;
    if (!merge) {
      bytes = EncodeTallyPage(sorted);
    } else {
      // `key` names the page (a/ or m/); the t/ copy holds the same bytes.
      TallyPage merged;
      Status s = store->Get(key, &stored);
      if (s.ok()) {
        if (!DecodeTallyPage(stored, &merged))
          return Status::Corruption("bad tally page at " + key);
      } else if (!s.IsNotFound()) {
        return s;
      }
      for (const auto& [value, tally] : sorted) {
        auto it = merged.find(value);
        if (it == merged.end()) it = merged.emplace(std::string(value), Tally()).first;
        it->second.Add(*tally);
      }
      bytes = EncodeTallyPage(merged);
    }
    out->emplace_back(arena.size(), bytes.size());
    arena.append(bytes);
    return Status::OK();
  };
  for (const Page& page : pages_) {
    if (merge) append_key('a', page, days_.Name(page.day), false);
    Status s = encode(page, &day_bytes);
    if (!s.ok()) return s;
  }
  for (const Page& page : month_pages) {
    if (merge) append_key('m', page, months.Name(page.day), true);
    Status s = encode(page, &month_bytes);
    if (!s.ok()) return s;
  }

  replication::WriteBatch batch;
  auto write = [&](std::pair<size_t, size_t> bytes) -> Status {
    if (bytes.second > 0) {
      batch.Put(key, std::string_view(arena).substr(bytes.first, bytes.second));
    } else if (merge) {
      batch.Delete(key);  // every tally back to zero
    } else {
      return Status::OK();
    }
    if (batch.Count() < max_ops) return Status::OK();
    Status s = store->WriteUnlogged(batch);
    batch.Clear();
    return s;
  };
  std::vector<uint32_t> order(pages_.size());
  std::vector<const Page*> day_pages;
  day_pages.reserve(pages_.size());
  for (const Page& page : pages_) day_pages.push_back(&page);
  // Sorts `order` by a packed (dimension, a, b) rank of each page.
  std::vector<std::pair<uint64_t, uint32_t>> keyed;
  auto by = [&](auto pack) {
    keyed.clear();
    for (size_t i = 0; i < day_pages.size(); ++i) {
      keyed.emplace_back(pack(*day_pages[i]), static_cast<uint32_t>(i));
    }
    std::sort(keyed.begin(), keyed.end());
    for (size_t i = 0; i < keyed.size(); ++i) order[i] = keyed[i].second;
  };
  auto packed = [](uint64_t dim, uint64_t a, uint64_t b) { return dim << 56 | a << 28 | b; };
  // x/hub/p/a/<dim>/<office>/<day>
  by([&](const Page& p) {
    return packed(dim_rank[p.dim], office_rank[p.office], day_rank[p.day]);
  });
  for (uint32_t i : order) {
    append_key('a', *day_pages[i], days_.Name(day_pages[i]->day), false);
    Status s = write(day_bytes[i]);
    if (!s.ok()) return s;
  }
  // x/hub/p/m/<dim>/<month>/<office>
  std::vector<const Page*> months_list;
  for (const Page& page : month_pages) months_list.push_back(&page);
  std::vector<uint32_t> month_order(months_list.size());
  for (size_t i = 0; i < month_order.size(); ++i) month_order[i] = static_cast<uint32_t>(i);
  std::sort(month_order.begin(), month_order.end(), [&](uint32_t x, uint32_t y) {
    const Page& a = *months_list[x];
    const Page& b = *months_list[y];
    return packed(dim_rank[a.dim], month_rank[a.day], office_rank[a.office]) <
           packed(dim_rank[b.dim], month_rank[b.day], office_rank[b.office]);
  });
  for (uint32_t i : month_order) {
    append_key('m', *months_list[i], months.Name(months_list[i]->day), true);
    Status s = write(month_bytes[i]);
    if (!s.ok()) return s;
  }
  // x/hub/p/t/<dim>/<day>/<office>
  by([&](const Page& p) {
    return packed(dim_rank[p.dim], day_rank[p.day], office_rank[p.office]);
  });
  for (uint32_t i : order) {
    append_key('t', *day_pages[i], days_.Name(day_pages[i]->day), true);
    Status s = write(day_bytes[i]);
    if (!s.ok()) return s;
  }
  if (batch.Count() > 0) {
    Status s = store->WriteUnlogged(batch);
    if (!s.ok()) return s;
  }
  pages_.clear();
  grid_.clear();
  for (Last& last : last_) last = Last();
  cells_ = 0;
  return Status::OK();
}

Status RebuildState::Dossier(replication::Store* store, std::string_view office,
                             std::string_view receipt, DossierState** out) {
  if (last_office_ == nullptr || !Same(office, last_office_name_)) {
    auto it = dossiers_.find(office);
    if (it == dossiers_.end())
      it = dossiers_.emplace(std::string(office), StringMap<DossierState>()).first;
    last_office_ = &it->second;
    last_office_name_.assign(office);
  }
  auto it = last_office_->find(receipt);
  if (it == last_office_->end()) {
    DossierState d;
    if (!complete) {
      const std::string key = codec::DossierKey(office, receipt);
      std::string v;
      Status s = store->Get(key, &v);
      if (s.ok()) {
        if (!d.Decode(v)) return Status::Corruption("bad dossier state at " + key);
      } else if (!s.IsNotFound()) {
        return s;
      }
    }
    bytes += receipt.size() + sizeof(DossierState) + 64;
    it = last_office_->emplace(std::string(receipt), std::move(d)).first;
  }
  *out = &it->second;
  return Status::OK();
}

Status RebuildState::Chunk(replication::Store* store, std::string_view office, int64_t time_ms,
                           std::string_view origin, std::string** out) {
  if (last_group_ == nullptr || !Same(office, last_group_->office) ||
      !Same(origin, last_group_->origin)) {
    scratch_.assign(office);
    scratch_.push_back('\0');
    scratch_.append(origin);
    auto it = chunks_.find(scratch_);
    if (it == chunks_.end()) {
      it = chunks_.emplace(scratch_, ChunkGroup()).first;
      it->second.office.assign(office);
      it->second.origin.assign(origin);
    }
    last_group_ = &it->second;
  }
  const int64_t start = codec::RatingChunkStart(time_ms);
  auto [it, inserted] = last_group_->hours.try_emplace(start);
  if (inserted) {
    if (!complete) {
      codec::RatingChunkKey(office, time_ms, origin, &scratch_);
      Status s = store->Get(scratch_, &it->second);
      if (!s.ok() && !s.IsNotFound()) return s;
    }
    bytes += it->second.size() + 128;
  }
  *out = &it->second;
  return Status::OK();
}

// Writes `batch` once it holds `max_ops` writes (or, with `last`, any).
Status RebuildState::Spill(replication::Store* store, replication::WriteBatch* batch,
                           size_t max_ops, bool last) {
  if (batch->Count() == 0 || (!last && batch->Count() < max_ops)) return Status::OK();
  Status s = store->WriteUnlogged(*batch);
  batch->Clear();
  return s;
}

Status RebuildState::WriteDossiers(replication::Store* store, size_t max_ops) const {
  // Nearly in key order without sorting keys: offices in order, each
  // office's receipts in order.
  replication::WriteBatch batch;
  std::string key;
  std::vector<std::pair<std::string_view, const DossierState*>> receipts;
  std::vector<std::string_view> offices;
  int64_t lead = 0;
  for (const auto& [office, by_receipt] : dossiers_) offices.push_back(office);
  std::sort(offices.begin(), offices.end());
  for (std::string_view office : offices) {
    receipts.clear();
    for (const auto& [receipt, d] : dossiers_.find(office)->second) {
      receipts.emplace_back(receipt, &d);
    }
    std::sort(receipts.begin(), receipts.end(),
              [](const auto& x, const auto& y) { return x.first < y.first; });
    for (const auto& [receipt, d] : receipts) {
      codec::DossierKey(office, receipt, &key);
      batch.Put(key, d->Encode());
      // The pending index of Decision 766 on the clock (report_decision766.h).
      if (d->entered && d->due_ms > 0) lead = std::max(lead, decision766::Lead(*d));
      if (d->PendingCounted()) {
        batch.Put(decision766::PendingKey(d->day, office, receipt), decision766::PendingValue(*d));
      } else if (!complete && d->entered) {
        batch.Delete(decision766::PendingKey(d->day, office, receipt));  // written by a spill
      }
      Status s = Spill(store, &batch, max_ops, false);
      if (!s.ok()) return s;
    }
  }
  if (lead > 0) {
    std::string v;
    Status s = store->Get(std::string(decision766::kLeadKey), &v);
    if (!s.ok() && !s.IsNotFound()) return s;
    if (!s.ok() || std::strtoll(v.c_str(), nullptr, 10) < lead) {
      batch.Put(std::string(decision766::kLeadKey), std::to_string(lead));
    }
  }
  return Spill(store, &batch, max_ops, true);
}

Status RebuildState::WriteChunks(replication::Store* store, size_t max_ops) const {
  // Groups by office and origin, each group's hours newest first.
  replication::WriteBatch batch;
  std::string key;
  std::vector<const ChunkGroup*> groups;
  for (const auto& [name, group] : chunks_) groups.push_back(&group);
  std::sort(groups.begin(), groups.end(), [](const ChunkGroup* x, const ChunkGroup* y) {
    return x->office != y->office ? x->office < y->office : x->origin < y->origin;
  });
  std::vector<std::pair<int64_t, const std::string*>> hours;
  for (const ChunkGroup* group : groups) {
    hours.clear();
    for (const auto& [start, chunk] : group->hours) hours.emplace_back(start, &chunk);
    std::sort(hours.begin(), hours.end(),
              [](const auto& x, const auto& y) { return x.first > y.first; });
    for (const auto& [start, chunk] : hours) {
      codec::RatingChunkKey(group->office, start, group->origin, &key);
      batch.Put(key, *chunk);
      Status s = Spill(store, &batch, max_ops, false);
      if (!s.ok()) return s;
    }
  }
  return Spill(store, &batch, max_ops, true);
}

void RebuildState::ForgetRecords() {
  dossiers_.clear();
  last_office_ = nullptr;
  chunks_.clear();
  last_group_ = nullptr;
  bytes = 0;
  complete = false;
}

Status RebuildState::WriteRecords(replication::Store* store, size_t max_ops) {
  Status s = WriteDossiers(store, max_ops);
  if (s.ok()) s = WriteChunks(store, max_ops);
  if (s.ok()) ForgetRecords();
  return s;
}

Status RebuildState::WriteAll(replication::Store* store, size_t max_ops) {
  // Three independent sets of records on two threads: the tally pages and
  // then the rating chunks on one, the dossier states on the other.
  Status other;
  std::thread t([&] {
    other = WriteTallies(store, max_ops);
    if (other.ok()) other = WriteChunks(store, max_ops);
  });
  Status s = WriteDossiers(store, max_ops);
  t.join();
  if (s.ok()) s = other;
  if (s.ok()) ForgetRecords();
  return s;
}

Status RebuildState::WriteTallies(replication::Store* store, size_t max_ops) {
  Status s = tallies.WriteTo(store, tallies_written, max_ops);
  if (s.ok()) tallies_written = true;
  return s;
}

}  // namespace hailong::hub
