#include "hailong/hub/read_model.h"

#include <cmath>

#include "codec.h"
#include "hailong/schema/events_generated.h"

namespace hailong::hub {

namespace {
constexpr const char* kDimensionNames[kDimensionCount] = {
    "office", "counter", "officer", "field", "procedure", "template", "channel", "answer"};
}

const char* DimensionName(Dimension d) {
  const auto i = static_cast<size_t>(d);
  return i < kDimensionCount ? kDimensionNames[i] : "office";
}

bool DimensionFromName(std::string_view name, Dimension* out) {
  for (int i = 0; i < kDimensionCount; ++i) {
    if (name == kDimensionNames[i]) {
      *out = static_cast<Dimension>(i);
      return true;
    }
  }
  return false;
}

namespace {
// The fields of `t` in order (T: int64_t or const int64_t).
template <typename T, typename Self>
std::array<T*, Tally::kFields> FieldsOf(Self& t) {
  return {&t.ratings,
          &t.satisfied,
          &t.neutral,
          &t.unsatisfied,
          &t.unclassified,
          &t.with_comment,
          &t.with_phone,
          &t.excluded,
          &t.dossiers,
          &t.rated_dossiers,
          &t.unsatisfied_dossiers,
          &t.returned,
          &t.returned_on_time,
          &t.very_satisfied,
          &t.pending_with_due,
          &t.intake_rated_dossiers,
          &t.return_rated_dossiers,
          &t.visits};
}
}  // namespace

std::array<int64_t*, Tally::kFields> Tally::Fields() { return FieldsOf<int64_t>(*this); }

std::array<const int64_t*, Tally::kFields> Tally::Fields() const {
  return FieldsOf<const int64_t>(*this);
}

Tally Tally::OneRating(uint8_t classification, bool with_comment, bool with_phone) {
  Tally t;
  t.ratings = 1;
  switch (static_cast<fb::Classification>(classification)) {
    case fb::Classification::Satisfied:
      t.satisfied = 1;
      break;
    case fb::Classification::Neutral:
      t.neutral = 1;
      break;
    case fb::Classification::Unsatisfied:
      t.unsatisfied = 1;
      break;
    default:
      t.unclassified = 1;
      break;
  }
  t.with_comment = with_comment ? 1 : 0;
  t.with_phone = with_phone ? 1 : 0;
  return t;
}

bool Tally::operator==(const Tally& other) const {
  auto a = Fields();
  auto b = other.Fields();
  for (int i = 0; i < kFields; ++i) {
    if (*a[i] != *b[i]) return false;
  }
  return true;
}

std::string Tally::Encode() const {
  std::string out;
  EncodeTo(&out);
  return out;
}

void Tally::EncodeTo(std::string* out) const {
  out->push_back(static_cast<char>(kFields));
  for (const int64_t* f : Fields()) codec::PutVarint(out, codec::ZigZag(*f));
}

bool Tally::Decode(std::string_view bytes) {
  *this = Tally();
  if (bytes.empty()) return false;
  const int n = static_cast<unsigned char>(bytes[0]);
  bytes.remove_prefix(1);
  auto fields = Fields();
  for (int i = 0; i < n; ++i) {
    uint64_t v = 0;
    if (!codec::GetVarint(&bytes, &v)) return false;
    if (i < kFields) *fields[i] = codec::UnZigZag(v);
  }
  return bytes.empty();
}

Interval WilsonInterval(int64_t successes, int64_t n, double z) {
  if (n <= 0) return Interval{0.0, 1.0};
  const double nn = static_cast<double>(n);
  const double p = static_cast<double>(successes) / nn;
  const double z2 = z * z;
  const double denom = 1.0 + z2 / nn;
  const double center = (p + z2 / (2 * nn)) / denom;
  const double half = z * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / denom;
  Interval out{center - half, center + half};
  if (out.low < 0) out.low = 0;
  if (out.high > 1) out.high = 1;
  return out;
}

}  // namespace hailong::hub
