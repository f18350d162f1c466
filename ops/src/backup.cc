// hailongctl backup: checkpoint of the log's store plus the data dir's
// other files, and the backup manifest (format in backup.h).
#include "hailong/ops/backup.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
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
#include "http_client.h"

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

// Asks the running edge for a checkpoint of its live log: *path, *name.
Status EdgeCheckpoint(HttpClient& client, const std::string& token, std::string* name,
                      std::string* path) {
  HttpResponse res;
  Status s = client.Post("/api/v1/admin/checkpoint", {{"Authorization", "Bearer " + token}},
                         "application/json", "{}", &res);
  if (!s.ok()) return s;
  if (res.status == 401) return Status::Unauthenticated("the edge does not accept the token");
  if (res.status == 403) {
    return Status::PermissionDenied("the edge has no admin token configured (admin_token_sha256)");
  }
  json j = json::parse(res.body, nullptr, false);
  if (res.status != 200 || !j.is_object() || !j.contains("path") || !j["path"].is_string()) {
    return Status::Unavailable("POST /api/v1/admin/checkpoint answered HTTP " +
                               std::to_string(res.status) + ": " + res.body.substr(0, 200));
  }
  *name = j.value("name", "");
  *path = j["path"].get<std::string>();
  return Status::OK();
}

// Best effort: the edge also removes checkpoints older than an hour.
void DeleteEdgeCheckpoint(HttpClient& client, const std::string& token, const std::string& name) {
  HttpResponse ignored;
  client
      .Delete("/api/v1/admin/checkpoint?name=" + name, {{"Authorization", "Bearer " + token}},
              &ignored)
      .PermitUncheckedError();
}

// Online: the edge checkpoints, we copy the checkpoint and the other files.
Status DoOnlineBackup(const BackupOptions& options, const std::string& store_rel,
                      const std::string& data_abs, BackupManifest* manifest) {
  if (store_rel == ".") {
    return Status::InvalidArgument("online backup needs the edge's data dir, not its log store");
  }
  HubUrl url;
  Status s = ParseHubUrl(options.edge_url, &url);
  if (!s.ok()) return s;
  HttpClient client(url, options.timeout_seconds);
  std::string name, checkpoint;
  s = EdgeCheckpoint(client, options.edge_token, &name, &checkpoint);
  if (!s.ok()) return s;
  // The checkpoint must be the one in this data dir (the URL could name
  // another edge).
  std::error_code ec;
  const fs::path cp = fs::weakly_canonical(checkpoint, ec);
  const fs::path tmp_dir = fs::weakly_canonical(fs::path(data_abs) / "tmp", ec);
  const bool ours = !ec && cp.parent_path() == tmp_dir && fs::is_directory(cp, ec);
  if (!ours) {
    DeleteEdgeCheckpoint(client, options.edge_token, name);
    return Status::InvalidArgument("the edge at " + options.edge_url +
                                   " does not keep its data in " + data_abs +
                                   " (its checkpoint is " + checkpoint + ")");
  }
  // Only for the progress bar: the live log grows meanwhile.
  const int64_t others =
      static_cast<int64_t>(TreeBytes(data_abs)) -
      static_cast<int64_t>(TreeBytes((fs::path(data_abs) / store_rel).string())) -
      static_cast<int64_t>(TreeBytes(tmp_dir.string()));
  const uint64_t total =
      static_cast<uint64_t>(std::max<int64_t>(others, 0)) + TreeBytes(cp.string());
  uint64_t copied = 0;
  s = CopyTree(
      data_abs, options.out_dir,
      [&](const std::string& rel) { return rel == store_rel || rel == "tmp"; }, options.progress,
      total, &copied);
  if (s.ok()) {
    const fs::path dest = fs::path(options.out_dir) / store_rel;
    fs::create_directories(dest.parent_path(), ec);
    s = CopyTree(cp.string(), dest.string(), nullptr,
                 options.progress ? ProgressFn([&](uint64_t done, uint64_t) {
                   options.progress(copied + done, total);
                 })
                                  : ProgressFn(),
                 total, nullptr);
  }
  DeleteEdgeCheckpoint(client, options.edge_token, name);
  if (!s.ok()) return s;
  const fs::path copy_store = fs::path(options.out_dir) / store_rel;
  std::unique_ptr<replication::EventLog> copy;
  s = OpenLogForReading(copy_store.string(), &copy);
  if (!s.ok()) return s;
  for (const std::string& origin : copy->Origins()) {
    const replication::ChainHead head = copy->Head(origin);
    manifest->origins.push_back({origin, head.seq, schema::HexEncode(head.hash)});
  }
  if (options.verify) {
    LogVerifyResult verified;
    s = VerifyLog(*copy, "", options.progress, &verified);
    if (!s.ok()) return s;
  }
  copy.reset();
  manifest->bytes = TreeBytes(options.out_dir);
  return WriteManifest(options.out_dir, *manifest);
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
  const bool online = StoreInUse(store_dir, &pid);
  if (online && options.edge_url.empty()) {
    return Status::Unavailable(std::string(kDataDirInUse) + " (" + store_dir +
                               (pid > 0 ? ", pid " + std::to_string(pid) : "") +
                               "); a running edge is backed up with --url and --token-file");
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
  s = online ? DoOnlineBackup(options, rel, data_abs.string(), manifest)
             : DoBackup(options, rel, manifest);
  if (!s.ok()) RemoveTree(options.out_dir).PermitUncheckedError();
  return s;
}

}  // namespace hailong::ops
