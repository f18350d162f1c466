// SimulatorReport::ToJson: see simulator.h.
#include <cmath>

#include "hailong/devsim/simulator.h"

namespace hailong::devices {

nlohmann::json SimulatorReport::ToJson() const {
  auto round3 = [](double v) { return std::round(v * 1000) / 1000; };
  return {{"sent", sent},
          {"misuse_sent", misuse_sent},
          {"restored", restored},
          {"bad_sent", bad_sent},
          {"resent", resent},
          {"acked_stored", acked_stored},
          {"duplicate_acks", duplicate_acks},
          {"rejected", rejected},
          {"rejected_good", rejected_good},
          {"bad_unanswered", bad_unanswered},
          {"bad_stored", bad_stored},
          {"bad_other_reason", bad_other_reason},
          {"unacked", unacked},
          {"unknown_acks", unknown_acks},
          {"publish_errors", publish_errors},
          {"dossiers_posted", dossiers_posted},
          {"dossier_errors", dossier_errors},
          {"elapsed_s", round3(elapsed_s)},
          {"acked_per_s", round3(acked_per_s)},
          {"latency_ms",
           {{"p50", round3(latency_p50_ms)},
            {"p99", round3(latency_p99_ms)},
            {"max", round3(latency_max_ms)}}},
          {"exit_code", ExitCode()}};
}

}  // namespace hailong::devices
