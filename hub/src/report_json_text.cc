// ReportToJsonText (report.h) and ReportRowToJsonText (report_json_text.h):
// the report's JSON written as text, without building a json object per
// row. WriteRow is the one list of a row's fields: ReportToJson and
// ReportRowToJson parse this text (report_json.cc), the CSV and XLSX
// exports read that.
#include "report_json_text.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "codec.h"
#include "hailong/hub/report.h"
#include "hailong/schema/time.h"
#include "report_rules.h"

namespace hailong::hub {

namespace {

// The JSON text being written: a buffer that grows by doubling, with
// inline appends (std::string's push_back and append, out of line, were a
// third of an uncached report's cost).
class JsonSink {
 public:
  explicit JsonSink(size_t reserve) { buf_.resize(reserve); }
  void Put(char c) {
    *Room(1) = c;
    ++n_;
  }
  [[gnu::always_inline]] void Put(std::string_view v) {
    if (v.empty()) return;  // its data() may be null, which memcpy must not get
    std::memcpy(Room(v.size()), v.data(), v.size());
    n_ += v.size();
  }
  // Shortest round-trip text of a finite `v`, with ".0" when it would read
  // as an integer ("1" -> "1.0": rates stay visibly real).
  void PutDouble(double v) {
    char* at = Room(40);
    auto r = std::to_chars(at, at + 32, v);
    if (std::string_view(at, static_cast<size_t>(r.ptr - at)).find_first_of(".eE") ==
        std::string_view::npos) {
      *r.ptr++ = '.';
      *r.ptr++ = '0';
    }
    Advance(static_cast<size_t>(r.ptr - at));
  }
  // At least `k` writable bytes at the end; Advance(k) after writing.
  [[gnu::always_inline]] char* Room(size_t k) {
    if (buf_.size() - n_ < k) Grow(k);
    return buf_.data() + n_;
  }
  void Grow(size_t k) { buf_.resize(std::max(buf_.size() * 2, n_ + k)); }
  void Advance(size_t k) { n_ += k; }
  size_t size() const { return n_; }
  std::string Since(size_t from) const { return buf_.substr(from, n_ - from); }
  // The last targets written by WriteRow and their text (",\"target_...").
  const Targets* targets = nullptr;
  std::string targets_text;
  std::string Take() {
    buf_.resize(n_);
    return std::move(buf_);
  }

 private:
  std::string buf_;
  size_t n_ = 0;
};

// A JSON text writer for the report's flat rows, without building a json
// object per row (the uncached report's cost was mostly there when rows
// were json objects).
class RowWriter {
 public:
  explicit RowWriter(JsonSink* out) : out_(out) {}
  [[gnu::always_inline]] void Key(std::string_view key) {
    char* at = out_->Room(key.size() + 4);
    char* p = at;
    if (!first_) *p++ = ',';
    first_ = false;
    *p++ = '"';
    std::memcpy(p, key.data(), key.size());
    p += key.size();
    *p++ = '"';
    *p++ = ':';
    out_->Advance(static_cast<size_t>(p - at));
  }
  [[gnu::always_inline]] void Str(std::string_view key, std::string_view v) {
    Key(key);
    String(v);
  }
  [[gnu::always_inline]] void Int(std::string_view key, int64_t v, bool known = true) {
    Key(key);
    if (!known) return out_->Put("null");
    char* at = out_->Room(24);
    auto r = std::to_chars(at, at + 24, v);
    out_->Advance(static_cast<size_t>(r.ptr - at));
  }
  [[gnu::always_inline]] void Num(std::string_view key, double v, bool known = true) {
    Key(key);
    if (!known || !std::isfinite(v)) return out_->Put("null");
    out_->PutDouble(v);
  }
  [[gnu::always_inline]] void Bool(std::string_view key, bool v) {
    Key(key);
    out_->Put(v ? std::string_view("true") : std::string_view("false"));
  }
  // Printable ASCII without quote or backslash is written as is; anything
  // else goes through nlohmann's escaping (invalid UTF-8 replaced).
  void String(std::string_view v) {
    for (char c : v) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u >= 0x7f || c == '"' || c == '\\') {
        out_->Put(codec::Dump(nlohmann::json(std::string(v))));
        return;
      }
    }
    char* at = out_->Room(v.size() + 2);
    at[0] = '"';
    if (!v.empty()) std::memcpy(at + 1, v.data(), v.size());  // data() may be null when empty
    at[v.size() + 1] = '"';
    out_->Advance(v.size() + 2);
  }

 private:
  JsonSink* out_;
  bool first_ = true;
};

void WriteRow(const Report& report, const ReportRow& row, const HubConfig& config, bool totals,
              JsonSink* out) {
  const Tally& t = row.tally;
  const GroupBy g = report.query.group_by;
  out->Put('{');
  RowWriter w(out);
  if (!totals) {
    switch (g) {
      case GroupBy::kOffice:
        w.Str("office", row.office);
        break;
      case GroupBy::kCounter:
      case GroupBy::kOfficer:
        w.Str("office", row.office);
        w.Str(GroupByName(g), row.key);
        break;
      default:
        w.Str(GroupByName(g), row.key);
        break;
    }
    if (CatalogueKindOf(g) != nullptr) w.Str("name", row.name);
  }
  const Share share = SatisfactionShare(t, config.satisfaction_neutral);
  const Interval ci = WilsonInterval(share.satisfied, share.ratings);
  w.Int("ratings", t.ratings);
  w.Int("satisfied", t.satisfied);
  w.Int("neutral", t.neutral);
  w.Int("unsatisfied", t.unsatisfied);
  w.Int("very_satisfied", t.very_satisfied);
  w.Int("satisfied_only", t.satisfied - t.very_satisfied);
  w.Num("satisfaction_rate", Rate(share.satisfied, share.ratings));
  w.Num("satisfaction_ci_low", ci.low);
  w.Num("satisfaction_ci_high", ci.high);
  const bool dk = report.dossiers_known, rk = report.returned_known;
  w.Int("dossiers", t.dossiers, dk);
  w.Int("rated_dossiers", t.rated_dossiers, dk);
  w.Num("participation_rate", Rate(t.rated_dossiers, t.dossiers), dk);
  w.Int("unclassified", t.unclassified);
  w.Int("excluded", t.excluded);
  w.Int("with_comment", t.with_comment);
  w.Int("with_phone", t.with_phone);
  w.Int("returned", t.returned, rk);
  w.Int("returned_on_time", t.returned_on_time, rk);
  w.Num("on_time_rate", Rate(t.returned_on_time, t.returned), rk);
  w.Int("unsatisfied_dossiers", t.unsatisfied_dossiers, dk);
  w.Num("decision766_rate", Rate(t.dossiers - t.unsatisfied_dossiers, t.dossiers), dk);
  w.Int("overdue_pending_dossiers", t.pending_with_due, dk);
  w.Int("intake_rated_dossiers", t.intake_rated_dossiers, dk);
  w.Num("participation_intake_rate", Rate(t.intake_rated_dossiers, t.dossiers), dk);
  w.Int("return_rated_dossiers", t.return_rated_dossiers, rk);
  w.Num("participation_return_rate", Rate(t.return_rated_dossiers, t.returned), rk);
  const bool vk = report.visits_known;
  w.Int("visits", t.visits, vk);
  w.Num("participation_visit_rate", Rate(t.ratings, t.visits), vk);
  if (!totals && g == GroupBy::kOffice) {
    const Targets& target = config.TargetsFor(row.office);
    // Most offices share the default targets: their text is written once.
    if (out->targets == &target) {
      out->Put(out->targets_text);
    } else {
      const size_t from = out->size();
      w.Num("target_satisfaction", target.satisfaction);
      w.Num("target_participation", target.participation);
      w.Num("target_decision766", target.decision766);
      w.Num("target_participation_intake", target.participation_intake);
      w.Num("target_participation_return", target.participation_return);
      w.Num("target_participation_visits", target.participation_visits);
      out->targets = &target;
      out->targets_text = out->Since(from);
    }
    w.Bool("below_satisfaction_target", BelowSatisfaction(share, target));
    w.Bool("below_participation_target",
           t.dossiers > 0 && Rate(t.rated_dossiers, t.dossiers) < target.participation);
    w.Bool("below_decision766_target", dk && BelowDecision766(t, target));
    const StageTargets stage = BelowStageTargets(report, t, target);
    w.Bool("below_participation_intake_target", stage.intake);
    w.Bool("below_participation_return_target", stage.ret);
    w.Bool("below_participation_visits_target", stage.visits);
  }
  out->Put('}');
}

}  // namespace

std::string ReportRowToJsonText(const Report& report, const ReportRow& row, const HubConfig& config,
                                bool totals) {
  JsonSink out(768);
  WriteRow(report, row, config, totals, &out);
  return out.Take();
}

std::string ReportToJsonText(const Report& report, const HubConfig& config) {
  JsonSink out(256 + report.rows.size() * 720);
  out.Put('{');
  RowWriter top(&out);
  top.Str("from", report.query.from);
  top.Str("to", report.query.to);
  top.Key("office");
  if (report.query.offices.size() == 1) {
    top.String(report.query.offices[0]);
  } else {
    out.Put("null");
  }
  top.Str("group_by", GroupByName(report.query.group_by));
  const auto filters = Filters(report.query);
  if (!filters.empty()) {
    // The filters applied, so a client knows the figures honour them.
    top.Key("filters");
    out.Put('{');
    RowWriter f(&out);
    for (const auto& [key, value] : filters) f.Str(key, *value);
    out.Put('}');
  }
  top.Str("as_of", FormatRfc3339(report.as_of_ms));
  top.Str("satisfaction_neutral", NeutralPolicyName(config.satisfaction_neutral));
  top.Key("rows");
  out.Put('[');
  for (size_t i = 0; i < report.rows.size(); ++i) {
    if (i > 0) out.Put(',');
    WriteRow(report, report.rows[i], config, false, &out);
  }
  out.Put(']');
  top.Key("totals");
  ReportRow totals;
  totals.tally = report.totals;
  WriteRow(report, totals, config, true, &out);
  out.Put('}');
  return out.Take();
}

}  // namespace hailong::hub
