// RebuildState (rebuild_state.h): a rebuild's dossier states and rating
// chunks in memory, spilled and written at the end.
#include "rebuild_state.h"

#include <algorithm>
#include <cstring>
#include <thread>

#include "codec.h"
#include "report_decision766.h"

namespace hailong::hub {

using rebuild::Same;

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
