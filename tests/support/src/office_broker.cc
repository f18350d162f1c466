#include "hailong/testing/office_broker.h"

#include <unistd.h>

#include <vector>

#include "hailong/testing/ports.h"
#include "hailong/testing/process.h"
#include "hailong/testing/programs.h"
#include "hailong/testing/temp_dir.h"

namespace hailong::testing {

Status StartOfficeBroker(const OfficeBrokerOptions& options,
                         std::unique_ptr<MosquittoBroker>* out) {
  MosquittoOptions mosquitto;
  mosquitto.dir = options.dir;
  mosquitto.port = FreeTcpPort();
  mosquitto.config_file = options.dir + "/mosquitto.conf";
  std::vector<std::string> argv = {MakeOfficeBrokerProgram(),
                                   "--office",
                                   options.office,
                                   "--port",
                                   std::to_string(mosquitto.port),
                                   "--dir",
                                   options.dir,
                                   "--edge-password",
                                   options.edge_password,
                                   "--devices",
                                   std::to_string(options.devices)};
  if (!options.device_prefix.empty())
    argv.insert(argv.end(), {"--device-prefix", options.device_prefix});
  // As root, Mosquitto would become user "mosquitto" and not read the files.
  if (::geteuid() == 0) argv.insert(argv.end(), {"--run-as", "root"});
  if (!options.tls_cert.empty()) {
    mosquitto.second_port = FreeTcpPort();
    argv.insert(argv.end(), {"--tls-port", std::to_string(mosquitto.second_port), "--tls-cert",
                             options.tls_cert, "--tls-key", options.tls_key});
  }
  CommandResult made;
  Status s = RunCommand(argv, &made);
  if (!s.ok()) return s;
  if (made.exit_code != 0) return Status::IOError("make-office-broker: " + made.output);
  return MosquittoBroker::Start(mosquitto, out);
}

std::string OfficeDevicePassword(const std::string& dir, const std::string& name) {
  std::string text = ReadFileOrEmpty(dir + "/devices/" + name + ".password");
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

}  // namespace hailong::testing
