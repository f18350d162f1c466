// What every hailongctl command handler shares: the streams, the language
// of messages and the output mode. Private to hailong_ops.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "hailong/ops/exit_codes.h"
#include "hailong/ops/hailongctl.h"
#include "hailong/schema/status.h"

namespace hailong::ops::cli {

enum class Lang { kVietnamese, kEnglish };

struct Context {
  explicit Context(const CtlStreams& s) : streams(s) {}

  const CtlStreams& streams;
  Lang lang = Lang::kVietnamese;
  bool json = false;  // --json: one JSON document on stdout
  int exit_code = kExitOk;

  // The message in the chosen language (Vietnamese first).
  const char* T(const char* vi, const char* en) const { return lang == Lang::kEnglish ? en : vi; }
  std::ostream& out() const { return streams.out; }
  std::ostream& err() const { return streams.err; }
  bool progress() const { return streams.stderr_is_terminal && !json; }

  // Reports `s` (not OK) on stderr, or as {"ok":false,"error":...} with
  // --json, and returns the exit status for it.
  int Fail(const Status& s, int exit_code) const;
  // Writes a JSON document and a newline to stdout.
  void PrintJson(const nlohmann::json& j) const;
};

// The exit status for a failed Status: Corruption 3, InvalidArgument 2,
// anything else 1.
int ExitFor(const Status& s);
// Like ExitFor, with Unavailable "data dir is in use..." (kDataDirInUse) as
// 4; any other Unavailable (a hub out of reach) stays 1.
int ExitForDataDir(const Status& s);

}  // namespace hailong::ops::cli
