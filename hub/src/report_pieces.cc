#include "report_pieces.h"

#include <unordered_map>

#include "codec.h"
#include "projection_state.h"

namespace hailong::hub {

// Month roll-ups: "<YYYY-MM>/<office>".
bool MonthMajorKey(std::string_view rest, std::string_view, std::string_view* office_part,
                   std::string_view* period) {
  if (rest.size() < 9 || rest[7] != '/') return false;
  *office_part = rest.substr(8);
  *period = rest.substr(0, 7);
  return true;
}

// Day-first tallies: "<YYYY-MM-DD>/<office>".
bool DayMajorKey(std::string_view rest, std::string_view, std::string_view* office_part,
                 std::string_view* period) {
  if (rest.size() < 12 || rest[10] != '/') return false;
  *office_part = rest.substr(11);
  *period = rest.substr(0, 10);
  return true;
}

// One office's day tallies: "<YYYY-MM-DD>" after the office's prefix.
bool OfficeDayKey(std::string_view rest, std::string_view fixed_office,
                  std::string_view* office_part, std::string_view* period) {
  if (rest.size() != 10) return false;
  *office_part = fixed_office;
  *period = rest;
  return true;
}

namespace {

// Decodes pages into one piece.
class PieceBuilder {
 public:
  // `unique_keys`: every (office, value) comes once (one period, one page
  // per office), so keys need no index.
  explicit PieceBuilder(bool unique_keys = false)
      : piece_(std::make_shared<TallyPiece>()), unique_keys_(unique_keys) {}
  bool AddPage(std::string_view office_part, std::string_view period, std::string_view page) {
    TallyPiece& p = *piece_;
    if (p.periods.empty() || p.periods.back() != period) p.periods.emplace_back(period);
    const auto period_index = static_cast<uint32_t>(p.periods.size() - 1);
    if (office_part != last_office_part_ || decoded_office_.empty()) {
      last_office_part_.assign(office_part);
      decoded_office_ = codec::UnKeyPart(office_part);
    }
    return ForEachInTallyPage(page, [&](std::string_view v, const Tally& t) {
      raw_.assign(office_part);
      raw_.push_back('\0');
      raw_.append(v);
      auto index = static_cast<uint32_t>(p.keys.size());
      bool added = true;
      if (!unique_keys_) {
        auto it = key_index_.emplace(raw_, index);
        added = it.second;
        index = it.first->second;
      }
      if (added) {
        p.keys.push_back(TallyPiece::Key{decoded_office_, std::string(v), 0});
        if (!unique_keys_) p.sums.emplace_back();
        raw_keys_.push_back(raw_);
      }
      p.cells.push_back(TallyPiece::Cell{index, period_index, t});
      if (!unique_keys_) p.sums[index].Add(t);
    });
  }
  // The piece, its keys numbered by the cache's id table.
  std::shared_ptr<TallyPiece> Finish(ReportCache* cache) {
    cache->Intern(piece_.get(), raw_keys_);
    return std::move(piece_);
  }

 private:
  std::shared_ptr<TallyPiece> piece_;
  bool unique_keys_;
  std::unordered_map<std::string, uint32_t> key_index_;
  std::vector<std::string> raw_keys_;
  std::string raw_, last_office_part_, decoded_office_;
};

}  // namespace

Status BuildPieces(const replication::Store& store, const std::string& prefix,
                   const std::vector<std::string>& periods, PageKeyParser parse,
                   std::string_view fixed_office, bool single, ReportCache* cache,
                   std::vector<std::shared_ptr<TallyPiece>>* out) {
  std::vector<PieceBuilder> builders;
  for (size_t i = 0; i < (single ? 1 : periods.size()); ++i) builders.emplace_back(!single);
  size_t at = 0;
  Status bad;
  Status s = store.Scan(
      prefix + periods.front(), prefix + periods.back() + "0",  // '0' sorts right after '/'
      [&](std::string_view key, std::string_view value) {
        std::string_view office_part, period;
        if (!parse(key.substr(prefix.size()), fixed_office, &office_part, &period)) return true;
        if (!single) {
          while (at < periods.size() && periods[at] < period) ++at;
          if (at == periods.size()) return false;
          if (periods[at] != period) return true;
        }
        if (!builders[single ? 0 : at].AddPage(office_part, period, value)) {
          bad = Status::Corruption("bad tally page at " + std::string(key));
          return false;
        }
        return true;
      });
  if (!s.ok()) return s;
  if (!bad.ok()) return bad;
  out->clear();
  for (PieceBuilder& b : builders) out->push_back(b.Finish(cache));
  return Status::OK();
}

}  // namespace hailong::hub
