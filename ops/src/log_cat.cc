#include "hailong/ops/log_cat.h"

#include "hailong/schema/event_json.h"

namespace hailong::ops {

Status CatLog(const replication::EventLog& log, const LogCatOptions& options, std::ostream& out,
              LogCatResult* result) {
  *result = LogCatResult();
  std::vector<std::string> origins;
  if (options.origin.empty()) {
    origins = log.Origins();
  } else {
    if (log.Head(options.origin).seq == 0) {
      return Status::NotFound("the log holds no events of origin " + options.origin);
    }
    origins.push_back(options.origin);
  }
  const uint64_t from = options.from_seq == 0 ? 1 : options.from_seq;
  std::string line;
  for (const std::string& origin : origins) {
    Status failure;
    Status s =
        log.Scan(origin, from, [&](uint64_t seq, std::string_view bytes, const fb::Event& event) {
          try {
            // Invalid UTF-8 (the Verifier does not check
            // text) becomes U+FFFD rather than an abort.
            line = schema::EventToJson(event).dump(-1, ' ', false,
                                                   nlohmann::json::error_handler_t::replace);
          } catch (const std::exception& e) {
            failure = Status::Corruption("event " + origin + " seq " + std::to_string(seq) +
                                         " cannot be shown: " + e.what());
            return false;
          }
          line.push_back('\n');
          out.write(line.data(), static_cast<std::streamsize>(line.size()));
          ++result->events;
          return static_cast<bool>(out);
        });
    if (!s.ok()) return s;
    if (!failure.ok()) return failure;
    if (!out) return Status::IOError("cannot write the output");
  }
  out.flush();
  if (!out) return Status::IOError("cannot write the output");
  return Status::OK();
}

}  // namespace hailong::ops
