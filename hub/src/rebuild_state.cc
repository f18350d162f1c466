#include "rebuild_state.h"

#include <algorithm>
#include <thread>

#include "codec.h"

namespace hailong::hub {

namespace {
// Pages with more values than this look them up in a hash map.
constexpr size_t kLinearValues = 24;

// Writes `writes` (key, value; nullopt = delete) in key order, in batches
// of at most `max_ops`.
template <typename Entry, typename KeyOf, typename PutOne>
Status WriteSorted(replication::Store* store, std::vector<Entry>* entries, size_t max_ops,
                   KeyOf key_of, PutOne put_one) {
  std::sort(entries->begin(), entries->end(),
            [&](const Entry& x, const Entry& y) { return key_of(x) < key_of(y); });
  replication::WriteBatch batch;
  for (const Entry& e : *entries) {
    put_one(e, &batch);
    if (batch.Count() >= max_ops) {
      Status s = store->Write(batch, false);
      if (!s.ok()) return s;
      batch.Clear();
    }
  }
  if (batch.Count() > 0) return store->Write(batch, false);
  return Status::OK();
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
  if (last_office_id_ == UINT32_MAX || office != last_office_) {
    last_office_id_ = offices_.Intern(office);
    last_office_.assign(office);
  }
  return last_office_id_;
}

uint32_t RebuildTallies::DayId(std::string_view day) {
  if (last_day_id_ == UINT32_MAX || day != last_day_) {
    last_day_id_ = days_.Intern(day);
    last_day_.assign(day);
  }
  return last_day_id_;
}

uint32_t RebuildTallies::ValueId(int dim, std::string_view value) {
  if (values_[dim].size() == 0 || value != last_value_[dim]) {
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
    const uint64_t key = (uint64_t{static_cast<uint8_t>(d)} << 56) | (uint64_t{o} << 28) | y;
    Page*& page = by_key_[key];
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
  // Each page's bytes once; its keys (two for a day page) point at them.
  std::vector<std::string> bytes;
  bytes.reserve(pages_.size() + month_pages.size());
  struct Write {
    std::string key;
    size_t bytes;
  };
  std::vector<Write> writes;
  writes.reserve(pages_.size() * 2 + month_pages.size());
  std::vector<std::pair<std::string_view, const Tally*>> sorted;
  std::string stored;
  auto encode = [&](const Page& page, const std::string& key) -> Status {
    const Interner& names = values_[page.dim];
    sorted.clear();
    for (size_t i = 0; i < page.values.size(); ++i) {
      sorted.emplace_back(names.Name(page.values[i]), &page.tallies[i]);
    }
    std::sort(sorted.begin(), sorted.end(),
              [](const auto& x, const auto& y) { return x.first < y.first; });
    if (!merge) {
      bytes.push_back(EncodeTallyPage(sorted));
      return Status::OK();
    }
    TallyPage merged;
    Status s = store->Get(key, &stored);
    if (s.ok()) {
      if (!DecodeTallyPage(stored, &merged)) return Status::Corruption("bad tally page at " + key);
    } else if (!s.IsNotFound()) {
      return s;
    }
    for (const auto& [value, tally] : sorted) {
      auto it = merged.find(value);
      if (it == merged.end()) it = merged.emplace(std::string(value), Tally()).first;
      it->second.Add(*tally);
    }
    bytes.push_back(EncodeTallyPage(merged));
    return Status::OK();
  };
  for (const Page& page : pages_) {
    const auto dim = static_cast<Dimension>(page.dim);
    const std::string_view office = offices_.Name(page.office), day = days_.Name(page.day);
    std::string key = codec::TallyKey(dim, office, day);
    Status s = encode(page, key);
    if (!s.ok()) return s;
    writes.push_back(Write{std::move(key), bytes.size() - 1});
    writes.push_back(Write{codec::DayMajorTallyKey(dim, day, office), bytes.size() - 1});
  }
  for (const Page& page : month_pages) {
    std::string key = codec::MonthTallyKey(static_cast<Dimension>(page.dim), months.Name(page.day),
                                           offices_.Name(page.office));
    Status s = encode(page, key);
    if (!s.ok()) return s;
    writes.push_back(Write{std::move(key), bytes.size() - 1});
  }
  Status s = WriteSorted(
      store, &writes, max_ops, [](const Write& w) -> const std::string& { return w.key; },
      [&](const Write& w, replication::WriteBatch* batch) {
        const std::string& value = bytes[w.bytes];
        if (!value.empty()) {
          batch->Put(w.key, value);
        } else if (merge) {
          batch->Delete(w.key);  // every tally back to zero
        }
      });
  if (!s.ok()) return s;
  pages_.clear();
  by_key_.clear();
  for (Last& last : last_) last = Last();
  cells_ = 0;
  return Status::OK();
}

Status RebuildState::Dossier(replication::Store* store, std::string_view office,
                             std::string_view receipt, DossierState** out) {
  if (last_office_ == nullptr || office != last_office_name_) {
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
  if (office != chunk_office_ || origin != chunk_origin_) {
    chunk_hours_.clear();
    chunk_office_.assign(office);
    chunk_origin_.assign(origin);
  }
  const int64_t start = codec::RatingChunkStart(time_ms);
  std::string*& chunk = chunk_hours_[start];
  if (chunk == nullptr) {
    std::string key = codec::RatingChunkKey(office, time_ms, origin);
    auto it = chunks_.find(key);
    if (it == chunks_.end()) {
      std::string v;
      if (!complete) {
        Status s = store->Get(key, &v);
        if (!s.ok() && !s.IsNotFound()) return s;
      }
      bytes += key.size() + v.size() + 64;
      it = chunks_.emplace(std::move(key), std::move(v)).first;
    }
    chunk = &it->second;
  }
  *out = chunk;
  return Status::OK();
}

Status RebuildState::WriteRecords(replication::Store* store, size_t max_ops) {
  struct Record {
    std::string key;
    const DossierState* dossier;  // null: a chunk
    const std::string* chunk;
  };
  std::vector<Record> records;
  records.reserve(chunks_.size() + bytes / 256);
  for (const auto& [office, receipts] : dossiers_) {
    for (const auto& [receipt, d] : receipts) {
      records.push_back(Record{codec::DossierKey(office, receipt), &d, nullptr});
    }
  }
  for (const auto& [key, c] : chunks_) records.push_back(Record{key, nullptr, &c});
  Status s = WriteSorted(
      store, &records, max_ops, [](const Record& r) -> const std::string& { return r.key; },
      [](const Record& r, replication::WriteBatch* batch) {
        if (r.dossier != nullptr) {
          batch->Put(r.key, r.dossier->Encode());
        } else {
          batch->Put(r.key, *r.chunk);
        }
      });
  if (!s.ok()) return s;
  records.clear();
  dossiers_.clear();
  last_office_ = nullptr;
  chunks_.clear();
  chunk_hours_.clear();
  chunk_office_.clear();
  chunk_origin_.clear();
  bytes = 0;
  complete = false;
  return Status::OK();
}

Status RebuildState::WriteAll(replication::Store* store, size_t max_ops) {
  // The two sets of records are independent: one thread each.
  Status tallies_status;
  std::thread t([&] { tallies_status = WriteTallies(store, max_ops); });
  Status s = WriteRecords(store, max_ops);
  t.join();
  return s.ok() ? tallies_status : s;
}

Status RebuildState::WriteTallies(replication::Store* store, size_t max_ops) {
  Status s = tallies.WriteTo(store, tallies_written, max_ops);
  if (s.ok()) tallies_written = true;
  return s;
}

}  // namespace hailong::hub
