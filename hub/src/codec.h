// Private encodings of the hub's store keys and values.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "hailong/hub/read_model.h"

namespace hailong::hub::codec {

// j as compact JSON text; bytes that are not UTF-8 (event strings come from
// other nodes and FlatBuffers does not check them) become U+FFFD instead of
// throwing.
std::string Dump(const nlohmann::json& j);

// Percent-encodes '/', '%' and control bytes so a value can be one key part.
std::string KeyPart(std::string_view value);
void AppendKeyPart(std::string* out, std::string_view value);
std::string UnKeyPart(std::string_view part);
// Zero-padded 20-digit decimal: sorts like the number.
std::string SeqPart(uint64_t seq);

void PutVarint(std::string* out, uint64_t v);
bool GetVarint(std::string_view* in, uint64_t* v);
inline uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t UnZigZag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}
void PutString(std::string* out, std::string_view s);
bool GetString(std::string_view* in, std::string* s);

// ---- keys ----
// x/hub/model_format -> the layout version of the read models below (kept
// across a rebuild; a hub that finds another version rebuilds at start).
inline constexpr std::string_view kModelFormatKey = "x/hub/model_format";
// 3: catalogue entries keyed by office; refused events (rn/, rx/).
// 4: very_satisfied in tallies and the rating index; complaints (cp/) and
// pending dossiers with a due time (pd/).
// 5: participation by stage and visits (Tally, DossierState's return day).
inline constexpr std::string_view kModelFormat = "5";
// x/hub/p/cur/<origin> -> applied seq (decimal)
std::string CursorKey(std::string_view origin);
inline constexpr std::string_view kCursorPrefix = "x/hub/p/cur/";
// Tallies are stored a page at a time: one record per (dimension, office,
// day) holding the Tally of every value seen that day (TallyPage), so a
// rebuild writes a few records per office-day, not one per value.
// x/hub/p/a/<dim>/<office>/<day> -> TallyPage
std::string TallyKey(Dimension dim, std::string_view office, std::string_view day);
std::string TallyOfficePrefix(Dimension dim, std::string_view office);
// x/hub/p/m/<dim>/<YYYY-MM>/<office> -> TallyPage: the month's roll-up
// (month first, so a report over whole months of every office is one scan).
std::string MonthTallyKey(Dimension dim, std::string_view month, std::string_view office);
std::string MonthTallyPrefix(Dimension dim);
// x/hub/p/t/<dim>/<day>/<office> -> TallyPage: the day pages again, day
// first, so a period of days over many offices is one scan.
std::string DayMajorTallyKey(Dimension dim, std::string_view day, std::string_view office);
std::string DayMajorTallyPrefix(Dimension dim);
// x/hub/p/off/<office> -> "" (every office seen)
std::string OfficeKey(std::string_view office);
inline constexpr std::string_view kOfficePrefix = "x/hub/p/off/";
// x/hub/p/d/<office>/<receipt> -> DossierState
std::string DossierKey(std::string_view office, std::string_view receipt);
// The same into *out (no allocation when it has the capacity).
void DossierKey(std::string_view office, std::string_view receipt, std::string* out);
// x/hub/p/rf/<origin>/<seq> -> RatingFlags
std::string RatingFlagsKey(std::string_view origin, uint64_t seq);
// Newest first in key order: kMaxTime - time.
inline constexpr uint64_t kMaxTime = 0x7fffffffffffffffULL;
inline uint64_t InvertTime(int64_t time_ms) {
  return kMaxTime - static_cast<uint64_t>(time_ms < 0 ? 0 : time_ms);
}
inline int64_t UninvertTime(uint64_t inverted) { return static_cast<int64_t>(kMaxTime - inverted); }
// The rating index, an hour of one origin at a time:
// x/hub/p/ri/<office>/<inverted hour start>/<origin> -> RatingChunk (newest
// hour first in key order; the entries of a chunk in seq order).
inline constexpr int64_t kRatingChunkMs = 3600000;
inline int64_t RatingChunkStart(int64_t time_ms) {
  return time_ms >= 0 ? time_ms - time_ms % kRatingChunkMs
                      : time_ms - (time_ms % kRatingChunkMs + kRatingChunkMs) % kRatingChunkMs;
}
std::string RatingChunkKey(std::string_view office, int64_t time_ms, std::string_view origin);
// The same into *out.
void RatingChunkKey(std::string_view office, int64_t time_ms, std::string_view origin,
                    std::string* out);
std::string RatingIndexPrefix(std::string_view office);
// The scan range [*begin, *end) of `office`'s chunks that may hold ratings
// timed in [from_ms, to_ms].
void RatingChunkRange(std::string_view office, int64_t from_ms, int64_t to_ms, std::string* begin,
                      std::string* end);
// The hour start of a chunk key under `prefix`; false if malformed.
bool RatingChunkTime(std::string_view key, std::string_view prefix, int64_t* start_ms);
// x/hub/p/fu/<follow-up id> -> JSON
std::string FollowUpKey(std::string_view id);
inline constexpr std::string_view kFollowUpPrefix = "x/hub/p/fu/";
// x/hub/p/cat/<kind>/<office>/<id> -> JSON (office "" for district-wide
// entries and for every office entry); x/hub/p/tpl/<id> -> JSON
std::string CatalogueKey(std::string_view kind, std::string_view office, std::string_view id);
inline constexpr std::string_view kCataloguePrefix = "x/hub/p/cat/";
std::string TemplateKey(std::string_view id);
inline constexpr std::string_view kTemplatePrefix = "x/hub/p/tpl/";
// Events refused by event_authorization.h, per origin:
// x/hub/p/rn/<origin> -> how many (decimal);
// x/hub/p/rx/<origin>/<n 20> -> JSON {"seq","type","reason","time_ms","office"?}
// of its n-th (n from 1, in seq order).
std::string RefusedCountKey(std::string_view origin);
inline constexpr std::string_view kRefusedCountPrefix = "x/hub/p/rn/";
std::string RefusedEventKey(std::string_view origin, uint64_t n);
std::string RefusedEventPrefix(std::string_view origin);
// x/hub/p/duty/<office>/<counter> -> JSON {officer, officer_name, template, since_ms}
std::string DutyKey(std::string_view office, std::string_view counter);

// Not projections (kept across a rebuild):
// x/hub/node/<id> -> JSON node statistics
std::string NodeKey(std::string_view id);
inline constexpr std::string_view kNodePrefix = "x/hub/node/";
// x/hub/recv/<origin>/<first seq> -> JSON {first,last,received}
std::string ReceivedKey(std::string_view origin, uint64_t first_seq);
// x/hub/sess/<sha256 hex of the session id> -> JSON session
std::string SessionKey(std::string_view id_hash_hex);
inline constexpr std::string_view kSessionPrefix = "x/hub/sess/";
// x/hub/refused_audited/<origin> -> how many of the origin's refused events
// (x/hub/p/rn/) have their audit entry (decimal; written with the entry)
std::string RefusalsAuditedKey(std::string_view origin);
// x/hub/audit/<time ms 20>/<n 20> -> JSON audit entry
std::string AuditKey(int64_t time_ms, uint64_t n);
inline constexpr std::string_view kAuditPrefix = "x/hub/audit/";

}  // namespace hailong::hub::codec
