#include "hailong/testing/programs.h"

// The paths come from tests/support/CMakeLists.txt.
namespace hailong::testing {

std::string EdgeProgram() { return HAILONG_TEST_EDGE_PROGRAM; }
std::string HubProgram() { return HAILONG_TEST_HUB_PROGRAM; }
std::string DevsimProgram() { return HAILONG_TEST_DEVSIM_PROGRAM; }
std::string CtlProgram() { return HAILONG_TEST_CTL_PROGRAM; }
std::string FaultProxyProgram() { return HAILONG_TEST_FAULTPROXY_PROGRAM; }
std::string MosquittoProgram() { return HAILONG_MOSQUITTO_PROGRAM; }
std::string MakeOfficeBrokerProgram() {
  return HAILONG_TEST_SOURCE_DIR "/ops/mosquitto/make-office-broker";
}
std::string EdgeWebRoot() { return HAILONG_TEST_SOURCE_DIR "/edge/web"; }
std::string HubWebRoot() { return HAILONG_TEST_SOURCE_DIR "/hub/web"; }

}  // namespace hailong::testing
