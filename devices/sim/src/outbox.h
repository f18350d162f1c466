// Outbox: a simulated device's pending ratings on disk, so that a restarted
// hailong-devsim resends them with the same ids.
//
// Format: a text journal, one record per line: "+<payload JSON>" when a
// rating is created, "-<id>" when it was answered. Open() replays it, then
// rewrites the file with only the pending ratings. Lines are flushed to the
// operating system at once (a killed process loses nothing; a power cut may
// lose the last lines, acceptable for a simulator).
//
// Thread safety: none; the owner serializes calls.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "hailong/schema/status.h"

namespace hailong::devices::internal {

class Outbox {
 public:
  // Opens or creates `path`; *pending = (id, payload) of ratings not yet
  // answered, in creation order.
  static Status Open(const std::string& path, std::unique_ptr<Outbox>* out,
                     std::vector<std::pair<std::string, std::string>>* pending);
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // `payload` must be one line of JSON with a string "id".
  Status Add(const std::string& payload);
  Status Done(const std::string& id);

 private:
  Outbox(std::FILE* file, std::string path) : file_(file), path_(std::move(path)) {}
  Status Write(char tag, const std::string& text);
  std::FILE* file_;
  std::string path_;
};

}  // namespace hailong::devices::internal
