// Where the test programs find the programs they start: the project's own
// daemons and tools (the build's real targets, by $<TARGET_FILE:...>, never
// a guessed build path) and the system's Mosquitto. One place, so a moved
// or renamed target is fixed once.
//
// Thread safety: constant strings.
#pragma once

#include <string>

namespace hailong::testing {

std::string EdgeProgram();        // hailong-edge
std::string HubProgram();         // hailong-hub
std::string DevsimProgram();      // hailong-devsim ("" if not built)
std::string CtlProgram();         // hailongctl ("" if not built)
std::string FaultProxyProgram();  // hailong-faultproxy ("" if not built)
std::string MosquittoProgram();   // the system's mosquitto
// ops/mosquitto/make-office-broker (the office broker's configuration).
std::string MakeOfficeBrokerProgram();
// The source trees of the edge's and the hub's web pages.
std::string EdgeWebRoot();
std::string HubWebRoot();

}  // namespace hailong::testing
