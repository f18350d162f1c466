// An office's Mosquitto as production runs it: the configuration that
// ops/mosquitto/make-office-broker writes (one user and password per
// device, the edge's user, ACL, persistence, queue limits, an optional TLS
// listener), started as a MosquittoBroker on free loopback ports.
//
// Thread safety: free functions; the broker as in mosquitto.h.
#pragma once

#include <memory>
#include <string>

#include "hailong/schema/status.h"
#include "hailong/testing/mosquitto.h"

namespace hailong::testing {

struct OfficeBrokerOptions {
  // make-office-broker --dir: the configuration, passwords and persistence.
  std::string dir;
  std::string office;
  std::string edge_password;
  int devices = 4;
  // Device user names are <prefix>1..N; "" = make-office-broker's default
  // ("box-").
  std::string device_prefix;
  // Both set: a TLS listener too (--tls-port) with this PEM certificate
  // and key; MosquittoBroker::second_port() is its port.
  std::string tls_cert;
  std::string tls_key;
};

// Runs make-office-broker (with --run-as root when the test runs as root)
// and starts Mosquitto on what it wrote; waits for every listener.
Status StartOfficeBroker(const OfficeBrokerOptions& options, std::unique_ptr<MosquittoBroker>* out);

// Device `name`'s own password (make-office-broker's
// <dir>/devices/<name>.password, without the newline); "" if none.
std::string OfficeDevicePassword(const std::string& dir, const std::string& name);

}  // namespace hailong::testing
