// The command line of hailong-devsim (CLI11): every option, with its help
// in Vietnamese or English, bound to DevsimArgs; then the files the options
// name are read into the simulator's options.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "hailong/devsim/responder.h"
#include "hailong/devsim/simulator.h"
#include "hailong/survey/template_registry.h"

namespace hailong::devsim_cli {

struct DevsimArgs {
  bool en = false;  // messages in English (--lang en or HAILONG_LANG=en)
  devices::SimulatorOptions sim;
  std::string counters = "q1";  // a list "q1,q2" or a count "N"
  std::string template_id = survey::kDefaultTemplateId;
  std::string template_file, password_file, dossier_token_file, procedures_file;
  std::string lang = "vi";
  bool report_json = false, quiet = false, list_templates = false;
  bool responder = false;
  std::string responder_username;
  int responder_clients = 4;
  bool responder_ack_only = false, responder_count_only = false;
};

// --lang en or HAILONG_LANG=en, looked up before the options are declared
// (their help is in the chosen language).
bool WantsEnglish(int argc, char** argv);
// The translation of one message: `vi` unless `en`.
inline std::string Say(bool en, const char* vi, const char* english) {
  return std::string(en ? english : vi);
}

// Declares every option on `app`, bound to *args (which must outlive it).
void AddDevsimOptions(CLI::App* app, DevsimArgs* args);
// After parsing: the simulator options from what was given and the files
// named (password, dossier token, template, procedures). False after
// printing why on stderr (the exit status is then 2).
bool CompleteDevsimArgs(const CLI::App& app, DevsimArgs* args);
// The --responder options.
devices::AckResponderOptions ResponderOptions(const DevsimArgs& args);

}  // namespace hailong::devsim_cli
