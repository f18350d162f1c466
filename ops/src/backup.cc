// hailongctl backup: checkpoint of the log's store plus the data dir's
// other files, and the backup manifest (format in backup.h).
#include "hailong/ops/backup.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>

#include "file_tree.h"
#include "hailong/ops/data_dir.h"
#include "hailong/ops/log_verify.h"
#include "hailong/schema/version.h"

namespace hailong::ops {

namespace fs = std::filesystem;
using json = nlohmann::json;

uint64_t BackupManifest::HeadOf(const std::string& origin) const {
  for (const auto& o : origins) {
    if (o.origin == origin) return o.head_seq;
  }
  return 0;
}

std::string EncodeBackupManifest(const BackupManifest& m) {
  json origins = json::array();
  for (const auto& o : m.origins) {
    origins.push_back({{"origin", o.origin}, {"head_seq", o.head_seq}, {"head_hash", o.head_hash}});
  }
  return json{{"format_version", m.format_version},
              {"created_at", m.created_at},
              {"tool", m.tool},
              {"source", m.source},
              {"store", m.store},
              {"bytes", m.bytes},
              {"origins", origins}}
             .dump(2) +
         "\n";
}

Status DecodeBackupManifest(const std::string& text, BackupManifest* out) {
  *out = BackupManifest();
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Status::Corruption("the backup manifest is not a JSON object");
  const char* key = "format_version";
  try {
    out->format_version = j.at(key).get<int>();
    if (out->format_version != kBackupFormatVersion) {
      return Status::InvalidArgument("backup format " + std::to_string(out->format_version) +
                                     " is newer than this hailongctl understands");
    }
    key = "created_at";
    out->created_at = j.at(key).get<std::string>();
    key = "tool";
    out->tool = j.at(key).get<std::string>();
    key = "source";
    out->source = j.at(key).get<std::string>();
    key = "store";
    out->store = j.at(key).get<std::string>();
    key = "bytes";
    out->bytes = j.at(key).get<uint64_t>();
    key = "origins";
    for (const json& o : j.at(key)) {
      out->origins.push_back({o.at("origin").get<std::string>(), o.at("head_seq").get<uint64_t>(),
                              o.at("head_hash").get<std::string>()});
    }
  } catch (const json::exception&) {
    return Status::Corruption(std::string("the backup manifest has a missing or bad \"") + key +
                              "\"");
  }
  if (out->store.empty() || out->store.find("..") != std::string::npos || out->store[0] == '/') {
    return Status::Corruption("the backup manifest has a bad \"store\"");
  }
  return Status::OK();
}

Status ReadBackupManifest(const std::string& backup_dir, BackupManifest* out) {
  std::ifstream in(fs::path(backup_dir) / kBackupManifestFile, std::ios::binary);
  if (!in) {
    return Status::NotFound(backup_dir + " is not a backup (no " +
                            std::string(kBackupManifestFile) + ")");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return DecodeBackupManifest(text.str(), out);
}

namespace {

Status WriteManifest(const std::string& dir, const BackupManifest& m) {
  const fs::path final_path = fs::path(dir) / kBackupManifestFile;
  const fs::path tmp = final_path.string() + ".partial";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << EncodeBackupManifest(m);
    out.flush();
    if (!out) return Status::IOError("cannot write " + tmp.string());
  }
  // Durable before it is named: a manifest means a complete backup.
  int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    return Status::IOError("cannot sync " + tmp.string());
  }
  ::close(fd);
  std::error_code ec;
  fs::rename(tmp, final_path, ec);
  if (ec) return Status::IOError("cannot rename " + tmp.string() + ": " + ec.message());
  return SyncDir(dir);
}

Status DoBackup(const BackupOptions& options, const std::string& store_rel,
                BackupManifest* manifest) {
  const fs::path out_dir = options.out_dir;
  std::unique_ptr<replication::EventLog> log;
  Status s = OpenLogForReading(options.data_dir, &log);
  if (!s.ok()) return s;
  for (const std::string& origin : log->Origins()) {
    const replication::ChainHead head = log->Head(origin);
    manifest->origins.push_back({origin, head.seq, schema::HexEncode(head.hash)});
  }

  // The other files first (this creates out_dir), then the checkpoint.
  const uint64_t other_bytes =
      store_rel == "." ? 0
                       : TreeBytes(options.data_dir) -
                             TreeBytes((fs::path(options.data_dir) / store_rel).string());
  if (store_rel != ".") {
    s = CopyTree(
        options.data_dir, out_dir.string(),
        [&](const std::string& rel) { return rel == store_rel || rel == "tmp"; }, options.progress,
        other_bytes, nullptr);
    if (!s.ok()) return s;
  }
  const fs::path checkpoint = store_rel == "." ? out_dir : out_dir / store_rel;
  std::error_code ec;
  fs::create_directories(checkpoint.parent_path(), ec);
  s = log->store()->Checkpoint(checkpoint.string());
  if (!s.ok()) return s;
  log.reset();
  s = SyncDir(checkpoint.string());
  if (!s.ok()) return s;

  if (options.verify) {
    std::unique_ptr<replication::EventLog> copy;
    s = OpenLogForReading(checkpoint.string(), &copy);
    if (!s.ok()) return s;
    LogVerifyResult verified;
    s = VerifyLog(*copy, "", options.progress, &verified);
    if (!s.ok()) return s;
    for (const auto& o : manifest->origins) {
      const replication::ChainHead head = copy->Head(o.origin);
      if (head.seq != o.head_seq || schema::HexEncode(head.hash) != o.head_hash) {
        return Status::Corruption("the copy's head of " + o.origin + " differs from the source's");
      }
    }
  }
  manifest->bytes = TreeBytes(out_dir.string());
  return WriteManifest(out_dir.string(), *manifest);
}

}  // namespace

Status BackupDataDir(const BackupOptions& given, BackupManifest* manifest) {
  *manifest = BackupManifest();
  BackupOptions options = given;
  while (options.out_dir.size() > 1 && options.out_dir.back() == '/') options.out_dir.pop_back();
  std::string store_dir;
  Status s = FindLogStore(options.data_dir, &store_dir);
  if (!s.ok()) return s;
  int pid = 0;
  if (StoreInUse(store_dir, &pid)) {
    return Status::Unavailable(std::string(kDataDirInUse) + " (" + store_dir +
                               (pid > 0 ? ", pid " + std::to_string(pid) : "") + ")");
  }
  std::error_code ec;
  if (fs::exists(options.out_dir, ec)) {
    if (!fs::is_directory(options.out_dir, ec) || !fs::is_empty(options.out_dir, ec)) {
      return Status::InvalidArgument(options.out_dir + " exists and is not an empty directory");
    }
    fs::remove(options.out_dir, ec);
  }
  const fs::path out_parent = fs::absolute(options.out_dir, ec).lexically_normal().parent_path();
  fs::create_directories(out_parent, ec);
  if (ec) return Status::IOError("cannot create " + out_parent.string() + ": " + ec.message());
  fs::path data_abs = fs::absolute(options.data_dir, ec).lexically_normal();
  if (!data_abs.has_filename()) data_abs = data_abs.parent_path();
  std::string rel =
      fs::absolute(store_dir, ec).lexically_normal().lexically_relative(data_abs).string();
  if (rel.empty()) rel = ".";
  const Clock* clock = options.clock != nullptr ? options.clock : Clock::System();
  manifest->created_at = FormatRfc3339(clock->NowMs());
  manifest->tool = std::string("hailongctl ") + kVersion;
  manifest->source = data_abs.string();
  manifest->store = rel;
  s = DoBackup(options, rel, manifest);
  if (!s.ok()) RemoveTree(options.out_dir).PermitUncheckedError();
  return s;
}

}  // namespace hailong::ops
