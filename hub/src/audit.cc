#include "audit.h"

#include "codec.h"

namespace hailong::hub {

using json = nlohmann::json;

Status AuditLog::Record(const std::string& user, const std::string& role,
                        const std::string& address, const std::string& action,
                        const std::string& target, const json& detail,
                        replication::WriteBatch* with) {
  const int64_t now = clock_->NowMs();
  json entry{{"at", FormatRfc3339(now)}, {"user", user},     {"role", role},
             {"address", address},       {"action", action}, {"target", target},
             {"detail", detail}};
  replication::WriteBatch own;
  replication::WriteBatch& batch = with != nullptr ? *with : own;
  // The counter makes keys unique within a millisecond (and across restarts
  // the time moves on).
  batch.Put(codec::AuditKey(now, counter_.fetch_add(1)), codec::Dump(entry));
  return store_->Write(batch, true);
}

Status AuditLog::List(int64_t from_ms, int64_t to_ms, size_t limit, json* out) const {
  *out = json::array();
  const std::string begin = codec::AuditKey(from_ms, 0);
  const std::string end = codec::AuditKey(to_ms, 0);
  return store_->Scan(begin, end, [&](std::string_view, std::string_view value) {
    json j = json::parse(value, nullptr, false);
    if (!j.is_discarded()) out->push_back(std::move(j));
    return out->size() < limit;
  });
}

}  // namespace hailong::hub
