// Simulator::Impl: one simulator run, shared by the files that each hold
// one part of it (see simulator.h for the behaviour):
//   simulator.cc    the run loop, the devices' connections, shutdown;
//   sim_setup.cc    checking the options and making the devices;
//   sim_presses.cc  presses, payloads, publishing and resending;
//   sim_answers.cc  acks from the edge (or the broker) and the report;
//   sim_history.cc  history mode and the dossiers posted to an edge.
//
// Thread safety: Init and Run on one thread (the run loop's). OnAck,
// OnPublished and OnSession run on the MQTT callbacks; they take the
// device's mu, and the counters they change are atomic.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hailong/devsim/simulator.h"
#include "hailong/schema/status.h"
#include "hailong/survey/survey_template.h"
#include "sim_device.h"
#include "sim_edge.h"
#include "sim_loop.h"

namespace hailong::devices {

class Simulator::Impl {
 public:
  explicit Impl(SimulatorOptions options) : o_(std::move(options)) {}
  ~Impl() {
    if (acked_file_ != nullptr) std::fclose(acked_file_);
  }

  // Checks the options (InvalidArgument naming the option), fetches the
  // edge's counters and templates, makes the devices and opens their
  // outboxes (sim_setup.cc).
  Status Init();
  // The whole run (simulator.cc).
  Status Run(const std::atomic<bool>* stop, const std::atomic<bool>* abort,
             SimulatorReport* report);

 private:
  using Device = internal::SimDevice;
  using Steady = internal::Steady;

  // simulator.cc
  Status CreateClients();
  void ManageConnection(Device& d, Steady::time_point now);
  void Shutdown();
  template <typename Done>
  void RunLoopUntil(Steady::time_point deadline, Done done);

  // sim_presses.cc
  bool Publish(Device& d, const std::string& payload, uint64_t order = 0);
  std::shared_ptr<const survey::SurveyTemplate> SurveyOf(Device& d);
  std::string GoodPayload(Device& d, const std::string& id, int64_t at_ms);
  void OnSession(Device& d, std::string_view payload);
  void Press(Device& d, Steady::time_point now);
  void PressOne(Device& d, Steady::time_point now, int64_t at_ms, bool misuse);
  void Pump(Device& d, Steady::time_point now, Steady::duration timeout);

  // sim_history.cc
  void PostLiveDossier(Device& d, const std::string& receipt, int64_t now_ms);
  void CountDossier(const Status& s);
  void BuildHistory();

  // sim_answers.cc
  void OnAck(Device& d, std::string_view payload);
  void OnPublished(Device& d, int mid);
  void Settle(Device& d, std::unordered_map<std::string, uint64_t>::iterator order, bool stored,
              const std::string& error, Steady::time_point now);
  uint64_t Outstanding();
  void Progress(Steady::time_point now, uint64_t acked_last_second);
  void Finish(SimulatorReport* r);

  static bool IsUp(Device& d) { return d.IsUp(); }

  SimulatorOptions o_;
  std::string run_;
  std::vector<std::unique_ptr<Device>> devices_;
  internal::SimLoop loop_;
  Steady::time_point start_;
  uint64_t presses_ = 0;  // main thread only
  uint64_t restored_ = 0;
  std::FILE* acked_file_ = nullptr;  // fprintf locks the stream itself
  std::atomic<uint64_t> sent_{0}, misuse_sent_{0}, bad_sent_{0}, resent_{0}, acked_stored_{0},
      duplicate_acks_{0}, rejected_{0}, rejected_good_{0}, unknown_acks_{0}, bad_stored_{0},
      bad_other_reason_{0}, publish_errors_{0};
  std::atomic<int64_t> last_ack_{0};
  std::shared_ptr<const survey::SurveyTemplate> default_survey_;
  std::atomic<uint64_t> sessions_seen_{0};
  internal::EdgeCatalogue edge_;
  uint64_t seed_ = 0;
  uint64_t dossiers_posted_ = 0, dossier_errors_ = 0;  // main thread only
  // Not-JSON payloads still awaiting a rejection with id null.
  std::atomic<uint64_t> anonymous_outstanding_{0};
};

}  // namespace hailong::devices
