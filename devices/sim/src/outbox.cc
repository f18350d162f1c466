// Outbox: see outbox.h.
#include "outbox.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <set>

#include "hailong/devices/payload.h"

namespace hailong::devices::internal {
namespace {

Status Errno(const std::string& what) {
  return Status::IOError(what + ": " + std::strerror(errno));
}

}  // namespace

Status Outbox::Open(const std::string& path, std::unique_ptr<Outbox>* out,
                    std::vector<std::pair<std::string, std::string>>* pending) {
  pending->clear();
  {
    std::ifstream in(path);
    std::vector<std::pair<std::string, std::string>> created;
    std::set<std::string> done;
    std::string line;
    while (std::getline(in, line)) {
      if (line.size() < 2) continue;  // a torn last line
      if (line[0] == '+') {
        std::optional<std::string> id = survey::ExtractRatingId(std::string_view(line).substr(1));
        if (id) created.emplace_back(*id, line.substr(1));
      } else if (line[0] == '-') {
        done.insert(line.substr(1));
      }
    }
    std::set<std::string> seen;
    for (auto& [id, payload] : created) {
      if (done.count(id) == 0 && seen.insert(id).second) {
        pending->emplace_back(id, std::move(payload));
      }
    }
  }
  // Compact: rewrite with only the pending ratings, then append.
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) return Errno("cannot write " + tmp);
  for (const auto& [id, payload] : *pending) {
    std::fputc('+', f);
    std::fwrite(payload.data(), 1, payload.size(), f);
    std::fputc('\n', f);
  }
  if (std::fflush(f) != 0 || std::fclose(f) != 0) return Errno("cannot write " + tmp);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return Errno("cannot replace " + path);
  f = std::fopen(path.c_str(), "a");
  if (f == nullptr) return Errno("cannot open " + path);
  out->reset(new Outbox(f, path));
  return Status::OK();
}

Outbox::~Outbox() { std::fclose(file_); }

Status Outbox::Write(char tag, const std::string& text) {
  std::fputc(tag, file_);
  std::fwrite(text.data(), 1, text.size(), file_);
  std::fputc('\n', file_);
  if (std::fflush(file_) != 0) return Errno("cannot append to " + path_);
  return Status::OK();
}

Status Outbox::Add(const std::string& payload) { return Write('+', payload); }
Status Outbox::Done(const std::string& id) { return Write('-', id); }

}  // namespace hailong::devices::internal
