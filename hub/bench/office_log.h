// A year of one office's events for the hub benchmarks (hailong-bench-hub,
// hailong-bench-province): ratings at the office's counters (82% satisfied,
// 11% neutral, 7% unsatisfied, a third about a dossier) and every fifth
// event a dossier received, between 08:00 and 17:00 of each day, as its
// edge would have made them (chained, origin `origin`), ingested into `log`
// in batches of 20,000 (EventLog::Ingest, as a hub stores a push).
//
// Header-only, for benchmarks only. Deterministic: the same seed gives the
// same events.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "hailong/replication/event_log.h"
#include "hailong/schema/event.h"

namespace hailong::bench {

// Called for each rating made: its day of the year (0..364) and its
// classification (1 satisfied, 2 neutral, 3 unsatisfied).
using OnRating = std::function<void(int day, int cls)>;

// Writes `events` events of office `office_id` under origin `origin` into
// `log`; exits with a message when the log refuses them. Returns their
// bytes as pushed (each event and its 4-byte frame length).
inline uint64_t GenerateOfficeLog(replication::EventLog* log, const std::string& origin,
                                  const std::string& office_id, uint64_t events, int64_t year_start,
                                  uint64_t seed, const OnRating& on_rating) {
  std::mt19937_64 rng(seed);
  schema::Hash prev = schema::kZeroHash;
  std::vector<std::string> batch;
  uint64_t dossier = 0, bytes = 0;
  for (uint64_t i = 0; i < events; ++i) {
    const int day = static_cast<int>(i * 365 / events);
    const int64_t t = year_start + int64_t{day} * 86400000 + 8 * 3600000 +
                      static_cast<int64_t>(rng() % (9 * 3600000));
    fb::EventT e;
    e.origin = origin;
    e.seq = i + 1;
    e.time_ms = t;
    e.prev_hash.assign(prev.begin(), prev.end());
    if (i % 5 == 0) {
      fb::DossierRecordedT d;
      d.receipt = office_id + "-" + std::to_string(++dossier);
      d.stage = fb::DossierStage::Received;
      d.office = office_id;
      d.counter = "q" + std::to_string(rng() % 6 + 1);
      d.officer = "cb-" + std::to_string(rng() % 12 + 1);
      d.field = "F" + std::to_string(rng() % 8);
      d.procedure = d.field + "-" + std::to_string(rng() % 6);
      d.due_ms = t + 3 * 86400000LL;
      d.at_ms = t;
      e.body.Set(std::move(d));
    } else {
      fb::RatingSubmittedT r;
      r.rating_id = std::to_string(i);
      r.office = office_id;
      r.counter = "q" + std::to_string(rng() % 6 + 1);
      r.officer = "cb-" + std::to_string(rng() % 12 + 1);
      r.device = "box-" + r.counter;
      r.channel = fb::Channel::ButtonBox;
      r.template_id = "smiley-4";
      r.template_version = 1;
      const int roll = static_cast<int>(rng() % 100);
      const int cls = roll < 82 ? 1 : (roll < 93 ? 2 : 3);
      auto a = std::make_unique<fb::AnswerT>();
      a->criterion = "overall";
      a->option = cls == 1 ? "satisfied" : (cls == 2 ? "neutral" : "unsatisfied");
      r.answers.push_back(std::move(a));
      r.classification = static_cast<fb::Classification>(cls);
      if (rng() % 3 == 0 && dossier > 0) {
        r.dossier = office_id + "-" + std::to_string(dossier);
        r.field = "F" + std::to_string(rng() % 8);
        r.procedure = r.field + "-" + std::to_string(rng() % 6);
      }
      r.device_time_ms = t;
      r.edge_time_ms = t;
      e.body.Set(std::move(r));
      if (on_rating) on_rating(day, cls);
    }
    batch.push_back(schema::SerializeEvent(e));
    prev = schema::ChainHash(prev, batch.back());
    bytes += batch.back().size() + 4;
    if (batch.size() == 20000 || i + 1 == events) {
      std::vector<std::string_view> views(batch.begin(), batch.end());
      replication::IngestResult result;
      const Status s = log->Ingest(origin, views, &result);
      if (!s.ok()) {
        std::fprintf(stderr, "bench: ingest %s: %s\n", origin.c_str(), s.ToString().c_str());
        std::exit(1);
      }
      batch.clear();
    }
  }
  return bytes;
}

}  // namespace hailong::bench
