// The hub's read models: what the projector derives from the merged logs
// and the reports read. All keys live in the log's Store under "x/hub/p/"
// (see hub/README.md, "Read models"), so a rebuild drops that prefix and
// replays every origin from seq 1.
//
// Thread safety: plain values and free functions.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace hailong::hub {

// What ratings and dossiers are aggregated by (besides office and day).
enum class Dimension : uint8_t {
  kOffice = 0,     // the office itself (value "")
  kCounter = 1,    // counter id
  kOfficer = 2,    // officer id ("" = none signed in)
  kField = 3,      // field (lĩnh vực) code
  kProcedure = 4,  // procedure code
  kTemplate = 5,   // survey template id (ratings only)
  kChannel = 6,    // button_box, touchscreen, phone, web (ratings only)
  kAnswer = 7,     // "<template>|<criterion>|<option>" (ratings only)
};
inline constexpr int kDimensionCount = 8;
const char* DimensionName(Dimension d);
bool DimensionFromName(std::string_view name, Dimension* out);

// Counters of one (dimension, office, day, value) cell. Signed so that
// deltas (a voided rating) use the same type.
struct Tally {
  // Ratings that count: neither suspected misuse nor voided.
  int64_t ratings = 0;
  int64_t satisfied = 0;
  int64_t neutral = 0;
  int64_t unsatisfied = 0;
  int64_t unclassified = 0;
  int64_t with_comment = 0;
  int64_t with_phone = 0;
  // Ratings left out: suspected misuse or voided.
  int64_t excluded = 0;
  // Dossiers, on the day they entered the system (received, or returned
  // when the system never saw them received).
  int64_t dossiers = 0;
  int64_t rated_dossiers = 0;  // with at least one counted rating
  // Decision 766: rated unsatisfied, complained about (a follow-up) or overdue.
  int64_t unsatisfied_dossiers = 0;
  // Dossiers returned, on their return day.
  int64_t returned = 0;
  int64_t returned_on_time = 0;
  // Of `satisfied`: ratings at the top of the scale ("Rất hài lòng"), every
  // answer `very_satisfied` (VerySatisfied(), batch_applier_ratings.cc).
  // Last: added after the others (older encodings decode it as 0).
  int64_t very_satisfied = 0;
  // Decision 766 on the clock: in the tallies, dossiers (on their entry
  // day) pending with a due time and not otherwise unsatisfied; in a
  // report, those of them past due at its "as of" time, which are also in
  // unsatisfied_dossiers (hub/src/report_decision766.md).
  int64_t pending_with_due = 0;
  // Participation by stage (hub/src/report_participation.md): of
  // `dossiers` (entry day), those rated at intake; of `returned` (return
  // day), those rated at return. A rating's stage is what the node that
  // took it knew (RatingSubmitted.stage); Unknown counts in neither.
  int64_t intake_rated_dossiers = 0;
  int64_t return_rated_dossiers = 0;
  // Visits (VisitRecorded: queue numbers, citizens served), on their day:
  // the base of participation by visits (ratings / visits).
  int64_t visits = 0;

  static constexpr int kFields = 18;
  std::array<int64_t*, kFields> Fields();
  std::array<const int64_t*, kFields> Fields() const;
  // Inline: a rebuild adds millions of tallies.
  void Add(const Tally& other, int sign = 1) {
    ratings += sign * other.ratings;
    satisfied += sign * other.satisfied;
    neutral += sign * other.neutral;
    unsatisfied += sign * other.unsatisfied;
    unclassified += sign * other.unclassified;
    with_comment += sign * other.with_comment;
    with_phone += sign * other.with_phone;
    excluded += sign * other.excluded;
    dossiers += sign * other.dossiers;
    rated_dossiers += sign * other.rated_dossiers;
    unsatisfied_dossiers += sign * other.unsatisfied_dossiers;
    returned += sign * other.returned;
    returned_on_time += sign * other.returned_on_time;
    very_satisfied += sign * other.very_satisfied;
    pending_with_due += sign * other.pending_with_due;
    intake_rated_dossiers += sign * other.intake_rated_dossiers;
    return_rated_dossiers += sign * other.return_rated_dossiers;
    visits += sign * other.visits;
  }
  Tally Negated() const {
    Tally t;
    t.Add(*this, -1);
    return t;
  }
  bool IsZero() const {
    return (ratings | satisfied | neutral | unsatisfied | unclassified | with_comment | with_phone |
            excluded | dossiers | rated_dossiers | unsatisfied_dossiers | returned |
            returned_on_time | very_satisfied | pending_with_due | intake_rated_dossiers |
            return_rated_dossiers | visits) == 0;
  }
  bool operator==(const Tally& other) const;

  // One counted rating (not misuse, not voided) of `classification`, an
  // fb::Classification value; values this build does not name count as
  // unclassified.
  static Tally OneRating(uint8_t classification, bool with_comment, bool with_phone);

  std::string Encode() const;
  // Appends Encode()'s bytes to *out.
  void EncodeTo(std::string* out) const;
  // False if `bytes` is not an encoded Tally. Shorter encodings (older
  // versions with fewer fields) decode with the missing fields 0.
  bool Decode(std::string_view bytes);
};

// Wilson score interval for `successes` of `n` at 95% confidence.
struct Interval {
  double low = 0;
  double high = 1;
};
Interval WilsonInterval(int64_t successes, int64_t n, double z = 1.959963984540054);

// Key prefixes (all under "x/hub/p/", the projection namespace).
inline constexpr std::string_view kHubPrefix = "x/hub/";
inline constexpr std::string_view kProjectionPrefix = "x/hub/p/";

}  // namespace hailong::hub
