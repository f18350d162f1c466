// Key layout of the event log inside the Store (doc/log_format.md).
//
//   e/<origin>/<seq: 8 bytes big-endian>  -> event bytes (one fb::Event)
//   h/<origin>                            -> head: seq (8 BE) + chain hash (32)
//   i/<origin>/<idempotency id>           -> seq (8 BE)
//   m/format                              -> "1"
//
// Origins are ids without '/', so "e/<origin>/" prefixes never overlap and
// big-endian seqs make key order equal log order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "hailong/replication/event_log.h"

namespace hailong::replication::keys {

std::string EventKey(std::string_view origin, uint64_t seq);
// First key after every event of `origin`.
std::string EventEnd(std::string_view origin);
std::string HeadKey(std::string_view origin);
std::string IdempotencyKey(std::string_view origin, std::string_view id);

inline constexpr std::string_view kHeadPrefix = "h/";
inline constexpr std::string_view kHeadEnd = "h0";  // '0' follows '/'
inline constexpr std::string_view kFormatKey = "m/format";

void PutFixed64BE(std::string* dst, uint64_t v);
uint64_t DecodeFixed64BE(std::string_view src);  // src.size() >= 8

std::string EncodeHead(const ChainHead& head);
bool DecodeHead(std::string_view value, ChainHead* head);
// Parses the seq out of an event key of `origin`; false if it is not one.
bool ParseEventKey(std::string_view key, std::string_view origin, uint64_t* seq);

}  // namespace hailong::replication::keys
