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
  t.unsatisfied_dossiers = (bad > 0 || Overdue()) ? 1 : 0;
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

std::string RatingIndexEntry::Encode() const {
  std::string out;
  out.push_back(static_cast<char>(classification));
  PutVarint(&out, (misuse ? 1u : 0u) | (voided ? 2u : 0u) | (has_comment ? 4u : 0u) |
                      (has_phone ? 8u : 0u));
  PutString(&out, counter);
  PutString(&out, officer);
  PutString(&out, channel);
  PutString(&out, field);
  PutString(&out, procedure);
  return out;
}

bool RatingIndexEntry::Decode(std::string_view in) {
  if (in.empty()) return false;
  classification = static_cast<uint8_t>(in[0]);
  in.remove_prefix(1);
  uint64_t bits = 0;
  if (!GetVarint(&in, &bits) || !GetString(&in, &counter) || !GetString(&in, &officer) ||
      !GetString(&in, &channel)) {
    return false;
  }
  field.clear();
  procedure.clear();
  has_dims = !in.empty();
  if (has_dims && (!GetString(&in, &field) || !GetString(&in, &procedure))) return false;
  misuse = bits & 1;
  voided = bits & 2;
  has_comment = bits & 4;
  has_phone = bits & 8;
  return true;
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
  scratch_.clear();
  scratch_.push_back(static_cast<char>(dim));
  scratch_.append(office);
  scratch_.push_back('\0');
  scratch_.append(day);
  scratch_.push_back('\0');
  scratch_.append(value);
  auto it = cells_.find(scratch_);
  if (it == cells_.end()) it = cells_.emplace(scratch_, Tally()).first;
  it->second.Add(delta);
}

Status Overlay::MergedTallies(
    std::vector<std::pair<std::string, std::optional<std::string>>>* out) const {
  // Each cell is one office-first (a/) and one day-first (t/) key of its
  // own; months (m/) sum the cells of their days.
  std::vector<std::pair<std::string, const Tally*>> deltas;
  deltas.reserve(cells_.size() * 2);
  std::unordered_map<std::string, Tally> months;
  for (const auto& [cell, delta] : cells_) {
    if (delta.IsZero()) continue;
    const auto dim = static_cast<Dimension>(cell[0]);
    const size_t a = cell.find('\0', 1);
    const size_t b = cell.find('\0', a + 1);
    const std::string_view view(cell);
    const std::string_view office = view.substr(1, a - 1);
    const std::string_view day = view.substr(a + 1, b - a - 1);
    const std::string_view value = view.substr(b + 1);
    deltas.emplace_back(codec::TallyKey(dim, office, day, value), &delta);
    deltas.emplace_back(codec::DayMajorTallyKey(dim, day, office, value), &delta);
    months[codec::MonthTallyKey(dim, day.substr(0, 7), office, value)].Add(delta);
  }
  for (auto& [key, delta] : months) deltas.emplace_back(key, &delta);
  std::sort(deltas.begin(), deltas.end(),
            [](const auto& x, const auto& y) { return x.first < y.first; });
  out->clear();
  out->reserve(deltas.size());
  std::string stored;
  for (auto& [key, delta] : deltas) {
    if (delta->IsZero()) continue;
    Tally current;
    if (!no_stored_tallies_) {
      Status s = store_->Get(key, &stored);
      if (s.ok()) {
        if (!current.Decode(stored)) return Status::Corruption("bad tally at " + key);
      } else if (!s.IsNotFound()) {
        return s;
      }
    }
    current.Add(*delta);
    if (current.IsZero()) {
      out->emplace_back(std::move(key), std::nullopt);
    } else {
      out->emplace_back(std::move(key), current.Encode());
    }
  }
  return Status::OK();
}

Status Overlay::Flush(replication::WriteBatch* batch) const {
  std::vector<std::pair<std::string, std::optional<std::string>>> writes;
  Status s = MergedTallies(&writes);
  if (!s.ok()) return s;
  const size_t tally_writes = writes.size();
  for (const auto& [key, value] : records_) writes.emplace_back(key, value);
  std::sort(writes.begin() + static_cast<std::ptrdiff_t>(tally_writes), writes.end(),
            [](const auto& x, const auto& y) { return x.first < y.first; });
  for (const auto& [key, value] : writes) {
    if (value) {
      batch->Put(key, *value);
    } else {
      batch->Delete(key);
    }
  }
  return Status::OK();
}

Status Overlay::FlushCells(size_t max_ops) {
  std::vector<std::pair<std::string, std::optional<std::string>>> writes;
  Status s = MergedTallies(&writes);
  if (!s.ok()) return s;
  replication::WriteBatch batch;
  for (const auto& [key, value] : writes) {
    if (value) {
      batch.Put(key, *value);
    } else {
      batch.Delete(key);
    }
    if (batch.Count() >= max_ops) {
      s = store_->Write(batch, false);
      if (!s.ok()) return s;
      batch = replication::WriteBatch();
    }
  }
  if (batch.Count() > 0) {
    s = store_->Write(batch, false);
    if (!s.ok()) return s;
  }
  cells_.clear();
  no_stored_tallies_ = false;
  return Status::OK();
}

}  // namespace hailong::hub
