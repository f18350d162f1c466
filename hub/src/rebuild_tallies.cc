// RebuildTallies (rebuild_state.h): a rebuild's tally cells in memory and
// their pages and month roll-ups written at the end.
#include <algorithm>
#include <cstring>
#include <thread>

#include "codec.h"
#include "rebuild_state.h"
#include "report_decision766.h"

namespace hailong::hub {

using rebuild::Same;

namespace {
// Pages with more values than this look them up in a hash map.
constexpr size_t kLinearValues = 24;
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

}  // namespace hailong::hub
