// SimLoop: one epoll set driving every simulated device's MQTT socket from
// the simulator's thread (private to hailong_devices).
//
// Thread safety: none; one thread calls everything.
#pragma once

#include <memory>
#include <vector>

#include "hailong/schema/status.h"
#include "sim_device.h"

namespace hailong::devices::internal {

class SimLoop {
 public:
  SimLoop() = default;
  ~SimLoop();
  SimLoop(const SimLoop&) = delete;
  SimLoop& operator=(const SimLoop&) = delete;

  Status Open();
  // Brings the epoll set up to date with the devices' sockets (new socket,
  // output waiting), waits for readiness until `deadline` at the latest and
  // lets each ready device read and write (its callbacks run here).
  void Poll(const std::vector<std::unique_ptr<SimDevice>>& devices, Steady::time_point deadline);
  // Keepalive and timeouts of every device.
  void Tick(const std::vector<std::unique_ptr<SimDevice>>& devices);

 private:
  int epoll_fd_ = -1;
  bool no_pwait2_ = false;  // epoll_pwait2 unavailable: epoll_wait in ms
};

}  // namespace hailong::devices::internal
